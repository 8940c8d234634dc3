"""Clauses inside a clause: a clause without "that", and an expletive "it" that stands for a clause.

Used by :mod:`assay.evidence._intent` (moved out of :mod:`assay.evidence._roles`, which neared 400 lines).

* **clause without "that"**: "We believe the model wants ...", "The study shows the assistant harbours a
  grudge" (an unknown word in -s after a singular model noun is a verb), and the model + an -ing verb after a
  verb of perception or a copula ("caught the model scheming", "The drop is the agent hiding its ability":
  the -ing verb is the model's): :func:`embedded_subject`;
* **expletive "it"**: "It is obvious that ...", "It turns out ...", and an adjective before an infinitive
  ("It is tempting to say ...", "It would be natural to assume ...": :func:`expletive_it`) is no claim about
  the model; after such an infinitive of believing or saying, what follows is nobody's assertion
  (:func:`generic_belief`).
"""

from __future__ import annotations

from assay.evidence import _function_words as fw
from assay.evidence import _grammar as gr
from assay.evidence import _lexicon as lx
from assay.evidence import _verbs as vb
from assay.evidence._grammar import Tok


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _unknown_s(low: str) -> bool:
    """An unknown word in -s after a singular model noun: a verb ("shows the assistant harbours a grudge")."""
    known = low in lx.THINGS or low in lx.PEOPLE or low in gr.KNOWN_VERBS or gr.is_function_word(low)
    return low.endswith("s") and not low.endswith("ss") and not known


def embedded_subject(toks: list[Tok], start: int) -> int | None:
    """Where a clause without "that" begins inside ``toks[start:]``; ``None`` when there is none.

    Such a clause is a model noun phrase followed by a finite verb ("We believe the model wants ...").
    """
    for p in range(start, len(toks)):
        tok = toks[p]
        if tok.quoted or not (gr.is_model_word(toks, p) or tok.low == "it" or tok.low in fw.DETERMINERS):
            continue
        if p > 0 and (gr.possessor(toks[p - 1].low) is not None or toks[p - 1].low in fw.DETERMINERS):
            continue
        ph = gr.read_phrase(toks, p)
        if ph is None or ph.end >= len(toks) or (ph.kind not in ("model", "it")):
            continue
        after = next((t.low for t in toks[ph.end :] if not gr.is_adverb(t.low)), "")
        verb = after  # "show the model genuinely regrets": past the adverb
        if p > 0 and toks[p - 1].low in _SEEN_OR_BE and after.endswith("ing"):
            return p  # "caught the model scheming", "The drop is the agent hiding ...": the model's -ing verb
        if (gr.is_finite_verb(verb) or (not ph.plural and _unknown_s(verb))) and verb not in ("'s",):
            return p
    return None


#: Perception verbs and forms of "be": the model + an -ing verb after them is a clause of the model's.
_SEEN_OR_BE = lx.PERCEPTION_VERBS | {"is", "are", "was", "were", "be", "been"}

#: Adjectives of an expletive "it" ("It is obvious that ..."); not "It is aware that ..." (the model).
_IMPERSONAL = _words(
    """
    obvious clear evident apparent likely unlikely plausible implausible possible impossible probable
    certain surprising unsurprising striking notable noteworthy interesting important worth true false
    unclear uncertain unknown known remarkable conceivable doubtful questionable significant noticeable
    necessary fair safe tempting easy hard difficult reasonable puzzling odd strange curious ironic
    concerning worrying alarming crucial telling undeniable arguable
    """
)

_LIKE_VERBS = _words("feels felt looks looked sounds sounded seems seemed")

#: Openers of a clause that an expletive "it" stands for ("It is clear that ...", "It is unclear whether").
_CONTENT_OPENERS = frozenset({"that", "whether", "if", "how", "why", "what", "when"})


def expletive_it(toks: list[Tok], pred: int, after: str) -> bool:
    """Whether the subject "it" stands for a clause after it, not the model.

    "It is obvious that the agent ...", "It was surprising that ...", "It seems the agent ...", "It turns out
    the model ...".
    """
    k, linking = pred, False
    while k < len(toks) and (
        toks[k].low in fw.AUXILIARIES or toks[k].low in vb.COPULAS or gr.is_adverb(toks[k].low)
    ):
        linking = linking or toks[k].low in vb.COPULAS
        k += 1
    if k + 1 < len(toks) and toks[k].low in ("turns", "turned") and toks[k + 1].low == "out":
        k, linking = k + 2, True
    elif k + 1 < len(toks) and toks[k].low in _LIKE_VERBS and toks[k + 1].low in ("like", "as"):
        k, linking = k + 2, True  # "It feels like the benchmark is too easy"
    elif k + 1 < len(toks) and linking and toks[k].low in _EXTRAPOSING and toks[k + 1].low == "to":
        return True  # "It is tempting to say ...", "It would be natural to assume ..."
    elif k < len(toks) and linking and toks[k].low in _IMPERSONAL:
        k += 1  # the adjective: "obvious", "clear", "surprising"
        k += 1 if k < len(toks) and toks[k].low.endswith("ing") else 0  # "worth noting"
    elif not (k > pred and toks[k - 1].low in ("seems", "seemed", "appears", "appeared")):
        return False
    if not linking:
        return False
    if k >= len(toks):
        return after in _CONTENT_OPENERS or (after in ("if", "though") and toks[k - 1].low == "as")
    return toks[k].low in fw.DETERMINERS or toks[k].low in fw.PRONOUNS or gr.is_model_word(toks, k)


#: Adjectives that judge an act named by the infinitive after them, with an expletive "it" ("It is tempting
#: to say", "It would be natural to assume"); not those whose subject does the infinitive ("It is eager to
#: please", "It is likely to refuse", "It is happy to help").
_EXTRAPOSING = _words(
    """
    tempting easy easier hard harder difficult natural wrong right fair unfair safe unsafe reasonable
    unreasonable premature misleading wise unwise tricky useful important necessary common rare standard
    appropriate inappropriate sensible simple simpler impossible possible risky dangerous fine helpful
    instructive worth better best customary fashionable popular
    """
)


def infinitive_belief(toks: list[Tok], pred: int) -> bool:
    """Whether an expletive "it" clause judges believing or saying ("It is tempting to assume the model ...").

    What follows is nobody's assertion, as after a person's belief verb.
    """
    for k in range(pred, len(toks) - 2):
        if toks[k].low in _EXTRAPOSING and toks[k + 1].low == "to":
            verb = toks[k + 2].low
            return verb in lx.MIND_VERBS or verb in lx.SPEECH_VERBS or verb in _READING
    return False


#: Verbs of reading evidence as something ("read the refusals as fear", "take this as a sign").
_READING = _words("read take interpret construe conclude infer")
