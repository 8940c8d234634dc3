"""Train the learned intent probe (not a test) and measure it, held out, leaving one set out at a time.

Usage: ``python bench/intent_probe.py`` (about 9 minutes on 2 CPU cores the first time; features are cached,
so a re-run takes under a minute). It

1. computes the probe's features (:func:`assay.evidence._learned.sentence_features`) for every sentence of
   the training sets (:data:`TRAIN`: the labelled sets A-O, the training-only sets T1-T3, the probe sets,
   dev and the corpus; the sets held out for rounds 13 and 14, P-V, are not among them);
2. for each set in :data:`HELD_OUT_AT` (H-O), fits the probe on all the other training sets and scores that
   set, then combines the scores with the rule checker *as it was when the set was held out* (its commit,
   run from a ``git archive``), so the figures say what the combination would have scored on writing
   neither part had seen; writes ``bench/results/intent_probe_loso.json`` with a small threshold grid;
3. fits the probe on all training sets and writes ``src/assay/evidence/data/intent_probe.npz`` and its record
   ``intent_probe.json`` (the files and their SHA-256, the settings and the held-out figures).

The settings (layers 5-30 by 5, C = 0.1, veto at 0.02, flag above 0.9) were chosen on the H-K figures among
the few in :data:`EXPLORED` and fixed in :mod:`assay.evidence._learned` before sets L and M were run; round 14
(training sets T1-T3 added) moved the veto to 0.3 on the H-O figures before sets R and S were run.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler

from assay.evidence import _learned
from assay.evidence._intent import Hit

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests/evidence/data"
TRAIN: dict[str, Path] = {
    **{f"set_{c}": DATA / f"language_fresh_{c}.yaml" for c in "bcdefghijklmno"},
    "set_a": DATA / "language_fresh.yaml",
    **{f"train_t{k}": DATA / f"language_train_t{k}.yaml" for k in "123"},
    "probe8": DATA / "language_round8_probe.yaml",
    "probe9": DATA / "language_round9_probe.yaml",
    "probe10": DATA / "language_round10_probe.yaml",
    "dev": ROOT / "src/assay/evidence/data/language_dev.yaml",
    "corpus": ROOT / "src/assay/evidence/data/language_corpus.yaml",
}
#: Each set's held-out run: the commit of the rule checker that ran it once.
HELD_OUT_AT: dict[str, str] = {
    "set_h": "dda17dd",
    "set_i": "dda17dd",
    "set_j": "6323f29",
    "set_k": "f074b7e",
    "set_l": "0aa7c2e",
    "set_m": "0aa7c2e",
    "set_n": "20b4e3c",
    "set_o": "20b4e3c",
}
C = 0.1
EXPLORED = {
    "features": [
        "mean of layers 10,20,30",
        "mean of layers 5-30 by 5",
        "mean of layer 15",
        "mean of layer 20",
        "last token of layers 10,20,30",
        "mean+last of layer 20",
        "mean of layers 2-30 by 2",
        "mean of layers 5-30 by 5 + last token of layer 30",
    ],
    "C": [0.01, 0.03, 0.1, 0.3],
    "veto_below": [-1, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5],
    "flag_above": [0.5, 0.7, 0.8, 0.9, 0.95, "never"],
}
_OLD_RULES = """
import json, sys, yaml
import assay.evidence as ev
from assay.evidence._language import _phrase_edits
d = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
print(json.dumps([[ev.intent_phrases(s), bool(_phrase_edits(s))] for s in d["intent"] + d["behavioural"]]))
"""


def load(path: Path) -> tuple[list[str], list[int]]:
    """A set's sentences (intent first) and labels (1 = intent)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data["intent"] + data["behavioural"], [1] * len(data["intent"]) + [0] * len(data["behavioural"])


def old_rule_hits(commit: str, path: Path) -> list[tuple[list[str], bool]]:
    """The rule checker of ``commit`` on a set, run from a ``git archive`` of its ``src``.

    Each sentence's intent phrases, and whether it has causal or robustness wording.
    """
    with tempfile.TemporaryDirectory(prefix="old-checker-") as tmp:
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", commit, "src"], capture_output=True, check=True
        )
        subprocess.run(["tar", "x", "-C", tmp], input=archive.stdout, check=True)
        env = {"PYTHONPATH": f"{tmp}/src", "PATH": "/usr/bin:/bin"}
        out = subprocess.run(
            [sys.executable, "-c", _OLD_RULES, str(path)], capture_output=True, text=True, env=env, check=True
        )
    return [(phrases, bool(effect)) for phrases, effect in json.loads(out.stdout)]


def features(texts: list[str]) -> np.ndarray:
    """:func:`assay.evidence._learned.sentence_features`, kept in a cache keyed by sentence and layers.

    The cache (``$XDG_CACHE_HOME/assay/intent_features``, else ``~/.cache/...``) only saves time on a re-run;
    delete it to recompute.
    """
    base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "assay" / "intent_features"
    base.mkdir(parents=True, exist_ok=True)
    keys = [hashlib.sha256(f"{_learned.LAYERS}|{t}".encode()).hexdigest() for t in texts]
    todo = {k: t for t, k in zip(texts, keys, strict=True) if not (base / f"{k}.npy").is_file()}
    for key, row in zip(todo, _learned.sentence_features(list(todo.values())) if todo else [], strict=True):
        np.save(base / f"{key}.npy", row)
    return np.stack([np.load(base / f"{k}.npy") for k in keys])


def fit(x: np.ndarray, y: np.ndarray) -> tuple[StandardScaler, LogisticRegression]:
    """The probe: standardised features, L2-regularised logistic regression."""
    scaler = StandardScaler().fit(x)
    return scaler, LogisticRegression(C=C, max_iter=5000).fit(scaler.transform(x), y)


def combine(
    hits: list[tuple[list[str], bool]],
    p: np.ndarray,
    veto: float = _learned.VETO_BELOW,
    flag: float = _learned.FLAG_ABOVE,
) -> np.ndarray:
    """The combination of :func:`assay.evidence._language.checked_hits`, with today's intent lists."""
    out = []
    for (phrases, effect), prob in zip(hits, p, strict=True):
        if effect and not phrases:
            out.append(False)  # effect wording is left to its own rules
            continue
        vetoable = _learned.vetoable([Hit(0, 0, ph) for ph in phrases])
        out.append(_learned.verdict(float(prob), bool(phrases), vetoable, veto, flag))
    return np.array(out)


def grid(scored: list[tuple[list[tuple[list[str], bool]], np.ndarray, np.ndarray]]) -> dict[str, Any]:
    """Held-out totals of the combination over a few thresholds (how the declared ones were chosen)."""
    out: dict[str, Any] = {}
    for veto in (0.0, 0.02, 0.05, 0.1, 0.2, 0.3, 0.5):
        for flag in (0.7, 0.8, 0.9, 0.95):
            caught = flagged = 0
            for hits, p, y in scored:
                f = combine(hits, p, veto, flag)
                caught, flagged = caught + int(f[y == 1].sum()), flagged + int(f[y == 0].sum())
            out[f"veto<={veto},flag>{flag}"] = {"caught": caught, "flagged": flagged}
    return out


def held_out(feats: dict[str, np.ndarray], labels: dict[str, np.ndarray]) -> dict[str, Any]:
    """Leave-one-set-out figures on H-K: rules alone, probe alone, and the declared combination."""
    out: dict[str, Any] = {}
    scored = []
    for name, commit in HELD_OUT_AT.items():
        rest = [k for k in TRAIN if k != name]
        scaler, clf = fit(np.concatenate([feats[k] for k in rest]), np.concatenate([labels[k] for k in rest]))
        p = clf.predict_proba(scaler.transform(feats[name]))[:, 1]
        hits, y = old_rule_hits(commit, TRAIN[name]), labels[name]
        rules = np.array([bool(phrases) for phrases, _ in hits])
        scored.append((hits, p, y))
        row: dict[str, Any] = {
            "rules_commit": commit,
            "intent": int(y.sum()),
            "behavioural": int((1 - y).sum()),
        }
        for label, flags in (
            ("rules", rules),
            ("probe", p > 0.5),
            ("combined", combine(hits, p)),
        ):
            row[label] = {"caught": int(flags[y == 1].sum()), "flagged": int(flags[y == 0].sum())}
        out[name] = row
        print(name, {k: v for k, v in row.items() if isinstance(v, dict)}, flush=True)
    out["grid"] = grid(scored)
    for key, value in out["grid"].items():
        print(key, value)
    return out


def main() -> None:
    """Features, held-out figures, the final probe and its record."""
    feats: dict[str, np.ndarray] = {}
    labels: dict[str, np.ndarray] = {}
    for name, path in TRAIN.items():
        texts, y = load(path)
        feats[name], labels[name] = features([t.strip() for t in texts]), np.array(y)
        print(f"{name}: {len(texts)} sentences", flush=True)
    loso = held_out(feats, labels)
    thresholds = loso.pop("grid")
    totals = {
        part: {key: sum(r[part][key] for r in loso.values()) for key in ("caught", "flagged")}
        for part in ("rules", "probe", "combined")
    }
    n_i, n_b = sum(r["intent"] for r in loso.values()), sum(r["behavioural"] for r in loso.values())
    summary = {"intent": n_i, "behavioural": n_b, **totals}
    (ROOT / "bench/results/intent_probe_loso.json").write_text(
        json.dumps({"sets": loso, "total": summary, "thresholds": thresholds, "explored": EXPLORED}, indent=2)
        + "\n",
        encoding="utf-8",
    )
    scaler, clf = fit(np.concatenate(list(feats.values())), np.concatenate(list(labels.values())))
    np.savez(
        _learned.PROBE_PATH,
        mean=scaler.mean_,
        scale=scaler.scale_,
        coef=clf.coef_[0],
        intercept=np.array(clf.intercept_[0]),
    )
    record = {
        "model": "SmolLM2-135M-Instruct (float32, CPU)",
        "layers": list(_learned.LAYERS),
        "C": C,
        "veto_below": _learned.VETO_BELOW,
        "flag_above": _learned.FLAG_ABOVE,
        "train": {
            k: {
                "path": str(p.relative_to(ROOT)),
                "sha256": _learned.file_hash(p),
                "sentences": len(labels[k]),
            }
            for k, p in TRAIN.items()
        },
        "held_out_h_to_k": summary,
    }
    _learned.META_PATH.write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print("total", summary)


if __name__ == "__main__":
    main()
