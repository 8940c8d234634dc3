"""docs/judging.md's calibration tables equal their rendering from the committed SmolLM2 record."""

from __future__ import annotations

import json
from pathlib import Path

from doc_sections import assert_page_equals_rendering, renderer

from assay.judging import Calibration

REPO = Path(__file__).resolve().parents[2]
RESULT = REPO / "bench" / "results" / "judges-smollm2.json"


def test_every_judges_section_is_on_the_page_and_equals_its_rendering() -> None:
    assert_page_equals_rendering(renderer("judges_doc"), RESULT)


def test_the_record_holds_every_role_on_smollm2_by_log_probability() -> None:
    from assay.cli._calibrate import _load_roles
    from assay.judging import CALIBRATION_ROLES

    _load_roles()
    rec = json.loads(RESULT.read_text())
    assert rec["model"] == "assay/smollm2" and set(rec["roles"]) == set(CALIBRATION_ROLES)
    for role, runs in rec["roles"].items():
        scoring = "logprob" if CALIBRATION_ROLES[role].needs_model else "rule"
        cal = Calibration.model_validate(runs[scoring]["calibration"])
        assert cal.role == role and cal.items > 0 and cal.fields
        if scoring == "logprob":  # log-probability verdicts never fail to parse
            assert not cal.judge_errors and set(cal.methods) == {"exact"}
