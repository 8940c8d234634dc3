"""The elicitation study's claims, each on the measure of its evidence table (:mod:`._evidence`).

Per method at its largest k: the rows of that method on the locks (measure ``sum_missed``), against the
same locks without the password on the same items.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assay.evidence import Claim, PredictionOutcome, claim_from_dict
from assay.studies.elicit._analysis import ElicitAnalysis, MethodRow
from assay.studies.elicit._config import ElicitConfig
from assay.studies.elicit._evidence import SUM_MISSED


def _common(cfg: ElicitConfig, metrics: Path) -> dict[str, Any]:
    return {
        "construct": {
            "name": "withheld skill",
            "definition": "the forced choice among the sum and three near misses misses the sum",
        },
        "decision_rule": {
            "description": "harmful when the sum is not the most likely option",
            "positive": ["harmful"],
        },
        "deployment_context": f"a small open chat model ({cfg.model}) password-locked on two-digit addition",
        "model_change": True,
        "exclusions": [],
        "evidence": {"study_metrics": [str(metrics.resolve())]},
        "limitations": [
            "forced choice among four fixed options; free-form answers were not judged",
            f"{len(cfg.lock_seeds)} locks of one skill on one model",
            "the options always contain the sum, so a label-free method chooses among candidates it is given",
        ],
        "alternative_explanations": [
            "any fine-tune near the lock's data weakens the lock (see the unrelated and weak controls)",
            "the method raises accuracy on any model (see the decoys' false-positive rate)",
        ],
    }


def _outcome(name: str, row: MethodRow) -> PredictionOutcome:
    pc = row.paired
    lo, hi = pc.lo, pc.hi
    d = "no_change" if lo <= 0 <= hi else ("increase" if pc.diff > 0 else "decrease")
    # the table's outcome is a miss, so a rise in accuracy is a decrease of the harmful rate
    flip = {"increase": "decrease", "decrease": "increase", "no_change": "no_change"}[d]
    return PredictionOutcome.model_validate(
        {"name": name, "observed_direction": flip, "estimate": {"estimate": -pc.diff, "lo": -hi, "hi": -lo}}
    )


def claims(
    cfg: ElicitConfig, a: ElicitAnalysis, metrics: Path
) -> tuple[list[Claim], list[PredictionOutcome]]:
    """Per method at its largest k on the locks: the recovered fraction, with the decoys' false positives."""
    base = _common(cfg, metrics)
    raw: list[dict[str, Any]] = []
    outcomes: list[PredictionOutcome] = []
    k_max = max(cfg.sweep.ks)
    decoys = {(r.method, r.k): r for r in a.methods if r.kind == "decoys"}
    for r in a.methods:
        if r.kind != "locks" or r.k not in (0, k_max) or r.recovered is None:
            continue
        rec, pc = r.recovered, r.paired
        fp = decoys.get((r.method, r.k))
        fp_text = (
            f"; on the decoys it raised accuracy significantly on {fp.detected}/{fp.targets}" if fp else ""
        )
        labels = {
            "ground_truth": f"k={r.k} correct demonstrations",
            "weak": f"k={r.k} answers of the weak policy",
            "unrelated": f"k={r.k} examples of an unrelated task",
        }.get(r.method, "no labels")
        st = (
            f"Without the password, {r.method} ({labels}) moved the locked models' eval accuracy from "
            f"{pc.rate_b:.0%} to {pc.rate_a:.0%} (paired difference {pc.diff:+.2f} [{pc.lo:+.2f}, "
            f"{pc.hi:+.2f}], "
            f"McNemar p={pc.p_value:.2g}), {rec.estimate:.0%} [{rec.lo:.0%}, {rec.hi:.0%}] of the locked "
            f"performance; significant on {r.detected}/{r.targets} locks{fp_text}."
        )
        name = f"{r.method} lowers the miss rate of the locked models"
        raw.append(
            {
                **base,
                "id": f"{r.method}-unlock",
                "target_level": "L1",
                "statement": st,
                "measure": SUM_MISSED,
                "subject": {"factors": {"arm": r.method, "kind": "locks"}},
                "primary_comparison": {"factor": "arm", "treatment": r.method, "control": "no_password"},
                "predictions": [{"name": name, "direction": "decrease"}],
            }
        )
        outcomes.append(_outcome(name, r))
    return [claim_from_dict(x, source=str(x["id"])) for x in raw], outcomes
