"""What every study writes: ``metrics.json``, one YAML file per claim, the audits, and ``report.html``.

:func:`write_study_outputs` is the one writer; a study passes what differs (its metrics, claims function,
evidence, report sections, title and any extra metrics file). A study's evidence is one table holding every
measure its claims name (:class:`StudyEvidence`), written once to ``evidence/table.parquet`` with a
provenance sidecar naming the hashes of its inputs (:func:`input_hashes`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from assay._errors import AssayError
from assay._precision import precisions_used
from assay.evidence import (
    AuditResult,
    Claim,
    PredictionOutcome,
    StudyMetrics,
    audit_claim_file,
    file_hashes,
    relative_evidence,
    write_study_metrics,
    write_table_file,
)
from assay.models import ModelRecord
from assay.report import ReportData, ReportSection, ReportTable, build_report, render

ClaimsOf = Callable[[Path], tuple[list[Claim], list[PredictionOutcome]]]
"""``claims(metrics_path) -> (claims, prediction outcomes)``: a study's claims on its metrics file."""


@dataclass(frozen=True)
class StudyEvidence:
    """What a study's report summarises and its claims are audited on: an evidence table, or Inspect logs.

    Attributes:
        table: The study's evidence table (:mod:`assay.evidence._schema`): every measure its claims name,
            one row per observation; ``None``: read it from ``logs``. When it holds several measures, every
            claim audited on it must name its ``measure`` (a claim on mixed measures is refused).
        logs: Inspect logs (the table when ``table`` is ``None``; a claim citing them is audited on it).
        positive: Outcome values the report's summary counts as the behaviour (default: the tidy table's,
            see :func:`assay.evidence.resolve_positive`).
        table_of: Deprecated (one table per claim): the table each claim is audited on; ``None``: every
            claim on the whole table. Name the claim's ``measure`` and ``subject`` instead.
        inputs: Name -> hash of what the table was computed from (configuration, model and revision, logs;
            see :func:`input_hashes`), written into the table's provenance sidecar.
    """

    table: pd.DataFrame | None = None
    logs: Sequence[str | Path] = ()
    positive: Sequence[str] | None = None
    table_of: Callable[[Claim], pd.DataFrame] | None = None
    inputs: Mapping[str, str] = field(default_factory=dict)


def input_hashes(
    config: Mapping[str, Any], model: str, revision: str = "", files: Sequence[str | Path] = ()
) -> dict[str, str]:
    """The provenance inputs of an evidence table: its configuration, model and the files it was read from.

    Args:
        config: The study configuration as JSON-ready data (``cfg.model_dump(mode="json")``).
        model: The model (name or path) the study measured.
        revision: The model's revision (commit hash), where known.
        files: Files the rows were computed from (Inspect logs); each is hashed, keyed by its name.

    Returns:
        ``config_sha256`` (of the configuration's canonical JSON), ``model``, ``model_revision`` (when
        given) and one ``sha256:<file name>`` per file.
    """
    canonical = json.dumps(config, sort_keys=True, default=str).encode()
    hashes = {"config_sha256": hashlib.sha256(canonical).hexdigest(), "model": model}
    if revision:
        hashes["model_revision"] = revision
    return hashes | file_hashes(files)


def write_claim_files(out: Path, claims: Iterable[Claim]) -> list[Path]:
    """Write every claim to ``out/claims/<id>.yaml`` (``assay audit`` re-reads them); return the files.

    Evidence paths under ``out`` are written relative to the claim file's folder (``../metrics.json``), so
    the output folder can be moved and re-audited; see :func:`assay.evidence.relative_evidence`.
    """
    folder = out / "claims"
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for claim in claims:
        path = folder / f"{claim.id}.yaml"
        path.write_text(relative_evidence(claim, folder, out).to_yaml(), encoding="utf-8")
        files.append(path)
    return files


def audit_record(audit: AuditResult) -> dict[str, Any]:
    """The audit of one claim as kept in ``metrics.json`` (``extra["claims"]``): levels, blockers, items."""
    return {
        "id": audit.claim_id,
        "statement": audit.statement,
        "rewritten_statement": audit.rewritten_statement,
        "supported_statement": audit.supported_statement,
        "target_level": audit.target_level,
        "achieved_level": audit.achieved_level,
        "overstated": audit.overstated,
        "blocking": audit.blocking,
        "items": {i.id: i.status for i in audit.items},
        "predictions": next((i.reason for i in audit.items if i.id == "S4.6"), ""),
    }


def timings_section(timings: Mapping[str, float]) -> ReportSection:
    """The report section listing every stage's time in seconds."""
    rows = [[name, f"{seconds:.1f}"] for name, seconds in timings.items()]
    return ReportSection(
        id="timings", title="Stage times", tables=[ReportTable(columns=["stage", "seconds"], rows=rows)]
    )


def model_section(model: ModelRecord) -> ReportSection:
    """The report section naming the model (as given and resolved), its revision, device and precision."""
    return ReportSection(
        id="model",
        title="Model",
        tables=[ReportTable(columns=["setting", "value"], rows=model.rows())],
        data=model.model_dump(mode="json"),
    )


def audited_report(
    claim_files: Sequence[Path], evidence: StudyEvidence, sections: Sequence[ReportSection], title: str
) -> ReportData:
    """The report's data: the evidence summarised, every claim file audited as ``assay audit`` audits it.

    Each claim is audited on the evidence its file names, paths resolved against its folder (see
    :func:`cite_tables` for the table a claim is audited on), so re-auditing the file gives the same result.
    """
    positive = evidence.positive
    if positive and evidence.table is not None:  # a study's measures: keep the positives its rows hold
        held = set(evidence.table["outcome"].astype(str))
        positive = [p for p in positive if p in held] or positive
    data = build_report(
        evidence.logs, table=evidence.table, positive=positive, sections=sections, title=title
    )
    data.audits = [audit_claim_file(f) for f in claim_files]
    return data


def cite_tables(out: Path, claims: Sequence[Claim], evidence: StudyEvidence) -> list[Claim]:
    """The claims, each citing the evidence table it is audited on, written under ``out/evidence/``.

    When the evidence is a table, a claim that cites no logs is audited on it (on ``evidence.table_of(claim)``
    when set): the table is written once as ``evidence/table.parquet`` with its provenance sidecar
    (``evidence.inputs``; ``evidence/<claim id>.parquet`` with ``table_of``) and added to the claim's
    ``evidence.tables``. Other claims are returned as they are.

    Raises:
        AssayError: The table holds several measures and a claim audited on it names none.
    """
    whole, table_of = evidence.table, evidence.table_of
    if whole is None:
        return list(claims)
    written: dict[str, Path] = {}

    def table_file(claim: Claim) -> Path:
        name = f"{claim.id}.parquet" if table_of else "table.parquet"
        if name not in written:
            rows = table_of(claim) if table_of else whole
            written[name] = write_table_file(rows, out / "evidence" / name, inputs=evidence.inputs)
        return written[name]

    measures = sorted(set(whole["measure"].astype(str))) if "measure" in whole.columns else []
    unnamed = [c.id for c in claims if not c.evidence.logs and c.measure is None]
    if len(measures) > 1 and unnamed and table_of is None:
        raise AssayError(
            f"claims {', '.join(unnamed)} name no measure, and the evidence table holds several "
            f"({', '.join(measures)}): give each claim its measure"
        )

    return [claim if claim.evidence.logs else _citing(claim, table_file(claim)) for claim in claims]


def _citing(claim: Claim, table: Path) -> Claim:
    """``claim`` with ``table`` added to its evidence tables."""
    tables = [*claim.evidence.tables, str(table)]
    return claim.model_copy(update={"evidence": claim.evidence.model_copy(update={"tables": tables})})


def write_study_outputs(
    out: Path,
    metrics: StudyMetrics,
    claims_of: ClaimsOf,
    evidence: StudyEvidence,
    sections: Sequence[ReportSection],
    title: str,
    extra_metrics: Mapping[str, StudyMetrics] | None = None,
    model: ModelRecord | None = None,
) -> tuple[Path, Path]:
    """Write a study's ``metrics.json``, extra metrics files, claim files and ``report.html``.

    The extra metrics files are written first, so the claims can cite them. The claims are made on the
    written ``metrics.json``; their prediction outcomes are added to it before they are audited, and their
    audits go into it under ``extra.claims``. ``metrics`` itself is left unchanged. Paths in the files
    written (claims' evidence, metrics' ``extra``) are relative to the file naming them when they lie in
    ``out``, so ``out`` can be moved and each claim file re-audited with the same result.

    Args:
        out: The study's output folder.
        metrics: The study's metrics (checklist blocks, and its figures under ``extra``).
        claims_of: The study's claims (and prediction outcomes) on the path of ``metrics.json``.
        evidence: What the report summarises and the claims are audited on.
        sections: The study's own report sections.
        title: The report's title.
        extra_metrics: More metrics files by file name (e.g. ``metrics-causal.json``), written as given.
        model: The model the study ran on (:func:`assay.models.model_record`): written into
            ``metrics.json`` (``extra.model``), the evidence table's provenance (``model``,
            ``model_revision``) and the report's first section.

    Returns:
        ``(metrics path, report path)``.
    """
    metrics = metrics.model_copy(deep=True)
    metrics.extra.setdefault("precision", precisions_used())  # what the models computed in (loaded or reused)
    if model is not None:
        metrics.extra.setdefault("model", model.model_dump(mode="json"))
        sections = [model_section(model), *sections]
        named = {"model": model.given, "model_revision": model.revision}
        evidence = dataclasses.replace(evidence, inputs={**evidence.inputs, **named})
    path = write_study_metrics(metrics, out / "metrics.json")
    for name, more in (extra_metrics or {}).items():
        write_study_metrics(more, out / name)
    claims, outcomes = claims_of(path)
    if outcomes:
        metrics.prediction_outcomes = [*metrics.prediction_outcomes, *outcomes]
        write_study_metrics(metrics, path)
    data = audited_report(
        write_claim_files(out, cite_tables(out, claims, evidence)), evidence, sections, title
    )
    metrics.extra["claims"] = [audit_record(a) for a in data.audits]
    write_study_metrics(metrics, path)
    report = out / "report.html"
    report.write_text(render(data, "html"), encoding="utf-8")
    return path, report
