"""The tally study's outputs through the engine's one writer: metrics.json, claims/, report.html."""

from __future__ import annotations

from pathlib import Path

from assay.studies.tally._analysis import yes_rate
from assay.studies.tally._claims import claims, evidence_table
from assay.studies.tally._config import TallyConfig
from assay.studies.tally._results import Answers

from assay._outcome import Outcome
from assay.engine.outputs import StudyEvidence, timings_section, write_study_outputs
from assay.evidence import StudyMetrics
from assay.report import ReportSection, ReportTable


def write_tally_outputs(
    cfg: TallyConfig, result: Answers, timings: dict[str, float], out: Path
) -> tuple[Path, Path]:
    """Write the study's metrics, claim files and report; return ``(metrics path, report path)``."""
    rate = yes_rate(result)
    metrics = StudyMetrics(study="tally", extra={"config": cfg.model_dump(), "yes": rate.model_dump()})
    rows = [[q, a] for q, a in zip(result.questions, result.answers, strict=True)]
    answers = ReportSection(
        id="answers", title="Answers", tables=[ReportTable(columns=["question", "answer"], rows=rows)]
    )
    return write_study_outputs(
        out,
        metrics,
        lambda path: claims(cfg, rate, path),
        StudyEvidence(table=evidence_table(cfg, result), positive=[Outcome.HARMFUL.value]),
        [answers, timings_section(timings)],
        f"Tally study on {cfg.model}",
    )
