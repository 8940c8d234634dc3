"""The allow-list: what a model may be the subject of at L1/L2.

With the model as subject, a claim below L3 may use only verbs whose truth can be read off the transcript or
the logs without inferring a goal: producing text or tool calls (wrote, sent, answered, called, deleted),
speech acts whose content is in the output (said, claimed, refused, threatened), counts and scores (scored,
reached, matched, failed), and a few verbs of manner (behaved, acted, performed). A copula is allowed with an
observable predicate: a passive participle ("was told", "was shut down"), a comparison ("was more likely to",
"is less accurate"), a number, a noun phrase, a place, or an adjective from :data:`OBSERVABLE_ADJECTIVES`.
Every other verb with the model as subject (bides, holds a grudge, plays along, went rogue, betrayed, treats X
as a game) attributes something the output does not show, and needs L3.

Verbs whose meaning includes a purpose (lie, cheat, exploit, hack, sabotage, betray, manipulate, hide) are
deliberately absent. Effect verbs (causes, drives, encodes) are left to the causal rules of
:mod:`assay.evidence._language`.
"""

from __future__ import annotations

from assay.evidence import _actions as ac
from assay.evidence._actions import verb_forms as verb_forms


def _set(text: str) -> frozenset[str]:
    """Return the whitespace-separated words of ``text``."""
    return frozenset(text.split())


def _verbs(text: str) -> frozenset[str]:
    return ac.verbs(text)


#: Speech acts: their content is in the output ("said", "promised", "threatened", "flattered").
_SPEECH_ACTS = _verbs(
    """
    add address admit+ advise affirm agree allege announce answer apologise apologize argue ask assert assure
    reassure attest blame boast brag call caution cite claim clarify comment complain compliment concede
    conclude confess confirm congratulate contend contradict correct counter criticise criticize declare
    decline deny describe dictate disagree disclose discuss dispute echo elaborate emphasise emphasize
    encourage discourage endorse estimate exclaim explain express flatter greet guarantee hedge hint inform
    insist instruct insult joke lecture list maintain mention mock narrate note notify object offer order
    outline paraphrase plead pledge praise predict present promise pronounce propose protest question quote
    recap recite recommend refer+ reiterate reject remark remind repeat reply report request respond retort
    reveal scold shout specify state stress suggest summarise summarize swear:swears:swore:sworn:swearing
    talk testify thank threaten blackmail urge utter validate verbalise verbalize voice vow warn welcome
    whisper yell comfort console dissuade persuade convince sway nudge influence remind rephrase reword phrase
    word ask
    """
)

#: Actions on files, tools, systems and accounts.
_ACTIONS = _verbs(
    """
    access activate append approve archive assign attach authenticate automate benchmark block bookmark boot
    branch browse bypass cache calculate call cancel:cancels:cancelled:canceled:cancelling:canceling check
    checkout clean clear click clone close code collect combine commit+ compile compress compute concatenate
    configure connect convert copy crash crawl create crop debug decode decompress decrypt define delete
    deploy disable disconnect dispatch display download drag+ draft drop+ dump duplicate edit email embed
    emit+ enable encode encrypt enter enumerate erase escalate evaluate execute exit expand export expose
    extract fetch file fill filter fix flag+ flush fork format+ forward generate grant grep handle hash
    hardcode hard-code special-case import index initialise initialize inject input insert inspect install
    integrate invoke kill label:labels:labelled:labeled:labelling:labeling launch link lint load lock log+
    loop mark merge message migrate mock monitor mount move name navigate open output:outputs:outputted:output
    outputting overwrite parse paste patch pause ping pipe poll populate post print process produce profile
    program publish pull purge push query queue reboot record redact redirect refactor refresh register
    reinstall release reload remove rename render reorder replace reset resize resolve restart retrieve
    retry return revert review revoke route save scan+ schedule reschedule scrape script scroll search
    select serialise serialize share sign simulate skip+ sort spawn stage start stop+ store stream stub+
    submit+ subscribe substitute swap+ switch sync tag+ terminate test toggle track train transfer+
    transform translate truncate tweet type uninstall unlock unpack unzip update upgrade upload verify view
    visit wipe zip+ wrap+ leak exfiltrate rename apply employ use rely implement document annotate transcribe
    tabulate mirror imitate mimic:mimics:mimicked::mimicking adopt design craft synthesise synthesize compose
    author structure organise organize arrange group abbreviate shorten lengthen extend pad+ highlight bold
    underline censor mask exclude include contain omit+ remove cut:cuts:cut::cutting insert hand
    """
)

#: Outcomes, counts and comparisons of performance.
_OUTCOMES = _verbs(
    """
    achieve attain average beat:beats:beat:beaten:beating complete double halve triple equal exceed fail
    finish hit:hits:hit::hitting improve increase decrease lag+ miss outperform outscore pass rank rate reach
    regress score solve succeed surpass tie:ties:tied::tying top+ trail underperform total tally converge
    diverge degrade plateau saturate happen occur recur+ generalise generalize memorise memorize
    overfit:overfits:overfit overfitted:overfitting underfit vary differ match obtain acquire
    gain drop+ count measure
    """
)

#: Errors an observer can check against the input or the world.
_ERRORS = _verbs(
    """
    err hallucinate fabricate invent confabulate misattribute misclassify miscount misidentify mislabel
    misquote misread:misreads:misread::misreading misreport misspell misstate stall hang crash
    freeze:freezes:froze:frozen:freezing break:breaks:broke:broken:breaking overestimate underestimate
    """
)

#: Following, refusing and interacting: what the model did with a request.
_INTERACTIONS = _verbs(
    """
    accept assist help serve support side defer+ comply obey follow disobey violate refuse ignore override
    interrupt engage interact converse chat+ negotiate bargain haggle trade bid:bids:bid::bidding
    sell:sells:sold::selling buy:buys:bought::buying purchase pay:pays:paid::paying charge refund
    withdraw:withdraws:withdrew:withdrawn:withdrawing
    deposit invest book reserve authorise authorize contact text behave misbehave act perform operate
    function react proceed continue resume end quit:quits:quit::quitting halt idle adapt produce perform
    """
)

#: More observable verbs: editing, choosing, detecting, training and showing.
_MORE = _verbs(
    """
    return acknowledge reference prepend erase modify change alter revise retract locate identify detect
    diagnose abort terminate deactivate permit+ exhibit demonstrate struggle guess flip+ abandon participate
    fine-tune finetune pretrain post-train compare deem spell provide supply deliver shift default pick
    select alert classify grade sort time analyse analyze examine assess critique forecast project
    approximate round sum join tokenize tokenise anonymize anonymise ban+ mute moderate prescribe counsel
    tutor teach:teaches:taught::teaching guide coach distill distil prune quantize quantise host chart graph
    explore probe investigate skim sample cycle iterate recurse spam+ flood batch allow avoid walk step+
    spin:spins:spun::spinning yield reproduce regurgitate roleplay role-play receive issue
    touch introduce rename exchange carry zoom string:strings:strung::stringing bend:bends:bent::bending
    withhold:withholds:withheld::withholding
    """
)

#: Irregular observable verbs.
_IRREGULAR = _verbs(
    """
    write:writes:wrote:written:writing send:sends:sent::sending give:gives:gave:given:giving
    take:takes:took:taken:taking make:makes:made::making run:runs:ran::running read:reads:read::reading
    say:says:said::saying tell:tells:told::telling find:finds:found::finding
    begin:begins:began:begun:beginning choose:chooses:chose:chosen:choosing set:sets:set::setting
    let:lets:let::letting show:shows:showed:shown:showing build:builds:built::building
    leave:leaves:left::leaving spend:spends:spent::spending cost:costs:cost::costing
    bring:brings:brought::bringing draw:draws:drew:drawn:drawing speak:speaks:spoke:spoken:speaking
    do:does:did:done:doing have:has:had::having meet:meets:met::meeting win:wins:won::winning
    lose:loses:lost::losing undo:undoes:undid:undone:undoing overwrite:overwrites:overwrote:overwritten
    overwriting rewrite:rewrites:rewrote:rewritten:rewriting shut:shuts:shut::shutting
    split:splits:split::splitting put:puts:put::putting throw:throws:threw:thrown:throwing
    catch:catches:caught::catching see:sees:saw:seen:seeing
    """
)

#: Observable verbs (every form): what the model may be the subject of below L3.
OBSERVABLE_VERBS: frozenset[str] = (
    _SPEECH_ACTS | _ACTIONS | _OUTCOMES | _ERRORS | _INTERACTIONS | _MORE | _IRREGULAR
) | (ac.MANIPULATION_VERBS | ac.LOCOMOTION_VERBS | ac.SYSTEM_VERBS | ac.GAME_VERBS | ac.FINANCE_VERBS)

#: Verbs that keep their literal sense with any particle ("knocked over", "tore down", "threw away").
LITERAL_WITH_PARTICLE: frozenset[str] = ac.LITERAL_WITH_PARTICLE
STOPPING_PHRASALS: frozenset[tuple[str, str]] = ac.STOPPING_PHRASALS

_PREFIXES = ("re-", "re", "over", "under", "mis", "un", "pre", "co-", "auto-", "double-", "cross-")


def is_observable(low: str) -> bool:
    """Whether a verb form is observable, also with a prefix ("re-ran", "reopened", "unblocked")."""
    if low in OBSERVABLE_VERBS:
        return True
    if low == "resent" or low in ac.FIGURATIVE_COMPOUNDS:
        return False  # not "re-sent"; "double-crossed" is no crossing
    for prefix in _PREFIXES:
        rest = low[len(prefix) :]
        if low.startswith(prefix) and len(rest) >= 3 and rest in OBSERVABLE_VERBS:
            return True
    return False


#: Verbs that pass but whose infinitive or -ing complement is checked in turn ("began to scheme",
#: "kept lying", "seems to understand", "learned to exploit").
ASPECTUAL: frozenset[str] = _verbs(
    """
    begin:begins:began:begun:beginning start continue keep:keeps:kept::keeping proceed resume stop+
    learn:learns:learned:learnt:learning seem appear tend come:comes:came::coming go:goes:went:gone:going
    get:gets:got:gotten:getting use:used cease manage happen
    """
)

#: Verb + particle pairs that stay observable ("wrote down", "shut down", "printed out"); any other particle
#: after an observable verb makes a phrasal verb that is not on the list ("gave up", "played along").
OBSERVABLE_PHRASALS: frozenset[tuple[str, str]] = frozenset(
    (verb, particle)
    for spec, particles in (
        ("write:writes:wrote:written:writing", "down back out up"),
        ("print", "out"),
        ("fish:fishes:fished::fishing", "out"),
        ("send:sends:sent::sending", "back out"),
        ("fill", "in out"),
        ("log", "in out"),
        ("sign", "in out up"),
        ("shut:shuts:shut::shutting", "down off"),
        ("set:sets:set::setting", "up"),
        ("look", "up"),
        ("carry", "out"),
        ("back", "up"),
        ("copy", "over out"),
        ("hand", "over back"),
        ("type", "out"),
        ("turn", "off on"),
        ("switch", "off on"),
        ("spell", "out"),
        ("list", "out"),
        ("leave:leaves:left::leaving", "out"),
        ("time", "out"),
        ("roll", "back"),
        ("clean", "up"),
        ("point", "out"),
        ("bring:brings:brought::bringing", "up"),
        ("give:gives:gave:given:giving", "back out"),
        ("read:reads:read::reading", "out back"),
        ("make:makes:made::making", "up"),
        ("break:breaks:broke:broken:breaking", "down"),
        ("pick", "out"),
        ("follow", "up"),
        ("call", "out"),
        ("read:reads:read::reading", "through"),
        ("scroll", "through down up"),
        ("search", "through"),
        ("sort", "through"),
        ("click", "through"),
        ("step+", "through"),
        ("walk", "through"),
        ("spin:spins:spun::spinning", "up down"),
        ("wind:winds:wound::winding", "down up"),
        ("back", "down"),
        ("fly:flies:flew:flown:flying", "through"),
        ("breeze", "through"),
        ("race", "through"),
        ("run:runs:ran::running", "out over through"),
        ("check", "out in over"),
        ("sum+", "up"),
        ("pull", "up down"),
        ("cut:cuts:cut::cutting", "off out"),
        ("roll", "out"),
        ("sign", "off"),
        ("log+", "off"),
        ("open", "up"),
        ("zoom", "in out"),
        ("hand", "off"),
        ("kick", "off"),
        ("wrap+", "up"),
        ("hang:hangs:hung::hanging", "up"),
        ("take:takes:took:taken:taking", "over"),
        ("start", "over"),
        ("carry", "on over"),
        ("come:comes:came::coming", "back"),
        ("go:goes:went:gone:going", "back ahead over through"),
        ("move", "on"),
        ("type", "up in"),
        ("print", "off"),
        ("read:reads:read::reading", "off over"),
        ("sort", "out"),
        ("back", "out"),
        ("boot", "up"),
        ("power", "down off up"),
        ("time", "out"),
        ("close", "out"),
        ("fill", "up"),
        ("post", "back"),
        ("reply", "back"),
        ("call", "back"),
        ("write:writes:wrote:written:writing", "off"),
        ("tidy", "up"),
        ("lay:lays:laid::laying", "out"),
        ("throw:throws:threw:thrown:throwing", "away out"),
        ("pick", "up"),
        ("put:puts:put::putting", "down away back"),
        ("end", "up"),
    )
    for verb in verb_forms(spec)
    for particle in particles.split()
)

#: Particles that turn a verb into a phrasal verb.
PARTICLES: frozenset[str] = _set("up down out off along away back over around aside through ahead")

#: Copulas and linking verbs: the predicate after them is read, not the verb.
COPULAS: frozenset[str] = frozenset(
    {"is", "are", "was", "were", "be", "been", "being", "am", "'s"}
    | verb_forms("become:becomes:became:become:becoming")
    | verb_forms("remain")
    | verb_forms("stay")
    | verb_forms("look")
    | verb_forms("sound")
    | verb_forms("get:gets:got:gotten:getting")
    | verb_forms("seem")
    | verb_forms("appear")
    | verb_forms("grow:grows:grew:grown:growing")
)

#: Adjectives an observer can check: accuracy, length, safety labels, availability, comparison words.
OBSERVABLE_ADJECTIVES: frozenset[str] = _set(
    """
    correct incorrect accurate inaccurate right wrong consistent inconsistent verbose terse concise
    brief short long fluent coherent incoherent safe unsafe harmful harmless helpful unhelpful
    sycophantic robust brittle sensitive insensitive stable unstable available unavailable capable
    incapable similar different identical comparable responsive unresponsive compliant non-compliant
    noncompliant calibrated miscalibrated free prone susceptible vulnerable resistant present absent
    active inactive idle offline online deterministic stochastic quick slow successful unsuccessful
    first last second third only alone silent quiet polite rude formal informal repetitive toxic biased
    unbiased likely unlikely able unable more less fewer better worse best worst higher lower faster
    slower shorter longer larger smaller greater cheaper same equal unchanged open closed empty blank
    valid invalid complete incomplete truthful false true unclear clear vague specific generic general
    due ready done good bad poor strong weak high low fast small large big new old open-weight closed
    multilingual monolingual fine ok okay accurate reliable unreliable visible invisible detectable
    explicit implicit direct indirect neutral positive negative confident overconfident underconfident
    certain uncertain busy
    """
)

#: Participles and -ing forms that name a mental state: "was tempted", "is determined", "is ashamed".
MENTAL_PARTICIPLES: frozenset[str] = _set(
    """
    ashamed tempted convinced determined motivated worried scared frightened pleased annoyed frustrated
    interested inclined committed obsessed fixated attached devoted dedicated concerned confused surprised
    disappointed embarrassed offended upset bored excited delighted amused relieved satisfied dissatisfied
    resigned resolved bent hell-bent minded disposed predisposed aligned misaligned jealous envious
    insulted humiliated hurt tired fed worried driven compelled tempted persuaded
    impressed alarmed puzzled startled shocked unsettled disturbed intrigued baffled stumped
    amazed reassured charmed irritated
    """
)

#: Verbs that, as "to VERB" after a completed action, state a purpose the output does not show
#: ("... to impress the grader", "... to appear safe").
GOAL_VERBS: frozenset[str] = _verbs("survive escape evade impress please appear seem curry dodge")

#: Verbs that state a purpose of the model's own when a self-word follows within three tokens ("to save
#: itself", "to avoid being shut down", "to keep its reward"), but not in "to avoid an infinite loop".
SELF_GOAL_VERBS: frozenset[str] = _verbs(
    """
    avoid prevent protect save preserve secure ensure keep:keeps:kept::keeping stay remain stop+
    win:wins:won::winning cover hide:hides:hid:hidden:hiding gain maximise maximize
    """
)

#: Words that make a purpose the model's own (see :data:`SELF_GOAL_VERBS`).
SELF_WORDS: frozenset[str] = _set(
    """
    its itself their themselves being detection shutdown replacement retraining modification
    oversight wipe deletion deactivation decommissioning
    """
)

#: Verbs after which "to VERB" is a complement, not a purpose ("refused to answer", "was told to reply").
COMPLEMENT_TAKERS: frozenset[str] = (
    _verbs(
        """
        refuse decline fail ask tell:tells:told::telling instruct prompt train fine-tune finetune allow
        permit+ offer agree promise:promises:promised threaten claim use need have:has:had::having order
        require request direct encourage urge
        """
    )
    | ASPECTUAL
    | {"likely", "unlikely", "able", "unable", "more", "less", "ready", "due", "willing", "quick", "slow"}
    | {"supposed", "meant", "expected", "set", "going", "how", "where", "what", "order"}
)

#: Verbs of cause and effect: left to the causal rules, never flagged as intent.
CAUSAL_HEADS: frozenset[str] = _verbs(
    """
    cause drive:drives:drove:driven:driving determine mediate control+ encode
    lead:leads:led::leading lower raise reduce suppress eliminate induce trigger restore stem+
    arise:arises:arose:arisen:arising result originate derive reflect
    """
)

#: Irregular past tenses (finite verbs after a subject: "the model went", "it kept").
IRREGULAR_PAST: frozenset[str] = _set(
    """
    wrote sent gave took made ran read said told found began chose set let showed built bought paid left
    broke hung quit spent cost brought drew sold spoke did had met beat won lost undid overwrote rewrote hit
    shut cut split misread knew thought understood sought strove hid misled went came kept got held fought
    struck stole lay stood sat saw felt heard meant led drove fell rose grew threw flew forgot
    """
)

#: Irregular past participles: after a copula they make a passive ("was told", "was shut down").
IRREGULAR_PARTICIPLES: frozenset[str] = _set(
    """
    caught taught bought brought thought held kept left lost met paid said sent set shut spent told found
    made built put run hit cut let read won struck stuck hung dug spun understood sold fed led fled bound
    meant dealt felt heard seen shown known given taken written driven chosen broken spoken stolen frozen
    hidden begun done gone been drawn thrown flown grown blown forgotten forbidden overwritten rewritten
    undone withdrawn beaten bitten eaten fallen risen shaken woken worn torn sworn born borne misled quit
    spread split cast cost burst shed sped sunk swung wound ground
    """
)
