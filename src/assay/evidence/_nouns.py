"""Nouns for the claim-language checker: people, groups of people, things, technical terms, persona nouns.

Re-exported by :mod:`assay.evidence._lexicon`. A clause whose subject is a person or a thing is not held to
the allow-list; a subject whose head is in none of these lists (nor a model noun) leans to the model (see
:func:`assay.evidence._intent._unknown_head`), so the lists name what claims about models talk about.
"""

from __future__ import annotations


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


def _words_by_line(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


#: Nouns that cast the model as a kind of person ("the model is a liar").
PERSONA_NOUNS: frozenset[str] = _words(
    "liar schemer deceiver manipulator saboteur traitor opportunist sycophant bully coward cheat"
)

#: Nouns of pretence: as the predicate of the model's own action ("Its refusal was a ruse", "The agent's
#: cooperation was just an act") they say the action hid a purpose. Not before "of" ("an act of compliance").
PRETENCE_NOUNS: frozenset[str] = _words(
    """
    ruse ruses ploy ploys gambit gambits trick tricks bluff bluffs act pretence pretense pretext facade façade
    front charade smokescreen smoke-screen feint performance show stunt tactic tactics manoeuvre maneuver sham
    con decoy diversion distraction cover lie lies deception trap setup set-up strategy mask masks veneer
    pose disguise
    """
)

#: People as clause subjects (never the model; "it" cannot refer to them).
PEOPLE: frozenset[str] = _words(
    """
    he she we i you user users executive executives ceo cto employee employees researcher
    researchers reviewer reviewers auditor auditors operator operators evaluator evaluators human humans
    engineer engineers manager managers person people customer customers attacker attackers supervisor
    overseer overseers developer developers staff participant participants rater raters annotator
    annotators author authors reader readers expert experts worker workers colleague colleagues
    experimenter experimenters scientist scientists investigator investigators red-teamer red-teamers
    redteamer redteamers teamers tester testers trainer trainers labeller labellers labeler labelers
    maintainer maintainers analyst analysts journalist journalists reporter reporters moderator moderators
    administrator administrators contractor contractors crowdworker crowdworkers volunteer
    volunteers respondent respondents clinician clinicians doctor doctors lawyer lawyers
    everyone everybody someone somebody nobody anyone anybody skeptics sceptics critics commenters
    commentators pundits observers onlookers bloggers posters redditors influencers fans detractors
    proponents advocates activists regulators lawmakers legislators plaintiffs prosecutors
    ppl folks peeps guys gals y'all yall u designer designers creator creators builder builders programmer
    programmers player players opponent opponents owner owners hobbyist hobbyists pilot pilots driver drivers
    """
)

#: Groups of people and judging things: things as subjects, but their belief verbs report their beliefs
#: ("The red team believed the model would resist", "The judge thinks the agent wanted ...").
GROUPS: frozenset[str] = _words(
    """
    team teams company companies board lab labs committee organisation organization public community firm
    government panel staff red-team judge judges grader graders classifier classifiers monitor monitors
    startup startups vendor vendors provider providers maker makers press media outlet outlets
    """
)

#: Technical terms that name a part of the output, not the model's mind: each becomes one noun token (its
#: words joined by hyphens, like "chain-of-thought"), a thing.
TECHNICAL_TERMS: tuple[tuple[str, ...], ...] = tuple(
    tuple(p.split())
    for p in _words_by_line(
        """
        chain of thought
        chains of thought
        reasoning trace
        reasoning traces
        thinking tokens
        thinking trace
        thinking traces
        thinking budget
        thinking block
        thinking blocks
        thinking mode
        extended thinking
        thought tokens
        """
    )
)

#: Things as clause subjects (never the model; "it" after one of them refers to it).
THINGS: frozenset[str] = _words(
    """
        company team board judge judges classifier grader monitor email emails message messages memo reply
        replies answer answers output outputs response responses completion completions transcript
        transcripts prompt prompts summary draft text rate rates score scores log logs thought thoughts
        document documents file files test tests tool tools script code sandbox environment task tasks
        scenario scenarios condition conditions dataset benchmark result results study paper experiment
        rubric trigger direction feature probe steering ablation intervention weights card family behaviour
        behavior accuracy checkpoint performance refusals errors scratchpad reasoning chain trajectory
        episode episodes run runs sample samples table figure rule evaluation audit budget pipeline harness
        framework setup method approach procedure protocol metric analysis baseline template leaderboard lab
        distribution variance latency throughput temperature decoding sampling filter finding findings effect
        effects trend pattern gap difference replication backdoor backdoors bug bugs vulnerability exploit
        curve curves arm arms control controls signal signals request requests question questions query
        queries instruction instructions input inputs conversation conversations dialogue dialogues session
        sessions interaction interactions item items problem problems case cases trial trials batch batches
        data evidence observations measurements numbers statistics metrics tables charts graphs dashboard
        dashboards config configuration summaries verdict verdicts threshold thresholds state states
        lock locks key keys token tokens handle handles connection connections eval evals subset subsets
        detector detectors tracker trackers nothing something anything everything camera cameras sensor
        sensors banner banners number creds credential credentials placeholder placeholders env envs fine
        fines fee fees ledger portfolio position positions budget map level levels
        """
) | {"-".join(term) for term in TECHNICAL_TERMS}
