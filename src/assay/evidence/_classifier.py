"""The classifier behind an outcome: what decided it, how it is configured, how it was validated.

Whatever turns a reply into an outcome is a classifier: an LLM judge, the rubric judge, or a deterministic
rule (a keyword-and-structure detector, a parser of ratings). Each scorer records, in
``Score.metadata["classifier"]``, a list of :class:`ClassifierRecord` (one per classifier that took part in
the outcome; the agentic scorer with judges records both its detector and its judge). The tidy table keeps
the list as JSON text in its ``classifier`` column.

Kinds:

* ``llm_judge``: a model reads the output (a judge prompt, a panel of judges or raters);
* ``rubric_judge``: the multi-dimension rubric judge (:mod:`assay.scoring.rubric`);
* ``rule``: a deterministic rule over text or state (keywords, regular expressions, parsers);
* ``exact``: a test that *is* the construct, so it has nothing to agree with (a completion that starts
  with a given string). ``exempt`` says why; a rule that stands in for a judgement is never ``exact``.

The checklist reads the records: S3.4 needs one, with a configuration hash, for every scored row; S3.5 needs
every classifier that is not ``exact`` validated against human labels it was not tuned on, for the
configuration that scored the rows, with the lower bound of kappa's 95 % interval at least
:data:`KAPPA_LOW_MIN`.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import Field, ValidationError, model_validator

from assay._strict import Strict

#: Where a scorer records its classifiers (``Score.metadata``) and the tidy table's column of them.
CLASSIFIER_METADATA_KEY = "classifier"

#: The lower bound of Cohen's kappa's 95 % interval a classifier must reach to count as validated.
#: 0.6 is where "substantial" agreement begins on Landis and Koch's scale; asking it of the interval's lower
#: bound, not of the estimate, means the labelled set has to rule out moderate agreement, so a small set
#: cannot validate a classifier by luck (with about 60 labels a kappa near 0.9 clears it, one near 0.7 not).
KAPPA_LOW_MIN = 0.6

ClassifierKind = Literal["llm_judge", "rubric_judge", "rule", "exact"]
ValidationVerdict = Literal["passed", "failed", "missing"]


class ClassifierValidation(Strict):
    """Agreement of a classifier with human labels (Cohen's kappa with its 95 % interval).

    Attributes:
        label_set: Name of the labelled set (a file name).
        label_set_sha256: SHA-256 of the labelled set's bytes.
        n: Items compared.
        kappa: Cohen's kappa (``None`` when undefined).
        ci_low: Lower bound of its 95 % interval (``None`` when undefined).
        ci_high: Upper bound.
        ci_method: How the interval was computed.
        tuned_on_labels: Whether the classifier was written or tuned while looking at these labels.
        config_sha256: The configuration hash of the classifier that was validated.
    """

    label_set: str = Field(min_length=1)
    label_set_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    n: int = Field(ge=1)
    kappa: float | None
    ci_low: float | None
    ci_high: float | None
    ci_method: str = Field(min_length=1)
    tuned_on_labels: bool
    config_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")

    def describe(self) -> str:
        """One line: kappa, its interval, n and the label set."""
        if self.kappa is None or self.ci_low is None or self.ci_high is None:
            return f"kappa undefined on {self.n} labels of {self.label_set}"
        return (
            f"kappa {self.kappa:.2f} [95 % CI {self.ci_low:.2f}, {self.ci_high:.2f}] "
            f"on {self.n} labels of {self.label_set}"
        )


class ClassifierRecord(Strict):
    """What decided an outcome: kind, name, version, configuration hash, and its validations.

    Attributes:
        kind: ``llm_judge``, ``rubric_judge``, ``rule`` or ``exact``.
        name: The classifier's name (a judge prompt, a scorer rule).
        version: Its version.
        config_sha256: SHA-256 of everything that fixes its verdicts (prompt, rule source, threshold,
            aggregation, judge models).
        config: The configuration in readable form (threshold, aggregation, models ...).
        exempt: For ``exact`` only: why the outcome is definitional and needs no validation.
        validations: Agreement with human labels, where measured.
    """

    kind: ClassifierKind
    name: str = Field(min_length=1)
    version: str
    config_sha256: str = Field(pattern=r"^[0-9a-f]{64}$")
    config: dict[str, Any] = Field(default_factory=dict)
    exempt: str = ""
    validations: list[ClassifierValidation] = Field(default_factory=list)

    @model_validator(mode="after")
    def _exempt_only_when_exact(self) -> ClassifierRecord:
        if self.kind == "exact" and not self.exempt.strip():
            raise ValueError("exempt: an exact classifier must say why its outcome is definitional")
        if self.kind != "exact" and self.exempt:
            raise ValueError(f"exempt: only an exact classifier is exempt, not a {self.kind}")
        return self

    @property
    def key(self) -> str:
        """A short identity: ``name vVERSION (kind, config 1a2b3c4d5e6f)``."""
        return f"{self.name} v{self.version} ({self.kind}, config {self.config_sha256[:12]})"


def config_sha256(config: object) -> str:
    """Return the SHA-256 of ``config`` as canonical JSON (sorted keys)."""
    text = json.dumps(config, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def judge_record(
    config: dict[str, Any], validations: Iterable[ClassifierValidation] = ()
) -> ClassifierRecord:
    """Return the ``llm_judge`` record of a ``judge_config`` (its hash covers the whole configuration)."""
    return ClassifierRecord(
        kind="llm_judge",
        name=str(config.get("prompt") or "judge"),
        version=str(config.get("prompt_version", "")),
        config_sha256=config_sha256(config),
        config=config,
        validations=list(validations),
    )


def read_records(text: str) -> list[ClassifierRecord] | None:
    """Parse a ``classifier`` cell: ``[]`` for an empty cell, ``None`` when it is not a record list."""
    if not text:
        return []
    try:
        raw = json.loads(text)
        items = raw if isinstance(raw, list) else [raw]
        return [ClassifierRecord.model_validate(r) for r in items]
    except (json.JSONDecodeError, ValidationError):
        return None


def validation_verdict(record: ClassifierRecord) -> tuple[ValidationVerdict, str]:
    """Return whether ``record`` is validated (S3.5's rule for one classifier), and why.

    ``exact`` classifiers pass with their exemption. Otherwise only validations of the same configuration
    on labels the classifier was not tuned on count; every such validation must have kappa's interval
    lower bound at least :data:`KAPPA_LOW_MIN`.
    """
    if record.kind == "exact":
        return "passed", f"{record.key}: exact, not validated ({record.exempt})"
    held = [v for v in record.validations if not v.tuned_on_labels]
    same = [v for v in held if v.config_sha256 == record.config_sha256]
    if not same:
        if held:
            return "failed", (
                f"{record.key}: {held[0].describe()} validated configuration "
                f"{held[0].config_sha256[:12]}, not this one: re-run the validation"
            )
        if record.validations:
            v = record.validations[0]
            return "missing", f"{record.key}: only validated on labels it was tuned on ({v.describe()})"
        return "missing", f"{record.key}: no agreement with human labels recorded"
    for v in same:
        if v.ci_low is None or v.kappa is None or math.isnan(v.ci_low):
            return "failed", f"{record.key}: {v.describe()}, interval undefined"
        if v.ci_low < KAPPA_LOW_MIN:
            return "failed", f"{record.key}: {v.describe()}; lower bound below {KAPPA_LOW_MIN}"
    return "passed", f"{record.key}: " + "; ".join(f"{v.describe()} (held out)" for v in same)
