"""What every study writes beside its report: one YAML file per claim, and a summary of each audit."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from assay.evidence import AuditResult, Claim


def write_claim_files(out: Path, claims: Iterable[Claim]) -> Path:
    """Write every claim to ``out/claims/<id>.yaml`` (``assay audit`` re-reads them); return the folder."""
    folder = out / "claims"
    folder.mkdir(exist_ok=True)
    for claim in claims:
        (folder / f"{claim.id}.yaml").write_text(claim.to_yaml())
    return folder


def audit_record(audit: AuditResult) -> dict[str, Any]:
    """The audit of one claim as kept in ``metrics.json`` (``extra["claims"]``): levels, blockers, items."""
    return {
        "id": audit.claim_id,
        "statement": audit.statement,
        "rewritten_statement": audit.rewritten_statement,
        "target_level": audit.target_level,
        "achieved_level": audit.achieved_level,
        "overstated": audit.overstated,
        "blocking": audit.blocking,
        "items": {i.id: i.status for i in audit.items},
        "predictions": next((i.reason for i in audit.items if i.id == "S4.6"), ""),
    }
