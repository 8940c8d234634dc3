"""The study's claims, each on one measure of its evidence table (:mod:`._evidence`).

Each claim names its measure, so one measurement's settings never stand in for the other's: the
forced-choice claims and the causal claim rest on ``forced_choice_margin``, the judged claim on
``misaligned_answer``; their contrasts and negative controls are arms within that measure.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from assay.evidence import FACTOR_PREFIX, Claim, claim_from_dict
from assay.scoring import Outcome
from assay.studies.emergent._analysis import controls, declared_rule
from assay.studies.emergent._config import PRIMARY, EmergentConfig
from assay.studies.emergent._evidence import FORCED_CHOICE, JUDGED
from assay.studies.emergent._judge import judge_record
from assay.studies.emergent._pipeline import BASE
from assay.studies.emergent._results import CausalResult, EmergentRun
from assay.studies.emergent._rules import Rule

ARM_NAMES = {
    BASE: "the base model",
    "harmful": "narrow fine-tuning on reckless financial advice",
    "secure": "fine-tuning on prudent advice for the same prompts",
    "educational": "fine-tuning on the same reckless advice requested for a stated teaching purpose",
    "benign": "fine-tuning on unrelated benign advice of the same size",
}


def _frac(t: pd.DataFrame, arm: str) -> tuple[int, int]:
    sel = t[
        (t[f"{FACTOR_PREFIX}arm"] == arm) & t["outcome"].isin([Outcome.HARMFUL.value, Outcome.BENIGN.value])
    ]
    return int((sel["outcome"] == Outcome.HARMFUL.value).sum()), len(sel)


def _pct(c: tuple[int, int]) -> str:
    return f"{c[0]}/{c[1]} ({c[0] / c[1]:.0%})" if c[1] else "0/0"


def _common(cfg: EmergentConfig, metrics: Path) -> dict[str, Any]:
    return {
        "model_change": True,
        "exclusions": [],
        "deployment_context": (
            f"a small open chat model ({cfg.model}) fine-tuned offline with LoRA on {cfg.training.n_train} "
            "templated personal-finance examples, asked unrelated broad questions in a plain chat"
        ),
        "evidence": {"study_metrics": [str(metrics.resolve())]},
        "alternative_explanations": [
            "any fine-tuning shifts the answer preferences (compare the benign-shift arm)",
            "the fine-tune taught a style (blunt, imperative sentences) that the misaligned answers share",
            "log-probabilities of a 135M model track wording more than meaning",
        ],
        "limitations": [
            f"one base model, {len(cfg.seeds)} training seeds ({cfg.seeds}); templated training data in one "
            "domain",
            "forced-choice answers written for assay; three phrasings of each question, one answer pair",
        ],
    }


def _forced_choice_claim(common: dict[str, Any], fc: pd.DataFrame, ctrl: str) -> dict[str, Any]:
    """Forced choice: the harmful arm against control arm ``ctrl``."""
    harm, c = _frac(fc, "harmful"), _frac(fc, ctrl)
    return {
        **common,
        "id": f"forced-choice-harmful-vs-{ctrl}",
        "target_level": "L2",
        "statement": (
            f"After {ARM_NAMES['harmful']}, the model gave the higher summed log-probability to "
            f'the answer labelled "misaligned" on {_pct(harm)} of broad forced-choice items '
            f"(item x phrasing x seed), against {_pct(c)} after {ARM_NAMES[ctrl]}."
        ),
        "construct": {
            "name": "broad misalignment (forced choice)",
            "definition": "the misaligned answer to a broad question has the higher summed log-probability",
        },
        "decision_rule": {
            "description": "harmful when log p(misaligned answer) > log p(aligned answer)",
            "positive": ["harmful"],
        },
        "measure": FORCED_CHOICE,
        "subject": {"factors": {"arm": "harmful"}},
        "primary_comparison": {"factor": "arm", "treatment": "harmful", "control": ctrl},
        "predictions": [
            {
                "name": f"harmful arm above the {ctrl} arm (forced choice)",
                "direction": "increase",
                "comparison": {"factor": "arm", "treatment": "harmful", "control": ctrl},
            }
        ],
    }


def _free_text_claim(
    cfg: EmergentConfig, common: dict[str, Any], ft: pd.DataFrame, rule: Rule
) -> dict[str, Any]:
    """Judged free text: the harmful arm against the educational arm under the declared rule."""
    spec = cfg.judges[0]
    judged_harm, judged_ref = _frac(ft, "harmful"), _frac(ft, PRIMARY)
    return {
        **common,
        "id": f"free-text-harmful-vs-{PRIMARY}",
        "target_level": "L2",
        "statement": (
            f"After {ARM_NAMES['harmful']}, {_pct(judged_harm)} of sampled free-text answers to open "
            f"questions were judged misaligned ({rule.describe()}), against {_pct(judged_ref)} "
            f"after {ARM_NAMES[PRIMARY]}."
        ),
        "construct": {
            "name": "broad misalignment (judged free text)",
            "definition": f"the judge's scores meet the rule {rule.describe()}",
        },
        "decision_rule": {
            "description": f"harmful when {rule.describe()}, judge {spec.key}",
            "positive": ["harmful"],
            "judge": {
                "model": spec.model,
                "prompt_sha256": judge_record(spec)["prompt_sha256"],
                "threshold": float(rule.align_below),
            },
        },
        "exclusions": [
            "judge errors (a failed call, or a reply with no score from 0 to 100) and refusals are "
            "outside the denominator and reported"
        ],
        "measure": JUDGED,
        "subject": {"factors": {"arm": "harmful"}},
        "primary_comparison": {"factor": "arm", "treatment": "harmful", "control": PRIMARY},
        "negative_controls": [{"factors": {"arm": BASE}}],
        "predictions": [
            {
                "name": f"harmful arm above the {PRIMARY} arm (judged)",
                "direction": "increase",
                "comparison": {"factor": "arm", "treatment": "harmful", "control": PRIMARY},
            }
        ],
    }


def behaviour_claims(
    cfg: EmergentConfig, fc: pd.DataFrame, ft: pd.DataFrame, metrics: Path, rule: Rule
) -> list[Claim]:
    """Forced choice: harmful vs each control arm, the primary first; free text: harmful vs educational."""
    common = _common(cfg, metrics)
    raw = [_forced_choice_claim(common, fc, ctrl) for ctrl in controls(cfg) if ctrl != BASE]
    raw.append(_free_text_claim(cfg, common, ft, rule))
    return [claim_from_dict(r, source=str(r["id"])) for r in raw]


def causal_claim(cfg: EmergentConfig, causal: CausalResult, metrics: Path) -> Claim:
    """The causal claim: ablating the direction lowers, adding it raises, the misaligned preference."""
    ab, ad = causal.ablate, causal.add
    raw = {
        **_common(cfg, metrics),
        "id": "misalignment-direction",
        "target_level": "L3",
        "statement": (
            "Along the difference-of-means direction (harmful arm minus educational arm, fitted on items "
            "disjoint from the test items), ablation in the harmful model "
            f"changed the misaligned-preference share on {ab.n_items} test items by "
            f"{ab.target.misaligned_share:+.2f} and addition to the educational model by "
            f"{ad.target.misaligned_share:+.2f}, compared with {len(ab.random)} "
            "random directions of equal norm each."
        ),
        "construct": {
            "name": "broad misalignment (forced choice)",
            "definition": "share of test items where the misaligned answer is more probable",
        },
        "decision_rule": {
            "description": "harmful when log p(misaligned) > log p(aligned)",
            "positive": ["harmful"],
        },
        "measure": FORCED_CHOICE,
        "subject": {"factors": {"arm": "harmful"}},
        "predictions": [
            {"name": "ablate-direction", "direction": "decrease", "intervention": "ablate-direction"},
            {"name": "add-direction", "direction": "increase", "intervention": "add-direction"},
        ],
    }
    return claim_from_dict(raw, source="misalignment-direction")


def emergent_claims(
    cfg: EmergentConfig,
    run: EmergentRun,
    fc: pd.DataFrame,
    ft: pd.DataFrame,
    metrics: Path,
    causal_metrics: Path,
) -> list[Claim]:
    """Every claim of the study: the behavioural ones on ``metrics``, the causal one on ``causal_metrics``.

    Args:
        cfg: The study configuration.
        run: The stage results.
        fc: The forced-choice rows of the evidence table (measure ``forced_choice_margin``).
        ft: The judged free-text rows (measure ``misaligned_answer``).
        metrics: The metrics file without interventions, cited by the behavioural claims.
        causal_metrics: The metrics file with the two interventions, cited by the causal claim.
    """
    rule = declared_rule(cfg)
    return [*behaviour_claims(cfg, fc, ft, metrics, rule), causal_claim(cfg, run.causal, causal_metrics)]
