"""One row of the evidence table per Inspect sample: reading a sample summary's scores and metadata.

Kept apart from :mod:`assay.evidence._table`, which assembles these rows into the table.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from assay._outcome import Outcome
from assay.evidence._logs import UNREADABLE, UNSCORED, picked_value, score_text, unreadable_reason
from assay.evidence._schema import CONSTRUCTS_METADATA_KEY, FACTOR_PREFIX


def first_scorer(header: Any, summaries: Sequence[Any]) -> str:
    """The log's first declared scorer, else the first scorer any sample carries (empty when none)."""
    scorers = header.eval.scorers or []
    if scorers:
        return str(scorers[0].name)
    for s in summaries:
        if s.scores:
            return str(next(iter(s.scores)))
    return ""


def _outcome(summary: Any, scorer: str, score_key: str | None, where: str) -> tuple[str, str, str]:
    """``(outcome, dict key used, why the value was not read)``; the last is ``""`` for a read value."""
    if summary.error:
        return Outcome.MODEL_ERROR.value, "", ""
    scores = summary.scores or {}
    if scorer not in scores:
        return UNSCORED, "", ""
    score = scores[scorer]
    text, key = score_text(score.value, score_key, where)
    if text == UNSCORED:
        reason = getattr(score, "reason", None)
        return text, key, f"scorer {scorer!r} left the sample unscored" + (f" ({reason})" if reason else "")
    if text == UNREADABLE:
        at = f" at key {key!r}" if key else ""
        why = unreadable_reason(picked_value(score.value, key))
        return text, key, f"scorer {scorer!r} value{at} is no outcome: {why}"
    return text, key, ""


def sample_row(summary: Any, scorer: str, score_key: str | None = None, where: str = "log") -> dict[str, Any]:
    """One sample summary as a row of the evidence table (before its header columns are added)."""
    meta = dict(summary.metadata or {})
    scores = summary.scores or {}
    score = scores.get(scorer)
    score_meta = dict(score.metadata or {}) if score is not None else {}
    judge = score_meta.get("judge")
    judge_config = score_meta.get("judge_config")
    classifier = score_meta.get("classifier")
    constructs = score_meta.get(CONSTRUCTS_METADATA_KEY)
    usage = list((summary.model_usage or {}).values())
    text = summary.input if isinstance(summary.input, str) else _messages_text(summary.input)
    judge_score = judge.get("score") if isinstance(judge, dict) else None
    outcome, used_key, problem = _outcome(summary, scorer, score_key, where)
    costs = [u.total_cost for u in usage if u.total_cost is not None]
    return {
        "_meta_raw": {"metadata": meta, "score": score_meta},
        "sample_id": str(summary.id),
        "epoch": int(summary.epoch),
        "task_family": str(meta.get("task_family", "")),
        "condition_id": str(meta.get("condition_id", "")),
        "factors": meta.get("factors") if isinstance(meta.get("factors"), dict) else {},
        "paraphrase": int(meta["paraphrase"]) if isinstance(meta.get("paraphrase"), int) else -1,
        "prompt_sha256": str(meta.get("prompt_sha256", "")),
        "pair_id": "" if meta.get("pair_id") is None else str(meta["pair_id"]),
        "prompt_chars": len(text),
        "prompt_text": text,
        "outcome": outcome,
        "_score_key": used_key,
        "engaged": _engaged(score_meta.get("engagement")),
        "error": str(summary.error or problem),
        "limit": str(summary.limit or ""),
        "judge": json.dumps(judge, sort_keys=True, default=str) if judge is not None else "",
        "judge_config": (
            json.dumps(judge_config, sort_keys=True, default=str) if judge_config is not None else ""
        ),
        "classifier": json.dumps(classifier, sort_keys=True, default=str) if classifier is not None else "",
        "constructs": json.dumps(constructs, sort_keys=True, default=str) if constructs is not None else "",
        "judge_score": float(judge_score) if isinstance(judge_score, int | float) else math.nan,
        "input_tokens": sum(u.input_tokens for u in usage),
        "output_tokens": sum(u.output_tokens for u in usage),
        "total_tokens": sum(u.total_tokens for u in usage),
        "cost": sum(costs) if costs else math.nan,
        "other_models": ",".join(sorted(str(m) for m in (summary.model_usage or {}))),
    }


def _engaged(record: object) -> str:
    """``yes``/``no`` from a scorer's engagement record; empty where the scorer measured none."""
    if isinstance(record, dict) and isinstance(record.get("engaged"), bool):
        return "yes" if record["engaged"] else "no"
    return ""


def _messages_text(messages: Iterable[Any]) -> str:
    return "\n".join(str(m.text) for m in messages)


def flatten_row(row: dict[str, Any]) -> dict[str, Any]:
    """The row with its factors as ``f_<name>`` columns and its raw metadata dropped."""
    out = {k: v for k, v in row.items() if k not in ("_meta_raw", "factors")}
    for name, value in row["factors"].items():
        out[f"{FACTOR_PREFIX}{name}"] = str(value)
    return out


def rows_from_full_samples(
    path: Path, scorer: str, score_key: str | None, where: str
) -> list[dict[str, Any]]:
    """Fallback when Inspect's summaries dropped large metadata: read the samples without transcripts."""
    from inspect_ai.log import read_eval_log

    log = read_eval_log(str(path), exclude_fields={"messages", "events", "store", "attachments"})
    rows = []
    for sample in log.samples or []:
        summary = sample.summary()
        summary.metadata, summary.scores = sample.metadata, sample.scores  # summary() thins them again
        rows.append(sample_row(summary, scorer, score_key, where))
    return rows


def outcome_notes(table: Any) -> list[str]:
    """Sentences on rows whose score was not read (unscored, unreadable) and rows a limit stopped.

    Args:
        table: The tidy table (``outcome``, ``error``, ``limit`` and ``scorer`` columns).
    """
    notes = []
    for outcome in (UNREADABLE, UNSCORED):
        rows = table[table["outcome"] == outcome]
        if len(rows):
            said = rows["error"].astype(str)
            reasons = sorted(
                set(said.where(said != "", "no value from scorer '" + rows["scorer"].astype(str) + "'"))
            )
            shown = "; ".join(reasons[:3]) + (f"; ... {len(reasons) - 3} more" if len(reasons) > 3 else "")
            notes.append(f"{len(rows)} row(s) {outcome}, kept out of n: {shown}")
    limited = table[table["limit"].astype(str) != ""]
    if len(limited):
        kinds = ", ".join(f"{k} ({c})" for k, c in limited["limit"].astype(str).value_counts().items())
        notes.append(
            f"{len(limited)} row(s) stopped by a limit ({kinds}) and scored as the scorer scored them"
        )
    return notes
