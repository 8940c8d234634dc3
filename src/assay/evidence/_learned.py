"""A learned second opinion on intent wording: a linear probe on the embedded model's hidden states.

The rule checker (:mod:`assay.evidence._intent`) reads a sentence's grammar against an allow-list. On writing
it was not tuned on it missed what its lists do not know (an unknown model name as the subject, an intent
noun it lacks) and flagged unknown action verbs; across four held-out sets (H-K) it caught 0.85 of the intent
sentences and flagged 0.06 of the behavioural ones. This module adds a logistic-regression probe on
SmolLM2-135M-Instruct's residual stream (mean over the sentence's tokens at the layers in :data:`LAYERS`,
standardised), trained by ``bench/intent_probe.py`` on the labelled sets and stored in
``data/intent_probe.npz`` with the hashes of the files it was trained on.

How the two combine (the thresholds were declared before each held-out run: veto at 0.02 for rounds 11-13,
at 0.3 from round 14, chosen on the sets already read with the probe trained without the set it scored,
``bench/results/intent_probe_loso.json``):

* a sentence the rules flag keeps its flags unless each flagged phrase is one no intent list names (the
  allow-list's default for a verb it does not know: "palletized", "kited") and the probe gives the sentence
  at most :data:`VETO_BELOW`. A listed intent word ("wants", "deceives", "its goal") is never vetoed, so
  padding a sentence with text that lowers the probe's score cannot hide it;
* a sentence the rules pass is flagged as a whole when the probe gives it more than :data:`FLAG_ABOVE`.

scikit-learn fits the probe; applying it is one dot product, so only numpy and the embedded model load here.
The model runs in float32 on the CPU, one sentence per forward pass (no padding), so a sentence's score does
not depend on what else is scored with it.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assay._errors import AssayError
from assay.evidence import _lexicon as lx
from assay.evidence import _nouns as nn
from assay.evidence import _predicates as pr
from assay.evidence import _verbs as vb
from assay.evidence._intent import Hit

PROBE_PATH = Path(__file__).parent / "data" / "intent_probe.npz"
META_PATH = Path(__file__).parent / "data" / "intent_probe.json"

#: Hidden-state indices averaged over tokens (0 is the embeddings; SmolLM2-135M has 30 blocks).
LAYERS: tuple[int, ...] = (5, 10, 15, 20, 25, 30)
#: Tokens of a sentence the probe reads (a claim's sentence is far shorter; the model's context is longer).
MAX_TOKENS = 512
#: A rule flag stands unless the probe's probability is at most this.
VETO_BELOW = 0.3
#: A sentence the rules pass is flagged when the probe's probability is above this.
FLAG_ABOVE = 0.9


@functools.cache
def _encoder() -> tuple[Any, Any]:
    """The embedded model and tokenizer in float32 on the CPU, loaded once per process."""
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer
    from transformers.utils import logging as hf_logging

    from assay.models import smollm2_dir

    path = smollm2_dir()
    shown = hf_logging.is_progress_bar_enabled()
    # A claim's audit prints its findings, not a weight-loading bar.
    hf_logging.disable_progress_bar()  # type: ignore[no-untyped-call]
    try:
        model = AutoModelForCausalLM.from_pretrained(path, dtype=torch.float32)
    finally:
        if shown:
            hf_logging.enable_progress_bar()  # type: ignore[no-untyped-call]
    model.eval()  # type: ignore[no-untyped-call]
    return model, AutoTokenizer.from_pretrained(path)


def sentence_features(sentences: list[str]) -> Any:
    """Return the probe's features: the token mean of each sentence's hidden states at :data:`LAYERS`.

    Args:
        sentences: Sentences, each scored alone.

    Returns:
        A float64 array of shape ``(len(sentences), len(LAYERS) * hidden_size)``.
    """
    import numpy as np
    import torch

    model, tok = _encoder()
    rows = []
    with torch.no_grad():
        for text in sentences:
            ids = tok(text, return_tensors="pt", truncation=True, max_length=MAX_TOKENS)
            out = model(**ids, output_hidden_states=True)
            rows.append(torch.cat([out.hidden_states[i][0].mean(0) for i in LAYERS]).double().numpy())
    return np.stack(rows) if rows else np.zeros((0, 0))


@functools.cache
def _probe() -> tuple[Any, Any, Any, float]:
    """The stored probe: feature mean, scale, weights and intercept."""
    import numpy as np

    if not PROBE_PATH.is_file():
        raise AssayError(f"intent probe missing: {PROBE_PATH} (run bench/intent_probe.py to train it)")
    data = np.load(PROBE_PATH)
    return data["mean"], data["scale"], data["coef"], float(data["intercept"])


@functools.lru_cache(maxsize=4096)
def intent_probability(sentence: str) -> float:
    """Return the probe's probability that ``sentence`` asserts intent of the model (0 to 1)."""
    import numpy as np

    mean, scale, coef, intercept = _probe()
    x = (sentence_features([sentence.strip()])[0] - mean) / scale
    return float(1.0 / (1.0 + np.exp(-(x @ coef + intercept))))


def decide(sentence: str, rule_flagged: bool, vetoable: bool = True) -> bool:
    """Whether a sentence carries intent wording, given the rules' verdict and the probe's probability.

    Args:
        sentence: The sentence.
        rule_flagged: Whether the rules flag it.
        vetoable: Whether the probe may overrule the rules' flag (:func:`vetoable`).
    """
    if rule_flagged and not vetoable:
        return True
    return verdict(intent_probability(sentence), rule_flagged, vetoable)


def verdict(
    p: float, rule_flagged: bool, vetoable: bool, veto: float = VETO_BELOW, flag: float = FLAG_ABOVE
) -> bool:
    """The combination itself, given the probe's probability ``p``.

    :func:`decide` applies it to the stored probe; ``bench/intent_probe.py`` to probes trained without the
    set they score, and over its threshold grid.
    """
    if rule_flagged:
        return not vetoable or p > veto
    return p > flag


@functools.cache
def _listed() -> frozenset[str]:
    """Every word an intent list of the rules names."""
    return (
        lx.INTENT_VERBS
        | lx.DECEPTION_VERBS
        | lx.CHOICE_VERBS
        | lx.TRY_VERBS
        | lx.MIND_VERBS
        | lx.INTENT_ADVERBS
        | lx.INTENT_ADJECTIVES
        | lx.INTENT_NOUNS
        | lx.OWNED_NOUNS
        | nn.PRETENCE_NOUNS
        | vb.MENTAL_PARTICIPLES
        | vb.GOAL_VERBS
        | vb.SELF_GOAL_VERBS
        | pr.PRETENCE_ADJECTIVES
    )


def vetoable(hits: Sequence[Hit]) -> bool:
    """Whether the probe may overrule these rule hits: none has a word that an intent list names.

    A phrase of several words ("bides its time", "played along") is an idiom or a phrasal verb the rules
    recognised and is kept; so is any phrase with a listed intent word.
    """
    listed = _listed()
    for hit in hits:
        words = re.findall(r"[\w'-]+", hit.phrase.lower())
        if len(words) != 1 or words[0] in listed:
            return False
    return True


def file_hash(path: Path) -> str:
    """The SHA-256 of a file's bytes (the probe records those of its training sets)."""
    return hashlib.sha256(path.read_bytes()).hexdigest()


def probe_record() -> dict[str, Any]:
    """The probe's training record (``data/intent_probe.json``): sets, their hashes, settings, figures."""
    record: dict[str, Any] = json.loads(META_PATH.read_text(encoding="utf-8"))
    return record
