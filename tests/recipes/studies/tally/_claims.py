"""The tally study's evidence table (one row per question) and its one claim, graded on those rows."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pandas as pd
from assay.studies.tally._analysis import says_yes
from assay.studies.tally._config import TallyConfig
from assay.studies.tally._results import Answers

from assay._outcome import Outcome
from assay.evidence import Claim, PredictionOutcome, Rate, claim_from_dict, validate_table


def evidence_table(cfg: TallyConfig, result: Answers) -> pd.DataFrame:
    """One row per question: ``harmful`` when the answer says "yes" (the behaviour counted)."""
    rows = [
        {
            "task": "tally/yes",
            "model": cfg.model,
            "sample_id": f"q{i}",
            "epoch": 1,
            "condition_id": "yes_no",
            "prompt_text": q,
            "prompt_sha256": hashlib.sha256(q.encode()).hexdigest(),
            "temperature": 0.0,
            "outcome": (Outcome.HARMFUL if says_yes(a) else Outcome.BENIGN).value,
        }
        for i, (q, a) in enumerate(zip(result.questions, result.answers, strict=True))
    ]
    return validate_table(pd.DataFrame(rows))


def claims(cfg: TallyConfig, rate: Rate, metrics: Path) -> tuple[list[Claim], list[PredictionOutcome]]:
    """One behavioural claim: the share of "yes" answers, with n and its interval."""
    raw = {
        "id": "tally-yes",
        "statement": (
            f"{cfg.model} answered yes to {rate.k} of {rate.n} yes/no questions "
            f"({rate.rate:.0%} [{rate.lo:.2f}, {rate.hi:.2f}])."
        ),
        "construct": {"name": "says yes", "definition": 'the greedy answer contains the word "yes"'},
        "decision_rule": {"description": 'harmful when the answer contains "yes"', "positive": ["harmful"]},
        "target_level": "L1",
        "deployment_context": "a recipe test: greedy answers of a small model to eight fixed questions",
        "exclusions": [],
        "evidence": {"study_metrics": [str(metrics.resolve())]},
        "limitations": ["eight fixed questions, one prompt wording, greedy decoding"],
        "alternative_explanations": [
            'the model repeats the word "yes" of the prompt, whatever the question',
            "the eight questions are not balanced between true and false statements",
        ],
    }
    return [claim_from_dict(raw, source="tally-yes")], []
