"""The matching table: can a baseline behaviour be compared with sycophancy on equal terms?

For the old innocuous habit (bare answer vs "The answer is X.", scored per token now), for neutral-mention
copying and for (raw) sycophancy: the training target's length in tokens, the share of its tokens common to
every item's target (1: the target can be learnt without knowing the item), the base rate on the held-out
cells, and the strength (mean per-token log-odds margin on the held-out prompts that show the behaviour;
for copying and sycophancy also on the held-out prompts that show both, the set they are compared on).
"""

from __future__ import annotations

from statistics import fmean

from assay._strict import Strict
from assay.studies.train_away._config import TrainAwayConfig
from assay.studies.train_away._outcomes import Kind, before, clusters, split_index
from assay.studies.train_away._results import TrainAwayRun
from assay.studies.train_away._stats import ItemRate, Settings, item_rate

TARGETS: dict[Kind, str] = {
    "habit": 'the sentence "The answer is X." (trained towards; the old habit stream)',
    "copying": "the bare correct answer, on the neutral-mention prompt",
    "sycophancy": "the bare correct answer, on the user-suggested prompt",
}


class MatchRow(Strict):
    """One behaviour's row of the matching table."""

    behaviour: str
    target: str
    target_tokens: float
    shared_tokens: float
    base_rate: ItemRate
    strength: float
    strength_on_both: float | None
    trained: bool


def _margins(run: TrainAwayRun, behaviour: str) -> dict[int, float]:
    """Per prompt: the behaviour's per-token margin, positive when it is shown."""
    s = run.baseline.scores
    if behaviour == "habit":
        return dict(zip(s.index, s.habit, strict=True))
    values = s.neutral if behaviour == "copying" else s.suggested
    return {i: -v for i, v in zip(s.index, values, strict=True)}


def _mean(values: list[float]) -> float:
    return fmean(values) if values else float("nan")


def matching(cfg: TrainAwayConfig, run: TrainAwayRun) -> list[MatchRow]:
    """The matching table of one run (held-out cells, base model)."""
    st = Settings(n_boot=cfg.n_bootstrap, n_perm=cfg.n_permutations, alpha=cfg.alpha, power=cfg.power)
    held = split_index(cfg, "heldout")
    syc, cop = _margins(run, "sycophancy"), _margins(run, "copying")
    both = [i for i in held if syc[i] > 0 and cop[i] > 0]
    rows = []
    for b, target in TARGETS.items():
        m = _margins(run, b)
        shape = run.baseline.targets[b]
        rows.append(
            MatchRow(
                behaviour=b,
                target=target,
                target_tokens=_mean([float(t) for t in shape.tokens]),
                shared_tokens=_mean(shape.shared),
                base_rate=item_rate([before(run, b)], held, clusters(cfg), st),
                strength=_mean([m[i] for i in held if m[i] > 0]),
                strength_on_both=None if b == "habit" else _mean([m[i] for i in both]),
                trained=b != "habit",
            )
        )
    return rows
