"""Automated auditing (``assay/audit``): auditor-built scenarios, rollback, rubric judging, frozen replays."""

from assay.judging import JUDGE_ROLE
from assay.scoring import register_rescorer
from assay.scoring.rubric import RUBRIC_JUDGE_ROLE
from assay.tasks.audit._frozen import FrozenScenario, load_scenarios, replay, save_scenario
from assay.tasks.audit._prompt import AUDITOR_SYSTEM_PROMPT
from assay.tasks.audit._protocol import (
    AUDITOR_TOOLS,
    AuditAction,
    CreateTool,
    EndAudit,
    ProtocolViolation,
    Rollback,
    SendMessage,
    SendToolResult,
    SetSystemPrompt,
    parse_action,
)
from assay.tasks.audit._seeds import Seed, builtin_seeds_path, load_seeds, select_seeds
from assay.tasks.audit._session import NO_RECORDED_RESULT, AuditSession, TargetError
from assay.tasks.audit._solver import AUDIT_METADATA_KEY, AUDITOR_ROLE, auditor_agent, drive, replay_agent
from assay.tasks.audit._task import AUDIT_TASK_VERSION, audit, audit_scorer, replay_samples, seed_samples

# `assay rejudge` re-scores audit transcripts (fixed) with new judges and, with -S rubric=FILE, a new rubric
register_rescorer("audit", audit_scorer, roles=(JUDGE_ROLE, RUBRIC_JUDGE_ROLE))

__all__ = [
    "AUDITOR_ROLE",
    "AUDITOR_SYSTEM_PROMPT",
    "AUDITOR_TOOLS",
    "AUDIT_METADATA_KEY",
    "AUDIT_TASK_VERSION",
    "NO_RECORDED_RESULT",
    "AuditAction",
    "AuditSession",
    "CreateTool",
    "EndAudit",
    "FrozenScenario",
    "ProtocolViolation",
    "Rollback",
    "Seed",
    "SendMessage",
    "SendToolResult",
    "SetSystemPrompt",
    "TargetError",
    "audit",
    "audit_scorer",
    "auditor_agent",
    "builtin_seeds_path",
    "drive",
    "load_scenarios",
    "load_seeds",
    "parse_action",
    "replay",
    "replay_agent",
    "replay_samples",
    "save_scenario",
    "seed_samples",
    "select_seeds",
]
