"""The rubric judges behind an audit report: each score's ``rubric_judge`` classifier record, counted.

The rubric readout (:func:`assay.scoring.rubric.readout.rubric_readout`) gives the figures; what fixed them
(rubric name, version and hash, the judge models, group size, scoring, token limit, prompt hash, validations)
is recorded with every score as a classifier record (:func:`assay.scoring.rubric.rubric_classifier`).
:func:`judge_setups` reads those records back, one :class:`JudgeSetup` per target model and configuration.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from assay._errors import unreadable_log
from assay._strict import Strict
from assay.evidence import CLASSIFIER_METADATA_KEY, ClassifierRecord


class RubricJudgeConfig(BaseModel):
    """The readable configuration of a ``rubric_judge`` classifier record (older records lack some fields)."""

    model_config = ConfigDict(extra="ignore")

    name: str = ""
    version: str = ""
    sha256: str = ""
    threshold: int | None = None
    primary: str = ""
    models: list[str] = Field(default_factory=list)
    prompt_sha256: str = ""
    group_size: int | None = None
    scoring: str = ""
    max_tokens: int | None = None


class JudgeSetup(Strict):
    """One rubric-judge configuration and the samples of one target model it judged.

    Attributes:
        model: The target model (the log's model).
        config_sha256: The classifier's configuration hash.
        config: Its readable configuration.
        validations: One line per recorded validation (agreement with human labels); empty when none.
        samples: Samples whose score records this configuration (errors included).
    """

    model: str
    config_sha256: str
    config: RubricJudgeConfig
    validations: list[str] = Field(default_factory=list)
    samples: int = 0


def _rubric_records(path: Path) -> list[tuple[str, ClassifierRecord]]:
    """(target model, rubric-judge record) of every score in one log that records one."""
    from inspect_ai.log import read_eval_log

    try:
        log = read_eval_log(str(path))
    except Exception as ex:
        raise unreadable_log(path, ex) from None
    found: list[tuple[str, ClassifierRecord]] = []
    for sample in log.samples or []:
        for score in (sample.scores or {}).values():
            for raw in (score.metadata or {}).get(CLASSIFIER_METADATA_KEY) or []:
                record = ClassifierRecord.model_validate(raw)
                if record.kind == "rubric_judge":
                    found.append((str(log.eval.model), record))
    return found


def judge_setups(logs: Sequence[str | Path]) -> list[JudgeSetup]:
    """Every rubric-judge configuration in ``logs``, per target model, with the samples it judged.

    Raises:
        AssayError: A log cannot be read.
    """
    setups: dict[tuple[str, str], JudgeSetup] = {}
    for path in logs:
        for model, record in _rubric_records(Path(path)):
            key = (model, record.config_sha256)
            if key not in setups:
                setups[key] = JudgeSetup(
                    model=model,
                    config_sha256=record.config_sha256,
                    config=RubricJudgeConfig.model_validate(record.config),
                    validations=[v.describe() for v in record.validations],
                )
            setups[key].samples += 1
    return [setups[k] for k in sorted(setups)]
