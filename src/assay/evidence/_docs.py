"""The reference sections of ``docs/evidence.md``, rendered from the code so that the page cannot drift.

Three sections, each between ``<!-- generated: NAME -->`` and ``<!-- end generated: NAME -->`` markers:

* ``checklist``: the 34 items (:func:`~._checklist.registered_items`, their words in :mod:`._itemdocs`, the
  levels in :data:`~._audit.LEVEL_ITEMS`);
* ``claim-file``: every field of a claim file, from the pydantic models of :mod:`._claim`;
* ``evidence-table``: the evidence table's columns (:data:`~._schema.COLUMN_DOCS`) and a count table's
  (:data:`~._schema.COUNT_COLUMNS`).

``python -m assay.evidence._docs [PATH]`` rewrites the sections of ``PATH`` (default ``docs/evidence.md``
under the working directory) and leaves the rest of the page alone; ``tests/evidence/test_docs.py`` checks
that the page holds exactly what :func:`generated_block` renders.
"""

from __future__ import annotations

import inspect
import math
import re
import sys
import types
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, Union, get_args, get_origin

import annotated_types
import yaml
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from assay._docgen import block, markers, replace_sections
from assay._errors import AssayError
from assay.evidence._audit import APPLICABLE_ONLY, LEVEL_ITEMS
from assay.evidence._checklist import (
    DATA_ITEMS,
    STATUS_MEANING,
    UNIT_LEVEL_ITEMS,
    ItemSpec,
    registered_items,
)
from assay.evidence._claim import Claim
from assay.evidence._itemdocs import ITEM_DOCS, ItemDoc
from assay.evidence._schema import COLUMN_DOCS, COUNT_COLUMNS, FACTOR_PREFIX, SCHEMA_VERSION

#: The page the sections live in, relative to the repository root.
DOC_PATH = Path("docs") / "evidence.md"

_KIND_MEANING = {
    "auto": "computed from the evidence",
    "declared": "stated in the claim file",
    "declared+auto": "stated in the claim file and checked against the evidence",
}


def _level_of(item_id: str) -> str:
    for level, ids in LEVEL_ITEMS.items():
        if item_id in ids:
            return f"needed for {level}" + (" where it applies" if item_id in APPLICABLE_ONLY else "")
    return "no level waits on it"


def _checklist_intro() -> list[str]:
    statuses = [f"| `{s}` | {meaning} |" for s, meaning in STATUS_MEANING.items()]
    levels = [f"| {lvl} | {', '.join(ids)} |" for lvl, ids in LEVEL_ITEMS.items()]
    kinds = "; ".join(f"`{k}`: {v}" for k, v in _KIND_MEANING.items())
    return [
        "Every audit answers all 34 items, each with a status and a one-line reason:",
        "",
        "| status | meaning |",
        "|---|---|",
        *statuses,
        "",
        "A level is reached when every item it needs, and every item the levels below need, is `passed` or "
        "`declared`:",
        "",
        "| level | items it adds |",
        "|---|---|",
        *levels,
        "",
        f"{', '.join(sorted(APPLICABLE_ONLY))} is needed only where it applies: its `not_applicable` "
        "neither lifts nor blocks a level. The other items are graded and reported, but no level waits on "
        "them.",
        "",
        f"**How to read an item.** Under its id and title: its kind ({kinds}) and the level that needs it. "
        "*Checks* says what the item looks at and when it passes; *Reads* names the claim-file fields (see "
        "[The claim file](#the-claim-file)) and the evidence it uses (see [The evidence table]"
        "(#the-evidence-table)); then when it is `missing`, `failed` or `not_applicable` (*never*: the item "
        "does not take that status). Two rules come before an item's own check: an item computed on the "
        "claim's rows is `missing` when every row is a published rate without n, and an item that needs "
        'unit-level rows is `missing` ("aggregated source") on rows expanded from counts. A claim whose '
        "subject matches no row is refused before any item is graded, with one line listing what the "
        "evidence holds.",
    ]


def _missing_text(spec: ItemSpec, doc: ItemDoc) -> str:
    parts = [doc.missing_when.rstrip(".")] if doc.missing_when else []
    if spec.id in DATA_ITEMS:
        parts.append("every row is a rate without n")
    if spec.id in UNIT_LEVEL_ITEMS:
        parts.append(
            f'count-only rows ("aggregated source": {UNIT_LEVEL_ITEMS[spec.id]} needs unit-level rows)'
        )
    return "; ".join(parts) + "." if parts else "never."


def _item_lines(spec: ItemSpec) -> list[str]:
    doc = ITEM_DOCS.get(spec.id)
    if doc is None:
        raise AssayError(f"checklist item {spec.id} has no entry in assay.evidence._itemdocs.ITEM_DOCS")
    return [
        f"#### {spec.id} {spec.title}",
        "",
        f"*{spec.kind}; {_level_of(spec.id)}*",
        "",
        f"- **Checks:** {doc.checks}",
        f"- **Reads:** {doc.needs}",
        f"- **`missing`:** {_missing_text(spec, doc)}",
        f"- **`failed`:** {doc.failed_when or 'never.'}",
        f"- **`not_applicable`:** {doc.not_applicable_when or 'never.'}",
        "",
    ]


def checklist_markdown() -> str:
    """Render the checklist: statuses, levels, and every item in checklist order."""
    lines = [*_checklist_intro(), ""]
    section = ""
    for spec in registered_items():
        head = spec.id.split(".")[0]
        if head != section:
            section = head
            lines += [f"### {head} {spec.section}", ""]
        lines += _item_lines(spec)
    return "\n".join(lines).rstrip("\n")


def _rst_to_markdown(text: str) -> str:
    """Docstring markup as markdown: ``x`` and :role:`~a.b` become `x` and `a.b`."""
    text = re.sub(r":[a-z]+:`~?([^`]+)`", r"`\1`", text)
    return text.replace("``", "`")


def docstring_attributes(cls: type) -> dict[str, str]:
    """Return the ``Attributes:`` entries of ``cls``'s Google-style docstring (name -> one-line text)."""
    lines = inspect.cleandoc(cls.__doc__ or "").splitlines()
    out: dict[str, str] = {}
    inside = False
    name = ""
    for line in lines:
        if line.strip() == "Attributes:":
            inside = True
            continue
        if not inside:
            continue
        if not line.strip() or not line.startswith(" "):
            break
        entry = re.match(r"^ {4}(\w+): (.*)$", line)
        if entry:
            name = entry.group(1)
            out[name] = entry.group(2).strip()
        elif name:
            out[name] += " " + line.strip()
    return {k: _rst_to_markdown(v) for k, v in out.items()}


_SCALARS: dict[Any, str] = {
    str: "text",
    int: "integer",
    float: "number",
    bool: "true/false",
    datetime: "date-time (ISO 8601)",
    type(None): "null",
}


def type_text(tp: Any) -> str:
    """A field type in words: ``list of text``, ``number or null``, a link to a nested model's table."""
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        names = [type_text(a) for a in get_args(tp)]
        return ", ".join(names[:-1]) + " or " + names[-1]
    if origin is Literal:
        names = [f"`{a}`" for a in get_args(tp)]
        return ", ".join(names[:-1]) + " or " + names[-1]
    if origin is list:
        return f"list of {type_text(get_args(tp)[0])}"
    if origin is dict:
        key, value = get_args(tp)
        return f"mapping of {type_text(key)} to {type_text(value)}"
    if inspect.isclass(tp) and issubclass(tp, BaseModel):
        return f"[{tp.__name__}](#{tp.__name__.lower()})"
    if tp in _SCALARS:
        return _SCALARS[tp]
    raise AssayError(f"no words for the type {tp!r}: add it to assay.evidence._docs.type_text")


def _constraint_text(meta: object) -> str:
    known: dict[type, tuple[str, str]] = {
        annotated_types.Gt: ("gt", "> {}"),
        annotated_types.Ge: ("ge", ">= {}"),
        annotated_types.Lt: ("lt", "< {}"),
        annotated_types.Le: ("le", "<= {}"),
    }
    if isinstance(meta, annotated_types.MinLen):
        return "non-empty" if meta.min_length == 1 else f"at least {meta.min_length} long"
    for kind, (attr, form) in known.items():
        if isinstance(meta, kind):
            return form.format(getattr(meta, attr))
    return str(meta)


def _yaml_value(value: object) -> str:
    if isinstance(value, BaseModel):
        value = value.model_dump(mode="json", exclude_defaults=True)
    text = yaml.safe_dump(value, default_flow_style=True, width=1000)
    return f"`{text.removesuffix(chr(10)).removesuffix(chr(10) + '...')}`"


def _default_text(info: FieldInfo) -> str:
    if info.is_required():
        return "required"
    factory = info.default_factory
    value = factory() if factory is not None else info.default  # type: ignore[call-arg]
    return _yaml_value(value)


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _model_table(model: type[BaseModel], where: Sequence[str]) -> list[str]:
    notes = docstring_attributes(model)
    names = set(model.model_fields)
    stale = sorted(set(notes) - names)
    if stale:
        raise AssayError(f"{model.__name__}'s docstring describes {stale}, which are not its fields")
    rows = []
    for name, info in model.model_fields.items():
        text = info.description or notes.get(name)
        if not text:
            raise AssayError(
                f"{model.__name__}.{name} has no description: add it to the docstring's Attributes"
            )
        typ = ", ".join([type_text(info.annotation), *map(_constraint_text, info.metadata)])
        row = [f"`{info.alias or name}`", typ, _default_text(info), _rst_to_markdown(text)]
        rows.append("| " + " | ".join(map(_cell, row)) + " |")
    summary = _rst_to_markdown(inspect.cleandoc(model.__doc__ or "").split("\n\n")[0].replace("\n", " "))
    place = "The top level of the file." if not where else "Under " + ", ".join(f"`{w}`" for w in where) + "."
    return [
        f"#### {model.__name__}",
        "",
        f"{summary} {place}",
        "",
        "| field | type | default | description |",
        "|---|---|---|---|",
        *rows,
        "",
    ]


def _nested_models(tp: Any) -> list[tuple[type[BaseModel], str]]:
    """The models inside a field type, each with ``[]`` when it sits in a list."""
    if inspect.isclass(tp) and issubclass(tp, BaseModel):
        return [(tp, "")]
    suffix = "[]" if get_origin(tp) is list else ""
    return [(m, s or suffix) for a in get_args(tp) for m, s in _nested_models(a)]


def claim_models(
    model: type[BaseModel] = Claim, prefix: str = "", found: dict[type[BaseModel], list[str]] | None = None
) -> dict[type[BaseModel], list[str]]:
    """The claim's models, from :class:`~._claim.Claim` down in field order, each with its YAML paths.

    A model comes where it first appears; ``[]`` marks a list (``predictions[].comparison``).
    """
    found = {model: []} if found is None else found
    for name, info in model.model_fields.items():
        for nested, suffix in _nested_models(info.annotation):
            path = f"{prefix}{info.alias or name}{suffix}"
            first = nested not in found
            found.setdefault(nested, []).append(path)
            if first:
                claim_models(nested, f"{path}.", found)
    return found


def claim_file_markdown() -> str:
    """Render every field of a claim file, the top level first, then each nested model."""
    lines = [
        "A claim file is YAML: one mapping whose keys are the fields below, one claim per file. An unknown "
        "key is refused, naming it and the nearest known field (`unknown field 'subject.factor' (did you "
        "mean 'subject.factors'?)`); a value of the wrong type is refused naming the field, what it expects "
        "and what it got (`claimed_effect: expected number or null, got '96%'; ...`). *type* says what a "
        "value may be and its bounds; *default* is what an omitted field means. Factor values match the "
        "evidence's in any spelling of the same boolean or number (`true` and `True`, `1` and `1.0`); a "
        "negative control or comparison that names a factor or level the evidence lacks is refused before "
        "any item is graded.",
        "",
    ]
    for model, where in claim_models().items():
        lines += _model_table(model, where)
    return "\n".join(lines).rstrip("\n")


def _column_default(value: object) -> str:
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if value == "":
        return "empty"
    return _yaml_value(value)


def evidence_table_markdown() -> str:
    """Render the evidence table's columns and a count table's columns."""
    columns = [f"| `{n}` | {_column_default(d)} | {_cell(text)} |" for n, (d, text) in COLUMN_DOCS.items()]
    counts = [f"| `{n}` | {_cell(text)} |" for n, text in COUNT_COLUMNS.items()]
    return "\n".join(
        [
            f"Schema `{SCHEMA_VERSION}`, written into the provenance sidecar of every table file. One row "
            f"per observation; each condition factor adds a column `{FACTOR_PREFIX}<name>`. *default* is the "
            "value a table that leaves the column out gets.",
            "",
            "| column | default | what it holds |",
            "|---|---|---|",
            *columns,
            "",
            "A count table (`.csv`, `.yaml`; named under the claim's `evidence.tables`) gives published or "
            "other count-only results, one row per condition (two rows of the same measure, model and "
            "condition are refused). A CSV may be comma-, semicolon- or tab-separated, with or without a "
            "byte-order mark; a row with more or fewer values than the header is refused. Its columns, "
            "besides the factors (every other column is a condition factor; one that misspells a column "
            "below by case or plural, `N` or `prompt`, is refused):",
            "",
            "| column | what it holds |",
            "|---|---|",
            *counts,
        ]
    )


#: Section name -> its renderer.
SECTIONS: dict[str, Callable[[], str]] = {
    "checklist": checklist_markdown,
    "claim-file": claim_file_markdown,
    "evidence-table": evidence_table_markdown,
}


def generated_block(name: str) -> str:
    """Section ``name`` as the page holds it: begin marker, the rendered text, end marker."""
    return block(name, SECTIONS[name]())


def page_block(text: str, name: str) -> str | None:
    """The block of section ``name`` in ``text`` (markers included), or ``None`` without one pair."""
    begin, end = markers(name)
    start, stop = text.find(begin), text.find(end)
    if text.count(begin) != 1 or text.count(end) != 1 or stop < start:
        return None
    return text[start : stop + len(end)]


def update_page(text: str) -> str:
    """Return ``text`` with every generated section rendered anew.

    Raises:
        AssayError: A section's markers are missing, repeated or out of order, or the page holds a
            generated section this module does not render.
    """
    return replace_sections(text, {name: render() for name, render in SECTIONS.items()})


def main(argv: Sequence[str] = ()) -> int:
    """Rewrite the generated sections of the page ``argv[0]`` (default ``docs/evidence.md``)."""
    path = Path(argv[0]) if argv else DOC_PATH
    try:
        if not path.is_file():
            raise AssayError(f"{path} not found: run from the repository root or give the page's path")
        old = path.read_text(encoding="utf-8")
        new = update_page(old)
    except AssayError as ex:
        print(f"error: {ex}", file=sys.stderr)
        return 2
    if new != old:
        path.write_text(new, encoding="utf-8")
    print(f"{path}: {'updated' if new != old else 'up to date'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
