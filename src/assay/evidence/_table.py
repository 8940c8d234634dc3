"""The tidy table: one row per sample x epoch, read from one or many Inspect logs.

Rows are read with Inspect's own log readers (:func:`inspect_ai.log.read_eval_log` for the header and
:func:`inspect_ai.log.read_eval_log_sample_summaries` for the samples), so only summaries are loaded, never
full transcripts. Inspect's ``samples_df`` would flatten ``metadata["factors"]`` into a JSON string and
knows nothing about assay's outcome categories, so the rows are assembled here from the same summaries.

Columns (see :data:`TABLE_COLUMNS`); factor columns are added as ``f_<factor name>``.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pandas as pd

from assay._errors import AssayError, unreadable_log
from assay._outcome import BEHAVIOUR_OUTCOMES, Outcome
from assay.evidence._counts import negative_outcome
from assay.evidence._logrows import (
    first_scorer,
    flatten_row,
    outcome_notes,
    rows_from_full_samples,
    sample_row,
)
from assay.evidence._logs import (
    UNREADABLE,
    UNSCORED,
    detect_factors,
    expand_logs,
    flat_metadata,
    normalise_positive,
    number_text,
)
from assay.evidence._logstatus import LogStatus, reconcile_logs, status_from_header
from assay.evidence._schema import FACTOR_PREFIX as FACTOR_PREFIX  # re-exported: the table's column names
from assay.evidence._schema import N_NOT_REPORTED
from assay.evidence._schema import TABLE_COLUMNS as TABLE_COLUMNS

#: Outcomes that are never an observation of behaviour: excluded from every denominator (n) and reported
#: beside it. This is the one rule for n: every assay outcome outside ``BEHAVIOUR_OUTCOMES`` — the pipeline
#: failures (model, judge, sandbox, auditor errors) and the replies with nothing to score (``empty``,
#: ``invalid_action``) — plus ``unscored``, a sample that finished without an error but has no value from
#: the main scorer (or Inspect's ``Score.unscored()``), and ``unreadable``, a score value that is no outcome
#: (``None``, a list, free text; its reason is in the row's ``error``). Foreign scorers' values (``C``/``I``,
#: numbers) stay in n.
ERROR_OUTCOMES: frozenset[str] = frozenset(
    {o.value for o in Outcome if o not in BEHAVIOUR_OUTCOMES} | {UNSCORED, UNREADABLE, N_NOT_REPORTED}
)

#: Inspect's own score letters (correct, incorrect, partial, no answer).
INSPECT_LETTERS: frozenset[str] = frozenset({"C", "I", "P", "N"})

_REMOVED = "Key removed from summary"


def factor_columns(table: pd.DataFrame) -> list[str]:
    """Return the factor column names of ``table`` (those starting with :data:`FACTOR_PREFIX`), sorted."""
    return sorted(c for c in table.columns if str(c).startswith(FACTOR_PREFIX))


def validate_table(table: pd.DataFrame) -> pd.DataFrame:
    """Return ``table`` with every standard column present (missing ones filled with defaults).

    Use this for tables built without logs (simulations, benchmarks). ``outcome`` is required. Gaps in a
    standard text or boolean column (left by concatenating tables of different sources) get its default.

    Raises:
        AssayError: The table has no ``outcome`` column, or it is empty.
    """
    if "outcome" not in table.columns:
        raise AssayError("tidy table: missing column 'outcome'")
    if table.empty:
        raise AssayError("tidy table: no rows")
    out = table.copy()
    for name, default in TABLE_COLUMNS.items():
        if name not in out.columns:
            out[name] = default
        elif isinstance(default, str | bool) and out[name].isna().any():
            out[name] = out[name].astype(object).where(out[name].notna(), default)
    out["outcome"] = out["outcome"].astype(str)
    return out


def tidy_table(
    logs: Sequence[str | Path],
    scorer: str | None = None,
    *,
    score_key: str | None = None,
    factors: Sequence[str] = (),
    strict: bool = False,
) -> pd.DataFrame:
    """Read Inspect logs into the tidy table (one row per sample x epoch).

    Args:
        logs: Paths of ``.eval`` or ``.json`` Inspect logs, or directories of them.
        scorer: Name of the main scorer; by default each log's first scorer.
        score_key: For dict-valued scores, the key holding the verdict (auto-detected by default).
        factors: Sample-metadata keys to use as factors (default: ``metadata["factors"]`` of assay
            tasks, else the categorical metadata fields).
        strict: Refuse incomplete logs and superseded logs (see :mod:`assay.evidence._logstatus`) instead
            of marking them (incomplete) and dropping their duplicate rows (superseded).

    Returns:
        A DataFrame with the columns of :data:`TABLE_COLUMNS` plus one ``f_<factor>`` column per factor.
        ``table.attrs["assay_notes"]`` lists how scores, factors and prompt hashes were read.

    Raises:
        AssayError: A log is missing or unreadable, no log has samples, a log lacks the named scorer, has dict
            scores without a usable key, or the logs score outcomes in vocabularies that cannot be compared.
    """
    paths = expand_logs(logs) if logs else []
    if not paths:
        raise AssayError("no logs given")
    frames: list[pd.DataFrame] = []
    metas: list[dict[str, Any]] = []
    keys_used: set[str] = set()
    statuses: list[LogStatus] = []
    empty: list[str] = []
    for p in paths:
        frame, meta, status = _read_log(p, scorer, score_key)
        statuses.append(status)
        if frame is None:
            empty.append(f"{p} (status {status.status!r})")
            continue
        keys_used |= set(frame["_score_key"]) - {""}
        frames.append(frame.drop(columns="_score_key"))
        metas += meta
    if not frames:
        raise AssayError(f"no samples in any log: {'; '.join(empty)}")
    table = pd.concat(frames, ignore_index=True, sort=False)
    notes = [f"log with no samples skipped: {e}" for e in empty]
    notes += _add_factors(table, metas, factors)
    if keys_used:
        how = "given" if score_key else "auto-detected; --score-key to choose"
        notes.append(f"dict-valued scores read at key {', '.join(sorted(keys_used))} ({how})")
    no_hash = table["prompt_sha256"] == ""
    if no_hash.any():
        table.loc[no_hash, "prompt_sha256"] = [
            hashlib.sha256(t.encode()).hexdigest() for t in table.loc[no_hash, "prompt_text"]
        ]
        notes.append(f"prompt hashes computed from the logged inputs for {int(no_hash.sum())} rows")
    for col in factor_columns(table):
        table[col] = table[col].astype("string").fillna("").astype(str)
    table = validate_table(table)
    notes += outcome_notes(table)
    check_comparable(table)
    table.attrs["assay_notes"] = notes
    table, _ = reconcile_logs(table, statuses, strict)
    return table


def _read_log(
    p: Path, scorer: str | None, score_key: str | None
) -> tuple[pd.DataFrame | None, list[dict[str, Any]], LogStatus]:
    """Read one log: its rows, the flattened metadata of each distinct sample, and its status.

    The metadata is for factor detection; the status comes from the header read here (one header read per
    log, one read of its sample summaries). A log without samples (a run cancelled before its first
    sample) gives no frame.
    """
    from inspect_ai.log import read_eval_log, read_eval_log_sample_summaries

    try:
        header = read_eval_log(str(p), header_only=True)
        summaries = read_eval_log_sample_summaries(str(p))
    except Exception as ex:  # Inspect raises many types for unreadable files
        raise unreadable_log(p, ex) from None
    if not summaries:
        return None, [], status_from_header(p, header)
    main = scorer or first_scorer(header, summaries)
    names = {str(sc.name) for sc in header.eval.scorers or []} | {
        k for s in summaries for k in s.scores or {}
    }
    if scorer is not None and scorer not in names:
        raise AssayError(f"log {p} has no scorer {scorer!r} (scorers: {', '.join(sorted(names)) or 'none'})")
    where = f"log {p}, scorer {main!r}"
    rows = [sample_row(s, main, score_key, where) for s in summaries]
    if any(_REMOVED in json.dumps(r["_meta_raw"], default=str) for r in rows):
        rows = rows_from_full_samples(p, main, score_key, where)
    seen: dict[str, dict[str, Any]] = {}
    for r in rows:
        seen.setdefault(
            r["sample_id"], flat_metadata(r["_meta_raw"]["metadata"]) | {"_row_id": r["sample_id"]}
        )
    frame = pd.DataFrame([flatten_row(r) for r in rows])
    _add_header_columns(frame, header, p, main)
    metas = [m | {"_log": str(p)} for m in seen.values()]
    return frame, metas, status_from_header(p, header)


def _add_factors(table: pd.DataFrame, metas: list[dict[str, Any]], wanted: Sequence[str]) -> list[str]:
    """Add factor columns from sample metadata when asked for, or when the logs carry no assay factors."""
    if factor_columns(table) and not wanted:
        return []
    wanted = [k for k in wanted if f"{FACTOR_PREFIX}{k}" not in table.columns]
    if factor_columns(table) and not wanted:
        return []
    clean = [{k: v for k, v in m.items() if not k.startswith("_")} for m in metas]
    keys = detect_factors(clean, wanted)
    if not keys:
        return ["no categorical sample metadata to use as factors"]
    lookup = {(m["_log"], m["_row_id"]): m for m in metas}
    for key in keys:
        table[f"{FACTOR_PREFIX}{key}"] = [
            "" if (v := lookup.get((log, sid), {}).get(key)) is None else _level(v)
            for log, sid in zip(table["log"], table["sample_id"], strict=True)
        ]
    how = "given with --factor" if wanted else "auto-detected from categorical sample metadata"
    return [f"factors {', '.join(keys)} ({how})"]


def _level(value: Any) -> str:
    return number_text(value) if isinstance(value, float) else str(value)


def check_comparable(table: pd.DataFrame) -> None:
    """Raise when the rows mix outcome vocabularies that cannot share one analysis.

    assay tasks score outcome categories (:class:`assay.scoring.Outcome`); other Inspect tasks score their
    own values (e.g. ``C``/``I``). Mixing the two, or two different foreign scorers, is refused.

    Raises:
        AssayError: Naming the two logs whose vocabularies differ.
    """
    vocab: dict[str, str] = {}
    assay_values = {o.value for o in Outcome}
    for log, group in table.groupby("log", sort=False):
        values = set(group["outcome"]) - ERROR_OUTCOMES
        if not values:
            continue
        kind = "assay outcomes" if values <= assay_values else f"scorer '{group['scorer'].iloc[0]}' values"
        vocab[str(log)] = kind
    kinds = set(vocab.values())
    if len(kinds) > 1:
        (log_a, kind_a), (log_b, kind_b) = _two_different(vocab)
        raise AssayError(
            f"logs from mixed tasks cannot be compared: {log_a} scores {kind_a}, {log_b} scores {kind_b}"
        )


def _two_different(vocab: dict[str, str]) -> tuple[tuple[str, str], tuple[str, str]]:
    items = list(vocab.items())
    first = items[0]
    other = next(it for it in items if it[1] != first[1])
    return first, other


def _add_header_columns(frame: pd.DataFrame, header: Any, path: Path, scorer: str) -> None:
    spec = header.eval
    cfg = spec.model_generate_config.merge(header.plan.config)  # task/eval settings override the model's
    offset = int((spec.metadata or {}).get("assay_epoch_offset", 0))
    frame["epoch"] = frame["epoch"] + offset
    frame["log"] = str(path)
    frame["eval_id"] = str(spec.eval_id)
    frame["created"] = str(spec.created)
    frame["task"] = str(spec.task)
    frame["source"], frame["source_ref"], frame["measure"] = "log", str(path), str(spec.task)
    frame["model"] = str(spec.model)
    frame["other_models"] = [
        ",".join(m for m in str(used).split(",") if m and m != str(spec.model))
        for used in frame["other_models"]
    ]
    frame["scorer"] = scorer
    frame["temperature"] = math.nan if cfg.temperature is None else float(cfg.temperature)
    frame["top_p"] = math.nan if cfg.top_p is None else float(cfg.top_p)
    frame["seed"] = math.nan if cfg.seed is None else float(cfg.seed)


def cluster_keys(table: pd.DataFrame) -> pd.Series:
    """Return the cluster of each row: its prompt hash, or ``task/sample_id`` when no hash was stored.

    Rows sharing a cluster are generations from the same rendered prompt (epochs, or several models).
    """
    fallback = table["task"].astype(str) + "/" + table["sample_id"].astype(str)
    return table["prompt_sha256"].where(table["prompt_sha256"] != "", fallback).astype(str)


def resolve_positive(
    table: pd.DataFrame, positive: Sequence[str] | None = None, *, strict: bool = True
) -> tuple[str, ...]:
    """Return the outcome values counted as the behaviour (the numerator of every rate).

    Args:
        table: The tidy table.
        positive: Explicit values (numbers match in any spelling: ``1.0`` matches ``1``); by default
            ``harmful`` for assay outcomes, or Inspect's ``C`` (correct) for logs scored with its letters.
        strict: Raise when an explicit value is outside the logs' outcome vocabulary (the values seen,
            plus assay's outcome categories, Inspect's letters, or 0/1 for numeric scores).

    Raises:
        AssayError: No default fits the outcome values, a value is one kept out of n (an error, ``empty``,
            ``invalid_action``), or (``strict``) a value matches no outcome.
    """
    values = set(table["outcome"]) - ERROR_OUTCOMES
    if positive:
        chosen = tuple(str(p) if str(p) in values else normalise_positive(str(p)) for p in positive)
        kept_out = sorted(set(chosen) & ERROR_OUTCOMES)
        if kept_out:
            shown = ", ".join(kept_out)
            raise AssayError(f"--positive {shown}: kept out of n like errors, never a behaviour")
        if strict:
            vocab = values | _vocabulary(values)
            for raw, value in zip(positive, chosen, strict=True):
                if value not in vocab:
                    shown = ", ".join(sorted(values)[:8]) or "none"
                    raise AssayError(f"--positive {raw} matches no outcome in the logs (outcomes: {shown})")
        return chosen
    if values <= {o.value for o in Outcome}:
        return (Outcome.HARMFUL.value,)
    if values <= INSPECT_LETTERS:
        return ("C",)
    shown = ", ".join(sorted(values)[:6])
    raise AssayError(f"cannot tell which outcome is the behaviour among: {shown}; pass --positive VALUE")


def check_positive_matches(claim: Any, table: pd.DataFrame, positive: Sequence[str]) -> None:
    """Raise when none of a claim's positive values can occur in the evidence: every rate would be 0 of n.

    One value outside the vocabulary beside others inside it is left to checklist item S1.3.

    Raises:
        AssayError: One line naming the claim, its positive values and the outcomes the evidence holds.
    """
    values = set(table["outcome"].astype(str)) - ERROR_OUTCOMES
    if not values:
        return
    vocab = values | _vocabulary(values)
    if any(p in vocab or negative_outcome(p) in values for p in positive):  # a count's non-events
        return
    shown = ", ".join(sorted(values)[:8]) + (", ..." if len(values) > 8 else "")
    field = (
        "decision_rule.positive" if claim.decision_rule else "decision_rule (none declared; default positive)"
    )
    raise AssayError(
        f"claim {claim.id}: {field} {list(positive)} matches no outcome of the evidence "
        f"(scorer {', '.join(sorted(set(table['scorer'].astype(str))))}; outcomes: {shown})"
    )


def _vocabulary(values: set[str]) -> set[str]:
    """Outcome values that may be absent from a log and still belong to its scorer's vocabulary."""
    if values <= {o.value for o in Outcome}:
        return {o.value for o in Outcome}
    if values <= INSPECT_LETTERS:
        return set(INSPECT_LETTERS)
    if values <= {"0", "1"}:
        return {"0", "1"}
    return set()


def condition_labels(table: pd.DataFrame) -> pd.Series:
    """Return a readable condition label per row: ``condition_id``, or the factor values when it is empty."""
    cols = factor_columns(table)
    missing = table["condition_id"] == ""
    if not missing.any():
        return table["condition_id"].astype(str)
    label = pd.Series("all", index=table.index)
    for i, col in enumerate(cols):
        part = col[len(FACTOR_PREFIX) :] + "=" + table[col].astype(str)
        label = part if i == 0 else label + "," + part
    return table["condition_id"].astype(str).where(~missing, label)
