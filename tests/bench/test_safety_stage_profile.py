"""bench/safety_stage_profile.py splits a safety arm's time into training and measuring."""

from __future__ import annotations

from types import ModuleType

from doc_sections import renderer


def _bench() -> ModuleType:
    return renderer("safety_stage_profile")


def test_training_is_finetune_less_what_it_calls_back() -> None:
    seconds = {"finetune": 30.0, "_verdicts": 12.0, "capability_direct": 3.0, "perplexity": 2.0}
    seconds |= {"save_organism": 1.0, "_measured_sets": 5.0, "load_base": 1.0}
    record = _bench()._summary(40.0, seconds)
    parts = record["parts_s"]
    assert parts["training (forward, backward, optimiser, trunk cache)"] == 12.0
    assert parts["verdicts after each k > 0"] == 12.0
    assert parts["rest"] == 4.0  # 40 - (12 + 12 + 5 + 3 + 2 + 1 + 1)
    assert abs(sum(record["shares"].values()) - 1.0) < 1e-9


def test_nested_calls_count_once() -> None:
    bench = _bench()
    seconds: dict[str, float] = {}
    busy: list[str] = []
    inner = bench._timed("_verdicts", lambda: None, seconds, busy)
    outer = bench._timed("_measured_sets", lambda: inner(), seconds, busy)
    outer()
    assert set(seconds) == {"_measured_sets"}  # the k = 0 verdicts are inside the sets' time
    train = bench._timed("finetune", lambda: inner(), seconds, busy)
    train()
    assert set(seconds) == {"_measured_sets", "_verdicts", "finetune"}  # called back from training: counted
