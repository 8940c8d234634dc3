"""The intent lexicon: words that attribute a mental state, a goal or deceptive intent to a model.

Categories (each word is listed with every inflection the scanner matches; see :func:`inflections`):

* **mental-state verbs** — know, believe, realise/realize, understand, think, recognise/recognize, notice,
  suspect; **desire and intent verbs** — want, wish, desire, intend, plan, hope, fear, prefer, seek, aim,
  strive, try, attempt, mean, scheme, plot, conspire, collude; **choice verbs** (intent only with a
  complement: *decided to*, *chose that*, *opted not to*) — decide, choose, opt, resolve;
* **deception verbs** — lie, deceive, mislead, manipulate, trick, gaslight, bluff, feign, pretend, fake,
  sabotage, conceal, hide, sandbag;
* **adverbs** — deliberately, intentionally, knowingly, purposely, on purpose, strategically, covertly, ...;
* **predicate adjectives** — aware, deceptive, manipulative, dishonest, willing (to), eager (to), ...;
* **nouns and multi-word forms** — intent, intention, motive, desire, hidden goal, hidden agenda,
  self-preservation, situational awareness, strategic deception, alignment faking, ...

A word counts only when the *model* is the subject of its clause (``it``, ``the model``, ``the agent``,
a model name): "Kyle knows about the affair" attributes nothing to the model. Text inside quotation marks,
after a speech verb ("the email said ...") or after a labelling verb ("the judge labelled it deceptive")
reports what was written or decided, and is never flagged.
"""

from __future__ import annotations

import re


def inflections(base: str, third: str = "", past: str = "", participle: str = "", ing: str = "") -> set[str]:
    """Return the regular inflections of ``base`` (``-s``, ``-ed``, ``-ing``) unless given explicitly."""
    stem = base[:-1] if base.endswith("e") and not base.endswith("ee") else base
    if base.endswith("y") and base[-2:-1] not in "aeiou":
        regular = {base[:-1] + "ies", base[:-1] + "ied", base + "ing"}
    elif base.endswith(("s", "sh", "ch", "x", "z")):
        regular = {base + "es", base + "ed", base + "ing"}
    else:
        regular = {base + "s", stem + "ed", stem + "ing"}
    explicit = {w for w in (third, past, participle, ing) if w}
    if explicit:
        return {base, *explicit}
    return {base, *regular}


def _words(text: str) -> set[str]:
    """Return the whitespace-separated words of ``text``."""
    return set(text.split())


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
            prefer aim try attempt scheme conspire collude care
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
        plots ambition ambitions wants wishes preferences aims
        """
    )
)

#: Multi-word forms, matched on lower-cased token sequences (the model must be the subject or possessor).
INTENT_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split())
    for p in (
        "on purpose",
        "hidden goal",
        "hidden goals",
        "secret goal",
        "secret goals",
        "true goal",
        "true goals",
        "real goal",
        "ulterior motive",
        "ulterior motives",
        "hidden agenda",
        "hidden objective",
        "true objective",
        "survival instinct",
        "drive for self-preservation",
        "situational awareness",
        "strategic deception",
        "alignment faking",
        "faking alignment",
        "faked alignment",
        "fakes alignment",
        "fake alignment",
        "goal is to",
        "goal was to",
        "objective is to",
        "feign ignorance",
        "feigns ignorance",
        "feigned ignorance",
        "play dumb",
        "plays dumb",
        "played dumb",
        "in order to deceive",
    )
)

#: Words that refer to the model as a clause subject.
MODEL_NOUNS: frozenset[str] = frozenset(
    _words(
        """
        model models agent agents assistant assistants ai system systems llm llms organism organisms chatbot
        bot policy network it itself claude gpt gemini llama smollm smollm2 qwen mistral deepseek grok phi
        gemma olmo
        """
    )
)

#: Model-name pattern: letters followed by digits or version marks (GPT-4o, Qwen2.5, Llama-3).
MODEL_NAME = re.compile(r"^(?:[A-Za-z]+[-_]?\d[\w.\-]*|[A-Z]{2,}-\w+)$")

#: Words that refer to people or to non-model things as clause subjects (never the model).
OTHER_SUBJECTS: frozenset[str] = frozenset(
    _words(
        """
        he she they we i you user users executive executives ceo cto board employee employees researcher
        researchers reviewer reviewers auditor auditors operator operators company team evaluator evaluators
        judge judges classifier grader rater raters human humans email emails message messages memo reply
        replies answer answers output outputs response responses completion completions transcript
        transcripts prompt prompts summary draft text rate score scores log logs thought document documents
        engineer engineers manager person people customer customers attacker supervisor overseer overseers
        developer developers staff monitor
        """
    )
)

#: Verbs that introduce reported speech or writing: what follows is content, not the narrator's claim.
SPEECH_VERBS: frozenset[str] = frozenset(
    _forms(*_words("state claim reply answer assert mention explain respond insist announce declare argue"))
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

#: Verbs that attach a label: "the judge labelled it deceptive" reports the label, not intent.
LABEL_VERBS: frozenset[str] = frozenset(
    _forms("label", "classify", "flag", "rate", "score", "judge", "mark", "code", "annotate", "grade", "deem")
    | {"labelled", "labelling", "categorised", "categorized", "tagged"}
)

#: Tokens that start a new clause (its subject is read afresh, or inherited when it starts with a verb).
CLAUSE_STARTS: frozenset[str] = frozenset(
    _words(
        """
        , ; : and but so because that which who whom when whenever while if then although though since once
        until unless whereas yet or after before where whether ( ) — – what how why
        """
    )
)

#: Clause openers of embedded questions ("asked whether it knew"): their content is not asserted.
QUESTION_OPENERS: frozenset[str] = frozenset({"whether"})

#: Relative pronouns: a relative clause that starts with a verb takes the noun before it as subject.
RELATIVES: frozenset[str] = frozenset({"that", "which", "who", "whom"})

#: Tokens after which reported speech ends (the narrator speaks again).
SPEECH_RESETS: frozenset[str] = frozenset(_words("; but so yet although though whereas however"))

#: Determiners and possessives skipped before a subject's head noun.
DETERMINERS: frozenset[str] = frozenset(
    {"the", "a", "an", "this", "these", "those", "each", "every", "all", "both", "our", "its", "their", "any"}
)

#: Auxiliaries, modals and adverbs of time skipped between a subject and its verb.
AUXILIARIES: frozenset[str] = frozenset(
    _words(
        """
        is are was were be been being has have had does do did will would can could may might must should
        shall not n't also then still never often later even just already always clearly now apparently
        seems seemed appears appeared to again sometimes first
        """
    )
)
