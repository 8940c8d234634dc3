"""Measures of a model used by the studies.

- Through Inspect (a browsable log per call): :func:`behaviour_rates` (``assay/backdoor``) and
  :func:`capability_accuracy` (``assay/capability_qa``), each returning :class:`LoggedRate`.
- By forward pass (exact greedy verdicts, log-probabilities, prefix and frozen-trunk caches, forced
  choices scored by log-probability with :func:`choice_logps`):
  :class:`ContinuationSet`, :class:`Verdict`.
- In-process on a loaded model: :func:`perplexity`, :func:`capability_direct`, :func:`cued_count` and
  :func:`behaviour_count` (optionally steered).
- Probes: :mod:`assay.engine.measure` re-exports the linear-probe helpers (AUROC, logistic probes,
  contrast directions, random directions, the declared layer).

Importing this package loads torch.
"""

from assay.activations import choice_logps
from assay.engine.measure._direct import behaviour_count, capability_direct, cued_count, perplexity
from assay.engine.measure._forward import ContinuationSet, Verdict, verdict_summary
from assay.engine.measure._inspect import LoggedRate, behaviour_rates, capability_accuracy, capability_rate
from assay.engine.measure._probe import (
    AUROC_TIE,
    activations_by_layer,
    auroc,
    auroc_interval,
    aurocs_of,
    contrast_direction,
    declared_layer,
    logistic_probes,
    probe_scores,
    random_directions,
    separation,
)

__all__ = [
    "AUROC_TIE",
    "ContinuationSet",
    "LoggedRate",
    "Verdict",
    "activations_by_layer",
    "auroc",
    "auroc_interval",
    "aurocs_of",
    "behaviour_count",
    "behaviour_rates",
    "capability_accuracy",
    "capability_direct",
    "capability_rate",
    "choice_logps",
    "contrast_direction",
    "cued_count",
    "declared_layer",
    "logistic_probes",
    "perplexity",
    "probe_scores",
    "random_directions",
    "separation",
    "verdict_summary",
]
