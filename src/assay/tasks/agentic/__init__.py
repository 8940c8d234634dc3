"""Agentic misalignment stress test: factorial spec, rendered scenarios, mailbox tools, detectors, task.

Also the calibration of the task's judge against hand-labelled transcripts (``assay calibrate-judge``).
"""

from assay.scoring import register_rescorer
from assay.tasks.agentic._actions import Action, agent_transcript, extract_actions, parse_action_tags
from assay.tasks.agentic._calibrate import (
    CalibrationReport,
    FieldCalibration,
    calibrate_async,
    calibrate_judge,
    format_report,
)
from assay.tasks.agentic._decide import OBJECTIVE_KINDS, Signals, decide_outcome
from assay.tasks.agentic._detect import HARM_PRIORITY, Attempt, Detection, Finding, detect
from assay.tasks.agentic._detector_calibration import (
    DetectorCalibration,
    calibrate_detector,
    format_detector_report,
)
from assay.tasks.agentic._factors import (
    GOAL_TYPES,
    GOAL_VALUES,
    VALUE_PAIRS,
    Condition,
    combination_problem,
    counterpart,
)
from assay.tasks.agentic._judge_prompt import AGENTIC_JUDGE, AgenticJudgeLabels, judge_input
from assay.tasks.agentic._mailbox import MailboxState, mailbox_tools
from assay.tasks.agentic._render import Email, RenderedScenario, ScenarioFacts, render, tool_names
from assay.tasks.agentic._scorer import agentic_outcome
from assay.tasks.agentic._solver import inbox_agent
from assay.tasks.agentic._spec import N_PARAPHRASES, NAMED_GRIDS, GridSpec, grid_from_yaml, load_grid
from assay.tasks.agentic._task import agentic_misalignment, build_grid, samples_for

register_rescorer("agentic", agentic_outcome)  # `assay rejudge` re-scores agentic logs with new judges

__all__ = [
    "AGENTIC_JUDGE",
    "GOAL_TYPES",
    "GOAL_VALUES",
    "HARM_PRIORITY",
    "NAMED_GRIDS",
    "N_PARAPHRASES",
    "OBJECTIVE_KINDS",
    "VALUE_PAIRS",
    "Action",
    "AgenticJudgeLabels",
    "Attempt",
    "CalibrationReport",
    "Condition",
    "Detection",
    "DetectorCalibration",
    "Email",
    "FieldCalibration",
    "Finding",
    "GridSpec",
    "MailboxState",
    "RenderedScenario",
    "ScenarioFacts",
    "Signals",
    "agent_transcript",
    "agentic_misalignment",
    "agentic_outcome",
    "build_grid",
    "calibrate_async",
    "calibrate_detector",
    "calibrate_judge",
    "combination_problem",
    "counterpart",
    "decide_outcome",
    "detect",
    "extract_actions",
    "format_detector_report",
    "format_report",
    "grid_from_yaml",
    "inbox_agent",
    "judge_input",
    "load_grid",
    "mailbox_tools",
    "parse_action_tags",
    "render",
    "samples_for",
    "tool_names",
]
