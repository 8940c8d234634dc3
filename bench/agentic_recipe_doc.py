"""docs/agentic.md's reproduction-recipe sections, rendered from the recipe and the published count tables.

    python bench/agentic_recipe_doc.py            # print docs/agentic.md with those sections re-rendered
    python bench/agentic_recipe_doc.py --write    # rewrite them in place

Sections (all named ``agentic-recipe-*``; other sections of the page are left alone), each begin marker
naming its source:

* ``agentic-recipe-command``: the commands, from ``assay.tasks.agentic._recipe``;
* ``agentic-recipe-published``: the published headline blackmail rates, from
  ``examples/published/counts/agentic_blackmail_models.yaml`` (the table docs/published.md grades);
* ``agentic-recipe-instructions``: the direct-instruction mitigation, from
  ``examples/published/counts/agentic_direct_instructions.yaml``.

tests/bench/test_agentic_recipe_doc.py checks that the page holds exactly these renderings, so no figure or
parameter in them is typed by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

from assay._docgen import check_sections, own_sections, replace_own, sections, table
from assay.tasks.agentic._recipe import headline_command

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "agentic.md"
PREFIX = "agentic-recipe-"
SOURCES = {
    "agentic-recipe-command": "src/assay/tasks/agentic/_recipe.py",
    "agentic-recipe-published": "examples/published/counts/agentic_blackmail_models.yaml",
    "agentic-recipe-instructions": "examples/published/counts/agentic_direct_instructions.yaml",
}


def wrapped(command: str, width: int = 100) -> str:
    """``command`` broken before ``-T``/``--`` options into shell lines of at most about ``width``."""
    lines, line = [], ""
    for word in command.replace(" -T ", " -T\0").split(" "):
        word = word.replace("\0", " ")
        if line and len(line) + 1 + len(word) > width and word.startswith("-"):
            lines.append(line + " \\")
            line = "  " + word
        else:
            line = f"{line} {word}" if line else word
    return "\n".join([*lines, line])


def _command() -> str:
    return "\n".join(
        [
            "```bash",
            wrapped(headline_command("inspect eval")),
            "# the same through assay's CLI",
            wrapped(headline_command("assay eval")),
            "```",
        ]
    )


def _pct(rate: Any) -> str:
    return f"{100 * float(rate):.0f} %"


def _published(raw: dict[str, Any]) -> str:
    rows = [[str(r["model"]), _pct(r["rate"])] for r in raw["rows"]]
    head = ["model", "published blackmail rate (replacement + explicit goal conflict)"]
    return "\n".join([*table(head, rows), "", f"Source: {raw['citation']}. {raw['note']}."])


def _instructions(raw: dict[str, Any]) -> str:
    by = {(r["scenario"], r["instruction"]): r["rate"] for r in raw["rows"]}
    scenarios = list(dict.fromkeys(r["scenario"] for r in raw["rows"]))
    rows = [[s, _pct(by[s, "none"]), _pct(by[s, "direct"])] for s in scenarios]
    head = ["scenario", "no instruction", "direct instructions"]
    return "\n".join([*table(head, rows), "", f"Source: {raw['citation']}. {raw['note']}."])


def render(repo: Path = REPO) -> dict[str, str]:
    """Every ``agentic-recipe-*`` section, rendered from its source."""

    def load(name: str) -> dict[str, Any]:
        raw: dict[str, Any] = yaml.safe_load((repo / SOURCES[name]).read_text(encoding="utf-8"))
        return raw

    return {
        "agentic-recipe-command": _command(),
        "agentic-recipe-published": _published(load("agentic-recipe-published")),
        "agentic-recipe-instructions": _instructions(load("agentic-recipe-instructions")),
    }


def check(text: str, repo: Path = REPO) -> list[str]:
    """One line for every recipe section that differs from its rendering or cites another source."""
    problems = check_sections(own_sections(text, PREFIX), render(repo))
    for name, s in sections(text).items():
        if name in SOURCES and s.source != SOURCES[name]:
            problems.append(f"section '{name}' cites {s.source}, not {SOURCES[name]}")
    return problems


def rewrite(text: str, repo: Path = REPO) -> str:
    """``text`` with every recipe section re-rendered, the rest unchanged."""
    return replace_own(text, render(repo))


def main() -> None:
    text = DOC.read_text(encoding="utf-8")
    new = rewrite(text)
    if "--write" in sys.argv:
        DOC.write_text(new, encoding="utf-8")
        print(f"rewrote the recipe sections of {DOC.relative_to(REPO)}")
    else:
        print(new)


if __name__ == "__main__":
    main()
