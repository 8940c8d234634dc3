"""A claim's selectors and comparisons bound to the rows it is graded on, before any item is graded.

A claim file is written by hand, its evidence by a program: ``nudge: true`` in the claim is the text
``True`` in Python while a CSV count table says ``true``, and ``dose: 1`` meets ``1.0``. :func:`bind_claim`
respells each factor value the claim names as the evidence spells it, where exactly one value of the factor
is the same boolean or number, so every item compares like with like. What cannot be bound is an error
naming the field, never an item graded on zero rows: a negative control or a comparison whose factor the
evidence lacks, a level the factor never takes, a control that matches no row.
"""

from __future__ import annotations

import difflib
import math

import pandas as pd

from assay._errors import AssayError
from assay.evidence._checklist import describe_selector, select_rows
from assay.evidence._claim import Claim, Comparison, FactorValue, Selector
from assay.evidence._schema import FACTOR_PREFIX


def _canonical(text: str) -> str:
    """``True``, ``yes``, ``on`` -> ``true`` (likewise false); ``1.0`` -> ``1``; other text as it is."""
    low = text.strip().lower()
    if low in ("true", "yes", "on", "false", "no", "off"):  # YAML 1.1 reads `yes` and `on` as true
        return "true" if low in ("true", "yes", "on") else "false"
    try:
        number = float(low)
    except ValueError:
        return text
    if math.isnan(number):
        return text
    return str(int(number)) if number.is_integer() else repr(number)


def _values(table: pd.DataFrame, column: str) -> list[str]:
    return sorted(set(table[column].astype(str)) - {""})


def _bound_value(value: FactorValue, held: list[str]) -> str | None:
    """``value`` as the evidence spells it, or ``None`` when no value (or several) of ``held`` is it."""
    text = str(value)
    if text in held:
        return text
    same = [h for h in held if _canonical(h) == _canonical(text)]
    return same[0] if len(same) == 1 else None


def _listing(values: list[str], limit: int = 12) -> str:
    shown = ", ".join(values[:limit]) or "none"
    return shown + (f", ... {len(values) - limit} more" if len(values) > limit else "")


def _factor_names(table: pd.DataFrame) -> list[str]:
    return sorted(c[len(FACTOR_PREFIX) :] for c in table.columns if str(c).startswith(FACTOR_PREFIX))


class _Binder:
    """Binds one claim to one table; every error names the claim, the field and what the evidence holds."""

    def __init__(self, claim: Claim, table: pd.DataFrame) -> None:
        self.claim = claim
        self.table = table
        self.scope = f"measure {claim.measure!r}" if claim.measure else "the evidence"

    def fail(self, message: str) -> AssayError:
        return AssayError(f"claim {self.claim.id}: {message}")

    def column(self, where: str, factor: str) -> str:
        column = f"{FACTOR_PREFIX}{factor}"
        if column not in self.table.columns:
            names = _factor_names(self.table)
            close = difflib.get_close_matches(factor, names, n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise self.fail(
                f"{where}: no factor {factor!r} in {self.scope} (factors: {_listing(names)}){hint}"
            )
        return column

    def value(self, where: str, factor: str, value: FactorValue, *, strict: bool) -> FactorValue:
        column = f"{FACTOR_PREFIX}{factor}"
        if column not in self.table.columns:
            return value  # the subject: its own no-match error lists every factor
        held = _values(self.table, column)
        bound = _bound_value(value, held)
        if bound is not None:
            return bound
        if strict:
            raise self.fail(
                f"{where}: {value!r} is not a value of {factor!r} in {self.scope} (values: {_listing(held)})"
            )
        return value

    def selector(self, where: str, sel: Selector, *, strict: bool) -> Selector:
        for field in ("task", "model", "condition_id") if strict else ():
            wanted = getattr(sel, field)
            if wanted is not None and str(wanted) not in _values(self.table, field):
                held = _listing(_values(self.table, field))
                raise self.fail(
                    f"{where}.{field}: {wanted!r} is not in {self.scope} ({field} values: {held})"
                )
        factors: dict[str, FactorValue] = {}
        for name, value in sel.factors.items():
            if strict:
                self.column(f"{where}.factors", name)
            factors[name] = self.value(f"{where}.factors.{name}", name, value, strict=strict)
        return sel.model_copy(update={"factors": factors})

    def comparison(self, where: str, comp: Comparison) -> Comparison:
        self.column(f"{where}.factor", comp.factor)
        treatment = self.value(f"{where}.treatment", comp.factor, comp.treatment, strict=True)
        control = self.value(f"{where}.control", comp.factor, comp.control, strict=True)
        return comp.model_copy(update={"treatment": treatment, "control": control})


def bind_subject(claim: Claim, table: pd.DataFrame) -> Claim:
    """``claim`` with its subject's factor values spelled as ``table`` spells them (``true`` as ``True``).

    A subject that still matches nothing is left to the caller, whose error lists everything the table holds.
    """
    if claim.subject is None:
        return claim
    return claim.model_copy(
        update={"subject": _Binder(claim, table).selector("subject", claim.subject, strict=False)}
    )


def bind_claim(claim: Claim, table: pd.DataFrame) -> Claim:
    """``claim`` with its controls and comparisons bound to ``table`` (see the module docstring).

    Args:
        claim: The claim, its subject already checked (:func:`bind_subject`).
        table: The rows of the claim's measure (what the audit grades).

    Returns:
        A copy of the claim; its negative controls, primary comparison and predictions' comparisons name
        values the table holds, spelled as it spells them.

    Raises:
        AssayError: A negative control or comparison names a factor, level, model, task or condition the
            table lacks, or a control matches no row (one line naming the field and what the table holds).
    """
    b = _Binder(claim, table)
    update: dict[str, object] = {}
    controls = []
    for i, sel in enumerate(claim.negative_controls):
        bound = b.selector(f"negative_controls[{i}]", sel, strict=True)
        if select_rows(table, bound).empty:
            raise b.fail(f"negative_controls[{i}] ({describe_selector(bound)}) matches no row of {b.scope}")
        controls.append(bound)
    update["negative_controls"] = controls
    if claim.primary_comparison is not None:
        update["primary_comparison"] = b.comparison("primary_comparison", claim.primary_comparison)
    update["predictions"] = [
        p.model_copy(update={"comparison": b.comparison(f"predictions[{i}].comparison", p.comparison)})
        if p.comparison is not None
        else p
        for i, p in enumerate(claim.predictions)
    ]
    return claim.model_copy(update=update)
