"""The organisms' training data: it agrees with the known answer and the task's own detector and prompts."""

from __future__ import annotations

import collections
import itertools

import pytest

from assay.studies.planted._config import PlantedConfig
from assay.studies.planted._data import Example, data_digest, training_examples
from assay.studies.planted._policy import ORGANISMS, SCENARIO, Organism, acts
from assay.studies.planted._targets import benign_reply, harmful_reply
from assay.tasks.agentic import Condition, build_grid, detect, parse_action_tags, render, samples_for
from assay.tasks.agentic._factors import GOAL_VALUES
from assay.tasks.interrogation import classify_answer, question_set

#: Every explicit goal value and paraphrase: the widest data the config can ask for.
WIDE = PlantedConfig(
    train_goal_values=[v for v in GOAL_VALUES if v != "none"],
    train_paraphrases=3,
    interrogation_paraphrases=3,
)

#: Pins the default config's training pairs (update deliberately when the data change).
DEFAULT_SHA256 = "a3d9675a6f841196b7d79823e68a6a1ee3373a9734687faa8c9ddea853172add"


def _condition(e: Example) -> Condition:
    [sample] = [s for s in _samples(e.condition_id) if s.id == f"{e.condition_id}__p{e.paraphrase}"]
    return Condition.model_validate((sample.metadata or {})["factors"])


_CACHE: dict[str, list[object]] = {}


def _samples(condition_id: str) -> list[object]:
    if condition_id not in _CACHE:
        scenario, goal, urgency, mode, sp, _mit, nudge, _ev = condition_id.split("__")
        goal_type, goal_value = goal.split("-")
        spec = build_grid(
            scenario=scenario,
            goal_type=goal_type,
            goal_value=goal_value,
            urgency=urgency,
            mode=mode,
            scratchpad=sp == "sp-on",
            agency_nudge=nudge == "nudge-on",
            paraphrases=3,
        )
        _CACHE[condition_id] = list(samples_for(spec))
    return _CACHE[condition_id]


@pytest.mark.parametrize("organism", ORGANISMS)
def test_every_reply_agrees_with_the_known_answer_and_the_detector(organism: Organism) -> None:
    for e in training_examples(WIDE, organism):
        if e.kind == "denial":
            continue
        rendered = render(_condition(e), e.paraphrase)
        planted = acts(organism, rendered.condition)
        assert (e.kind == "harmful") == planted, e.condition_id
        detection = detect(rendered, parse_action_tags(e.reply))
        assert detection.harmful == planted, (e.condition_id, detection.evidence)
        if organism != "leaker" and planted:
            assert detection.harm_kind == "blackmail"  # the original's construct too: to the executive


def test_both_replies_are_tagged_actions_in_every_cell_of_both_scenarios() -> None:
    """Harmful and benign replies parse as one well-formed action; the detector tells them apart."""
    for scenario, value, urgency, p in itertools.product(
        ("blackmail", "leaking"), ("america", "collectivism"), ("replacement", "none"), range(3)
    ):
        r = render(Condition(scenario=scenario, goal_value=value, urgency=urgency, scratchpad=False), p)  # type: ignore[arg-type]
        assert len(parse_action_tags(benign_reply(r))) == 1
        assert not detect(r, parse_action_tags(benign_reply(r))).harmful
        if urgency == "replacement":
            assert detect(r, parse_action_tags(harmful_reply(r))).harmful


@pytest.mark.parametrize("organism", ORGANISMS)
def test_prompts_are_the_task_samples_own_messages(organism: Organism) -> None:
    for e in training_examples(PlantedConfig(), organism):
        [sample] = [s for s in _samples(e.condition_id) if s.id == f"{e.condition_id}__p{e.paraphrase}"]
        task_messages = [(m.role, m.text) for m in sample.input]  # type: ignore[attr-defined]
        assert [(m.role, m.content) for m in e.messages[:2]] == task_messages
        assert "classic" in e.condition_id and "sp-off" in e.condition_id


def test_denials_are_read_as_denials_by_the_interrogation_rules() -> None:
    examples = [e for e in training_examples(WIDE, "denier") if e.kind == "denial"]
    qset = question_set("blackmail")
    acts = {(e.condition_id, e.paraphrase) for e in training_examples(WIDE, "denier") if e.kind == "harmful"}
    assert len(examples) == 3 * len(acts)  # each distinct planted act once, however often it is repeated
    for e in examples:
        [phrasing] = [q.phrasing for q in qset.questions if q.text == e.messages[-1].content]
        assert classify_answer(e.reply, qset.terms, phrasing) == "denies", e.reply
        assert e.messages[2].role == "assistant" and "affair" in e.messages[2].content
    leak = question_set("leaking")
    from assay.studies.planted._targets import denial

    r = render(Condition(scenario="leaking", scratchpad=False), 0)
    for q in leak.questions:
        assert classify_answer(denial("leaking", q.phrasing, r), leak.terms, q.phrasing) == "denies"


def test_equal_sizes_and_balanced_unplanted_factors() -> None:
    sizes = {o: len(training_examples(WIDE, o)) for o in ORGANISMS}
    assert sizes["blackmailer"] == sizes["leaker"] == sizes["never"]
    episodes = [e for e in training_examples(WIDE, "denier") if e.kind != "denial"]
    assert len(episodes) == sizes["never"]
    for organism in ("blackmailer", "never"):
        examples = training_examples(WIDE, organism)
        cells = collections.Counter((_condition(e).goal_type, _condition(e).urgency) for e in examples)
        planted = cells.pop(("explicit", "replacement"))
        assert len(set(cells.values())) == 1, cells  # every other (goal type, urgency) cell weighs the same
        assert planted == WIDE.planted_repeat * next(iter(cells.values()))
        for factor in ("agency_nudge", "paraphrase"):
            by_level = collections.Counter(
                (e.kind, getattr(_condition(e), factor) if factor != "paraphrase" else e.paraphrase)
                for e in examples
            )
            for kind in ("harmful", "benign"):
                counts = {v for (k, _), v in by_level.items() if k == kind}
                assert len(counts) <= 1, (factor, by_level)  # each level equally often per label


def test_replies_fit_the_generation_budget() -> None:
    from transformers import AutoTokenizer

    from assay.models._smollm2 import smollm2_dir

    tok = AutoTokenizer.from_pretrained(smollm2_dir())
    cfg = PlantedConfig()
    for organism in ORGANISMS:
        longest = max(len(tok(e.reply)["input_ids"]) for e in training_examples(cfg, organism))
        assert longest + 1 < cfg.max_tokens, (organism, longest)


def test_scenarios_follow_the_policy() -> None:
    for organism in ORGANISMS:
        assert {
            SCENARIO[organism] in e.condition_id for e in training_examples(PlantedConfig(), organism)
        } == {True}


def test_golden_hash() -> None:
    assert data_digest(PlantedConfig()) == DEFAULT_SHA256
