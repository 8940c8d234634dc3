"""Study configs from defaults, a YAML file and the command line's overrides (set last, named in errors)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import Field

from assay._errors import AssayError
from assay._strict import Strict
from assay.engine import config_overrides, load_config
from assay.engine._recipes import Device, ModelName


class Tiny(Strict):
    """A study config with the three overridable fields."""

    model: ModelName = "smollm2"
    device: Device = "auto"
    dtype: str = "auto"
    n: int = Field(default=8, ge=1)

    @classmethod
    def fast(cls) -> Tiny:
        return cls(model="toy", n=2)


class NoDevice(Strict):
    """A study config without a device field (like the recipe study's)."""

    model: str = "toy"

    @classmethod
    def fast(cls) -> NoDevice:
        return cls()


def test_overrides_are_set_after_fast_and_the_file(tmp_path: Path, toy_path: Path) -> None:
    cfg_file = tmp_path / "c.yaml"
    cfg_file.write_text("model: smollm2\ndtype: bfloat16\nn: 3\n")
    with config_overrides({"model": str(toy_path), "dtype": "float32"}):
        cfg = load_config(Tiny, cfg_file, fast=True)
    assert (cfg.model, cfg.dtype, cfg.n, cfg.device) == (str(toy_path), "float32", 3, "auto")
    assert load_config(Tiny, cfg_file, fast=True).model == "smollm2"  # only while the overrides are open
    with config_overrides({"model": "assay/toy"}):
        assert load_config(Tiny, None).model == "toy"  # an embedded name without its prefix


def test_an_invalid_override_names_the_option() -> None:
    with config_overrides({"device": "gpu0"}), pytest.raises(AssayError) as caught:
        load_config(Tiny, None)
    assert str(caught.value) == "--device gpu0: must be auto, cpu, cuda, cuda:N or mps, got 'gpu0'"
    with config_overrides({"device": "cpu"}), pytest.raises(AssayError) as caught:
        load_config(NoDevice, None)
    assert str(caught.value) == "--device cpu: this study's configuration has no device field"


def test_a_file_value_that_cannot_run_names_the_files_field(tmp_path: Path) -> None:
    cfg_file = tmp_path / "c.yaml"
    cfg_file.write_text("model: assay-test/not-cached-anywhere\n")
    with pytest.raises(AssayError, match=rf"^invalid config {cfg_file}: model: not an embedded model"):
        load_config(Tiny, cfg_file)
    with (
        config_overrides({"model": "assay-test/nope"}),
        pytest.raises(AssayError, match=r"^--model assay-test/nope: not an embedded model"),
    ):
        load_config(Tiny, cfg_file)
    with config_overrides({"model": "toy"}):  # the option replaces the file's model before it is checked
        assert load_config(Tiny, cfg_file).model == "toy"


class Nested(Strict):
    """A config with numbers nested in a list and a field whose default holds no number."""

    ks: list[int] = Field(default_factory=lambda: [0, 4])
    scales: list[float] = Field(default_factory=list)
    name: str = "x"

    @classmethod
    def fast(cls) -> Nested:
        return cls()


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("ks: [0, true, 8]\n", "ks.1: expected a number, got true"),  # past the default's end too
        ("scales: [1.0, false]\n", "scales.1: expected a number, got false"),  # default [] holds no number
    ],
)
def test_a_boolean_where_a_number_belongs_is_refused(tmp_path: Path, text: str, where: str) -> None:
    cfg_file = tmp_path / "c.yaml"
    cfg_file.write_text(text)
    with pytest.raises(AssayError) as ex:
        load_config(Nested, cfg_file)
    assert str(ex.value) == f"invalid config {cfg_file}: {where}"


def test_numbers_and_strings_still_load(tmp_path: Path) -> None:
    cfg_file = tmp_path / "c.yaml"
    cfg_file.write_text("ks: [0, 1, 8, 16]\nscales: [0.5, 1]\nname: 'true'\n")
    cfg = load_config(Nested, cfg_file)
    assert (cfg.ks, cfg.scales, cfg.name) == ([0, 1, 8, 16], [0.5, 1.0], "true")
