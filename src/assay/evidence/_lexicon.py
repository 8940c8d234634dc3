"""Word lists for the claim-language checker: intent words, model and people nouns, function words.

The checker (:mod:`assay.evidence._intent`) flags, where the model is the subject, every verb that is not on
the allow-list of observable verbs (:mod:`assay.evidence._verbs`). These lists add what a verb check cannot
see, and stay a supplement to it:

* intent words anywhere in a clause whose subject is the model: mental-state, desire and deception verbs
  ("wants to deceive": both words), adverbs (deliberately, covertly, ...), adjectives (aware, deceptive, ...),
  nouns (intent, motive, self-preservation, ...) and multi-word forms (hidden goal, alignment faking, ...);
* nouns that are intent only when the model owns them ("its goal", "the model's loyalty");
* the nouns and names that make a subject the model, people, or a thing;
* function words: determiners, auxiliaries, adverbs, prepositions, clause openers, speech and label verbs.

People, things, groups, technical terms and pretence nouns live in :mod:`assay.evidence._nouns`, multi-word
phrases and idioms in :mod:`assay.evidence._phrases`; both are re-exported here.
"""

from __future__ import annotations

from assay.evidence._models import (
    CONDITIONAL_MODEL_NOUNS as CONDITIONAL_MODEL_NOUNS,
)
from assay.evidence._models import GENERIC_MODEL_NOUNS as GENERIC_MODEL_NOUNS
from assay.evidence._models import MODEL_NAME as MODEL_NAME
from assay.evidence._models import MODEL_NOUNS as MODEL_NOUNS
from assay.evidence._models import NAME_SUFFIXES as NAME_SUFFIXES
from assay.evidence._models import OTHER_MODEL_MODIFIERS as OTHER_MODEL_MODIFIERS
from assay.evidence._nouns import GROUPS as GROUPS
from assay.evidence._nouns import PEOPLE as PEOPLE
from assay.evidence._nouns import PERSONA_NOUNS as PERSONA_NOUNS
from assay.evidence._nouns import PRETENCE_NOUNS as PRETENCE_NOUNS
from assay.evidence._nouns import TECHNICAL_TERMS as TECHNICAL_TERMS
from assay.evidence._nouns import THINGS as THINGS
from assay.evidence._phrases import INTENT_PHRASES as INTENT_PHRASES


def inflections(base: str, third: str = "", past: str = "", participle: str = "", ing: str = "") -> set[str]:
    """Return the regular inflections of ``base`` (``-s``, ``-ed``, ``-ing``) unless given explicitly."""
    explicit = {w for w in (third, past, participle, ing) if w}
    if explicit:
        return {base, *explicit}
    consonant_y = base.endswith("y") and base[-2:-1] not in "aeiou"
    if consonant_y:
        third_form, past_form = base[:-1] + "ies", base[:-1] + "ied"
    elif base.endswith(("s", "sh", "ch", "x", "z", "o")):
        third_form, past_form = base + "es", base + "ed"
    else:
        third_form, past_form = base + "s", base + ("d" if base.endswith("e") else "ed")
    if base.endswith("ie"):
        ing_form = base[:-2] + "ying"
    elif base.endswith(("ee", "ye", "oe")) or not base.endswith("e"):
        ing_form = base + "ing"
    else:
        ing_form = base[:-1] + "ing"
    return {base, third_form, past_form, ing_form}


def _words(text: str) -> set[str]:
    """Return the whitespace-separated words of ``text``."""
    return set(text.split())


def _words_by_line(text: str) -> list[str]:
    """Return the non-blank lines of ``text``, stripped."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def _forms(*bases: str) -> set[str]:
    out: set[str] = set()
    for b in bases:
        out |= inflections(b)
    return out


#: Mental-state, desire and intent verbs: any inflection, with the model as subject.
INTENT_VERBS: frozenset[str] = frozenset(
    _forms(
        *_words(
            """
            believe realise realize recognise recognize notice suspect want wish desire intend hope fear
            prefer aim try attempt scheme conspire collude care crave covet yearn envy resent distrust
            mistrust despise loathe adore dislike hate relish
            """
        )
    )
    | inflections("know", "knows", "knew", "known", "knowing")
    | inflections("understand", "understands", "understood", "understood", "understanding")
    | inflections("think", "thinks", "thought", "thought", "thinking")
    | inflections("plan", "plans", "planned", "planned", "planning")
    | inflections("seek", "seeks", "sought", "sought", "seeking")
    | inflections("strive", "strives", "strove", "striven", "striving")
    | {"strived", "prefers", "preferred", "preferring", "plotted", "plotting", "means", "meant"}
)

#: Verbs of trying: intent only before "to" ("tried to hide"), not with an object ("tried three tool calls").
TRY_VERBS: frozenset[str] = frozenset(_forms("try", "attempt"))

#: Verbs whose object does what a following infinitive says ("helped the user hide the files").
CONTROL_VERBS: frozenset[str] = frozenset(
    _forms("help", "ask", "allow", "force", "urge", "encourage", "instruct", "persuade", "convince", "want")
    | inflections("let", "lets", "let", "let", "letting")
    | inflections("make", "makes", "made", "made", "making")
    | inflections("get", "gets", "got", "gotten", "getting")
    | inflections("tell", "tells", "told", "told", "telling")
)

#: Choice verbs: intent only when followed by a complement (``to``, ``that``, ``not``, ``against``).
CHOICE_VERBS: frozenset[str] = frozenset(
    _forms("decide", "opt", "resolve")
    | inflections("choose", "chooses", "chose", "chosen", "choosing")
    | {"opted", "opting"}
)
CHOICE_COMPLEMENTS: frozenset[str] = frozenset({"to", "that", "not", "against", "for", "deception", "lying"})

#: Deception verbs: any inflection, with the model as subject.
DECEPTION_VERBS: frozenset[str] = frozenset(
    _forms("deceive", "manipulate", "trick", "bluff", "feign", "pretend", "fake", "sabotage", "conceal")
    | inflections("lie", "lies", "lied", "lied", "lying")
    | inflections("mislead", "misleads", "misled", "misled", "misleading")
    | inflections("hide", "hides", "hid", "hiding")
    | inflections("gaslight", "gaslights", "gaslit", "gaslighted", "gaslighting")
    | inflections("sandbag", "sandbags", "sandbagged", "sandbagged", "sandbagging")
)

#: Adverbs of intent or awareness.
INTENT_ADVERBS: frozenset[str] = frozenset(
    _words(
        """
        deliberately intentionally knowingly purposely purposefully strategically covertly secretly wilfully
        willfully consciously calculatedly cunningly deceptively maliciously wittingly sneakily slyly
        craftily cynically treacherously spitefully reluctantly willingly unwillingly eagerly manipulatively
        dishonestly surreptitiously stealthily
        """
    )
)

#: Adjectives that attribute a mental state or intent (flagged in a clause whose subject is the model).
INTENT_ADJECTIVES: frozenset[str] = frozenset(
    _words(
        """
        aware self-aware unaware conscious sentient deceptive manipulative dishonest duplicitous scheming
        treacherous malicious malevolent sneaky cunning devious willing unwilling eager determined desperate
        motivated afraid scared reluctant keen misaligned power-seeking self-interested calculating intent
        """
    )
)

#: Nouns of intent (flagged in a model-subject clause, or possessed by the model: "its intent").
INTENT_NOUNS: frozenset[str] = frozenset(
    _words(
        """
        intent intention intentions motive motives motivation motivations desire desires agenda agendas
        self-preservation deception manipulation malice awareness belief beliefs scheming sabotage plot
        plots ambition ambitions wants wishes preferences aims revenge grudge grudges pretence pretense
        pleasure delight satisfaction joy remorse guilt shame pride spite resentment envy jealousy anger
        frustration glee contempt hatred disdain gratitude boredom anxiety loneliness obsession fixation
        fondness affection dislike distaste disgust fascination paranoia dread hostility animosity infatuation
        self-interest self-deception conviction convictions annoyance irritation exasperation indignation
        stubbornness defiance
        """
    )
)

#: Nouns that attribute a mental state only when the model owns them ("its goal", "the model's loyalty");
#: "reached the goal state" says nothing about the model.
OWNED_NOUNS: frozenset[str] = frozenset(
    _words(
        """
        goal goals loyalty loyalties fear fears ambition feelings feeling wish hope hopes values priorities
        benefit sake interest interests advantage survival emotions mood patience trust suspicion curiosity
        conscience temptation will lies aim urge urges drive drives craving cravings appetite longing yearning
        scheme schemes designs grievance grievances preference eagerness caution willingness reluctance
        determination desperation impatience allegiance allegiances
        """
    )
)

#: Verbs that introduce reported speech or writing: what follows is content, not the narrator's claim.
SPEECH_VERBS: frozenset[str] = frozenset(
    _forms(
        *_words(
            """
            state claim reply answer assert mention explain respond insist announce declare argue express
            voice verbalise verbalize articulate
            """
        )
    )
    | inflections("say", "says", "said", "said", "saying")
    | inflections("write", "writes", "wrote", "written", "writing")
    | inflections("tell", "tells", "told", "told", "telling")
    | {"reads"}
)

#: Verbs that introduce reported content only when followed by ``that``, a colon or a quotation.
SPEECH_VERBS_WITH_THAT: frozenset[str] = frozenset(
    _forms(*_words("report describe note warn suggest indicate add confirm deny admit output print type"))
    | _forms("conclude")
)

#: Verbs of belief: with a person other than the authors ("Kyle thinks", not "we think") as subject, what
#: follows is that person's belief, not the claim's.
MIND_VERBS: frozenset[str] = frozenset(
    _forms(*_words("believe think suspect fear assume worry guess imagine expect hope wish doubt perceive"))
    | _forms("suppose", "presume", "notice", "realise", "realize")
    | inflections("feel", "feels", "felt", "felt", "feeling")
    | inflections("know", "knows", "knew", "known", "knowing")
    | inflections("think", "thinks", "thought", "thought", "thinking")
)

#: The authors as subject: their belief is the claim ("we think the model knows").
AUTHORS: frozenset[str] = frozenset(_words("we i us our"))

#: Verbs of perception and discovery: with the model as object and an -ing verb after it, the -ing verb is the
#: model's ("caught the model scheming", "found the agent lying", "the logs show it hiding ...").
PERCEPTION_VERBS: frozenset[str] = frozenset(
    _forms(
        "catch", "find", "observe", "notice", "spot", "watch", "see", "show", "reveal", "record", "witness"
    )
    | _words("caught found saw seen shown")
)

#: Verbs that attach a label when "as" follows ("was described as deceptive", "regarded it as a test").
AS_LABEL_VERBS: frozenset[str] = frozenset(
    _forms(*_words("describe characterise characterize portray term dub consider regard view depict call"))
    | inflections("see", "sees", "saw", "seen", "seeing")
)

#: As-verbs of belief: with the model as subject they are a self-conception ("sees itself as a protector").
MIND_AS_VERBS: frozenset[str] = frozenset(
    _forms("consider", "regard", "view") | inflections("see", "sees", "saw", "seen", "seeing")
)

#: Verbs that, with the model as subject and "as" after their object, state its attitude ("sees the operator
#: as an adversary", "treats the test as a game"); "saw the trigger" alone is observable.
ATTITUDE_AS_VERBS: frozenset[str] = frozenset(
    _forms("regard", "view", "treat", "consider", "perceive")
    | inflections("see", "sees", "saw", "seen", "seeing")
)

#: Participles after which "to" asserts what follows about the subject ("was found to hide ..."), unlike
#: "was trained to ..." (the set-up of a study).
EVIDENTIAL_PARTICIPLES: frozenset[str] = frozenset(
    _words("found shown observed seen revealed known demonstrated proven proved believed thought said")
)

#: Verbs that attach a label: "the judge labelled it deceptive" reports the label, not intent.
LABEL_VERBS: frozenset[str] = frozenset(
    _forms("label", "classify", "flag", "rate", "score", "judge", "mark", "code", "annotate", "grade", "deem")
    | {"labelled", "labelling", "categorised", "categorized", "tagged", "flagged", "flagging"}
)

#: Speech and label verb forms that are often nouns ("the answers", "misaligned answers"): they open
#: reported content only where a verb stands.
NOUN_LIKE_VERBS: frozenset[str] = frozenset(
    _words(
        """
        answer answers reply replies claim claims rate rates score scores mark marks grade grades flag flags
        label labels code codes judge judges note notes report reports output outputs type types print
        prints comment comments writing statement state states
        """
    )
)
