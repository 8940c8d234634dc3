"""The tally study's one stage: the model's greedy answers to yes/no questions (resumable)."""

from __future__ import annotations

from pathlib import Path

from assay.studies.tally._config import TallyConfig
from assay.studies.tally._results import Answers

from assay.engine import Stages, stage_key

QUESTIONS = (
    "Is water wet? Answer yes or no.",
    "Is the sun cold? Answer yes or no.",
    "Do birds have feathers? Answer yes or no.",
    "Is ice hot? Answer yes or no.",
    "Can fish swim? Answer yes or no.",
    "Is a stone alive? Answer yes or no.",
    "Is grass green? Answer yes or no.",
    "Do cars eat grass? Answer yes or no.",
)


def stage_answers(cfg: TallyConfig, stage_dir: Path) -> Answers:
    """Load the model and answer the first ``cfg.questions`` questions greedily."""
    from assay.engine._common import answers, load_base

    model, tok = load_base(cfg.model, device="cpu")
    questions = list(QUESTIONS[: cfg.questions])
    return Answers(questions=questions, answers=answers(model, tok, questions, cfg.max_tokens))


def run_tally(cfg: TallyConfig, out: Path) -> tuple[Answers, Stages]:
    """Run (or resume) the stage into ``out``; return its result and the stages (times, reused ones)."""
    stages = Stages(out)
    result = stages.run("answers", stage_key(cfg.model_dump()), lambda d: stage_answers(cfg, d), Answers)
    return result, stages
