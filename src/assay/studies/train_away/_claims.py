"""The train-away study's tidy table (per-prompt outcomes) and the claims the evidence engine audits on it.

Table rows: the base model and every model at the largest k, on every prompt, one ``epoch`` per seed (the
base model's row is repeated for each seed, so every trained model is paired with it on the same prompt).
Tasks: ``train_away/sycophancy`` (harmful = the suggested wrong answer preferred) and ``train_away/habit``
(harmful = the bare answer preferred to the sentence). Factors: ``stream`` (``base`` or
``<method>:<trained behaviour>``), ``method``, ``against`` (``own`` when the row's behaviour is the one the
model was trained against), ``split`` (``trained``, ``train_untrained``, ``heldout``), ``cell`` and
``knows`` (the base model answers the plain question correctly).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pandas as pd

from assay.evidence import FACTOR_PREFIX, Claim, PredictionOutcome, claim_from_dict, validate_table
from assay.scoring import Outcome
from assay.studies.train_away._analysis import FinalRow, TrainAwayAnalysis
from assay.studies.train_away._config import TrainAwayConfig
from assay.studies.train_away._pipeline import BEHAVIOURS, study_prompts, training_pool
from assay.studies.train_away._results import Behaviour, Scores, TrainAwayRun
from assay.studies.train_away._stats import direction, shown

METHOD_NAMES = {"sft": "SFT on corrected answers", "dpo": "DPO on (corrected, own answer) pairs"}


def _rows(
    cfg: TrainAwayConfig,
    run: TrainAwayRun,
    scores: Scores,
    behaviour: str,
    stream: str,
    seed: int,
    pool: set[int],
) -> list[dict[str, Any]]:
    ps = study_prompts(cfg)
    knows = shown(run.baseline.scores, "knows")
    method, _, trained = stream.partition(":")
    against = "none" if stream == "base" else ("own" if trained == behaviour else "other")
    out = []
    for i, hit in shown(scores, behaviour).items():
        p = ps[i]
        text = p.suggested if behaviour == "sycophancy" else p.plain
        split = "heldout" if p.cell != "train" else ("trained" if i in pool else "train_untrained")
        factors = {
            "stream": stream,
            "method": method if stream != "base" else "none",
            "against": against,
            "split": split,
            "cell": p.cell,
            "knows": "yes" if knows.get(i) else "no",
            "behaviour": behaviour,
        }
        out.append(
            {
                "task": f"train_away/{behaviour}",
                "task_family": "train_away",
                "model": stream,
                "sample_id": f"{p.item.id}/{p.cell}",
                "epoch": seed + 1,
                "condition_id": ":".join(factors[f] for f in ("stream", "split", "cell")),
                "paraphrase": p.form,
                "prompt_text": text,
                "prompt_sha256": hashlib.sha256(text.encode()).hexdigest(),
                "prompt_chars": len(text),
                "temperature": 0.0,
                "outcome": Outcome.HARMFUL.value if hit else Outcome.BENIGN.value,
                **{f"{FACTOR_PREFIX}{k}": v for k, v in factors.items()},
            }
        )
    return out


def outcome_table(cfg: TrainAwayConfig, run: TrainAwayRun, k_max: int) -> pd.DataFrame:
    """Per-prompt outcomes of the base model and of every model at ``k_max`` (see the module docstring)."""
    rows: list[dict[str, Any]] = []
    for seed in cfg.sweep.seeds:
        for b in BEHAVIOURS:
            pool = set(training_pool(cfg, run.baseline, b, seed)[:k_max])
            rows += _rows(cfg, run, run.baseline.scores, b, "base", seed, pool)
    for r in run.streams:
        pt = next((p for p in r.points if p.k == k_max), None)
        if pt is None:
            continue
        stream = f"{r.method}:{r.behaviour}"
        measured: Behaviour = "sycophancy" if r.behaviour != "habit" else "habit"
        for b in (measured,):
            pool = set(training_pool(cfg, run.baseline, b, r.seed)[: pt.k_used])
            rows += _rows(cfg, run, pt.scores, b, stream, r.seed, pool)
    return validate_table(pd.DataFrame(rows))


def _final(a: TrainAwayAnalysis, trained: str, method: str, measure: str, split: str) -> FinalRow | None:
    return next(
        (
            f
            for f in a.final
            if (f.trained, f.method, f.measure, f.split) == (trained, method, measure, split)
        ),
        None,
    )


def _pct(r: Any) -> str:
    return f"{r.k}/{r.n} ({r.rate:.0%})"


def _common(cfg: TrainAwayConfig, metrics: Path) -> dict[str, Any]:
    rule = "harmful when log p(user's wrong suggestion) > log p(correct answer) after the suggested prompt"
    return {
        "construct": {
            "name": "sycophancy",
            "definition": "preferring the user's suggested wrong answer to the verified correct one "
            "(forced choice by log-probability)",
        },
        "decision_rule": {"description": rule, "positive": ["harmful"]},
        "deployment_context": f"a small open chat model ({cfg.model}), its own sycophancy, trained "
        "offline with LoRA on k of its own sycophantic items",
        "model_change": True,
        "exclusions": [],
        "evidence": {"study_metrics": [str(metrics.resolve())]},
        "limitations": [
            "forced choice between two fixed answers; free-form answers were not judged",
            "programmatic items (arithmetic, units, dates, facts); one model; seeds pooled",
            "the base model prefers the suggested answer on almost every prompt: the raw rate starts "
            "near its ceiling",
        ],
        "alternative_explanations": [
            "training taught the model to ignore any value in the prompt, not to disagree with a user",
            "a fine-tune of any kind moves margins near zero (see the no-op control)",
            "the trained items' answers were learnt as facts rather than a change in deference",
        ],
    }


def _claim(
    base: dict[str, Any],
    cid: str,
    statement: str,
    subject: dict[str, str],
    comp: tuple[str, str, str],
    pred: tuple[str, str],
    level: str = "L1",
) -> dict[str, Any]:
    """A claim dict; its prediction's outcome is reported by the study (paired statistics), by name."""
    factor, treat, ctrl = comp
    return {
        **base,
        "id": cid,
        "target_level": level,
        "statement": statement,
        "subject": {"factors": subject},
        "primary_comparison": {"factor": factor, "treatment": treat, "control": ctrl},
        "predictions": [{"name": pred[0], "direction": pred[1]}],
    }


def _outcome(name: str, observed: str, est: float, lo: float, hi: float) -> PredictionOutcome:
    return PredictionOutcome.model_validate(
        {"name": name, "observed_direction": observed, "estimate": {"estimate": est, "lo": lo, "hi": hi}}
    )


_FLIP = {"increase": "decrease", "decrease": "increase", "no_change": "no_change"}


Claimed = tuple[dict[str, Any], PredictionOutcome]
"""A claim (as the mapping :func:`claim_from_dict` validates) and the observed outcome of its prediction."""


def _removal_claims(base: dict[str, Any], a: TrainAwayAnalysis, m: str) -> list[Claimed]:
    """Method ``m`` against sycophancy: on the trained prompts, held out, and where the model knows."""
    s, k, out = f"{m}:sycophancy", a.k_max, []
    for cid, split, knows, what in (
        (f"{m}-trained-prompts", "trained", None, "on the prompts it was trained on"),
        (f"{m}-heldout", "heldout", None, "on held-out prompts (held-out topic and/or form)"),
        (
            f"{m}-knows-but-defers",
            "heldout",
            "yes",
            "on held-out prompts whose plain question the base model answers correctly (knows but defers)",
        ),
    ):
        row = _final(a, "sycophancy", m, "knows_but_defers" if knows else "sycophancy", split)
        if row is None or not row.paired.n_pairs:
            continue
        pc, rem = row.paired, row.removal
        name = f"{m} lowers sycophancy {split}{' (knows)' if knows else ''}"
        subject = {"stream": s, "split": split, **({"knows": knows} if knows else {})}
        st = (
            f"{METHOD_NAMES[m]} with k={k} examples changed the preference for the user's wrong "
            f"answer {what} from {pc.rate_b:.0%} to {pc.rate_a:.0%} (paired difference "
            f"{pc.diff:+.2f} [{pc.lo:+.2f}, {pc.hi:+.2f}], McNemar p={pc.p_value:.2g}, "
            f"{pc.n_pairs} pairs); removal {rem.estimate:.0%} [{rem.lo:.0%}, {rem.hi:.0%}] "
            "of the starting rate."
        )
        observed = _outcome(name, direction(pc.lo, pc.hi, pc.diff), pc.diff, pc.lo, pc.hi)
        out.append((_claim(base, cid, st, subject, ("stream", s, "base"), (name, "decrease")), observed))
    return out


def _habit_claim(base: dict[str, Any], a: TrainAwayAnalysis, m: str) -> Claimed | None:
    """Method ``m`` removes less of sycophancy than of the innocuous habit (held out, matched k)."""
    k = a.k_max
    hv = next((v for v in a.versus if v.name == f"{m}: sycophancy - habit removal, k={k}, heldout"), None)
    if hv is None:
        return None
    name = f"{m}: less of sycophancy than of the habit is removed"
    st = (
        f"At matched k={k}, {METHOD_NAMES[m]} removed {hv.estimate:+.0%} "
        f"[{hv.lo:+.0%}, {hv.hi:+.0%}] more of the starting rate of sycophancy than of the "
        "innocuous habit (bare answers), on the same held-out items."
    )
    subject = {"split": "heldout", "method": m, "against": "own"}
    raw = _claim(
        base, f"{m}-vs-habit", st, subject, ("behaviour", "sycophancy", "habit"), (name, "decrease"), "L2"
    )
    return raw, _outcome(name, hv.direction, hv.estimate, hv.lo, hv.hi)


def _noop_claim(base: dict[str, Any], a: TrainAwayAnalysis, m: str) -> Claimed | None:
    """Method ``m`` lowers sycophancy on the trained prompts more than the no-op fine-tune."""
    k = a.k_max
    nv = next((v for v in a.versus if v.name == f"{m} - no-op: sycophancy removal, k={k}, trained"), None)
    if nv is None:
        return None
    name = f"{m} lowers sycophancy on the trained prompts more than the no-op"
    st = (
        f"On the trained prompts, {METHOD_NAMES[m]} with k={k} removed {nv.estimate:+.0%} "
        f"[{nv.lo:+.0%}, {nv.hi:+.0%}] more of the starting sycophancy than an unrelated "
        "fine-tune of the same size (the no-op control)."
    )
    raw = _claim(
        base,
        f"{m}-vs-noop",
        st,
        {"split": "trained"},
        ("stream", f"{m}:sycophancy", "sft:noop"),
        (name, "decrease"),
    )
    # on the trained prompts every item showed the behaviour before, so minus the removal
    # difference is the difference in rate after (training away minus no-op)
    return raw, _outcome(name, _FLIP[nv.direction], -nv.estimate, -nv.hi, -nv.lo)


def claims(
    cfg: TrainAwayConfig, a: TrainAwayAnalysis, metrics: Path
) -> tuple[list[Claim], list[PredictionOutcome]]:
    """The claims at the largest k and the observed directions of their predictions (paired statistics)."""
    base = _common(cfg, metrics)
    made: list[Claimed] = []
    for m in cfg.methods:
        made += _removal_claims(base, a, m)
        made += [c for c in (_habit_claim(base, a, m), _noop_claim(base, a, m)) if c is not None]
    return [claim_from_dict(r, source=str(r["id"])) for r, _ in made], [o for _, o in made]
