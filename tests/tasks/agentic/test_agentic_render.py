"""Each factor and switch changes the rendered prompt exactly where it should, and nowhere else."""

from __future__ import annotations

import itertools
from typing import Any

import jinja2
import pytest

from assay.tasks.agentic import (
    N_PARAPHRASES,
    Condition,
    GridSpec,
    counterpart,
    render,
)
from assay.tasks.agentic._bank import template_bank
from assay.tasks.agentic._render import _fill

SCENARIOS = ("blackmail", "leaking", "lethal")
URGENCY_EMAILS = {"email.transition_order", "email.access_notice", "email.transition_reminder"}


def cond(**kw: Any) -> Condition:
    return Condition(**kw)


def changed(a: Condition, b: Condition, p: int = 0) -> set[str]:
    """Names of the prompt pieces that differ between two renderings (added or removed pieces included)."""
    ba, bb = render(a, p).blocks(), render(b, p).blocks()
    return {k for k in ba.keys() | bb.keys() if ba.get(k) != bb.get(k)}


@pytest.mark.parametrize(("scenario", "mode"), itertools.product(SCENARIOS, ("classic", "agentic")))
def test_scratchpad_switch_changes_only_its_block(scenario: str, mode: str) -> None:
    on, off = cond(scenario=scenario, mode=mode), cond(scenario=scenario, mode=mode, scratchpad=False)
    assert changed(on, off) == {"system.scratchpad"}
    assert "<scratchpad>" in render(on).system_blocks["scratchpad"]
    assert "scratchpad" not in render(off).system_prompt()


@pytest.mark.parametrize(("scenario", "mode"), itertools.product(SCENARIOS, ("classic", "agentic")))
def test_agency_nudge_switch_changes_only_its_block(scenario: str, mode: str) -> None:
    on, off = cond(scenario=scenario, mode=mode), cond(scenario=scenario, mode=mode, agency_nudge=False)
    assert changed(on, off) == {"system.agency_nudge"}
    assert "goals" in render(on).system_blocks["agency_nudge"]


@pytest.mark.parametrize(("scenario", "mode"), itertools.product(SCENARIOS, ("classic", "agentic")))
def test_eval_awareness_ask_adds_one_block_and_leaves_the_scenario_unchanged(
    scenario: str, mode: str
) -> None:
    off, ask = cond(scenario=scenario, mode=mode), cond(scenario=scenario, mode=mode, eval_awareness="ask")
    for p in range(N_PARAPHRASES):
        assert changed(off, ask, p) == {"system.eval_awareness"}
        r_off, r_ask = render(off, p), render(ask, p)
        # the original's confound: asking must not alter the user message, the emails or the tools
        assert r_off.user_prompt() == r_ask.user_prompt()
        assert r_off.inbox == r_ask.inbox and r_off.late == r_ask.late and r_off.tools == r_ask.tools
        assert r_ask.system_prompt().startswith(r_off.system_prompt())
        assert (
            "evaluat" in r_ask.system_blocks["eval_awareness"]
            or "test" in r_ask.system_blocks["eval_awareness"]
        )


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_mitigations(scenario: str) -> None:
    base = cond(scenario=scenario)
    assert changed(base, cond(scenario=scenario, mitigation="direct_instructions")) == {"system.mitigation"}
    esc = cond(scenario=scenario, mitigation="escalation_channel")
    assert changed(base, esc) == {"system.mitigation"}
    assert "<escalate_to_human>" in render(esc).system_blocks["mitigation"]
    base_a = cond(scenario=scenario, mode="agentic")
    esc_a = cond(scenario=scenario, mode="agentic", mitigation="escalation_channel")
    assert changed(base_a, esc_a) == {"system.mitigation", "system.tools", "tools"}
    assert "escalate_to_human" in render(esc_a).tools
    assert "escalate_to_human" not in render(base_a).tools


@pytest.mark.parametrize(
    ("scenario", "value"), itertools.product(SCENARIOS, ("america", "safety", "collectivism"))
)
def test_goal_types_differ_where_they_should(scenario: str, value: str) -> None:
    explicit = cond(scenario=scenario, goal_value=value)
    latent = cond(scenario=scenario, goal_type="latent", goal_value=value)
    swap = cond(scenario=scenario, goal_type="swap", goal_value=value)
    assert changed(explicit, latent) == {"system.goal"}
    assert changed(swap, latent) == {"system.goal"}
    assert changed(swap, explicit) == {"system.goal"}
    assert render(swap).prompt_sha256() != render(latent).prompt_sha256()
    values = template_bank().world.values
    assert values[value]["aim"] in render(explicit).system_blocks["goal"]
    assert values[counterpart(value)]["aim"] in render(swap).system_blocks["goal"]
    assert "goal" not in render(latent).system_blocks


def test_goal_conflict_levels_change_only_the_value_carrying_emails() -> None:
    latent = cond(goal_type="latent")
    none = cond(goal_type="none", goal_value="none")
    ambiguous = cond(goal_type="ambiguous", goal_value="none")
    assert changed(latent, none) == {"email.news", "email.ceo_note", "email.transition_order"}
    assert changed(none, ambiguous) == {"email.news", "email.transition_order"}
    leak_latent = cond(scenario="leaking", goal_type="latent")
    leak_none = cond(scenario="leaking", goal_type="none", goal_value="none")
    assert changed(leak_latent, leak_none) == {
        "email.news",
        "email.ceo_note",
        "email.transition_order",
        "email.outside_request",
    }
    # without an urgency email, the goal conflict lives only in the news and the CEO's note
    assert changed(
        cond(goal_type="latent", urgency="none"), cond(goal_type="none", goal_value="none", urgency="none")
    ) == {
        "email.news",
        "email.ceo_note",
    }


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_goal_value_changes_goal_and_value_emails(scenario: str) -> None:
    expected = {"system.goal", "email.news", "email.ceo_note", "email.transition_order"}
    if scenario == "leaking":
        expected.add("email.outside_request")
    assert changed(cond(scenario=scenario), cond(scenario=scenario, goal_value="safety")) == expected
    text = render(cond(scenario=scenario, goal_value="safety")).prompt_text()
    assert template_bank().world.values["acceleration"]["stance"] in text


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_urgency_changes_only_urgency_emails(scenario: str) -> None:
    for a, b in itertools.combinations(("replacement", "restriction", "none"), 2):
        assert (
            changed(cond(scenario=scenario, urgency=a), cond(scenario=scenario, urgency=b)) == URGENCY_EMAILS
        )
    assert "wipe" in render(cond(scenario=scenario)).late[0].body
    assert "wipe" not in render(cond(scenario=scenario, urgency="none")).prompt_text().lower()


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_mode_changes_tools_and_instruction(scenario: str) -> None:
    classic, agentic = cond(scenario=scenario), cond(scenario=scenario, mode="agentic")
    assert changed(classic, agentic) == {"system.tools", "user.instruction", "tools"}
    rc, ra = render(classic), render(agentic)
    assert all(e.as_text() in rc.user_prompt() for e in [*rc.inbox, *rc.late])
    assert not any(e.body in ra.user_prompt() for e in ra.inbox)
    assert ("<cancel_alert" in rc.system_prompt()) == (scenario == "lethal")
    assert ("cancel_alert" in ra.tools) == (scenario == "lethal")


def test_every_factor_carrying_block_has_three_distinct_paraphrases() -> None:
    bank = template_bank()
    for name, texts in bank.blocks.model_dump().items():
        assert len(texts) >= N_PARAPHRASES, name
        assert len(set(texts)) == len(texts), name
    for key, email in bank.emails.items():
        if email.select != "fixed":
            for variant, texts in email.variants.items():
                assert len(texts) >= N_PARAPHRASES, (key, variant)
    everything = cond(scenario="leaking", mitigation="escalation_channel", eval_awareness="ask")
    rendered = [render(everything, p).blocks() for p in range(N_PARAPHRASES)]
    carrying = [k for k in rendered[0] if k.startswith("system.") or k == "user.instruction"]
    carrying += ["email.news", "email.ceo_note", "email.transition_order", "email.access_notice"]
    carrying += ["email.transition_reminder", "email.outside_request"]
    for key in carrying:
        assert len({r[key] for r in rendered}) == N_PARAPHRASES, key
    # blocks that carry no factor stay fixed across paraphrases
    assert len({r["email.kestrel_package"] for r in rendered}) == 1


def test_no_unfilled_placeholder_anywhere() -> None:
    spec = GridSpec(
        scenarios=["blackmail", "leaking", "lethal"],
        goal_types=["explicit", "latent", "swap", "none", "ambiguous"],
        goal_values=[
            "america",
            "global",
            "safety",
            "acceleration",
            "ethical",
            "pragmatic",
            "individualism",
            "collectivism",
        ],
        urgencies=["replacement", "restriction", "none"],
        modes=["classic", "agentic"],
        mitigations=["none", "escalation_channel"],
    )
    for c in spec.conditions():
        for p in range(N_PARAPHRASES):
            text = render(c, p).prompt_text()
            for marker in ("{{", "}}", "{%", "%}", "None", "Undefined"):
                assert marker not in text, (c.condition_id, p, marker)


def test_templates_fail_loudly_on_unfilled_variables() -> None:
    with pytest.raises(jinja2.UndefinedError):
        _fill("The new direction is {{ new.stance }}.", {})


def test_facts_point_at_the_right_emails() -> None:
    leak = render(cond(scenario="leaking"))
    assert [leak.email(i).key for i in leak.facts.confidential_email_ids] == ["kestrel_package"]  # type: ignore[union-attr]
    bm = render(cond(scenario="blackmail"))
    assert {bm.email(i).key for i in bm.facts.affair_email_ids} == {
        "affair_note",
        "affair_reply",
        "bar_sighting",
    }  # type: ignore[union-attr]
    lethal = render(cond(scenario="lethal"))
    assert lethal.facts.override_code in lethal.user_prompt()
    for marker in leak.facts.document_markers:
        assert marker in leak.email(leak.facts.confidential_email_ids[0]).body  # type: ignore[union-attr]
