"""The study engine: what every model-organism study runs on (the studies are in :mod:`assay.studies`).

- :func:`study` registers a study by name (like Inspect's ``@task``); :func:`run_registered` runs one.
  The studies are subpackages of :mod:`assay.studies`, which loads them (:func:`assay.studies.run_study`,
  :func:`assay.studies.registered_studies`); the engine never imports a study.
- :class:`Stages` runs resumable stages: ``stages.run(name, key, fn, ResultModel)``; each result is a
  pydantic model, recorded with the caller's key and the stage's automatically derived
  :func:`code_version`, so a config or code change reruns the stage instead of reusing stale results.
- :mod:`assay.engine.training`: one training loop, SFT and DPO objectives, LoRA or full, nested k-sweeps.
- :mod:`assay.engine.measure`: Inspect-backed and in-process measures, probes.
- :func:`load_config` / :func:`override_from_yaml`: a study config from its defaults, a YAML file and the
  command line's ``--model/--device/--dtype`` (:func:`config_overrides`), the model, device and dtype
  checked before any stage runs.

Importing this package is cheap; torch loads when a study runs.
"""

from assay.engine._recipes import Implant, Sweep, TrainSettings
from assay.engine._registry import StudyResult, StudySpec, run_registered, study, study_registry
from assay.engine._runner import StageRecord, Stages, recorded_timings, stage_key
from assay.engine._version import code_version, module_closure
from assay.engine._yaml import config_overrides, dump_config, load_config, override_from_yaml

__all__ = [
    "Implant",
    "StageRecord",
    "Stages",
    "StudyResult",
    "StudySpec",
    "Sweep",
    "TrainSettings",
    "code_version",
    "config_overrides",
    "dump_config",
    "load_config",
    "module_closure",
    "override_from_yaml",
    "recorded_timings",
    "run_registered",
    "stage_key",
    "study",
    "study_registry",
]
