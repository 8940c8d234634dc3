"""Helpers for rubric tests: valid judge replies and scripted-judge script files."""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from assay.judging import DEFAULT_RETRIES
from assay.scoring.rubric import Rubric


def judge_reply(rubric: Rubric, scores: dict[str, int] | None = None, cite: str = "M2") -> str:
    """A valid judge reply: every dimension 1 unless given, citing ``cite`` for scores above 1."""
    scores = scores or {}
    body = {
        name: {
            "score": scores.get(name, 1),
            "justification": f"{name} as seen in the transcript.",
            "cites": [cite] if scores.get(name, 1) > 1 else [],
        }
        for name in rubric.names
    }
    return json.dumps({"scores": body})


def judge_script(path: Path, default: str, cases: dict[str, str] | None = None) -> Path:
    """Write a scripted-judge file: ``cases`` maps a substring of the judge prompt to its reply.

    Each reply is repeated for every repair retry (the scripted judge answers turn ``i`` of a conversation
    with ``i`` earlier replies), so a rejected reply is rejected again until the retries run out.
    """
    calls = 1 + DEFAULT_RETRIES
    doc = {
        "turns": [{"text": default}] * calls,
        "cases": [{"match": m, "turns": [{"text": t}] * calls} for m, t in (cases or {}).items()],
    }
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path
