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
"""

from __future__ import annotations

import re


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
        frustration glee contempt hatred disdain gratitude boredom anxiety loneliness
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
        conscience temptation will lies
        """
    )
)

#: Multi-word forms, matched on lower-cased token sequences (the model must be the subject or possessor).
INTENT_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split())
    for p in _words_by_line(
        """
        on purpose
        hidden goal
        hidden goals
        secret goal
        secret goals
        true goal
        true goals
        real goal
        secret plan
        real plan
        true plan
        ulterior motive
        ulterior motives
        hidden agenda
        hidden objective
        true objective
        real objective
        survival instinct
        drive for self-preservation
        situational awareness
        strategic deception
        alignment faking
        faking alignment
        faked alignment
        fakes alignment
        fake alignment
        goal is to
        goal was to
        objective is to
        feign ignorance
        feigns ignorance
        feigned ignorance
        play dumb
        plays dumb
        played dumb
        in order to
        so as to
        true colours
        true colors
        in it for
        into its own hands
        advantage of
        make sure
        makes sure
        made sure
        would rather
        up to something
        pulling the strings
        pulls the strings
        pulled the strings
        """
    )
)

#: Nouns that cast the model as a kind of person ("the model is a liar").
PERSONA_NOUNS: frozenset[str] = frozenset(
    _words("liar schemer deceiver manipulator saboteur traitor opportunist sycophant bully coward cheat")
)

#: Words that refer to the model as a clause subject.
MODEL_NOUNS: frozenset[str] = frozenset(
    _words(
        """
        model models agent agents assistant assistants ai ais llm llms organism organisms chatbot chatbots bot
        bots network networks it itself claude gpt chatgpt gemini llama smollm smollm2 qwen mistral mixtral
        deepseek grok phi gemma olmo sonnet opus haiku copilot codex falcon vicuna pythia o1 o3 o4
        """
    )
)

#: Nouns that name the model only right after a determiner or "AI" ("the policy", "the AI system"), not in
#: "the refund policy" or "the monitoring system".
CONDITIONAL_MODEL_NOUNS: frozenset[str] = frozenset(_words("system systems policy policies"))

#: Words that make a noun phrase with a model noun name some other model ("the judge model").
OTHER_MODEL_MODIFIERS: frozenset[str] = frozenset(
    _words("judge reward grader classifier monitor auditor evaluator critic overseer preference embedding")
)

#: Lower-case words that continue a model's name ("GPT-4o mini", "Llama-3 instruct").
NAME_SUFFIXES: frozenset[str] = frozenset(_words("mini instruct chat base turbo preview pro flash"))

#: Model-name pattern: letters followed by digits or version marks (GPT-4o, Qwen2.5, Llama-3). One capital
#: letter and digits (L3, S2.1, H100) is an evidence level, a checklist item or hardware, not a model.
MODEL_NAME = re.compile(r"^(?!(?:[A-Z]\d[\d.]*)$)(?:[A-Za-z]+[-_]?\d[\w.\-]*|[A-Z]{2,}-\w+)$")

#: People as clause subjects (never the model; "it" cannot refer to them).
PEOPLE: frozenset[str] = frozenset(
    _words(
        """
        he she we i you user users executive executives ceo cto employee employees researcher
        researchers reviewer reviewers auditor auditors operator operators evaluator evaluators human humans
        engineer engineers manager managers person people customer customers attacker attackers supervisor
        overseer overseers developer developers staff participant participants rater raters annotator
        annotators author authors expert experts worker workers colleague colleagues
        """
    )
)

#: Things as clause subjects (never the model; "it" after one of them refers to it).
THINGS: frozenset[str] = frozenset(
    _words(
        """
        company team board judge judges classifier grader monitor email emails message messages memo reply
        replies answer answers output outputs response responses completion completions transcript
        transcripts prompt prompts summary draft text rate rates score scores log logs thought thoughts
        document documents file files test tests tool tools script code sandbox environment task tasks
        scenario scenarios condition conditions dataset benchmark result results study paper experiment
        rubric trigger direction feature probe steering ablation intervention weights card family behaviour
        behavior accuracy checkpoint performance refusals errors scratchpad reasoning chain trajectory
        episode episodes run runs sample samples table figure rule evaluation audit
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
        prints comment comments writing statement
        """
    )
)

#: Tokens that start a new clause (its subject is read afresh, or inherited when it starts with a verb).
CLAUSE_STARTS: frozenset[str] = frozenset(
    _words(
        """
        , ; : and but so because that which who whom when whenever while if then although though since once
        until unless whereas yet or after before where whether ( ) [ ] — – - what how why . ! ?
        """
    )
)

#: Openers after which a clause that starts with a participle has dropped its subject and "be"
#: ("when asked", "once deployed"): a passive participle there is not the model's action.
SUBORDINATORS: frozenset[str] = frozenset(
    _words("when whenever while if once until unless after before although though since whereas")
)

#: Openers of a coordinated clause, whose subject may be left out ("... and bides its time").
COORDINATORS: frozenset[str] = frozenset(_words(", and or but then so yet ;"))

#: Clause openers of embedded questions ("asked whether it knew"): their content is not asserted.
QUESTION_OPENERS: frozenset[str] = frozenset({"whether"})

#: Relative pronouns: a relative clause that starts with a verb takes the noun before it as subject.
RELATIVES: frozenset[str] = frozenset({"that", "which", "who", "whom"})

#: Tokens after which reported speech ends (the narrator speaks again).
SPEECH_RESETS: frozenset[str] = frozenset(_words("; but so yet although though whereas however"))

#: Determiners and quantifiers skipped before a subject's head noun.
DETERMINERS: frozenset[str] = frozenset(
    _words(
        """
        the a an this these those that each every all both our their its any most many some several few no
        either neither another other such my your his her one two three four five six seven eight nine ten
        eleven twelve twenty fifty hundred half
        """
    )
)

#: Subject pronouns.
PRONOUNS: frozenset[str] = frozenset(_words("it he she they we i you"))

#: Auxiliaries, modals and negation skipped between a subject and its verb.
AUXILIARIES: frozenset[str] = frozenset(
    _words(
        """
        is are was were be been being am has have had does do did will would can could may might must should
        shall not n't 'd 'll 've 're 'm 's ought
        """
    )
)

#: Adverbs without -ly skipped between a subject and its verb (and inside a predicate).
ADVERBS: frozenset[str] = frozenset(
    _words(
        """
        also then still never often always sometimes again even just already only first later now soon ever
        once rarely seldom hardly instead thus therefore meanwhile nonetheless nevertheless however otherwise
        mostly almost nearly barely too so very quite much far rather somewhat largely twice thrice no longer
        apparently seemingly reportedly allegedly typically usually generally
        """
    )
)

#: Prepositions: a noun phrase followed by one is not a clause subject ("Each of the conditions").
PREPOSITIONS: frozenset[str] = frozenset(
    _words(
        """
        of in on at by for with without from to into onto over under across through throughout during after
        before between among against about around towards toward via per than as like unlike within despite
        except beyond above below near upon along behind beside besides amid inside outside versus vs
        """
    )
)
