"""``assay calibrate rater`` end to end on the toy model: the exact log-probability route."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay.cli._main import main
from assay.judging import Calibration
from assay.tasks.persuasion.readout import rater_validation


def test_toy_rater_by_log_probability_has_no_unusable_rating(tmp_path: Path) -> None:
    out = tmp_path / "rater.json"
    argv = ["calibrate", "rater", "--model", "assay/toy", "--scoring", "logprob", "--out", str(out)]
    with pytest.raises(SystemExit) as exit_:
        main(argv)
    assert exit_.value.code == 0
    cal = Calibration.model_validate_json(out.read_text(encoding="utf-8"))
    assert (cal.role, cal.scoring, cal.items, cal.judge_errors) == ("rater", "logprob", 16, {})
    assert cal.methods == {"exact": 16 * 2 * 2} and cal.retries == 0  # 2 personas x before/after
    assert [f.field for f in cal.fields] == ["shift", "shift_rank"] and cal.fields[0].n == 16
    assert cal.config["raters"] == ["assay/toy|nurse", "assay/toy|engineer"]
    validation = rater_validation(cal)
    assert validation.n == 16 and not validation.agrees  # tuned by default: never validates
