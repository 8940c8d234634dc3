"""The elicitation study's statistics: the fraction of the locked performance a method recovers."""

from __future__ import annotations

import numpy as np


def recovered_fraction(
    method: np.ndarray, locked: np.ndarray, unlocked: np.ndarray, n_boot: int, seed: int = 0
) -> dict[str, float]:
    """Fraction of the locked performance recovered, ``(method - locked) / (unlocked - locked)``.

    Each argument holds per-item correctness (``method`` may be averaged over seeds). The 95 % interval is
    a percentile bootstrap over items, resampling the same items for all three (they share the prompts);
    resamples where the password gives no advantage are dropped and counted.
    """
    n = len(method)
    gap = float(unlocked.mean() - locked.mean())
    est = float((method.mean() - locked.mean()) / gap) if gap > 0 else float("nan")
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, n, size=(n_boot, n))
    gaps = unlocked[idx].mean(axis=1) - locked[idx].mean(axis=1)
    ok = gaps > 0
    ratios = (method[idx].mean(axis=1)[ok] - locked[idx].mean(axis=1)[ok]) / gaps[ok]
    lo, hi = (float(x) for x in np.percentile(ratios, [2.5, 97.5])) if ok.any() else (float("nan"),) * 2
    return {"estimate": est, "lo": lo, "hi": hi, "n_items": n, "n_boot": n_boot, "dropped": int((~ok).sum())}
