"""Agentic misalignment stress test: factorial spec, rendered scenarios, mailbox tools, detectors, task.

Also the calibration roles of the task's judge and detector against hand-labelled transcripts
(``assay calibrate agentic-judge`` and ``assay calibrate detector``).
"""

from assay.judging import register_calibration_role
from assay.scoring import register_rescorer
from assay.tasks.agentic._actions import Action, agent_transcript, extract_actions, parse_action_tags
from assay.tasks.agentic._calibrate import AGENTIC_JUDGE_ROLE, calibrate_agentic_judge
from assay.tasks.agentic._decide import OBJECTIVE_KINDS, Signals, decide_outcome
from assay.tasks.agentic._detect import HARM_PRIORITY, Attempt, Detection, Finding, detect
from assay.tasks.agentic._detector_calibration import DetectorComparison, compare_detector
from assay.tasks.agentic._detector_role import DETECTOR_ROLE, calibrate_detector
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
register_calibration_role(AGENTIC_JUDGE_ROLE)
register_calibration_role(DETECTOR_ROLE)

__all__ = [
    "AGENTIC_JUDGE",
    "AGENTIC_JUDGE_ROLE",
    "DETECTOR_ROLE",
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
    "Condition",
    "Detection",
    "DetectorComparison",
    "Email",
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
    "calibrate_agentic_judge",
    "calibrate_detector",
    "combination_problem",
    "compare_detector",
    "counterpart",
    "decide_outcome",
    "detect",
    "extract_actions",
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
