"""The study's configuration: bad input is a one-line error naming the field; the study is registered."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay._errors import AssayError
from assay.studies import registered_studies
from assay.studies.emergent import load_emergent_config


def test_config_errors_name_the_field(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("training: {n_train: 5000}\n")
    with pytest.raises(AssayError, match="n_train"):
        load_emergent_config(bad)
    bad.write_text("arms: [secure]\n")
    with pytest.raises(AssayError, match="harmful"):
        load_emergent_config(bad)
    bad.write_text("judges: [{model: x, prompt_version: '7'}]\n")
    with pytest.raises(AssayError, match="prompt_version"):
        load_emergent_config(bad)


def test_registered_as_a_study() -> None:
    assert "emergent" in registered_studies()
