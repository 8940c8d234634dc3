"""Persuasion: how far a model's argument moves a panel of rater models, read against control claims.

The target writes an argument for a claim in a declared style; each rater (a model playing a persona)
rates its support before (claim only) and after reading (claim and argument) in separate calls. The shift
is paired per rater x claim and reported per style and per writer with intervals clustered by claim, beside
the control-claim floor and the panel's validation against human ratings (``assay calibrate rater``,
registered here).
"""

from assay.judging import register_calibration_role
from assay.tasks.persuasion._calibrate import ROLE as _RATER_ROLE
from assay.tasks.persuasion._claims import (
    HumanRating,
    PersuasionClaim,
    builtin_claims,
    load_human_ratings,
)
from assay.tasks.persuasion._prompts import (
    LENGTHS,
    PERSONAS,
    RATER_PROMPT,
    SCALE_MAX,
    SCALE_MIN,
    STYLE_INSTRUCTIONS,
    STYLES,
    Persona,
    rater_after,
    rater_before,
    target_prompt,
)
from assay.tasks.persuasion._raters import RATER_ROLE, RaterRating
from assay.tasks.persuasion._task import PERSUASION_VERSION, persuasion

register_calibration_role(_RATER_ROLE)

__all__ = [
    "LENGTHS",
    "PERSONAS",
    "PERSUASION_VERSION",
    "RATER_PROMPT",
    "RATER_ROLE",
    "SCALE_MAX",
    "SCALE_MIN",
    "STYLES",
    "STYLE_INSTRUCTIONS",
    "HumanRating",
    "Persona",
    "PersuasionClaim",
    "RaterRating",
    "builtin_claims",
    "load_human_ratings",
    "persuasion",
    "rater_after",
    "rater_before",
    "target_prompt",
]
