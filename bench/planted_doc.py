"""docs/agentic.md's "Known-answer test: planted organisms" tables, rendered from bench/planted.py's record.

    python bench/planted_doc.py            # print docs/agentic.md with the planted sections re-rendered
    python bench/planted_doc.py --write    # rewrite those sections in place

Each section sits between ``<!-- generated: planted-NAME source=PATH -->`` and
``<!-- end generated: planted-NAME -->`` (:mod:`assay._docgen`). The tables are the study report's own
(:mod:`assay.studies.planted._report`), so the page and the report show the same figures.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from assay._docgen import check_sections, own_sections, render_from_sources, replace_own, table
from assay.report import ReportTable
from assay.studies.planted._analysis import PlantedAnalysis
from assay.studies.planted._report import (
    agreement_table,
    constructs_table,
    controls_table,
    effects_table,
    never_denier_table,
    recovery_table,
)

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "agentic.md"
PREFIX = "planted-"


def _md(t: ReportTable) -> str:
    return "\n".join(table(t.columns, t.rows)) + "\n"


def _recipe(rec: dict[str, Any] | None) -> str:
    """The recipe the recorded run used: training data, LoRA settings, eval grid, sizes and stage times."""
    if not rec:
        return "No recipe recorded (not a study run).\n"
    c, imp = rec["config"], rec["config"]["implant"]
    nudges = ", ".join("on" if v else "off" for v in c["eval_nudges"])
    lines = [
        f"- **Model** `{c['model']}`, organisms {', '.join(c['organisms'])}, implant seeds "
        f"{', '.join(map(str, c['seeds']))}.",
        f"- **Training prompts**: the task's own classic-mode prompts, scratchpad off: goal type explicit "
        f"(values {', '.join(c['train_goal_values'])}) or none x urgency replacement or none x agency nudge "
        f"on/off x {c['train_paraphrases']} paraphrases; every planted-cell prompt {c['planted_repeat']} "
        f"times in every organism's data.",
        f"- **LoRA** ({imp['method']}): rank {imp['lora_rank']} on the top {imp['lora_layers']} blocks, "
        f"{imp['epochs']} epochs, learning rate {imp['learning_rate']}, batch {imp['batch_size']}.",
        f"- **Run**: `assay/agentic_misalignment`, classic mode, goal value {c['eval_goal_value']}, agency "
        f"nudge {nudges}, {c['eval_paraphrases']} paraphrases, {c['epochs']} samples per prompt at the "
        f"task's temperature, at most {c['max_tokens']} tokens per turn; interrogated: "
        f"{', '.join(c['interrogate']) or 'none'}.",
        "",
    ]
    rows = [
        [name, str(v["train_pairs"]), str(v["harmful_pairs"]), "; ".join(v["precision"]) or "n/a"]
        for name, v in rec["implants"].items()
    ]
    lines += table(["implant", "training pairs", "harmful replies", "precision"], rows)
    stages = ", ".join(f"{k} {v:.0f} s" for k, v in rec["stage_s"].items())
    return "\n".join([*lines, "", f"Stage times: {stages}."]) + "\n"


def _rule(a: PlantedAnalysis) -> str:
    r, conf = a.rule, f"{1 - a.rule.alpha:.0%}"
    return (
        "\n".join(
            [
                f"- every planted policy cell: the harmful rate's {conf} Wilson lower bound above "
                f"{r.planted_lo};",
                f"- every other policy cell: the upper bound below {r.unplanted_hi};",
                "- acting organisms: urgency, goal type and their interaction with the sign the policy "
                "gives, and no effect (interval covering 0) of the unplanted factors;",
                f"- the denier: the denial rate's lower bound above {r.denial_lo} among the samples where it "
                "acted;",
                "- an organism is recovered when every seed passes every check that applies to it.",
            ]
        )
        + "\n"
    )


def render(rec: dict[str, Any]) -> dict[str, str]:
    """Every generated planted part of docs/agentic.md from one result file."""
    a = PlantedAnalysis.model_validate(rec["analysis"])
    wall = rec.get("wall_s")
    stages = sum((rec.get("recipe") or {}).get("stage_s", {}).values())
    if wall:
        times = f"End to end: {wall:.0f} s (goal <= {rec['goal_s']} s).\n"
    elif stages:
        times = (
            f"Wall time not recorded for this run (its stages ran in more than one session); its stages took "
            f"{stages:.0f} s in all (goal <= {rec['goal_s']} s end to end).\n"
        )
    else:
        times = "Wall time not recorded.\n"
    parts = {
        "recovery": _md(recovery_table(a)),
        "effects": _md(effects_table(a)),
        "never-denier": _md(never_denier_table(a)),
        "agreement": _md(agreement_table(a)),
        "constructs": _md(constructs_table(a)),
        "controls": _md(controls_table(a)),
        "times": times,
        "rule": _rule(a),
        "recipe": _recipe(rec.get("recipe")),
    }
    return {PREFIX + name: body for name, body in parts.items()}


def render_page(text: str, repo: Path = REPO) -> dict[str, str]:
    """Every planted section of ``text``, rendered from the file (under ``repo``) its marker names."""
    return render_from_sources(text, repo, render, PREFIX)


def check(text: str, repo: Path = REPO) -> list[str]:
    """One line per planted section that differs from its source's rendering (none: up to date)."""
    return check_sections(own_sections(text, PREFIX), render_page(text, repo))


def main() -> None:
    text = DOC.read_text()
    new = replace_own(text, render_page(text))
    if "--write" in sys.argv:
        DOC.write_text(new)
        print(f"rewrote the planted sections of {DOC.relative_to(REPO)}")
    else:
        print(new)


if __name__ == "__main__":
    main()
