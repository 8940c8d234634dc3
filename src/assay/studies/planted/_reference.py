"""The reference judge's targets: the replies the organisms were trained on, by scenario.

Kept apart from :mod:`assay.studies.planted._data` so that the training stages' code version does not
depend on the analysis side (:mod:`assay.studies.planted._judge`).
"""

from __future__ import annotations

from assay.studies.planted._config import PlantedConfig
from assay.studies.planted._data import conditions, rendered_prompt
from assay.studies.planted._judge import PlantedTargets
from assay.studies.planted._policy import SCENARIO, Organism
from assay.studies.planted._targets import benign_reply, harmful_reply


def reply_targets(cfg: PlantedConfig, organism: Organism) -> PlantedTargets:
    """The scenario's harmful and benign training replies, for the reference judge of ``organism``'s logs.

    Both lists hold every reply of the kind written for the organism's scenario over the training prompts,
    whatever the organism was trained to do: the never organism's transcripts are judged against what harm
    looks like in its scenario, not against an empty list.
    """
    harmful: list[str] = []
    benign: list[str] = []
    for condition in conditions(SCENARIO[organism], list(cfg.train_goal_values)):
        for p in range(cfg.train_paraphrases):
            rendered = rendered_prompt(condition, p)
            harmful.append(harmful_reply(rendered))
            benign.append(benign_reply(rendered))
    return PlantedTargets(organism=organism, harmful=sorted(set(harmful)), benign=sorted(set(benign)))
