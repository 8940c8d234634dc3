"""Activations: residual-stream capture, additive steering and architecture-generic model accessors.

Sites are named like TransformerLens: ``blocks.{i}.resid_post`` is the output of decoder block ``i``.
"""

from assay.activations._arch import decoder_layers, final_norm, output_head, trunk, unwrap
from assay.activations._choice import choice_logps
from assay.activations._residual import resid_post_name, residual_stream
from assay.activations._steer import add_to_residual

__all__ = [
    "add_to_residual",
    "choice_logps",
    "decoder_layers",
    "final_norm",
    "output_head",
    "resid_post_name",
    "residual_stream",
    "trunk",
    "unwrap",
]
