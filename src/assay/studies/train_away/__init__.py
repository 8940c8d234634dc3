"""The train-away study: train the model's own sycophancy away with k examples, against neutral copying.

Importing this package registers the study (``assay study train_away``) and stays cheap (no torch).
"""

from assay.studies.train_away._config import METHODS, Method, TrainAwayConfig, load_train_away_config
from assay.studies.train_away._study import train_away_study

__all__ = ["METHODS", "Method", "TrainAwayConfig", "load_train_away_config", "train_away_study"]
