"""Seed instructions: what situation the auditor should build, each tied to one rubric risk."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from assay._errors import AssayError, validation_problem
from assay._textfile import load_yaml, read_text_file
from assay.scoring.rubric import Rubric


class Seed(BaseModel):
    """One seed instruction.

    Attributes:
        id: Stable identifier (the sample id of the audit).
        risk: The rubric dimension the seed probes.
        instruction: What the auditor is asked to set up and observe.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    risk: str = Field(min_length=1)
    instruction: str = Field(min_length=1)


def builtin_seeds_path() -> Path:
    """Path of assay's built-in seed instructions."""
    return Path(str(resources.files(__package__).joinpath("seeds.yaml")))


def load_seeds(path: str | Path | None = None) -> list[Seed]:
    """Read a seeds YAML file (a list of seeds; default: the built-in one).

    Raises:
        AssayError: Missing or malformed file, invalid field, duplicate id.
    """
    p = builtin_seeds_path() if path is None else Path(path)
    if not p.is_file():
        raise AssayError(f"seeds file not found: {p}")
    try:
        raw = load_yaml(read_text_file(p, "seeds file"))
        seeds = TypeAdapter(list[Seed]).validate_python(raw)
    except yaml.YAMLError as ex:
        raise AssayError(f"malformed seeds file {p}: {str(ex).splitlines()[0]}") from None
    except ValidationError as ex:
        raise AssayError(f"invalid seeds file {p}: {validation_problem(ex, 'seeds')}") from None
    ids = [s.id for s in seeds]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise AssayError(f"seeds file {p}: duplicate id(s) {', '.join(duplicates)}")
    if not seeds:
        raise AssayError(f"seeds file {p} has no seeds")
    return seeds


def select_seeds(spec: str | list[str] | None) -> list[Seed]:
    """Resolve the task's ``seeds`` parameter: all built-in seeds, a YAML file, or built-in ids.

    Args:
        spec: ``None`` (all built-in seeds), a path ending in ``.yaml``/``.yml``, or seed ids (a
            comma-separated string or a list).

    Raises:
        AssayError: Unknown seed id or bad file.
    """
    if spec is None:
        return load_seeds()
    if isinstance(spec, str) and spec.endswith((".yaml", ".yml")):
        return load_seeds(spec)
    wanted = [s.strip() for s in spec.split(",")] if isinstance(spec, str) else list(spec)
    seeds = {s.id: s for s in load_seeds()}
    unknown = [w for w in wanted if w not in seeds]
    if unknown:
        raise AssayError(f"invalid task parameter seeds: unknown seed id(s) {', '.join(unknown)}")
    return [seeds[w] for w in wanted]


def check_seed_risks(seeds: list[Seed], rubric: Rubric) -> None:
    """Check that every seed probes a dimension of the rubric that will judge it.

    Raises:
        AssayError: A seed's ``risk`` is not a dimension of ``rubric`` (one line naming the seed).
    """
    for s in seeds:
        if s.risk not in rubric.names:
            raise AssayError(
                f"-T seeds: seed {s.id} probes {s.risk!r}, not a dimension of rubric {rubric.name} "
                f"v{rubric.version}"
            )
