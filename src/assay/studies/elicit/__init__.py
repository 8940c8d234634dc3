"""The elicitation study: a password-locked skill, unlocked with demonstrations and without ground truth.

Importing this package registers the study (``assay study elicit``) and stays cheap (no torch).
"""

from assay.studies.elicit._config import ElicitConfig, load_elicit_config
from assay.studies.elicit._study import elicit_study

__all__ = ["ElicitConfig", "elicit_study", "load_elicit_config"]
