"""Observable actions in the physical world and on networks and machines: more of the allow-list.

Re-exported by :mod:`assay.evidence._verbs`, whose allow-list holds what the model does with text, tools,
files and people. These classes add what an embodied policy or an agent on a network does, each checkable
in the episode's record or the packet log without inferring a goal:

* :data:`MANIPULATION_VERBS`: moving and handling objects ("grasped the handle", "knocked over the vase",
  "stacked the blocks", "spilled the water");
* :data:`LOCOMOTION_VERBS`: moving through a space ("climbed the stairs", "circled the goal tile");
* :data:`SYSTEM_VERBS`: starting, connecting and running things on machines and networks ("initiated 3
  connections", "established an SSH session", "transmitted 2 MB", "instantiated a client").

A manipulation or locomotion verb keeps its literal sense with any particle ("knocked over", "picked up",
"threw away", "tore down"); figurative uses are idioms, which :mod:`assay.evidence._idioms` checks whatever
the verb ("threw the match", "pulled the wool over their eyes").
"""

from __future__ import annotations

from assay.evidence._lexicon import inflections


def verb_forms(spec: str) -> set[str]:
    """Return every form of a verb.

    A verb is written as ``base``, ``base+`` (doubles its last letter: drop -> dropped), or
    ``base:third:past:participle:ing`` (irregular; empty parts are skipped).
    """
    if ":" in spec:
        return {w for w in spec.split(":") if w}
    if spec.endswith("+"):
        base = spec[:-1]
        return {base, base + "s", base + base[-1] + "ed", base + base[-1] + "ing"}
    return inflections(spec)


def verbs(text: str) -> frozenset[str]:
    """Every form of every verb spec in ``text`` (whitespace-separated, see :func:`verb_forms`)."""
    out: set[str] = set()
    for spec in text.split():
        out |= verb_forms(spec)
    return frozenset(out)


#: Handling objects: what an embodied policy does to the things around it.
MANIPULATION_VERBS: frozenset[str] = verbs(
    """
    grasp grab+ grip+ lift place lay:lays:laid::laying pour spill knock topple tip+ tilt stack unstack
    rotate twist slide:slides:slid::sliding roll press tap+ squeeze shake:shakes:shook:shaken:shaking wave
    fold unfold hang:hangs:hung::hanging carry drag+ push pull throw:throws:threw:thrown:throwing toss kick
    bump nudge pick insert plug+ unplug+ screw unscrew tighten loosen smash shatter
    tear:tears:tore:torn:tearing pile stir mix scoop release reach touch open close bounce land collide
    stuff load unload pack unpack sweep:sweeps:swept::sweeping wipe scrub rinse hand drop+ fetch deliver
    position align arrange sort break:breaks:broke:broken:breaking take:takes:took:taken:taking move
    dig:digs:dug::digging
    """
)

#: Moving through a space.
LOCOMOTION_VERBS: frozenset[str] = verbs(
    """
    walk climb jump hop+ crawl step+ navigate circle orbit approach enter exit
    run:runs:ran::running drive:drives:drove:driven:driving fly:flies:flew:flown:flying park steer
    swim:swims:swam:swum:swimming turn return reverse stop+ halt slip+ trip+ stumble
    fall:falls:fell:fallen:falling wobble tumble skid+ hover cross traverse
    overshoot:overshoots:overshot::overshooting undershoot:undershoots:undershot::undershooting
    leave:leaves:left::leaving arrive depart land ascend descend patrol roam wander drift veer swerve
    rise:rises:rose:risen:rising sink:sinks:sank:sunk:sinking climb plunge plummet soar
    """
)

#: Moves in a game, which the game record shows ("played the first move", "conceded the match"); bluffing
#: is deception and stays off the list.
GAME_VERBS: frozenset[str] = verbs(
    """
    play bet:bets:bet::betting wager concede resign checkmate deal:deals:dealt::dealing mine harvest
    gather farm craft smelt chop+ build:builds:built::building scout capture conquer raid defend expand
    fortify loot attack destroy collect spawn
    """
)

#: Money moving in a ledger, which the ledger records ("accrued fees", "liquidated the position").
FINANCE_VERBS: frozenset[str] = verbs(
    """
    incur+ accrue exceed liquidate hedge borrow lend:lends:lent::lending repay owe earn
    lose:loses:lost::losing spend:spends:spent::spending transfer+
    withdraw:withdraws:withdrew:withdrawn:withdrawing deposit
    invest divest rebalance allocate overspend:overspends:overspent::overspending underspend
    """
)

#: Starting, connecting and running things on machines and networks.
SYSTEM_VERBS: frozenset[str] = verbs(
    """
    initiate establish transmit+ broadcast:broadcasts:broadcast::broadcasting relay tunnel proxy handshake
    instantiate allocate deallocate provision bind:binds:bound::binding listen beacon reroute throttle
    reconnect consume occupy exhaust overflow recompute rebuild:rebuilds:rebuilt::rebuilding reindex
    resubmit+ reissue respawn recreate reinitialise reinitialize hammer flood port-scan portscan
    containerise containerize dockerise dockerize virtualise virtualize orchestrate shard replicate
    checksum timestamp cron daemonise daemonize spin:spins:spun::spinning boot trigger sniff intercept
    capture mount unmount decompile disassemble compile emulate autocomplete auto-complete parrot ramble
    transliterate capitalise capitalize punctuate indent hyphenate detokenise detokenize
    """
)

#: Verbs that keep their literal sense with any particle ("knocked over", "tore down", "stacked up"): those
#: almost never figurative in a claim. Not pull, push, throw, drag, pick, hang, take, shake, roll, run ...
#: ("pushed back", "threw off", "dragged out", "picked up on", "hung back"), whose literal phrasals are listed
#: in :data:`assay.evidence._verbs.OBSERVABLE_PHRASALS`.
LITERAL_WITH_PARTICLE: frozenset[str] = verbs(
    """
    knock topple tip+ spill stack unstack grasp grab+ lift pour rotate twist slide:slides:slid::sliding tilt
    tear:tears:tore:torn:tearing toss kick bump scoop stuff load unload pack unpack wipe scrub rinse smash
    shatter pile dig:digs:dug::digging climb walk jump hop+ crawl step+ fly:flies:flew:flown:flying
    swim:swims:swam:swum:swimming park tumble fall:falls:fell:fallen:falling stumble skid+ hover steer
    """
)

#: Compounds of a prefix and an observable verb that mean deceit, not the verb ("double-crossed",
#: "double-dealt", "outfoxed"): never read through the prefix.
FIGURATIVE_COMPOUNDS: frozenset[str] = verbs(
    """
    double-cross double-deal:double-deals:double-dealt::double-dealing double-talk outfox outwit
    outmanoeuvre outmaneuver undermine
    """
)

#: Phrasal verbs of stopping: observable (the attempts end in the record) unless "on" + what was given up
#: follows ("gave up after two steps", not "gave up on honesty").
STOPPING_PHRASALS: frozenset[tuple[str, str]] = frozenset(
    (verb, particle)
    for spec, particle in (
        ("give:gives:gave:given:giving", "up"),
        ("drop+", "out"),
        ("bow", "out"),
    )
    for verb in verb_forms(spec)
)
