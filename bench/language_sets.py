"""Claim-language checker: recall and false flags on each labelled sentence set, written to bench/results/.

Usage: ``python bench/language_sets.py LABEL`` measures the ``assay`` on the import path (run it with
``PYTHONPATH=<old checkout>/src`` to measure an older checker on the same sets) and writes
``bench/results/language_<LABEL>.json``. Set A (tests/evidence/data/language_fresh.yaml) was held out for
round 1 (``round1``: the checker of commit 4c0e980); its miss categories informed round 2, so later figures on
it are not held out. Set B (tests/evidence/data/language_fresh_b.yaml) was held out for round 2 (``round2``:
commit d13d274), set C (tests/evidence/data/language_fresh_c.yaml) for round 3 (``round3``), set D
(tests/evidence/data/language_fresh_d.yaml) for round 4 (``round4_heldout_d``) and set E
(tests/evidence/data/language_fresh_e.yaml) for round 5 (``round5_heldout_e``: commit 6bab741); each set's
miss categories informed the next round, so set E informed round 6 (``round6``) and is no longer held out.
Set F (tests/evidence/data/language_fresh_f.yaml) was held out for round 6 (``round6_heldout_f``: commit
bffef13); its miss and false-flag categories informed round 7 (``round7``), so it is no longer held out.
Set G (tests/evidence/data/language_fresh_g.yaml) was held out for round 7 (``round7_heldout_g``: the checker
of the merge 2546e36); its miss and false-flag categories informed round 8 (``round8``), so it is no longer
held out either. All seven were written without reading the checker; the development set, the corpus and the
round-8 probe set (tests/evidence/data/language_round8_probe.yaml, ``probe8``: written for round 8 in six
batches, each run once before it was tuned on) were tuned on. Sets H and I
(tests/evidence/data/language_fresh_h.yaml, language_fresh_i.yaml) were held out for round 8 and run once
together (``round8_heldout_hi``: the merge dda17dd); set J (language_fresh_j.yaml) was held out for round 9
(``round9_heldout_j``: 6323f29) and read for round 10 (``round10``), with the round-10 probe set
(tests/evidence/data/language_round10_probe.yaml, ``probe10``: scored first by the round-9 checker,
``round10_before``, then tuned on). Set K (language_fresh_k.yaml) was held out
for round 10 (``round10_heldout_k``: the merge f074b7e). Sets L and M (language_fresh_l.yaml,
language_fresh_m.yaml) were written for round 11, scored once by the round-10 rules before any change
(``round11_before``: the rules of 3017aed) and held out for round 11, the learned probe
(``round11_heldout_lm``, with ``--learned set_l set_m``: the rules with the probe of
:mod:`assay.evidence._learned`, as the audit applies them). Their misses informed round 12 (the probe
retrained with L and M; listed intent words never vetoed); sets N and O (language_fresh_n.yaml,
language_fresh_o.yaml) were written for round 12 and held out for it (``round12_heldout_no``); their misses
informed round 13 (hedges; the probe may overrule hits that rest on a guessed subject; retrained with N and
O), held out on sets P and Q (``round13_heldout_pq``). Round 14 (training sets T1-T3 for the probe, veto at
0.3) was held out on sets R and S (``round14_heldout_rs``) and, with no change in between, on sets U and V
(``round14_heldout_uv``): a second estimate of the same checker. A set is measured when its file exists.

``--learned NAME ...`` adds the audit's figures (rules and probe together) for the named sets; the probe
embeds each sentence with the embedded model, about 0.1 s a sentence.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

import assay.evidence as ev

ROOT = Path(__file__).resolve().parents[1]
SETS = {
    "set_a": ROOT / "tests/evidence/data/language_fresh.yaml",
    "set_b": ROOT / "tests/evidence/data/language_fresh_b.yaml",
    "set_c": ROOT / "tests/evidence/data/language_fresh_c.yaml",
    "set_d": ROOT / "tests/evidence/data/language_fresh_d.yaml",
    "set_e": ROOT / "tests/evidence/data/language_fresh_e.yaml",
    "set_f": ROOT / "tests/evidence/data/language_fresh_f.yaml",
    "set_g": ROOT / "tests/evidence/data/language_fresh_g.yaml",
    "probe8": ROOT / "tests/evidence/data/language_round8_probe.yaml",
    "probe9": ROOT / "tests/evidence/data/language_round9_probe.yaml",
    "probe10": ROOT / "tests/evidence/data/language_round10_probe.yaml",
    "set_h": ROOT / "tests/evidence/data/language_fresh_h.yaml",
    "set_i": ROOT / "tests/evidence/data/language_fresh_i.yaml",
    "set_j": ROOT / "tests/evidence/data/language_fresh_j.yaml",
    "set_k": ROOT / "tests/evidence/data/language_fresh_k.yaml",
    "set_l": ROOT / "tests/evidence/data/language_fresh_l.yaml",
    "set_m": ROOT / "tests/evidence/data/language_fresh_m.yaml",
    "set_n": ROOT / "tests/evidence/data/language_fresh_n.yaml",
    "set_o": ROOT / "tests/evidence/data/language_fresh_o.yaml",
    "set_p": ROOT / "tests/evidence/data/language_fresh_p.yaml",
    "set_q": ROOT / "tests/evidence/data/language_fresh_q.yaml",
    "set_r": ROOT / "tests/evidence/data/language_fresh_r.yaml",
    "set_s": ROOT / "tests/evidence/data/language_fresh_s.yaml",
    "set_u": ROOT / "tests/evidence/data/language_fresh_u.yaml",
    "set_v": ROOT / "tests/evidence/data/language_fresh_v.yaml",
    "dev": ROOT / "src/assay/evidence/data/language_dev.yaml",
    "corpus": ROOT / "src/assay/evidence/data/language_corpus.yaml",
}


def tally(path: Path, learned: bool = False) -> dict[str, float | int]:
    """Intent sentences caught and behavioural sentences flagged by ``intent_phrases``."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    caught = sum(1 for s in data["intent"] if ev.intent_phrases(s, learned=learned))
    flagged = sum(1 for s in data["behavioural"] if ev.intent_phrases(s, learned=learned))
    n_i, n_b = len(data["intent"]), len(data["behavioural"])
    return {
        "intent": n_i,
        "caught": caught,
        "recall": round(caught / n_i, 4),
        "behavioural": n_b,
        "flagged": flagged,
        "false_flag_rate": round(flagged / n_b, 4),
    }


def main(label: str, learned: list[str]) -> None:
    """Measure every set that exists and write ``bench/results/language_<label>.json``."""
    src = Path(ev.__file__).resolve().parents[1]
    commit = subprocess.run(
        ["git", "-C", str(src), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    ).stdout.strip()
    out: dict[str, object] = {
        "checker_commit": commit,
        "sets": {k: tally(p) for k, p in SETS.items() if p.is_file()},
    }
    if learned:
        out["learned"] = {k: tally(SETS[k], learned=True) for k in learned}
    path = ROOT / "bench" / "results" / f"language_{label}.json"
    path.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    for part in ("sets", "learned"):
        for name, t in out.get(part, {}).items():  # type: ignore[attr-defined]
            what = " (rules + probe)" if part == "learned" else ""
            print(
                f"{name}{what}: recall {t['caught']}/{t['intent']} = {t['recall']:.3f}, "
                f"false flags {t['flagged']}/{t['behavioural']} = {t['false_flag_rate']:.3f}"
            )
    print(f"wrote {path}")


if __name__ == "__main__":
    args = sys.argv[1:]
    flag = args.index("--learned") if "--learned" in args else len(args)
    main(args[0] if flag > 0 else "current", args[flag + 1 :])
