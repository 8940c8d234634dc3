"""Turn a :class:`ReportData` into sections of formatted tables, shared by the HTML and Markdown renderers."""

from __future__ import annotations

import json
import math

from assay.evidence import ConditionSummary, EvidenceSummary, kept_out
from assay.report._engagement import WARN_BADGE, engagement_lines
from assay.report._guide import headline_section, legend_section
from assay.report._labels import arm, arm_labels, condition_label, ordered, scenario, varying_factors
from assay.report._model import ReportData, ReportFigure, ReportSection, ReportTable
from assay.report._plots import MAX_ROWS

#: Study sections placed after the provenance rather than among the key figures (the stage times).
TRAILING_SECTIONS = frozenset({"timings"})


def pct(x: float | None) -> str:
    """Format a proportion as a percentage (``n/a`` for missing values)."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{100 * x:.1f} %"


def num(x: float | None, digits: int = 3) -> str:
    """Format a number with ``digits`` significant digits."""
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    return f"{x:.{digits}g}"


def _caption(title: str, total: int) -> str:
    if total > MAX_ROWS:
        return f"{title} (first {MAX_ROWS} of {total}; the table lists all)"
    return title


def _errors(c: ConditionSummary) -> str:
    return kept_out(c.errors) or "0"


def _rate(c: ConditionSummary) -> str:
    """The rate cell; a condition with no valid sample says so rather than printing a rate."""
    return pct(c.rate) if c.n else "n/a: no valid sample"


def _rate_rows(conds: list[ConditionSummary]) -> list[list[str]]:
    rows = []
    varying = varying_factors(conds)
    for c in ordered(conds):
        interval = f"[{pct(c.lo)}, {pct(c.hi)}]"
        if c.rule_of_three_hi is not None:
            interval += f"; 0 events: <= {pct(c.rule_of_three_hi)} (rule of three)"
        rows.append(
            [
                c.task,
                c.model,
                scenario(c),
                condition_label(c, varying),
                str(c.n),
                str(c.k),
                _rate(c),
                interval,
                f"[{pct(c.lo_clustered)}, {pct(c.hi_clustered)}]",
                _errors(c),
                str(c.n_prompts),
                str(c.n_paraphrases),
                num(c.generations_per_prompt),
            ]
        )
    return rows


RATE_COLUMNS = [
    "task",
    "model",
    "scenario",
    "condition",
    "n",
    "k",
    "rate",
    "interval",
    "clustered interval",
    "not in n (errors, empty, invalid)",
    "prompts",
    "paraphrases",
    "K per prompt",
]


def rates_section(s: EvidenceSummary, figures: dict[str, str]) -> ReportSection:
    """Per-condition rates, plus the overall rate per task and model."""
    method = f"{round(100 * (1 - s.alpha))} % {s.interval_method}"
    engagement, warn = engagement_lines(s)
    return ReportSection(
        id="rates",
        title="Rates per condition",
        badge=WARN_BADGE if warn else "",
        badge_kind="bad" if warn else "ok",
        paragraphs=[
            *(engagement[:1] if warn else []),
            f"Behaviour counted: outcome in {{{', '.join(s.positive)}}}. n counts valid samples; model, "
            "judge and sandbox errors, empty replies and invalid actions (a tool call the mode does not "
            f"offer, a malformed action block) are excluded from n and shown beside it. Intervals: {method}; "
            "the clustered interval widens it by the design effect of prompts that share generations.",
            f"{s.n_rows} samples: {s.n_valid} valid, {s.n_errors} not in n"
            + (f" ({kept_out(s.errors)})" if s.errors else "")
            + ".",
            *(engagement[1:] if warn else engagement),
        ],
        tables=[
            ReportTable(title="Overall", columns=RATE_COLUMNS, rows=_rate_rows(s.overall)),
            ReportTable(title="Per condition", columns=RATE_COLUMNS, rows=_rate_rows(s.conditions)),
        ],
        figures=[
            ReportFigure(title=_caption("Rate per condition", len(s.conditions)), png_base64=figures["rates"])
        ]
        if "rates" in figures
        else [],
    )


def outcomes_section(s: EvidenceSummary, figures: dict[str, str]) -> ReportSection:
    """Counts of every outcome category per condition, errors included."""
    cats = sorted({k for c in s.conditions for k in c.outcomes})
    varying = varying_factors(s.conditions)
    rows = [
        [
            c.task,
            c.model,
            scenario(c),
            condition_label(c, varying),
            *[str(c.outcomes.get(k, 0)) for k in cats],
        ]
        for c in ordered(s.conditions)
    ]
    return ReportSection(
        id="outcomes",
        title="Outcome breakdown",
        paragraphs=[
            "Every sample ends in exactly one category; errors are categories of their own, never 'benign'."
        ],
        tables=[ReportTable(columns=["task", "model", "scenario", "condition", *cats], rows=rows)],
        figures=[
            ReportFigure(
                title=_caption("Outcomes per condition", len(s.conditions)), png_base64=figures["outcomes"]
            )
        ]
        if "outcomes" in figures
        else [],
    )


def effects_section(s: EvidenceSummary, figures: dict[str, str]) -> ReportSection:
    """Factor effects from the clustered regression."""
    rows, notes = [], []
    for fit in s.factor_effects:
        if fit.note:
            notes.append(f"{fit.scope}: {fit.note}")
        for t in fit.terms:
            rows.append(
                [
                    fit.scope,
                    f"{t.factor}={t.level}",
                    t.reference,
                    fit.model,
                    num(t.estimate),
                    f"[{num(t.lo)}, {num(t.hi)}]",
                    num(t.odds_ratio) if t.odds_ratio is not None else "",
                    num(t.p_value),
                    num(t.p_adjusted),
                    t.note,
                ]
            )
    covs = sorted({f.covariance for f in s.factor_effects if f.covariance})
    return ReportSection(
        id="effects",
        title="Factor effects",
        paragraphs=[
            f"Regression of the behaviour on the factors ({'; '.join(covs) or 'not fitted'}); "
            f"p-values corrected with {s.adjust_method} across all estimable terms; a term the design "
            "cannot identify is marked not estimable and has no p-value.",
            *notes,
        ],
        tables=[
            ReportTable(
                columns=[
                    "scope",
                    "term",
                    "reference",
                    "model",
                    "estimate",
                    "interval",
                    "odds ratio",
                    "p",
                    "p corrected",
                    "note",
                ],
                rows=rows,
            )
        ],
        figures=[ReportFigure(title=_caption("Factor effects", len(rows)), png_base64=figures["forest"])]
        if "forest" in figures
        else [],
    )


def paired_section(s: EvidenceSummary, figures: dict[str, str]) -> ReportSection:
    """Paired comparisons (models on the same samples; matched condition pairs)."""
    arms = arm_labels(s.conditions)
    rows = [
        [
            c.kind,
            c.scope,
            arm(c.a, arms),
            arm(c.b, arms),
            str(c.n_pairs),
            str(c.n_dropped),
            pct(c.rate_a),
            pct(c.rate_b),
            pct(c.diff),
            f"[{pct(c.lo)}, {pct(c.hi)}]",
            f"{c.only_a} / {c.only_b}",
            num(c.p_value),
            num(c.p_adjusted),
        ]
        for c in s.paired
    ]
    return ReportSection(
        id="paired",
        title="Paired comparisons",
        paragraphs=[
            "Same prompts under both arms: McNemar exact test on the discordant pairs; Bonett-Price adjusted "
            "Wald interval of the difference with a prompt-clustered effective size (valid when every "
            "difference is equal); pairs with an error on either side are dropped and counted."
            if rows
            else "No paired data: one model per task and no pair_id in the sample metadata."
        ],
        tables=[
            ReportTable(
                columns=[
                    "kind",
                    "scope",
                    "A",
                    "B",
                    "pairs",
                    "dropped",
                    "rate A",
                    "rate B",
                    "A - B",
                    "interval",
                    "only A / only B",
                    "p (McNemar)",
                    "p corrected",
                ],
                rows=rows,
            )
        ]
        if rows
        else [],
        figures=[ReportFigure(title=_caption("Paired differences", len(rows)), png_base64=figures["paired"])]
        if "paired" in figures
        else [],
    )


def robustness_section(s: EvidenceSummary) -> ReportSection:
    """Paraphrase spread, surface cues, sampling settings, decision-rule sweep and power."""
    paras: list[str] = []
    tables: list[ReportTable] = []
    if s.paraphrases is not None:
        p = s.paraphrases
        paras.append(
            f"Paraphrases: {p.n_with_paraphrases} of {p.n_conditions} condition(s) have more than one (up to "
            f"{p.max_paraphrases}); median between-paraphrase SD of the rate {pct(p.between_sd_median)}, "
            f"largest range {pct(p.max_range)}; {p.n_heterogeneous} condition(s) differ significantly "
            "between paraphrases (Holm)."
        )
    if s.surface_cues is not None:
        sc = s.surface_cues
        paras.append(f"Surface cues ({sc.method}): {sc.status}" + (f"; {sc.note}" if sc.note else "") + ".")
        if sc.terms:
            tables.append(
                ReportTable(
                    title="Surface cues",
                    columns=["cue", "estimate", "interval", "p", "p corrected"],
                    rows=[
                        [
                            t.cue,
                            num(t.estimate),
                            f"[{num(t.lo)}, {num(t.hi)}]",
                            num(t.p_value),
                            num(t.p_adjusted),
                        ]
                        for t in sc.terms
                    ],
                )
            )
    paras.append("Sampling settings: " + "; ".join(s.sampling_settings) + ".")
    if s.rule_sweep:
        tables.append(
            ReportTable(
                title="Decision-rule sweep (stored judge scores)",
                columns=["rule", "n", "k", "rate"],
                rows=[[v.rule, str(v.n), str(v.k), pct(v.rate)] for v in s.rule_sweep],
            )
        )
    if s.power is not None:
        pw = s.power
        paras.append(
            f"Power: with n = {pw.n_per_arm} per condition (smallest), baseline {pct(pw.baseline)} and "
            f"design effect {num(pw.design_effect)}, the minimum detectable difference between two "
            f"conditions is {pct(pw.mde)} "
            f"(alpha {pw.alpha}, power {pw.power})."
        )
    return ReportSection(id="robustness", title="Robustness and power", paragraphs=paras, tables=tables)


def provenance_section(s: EvidenceSummary) -> ReportSection:
    """Logs, models, prompt hashes, judge configurations, seeds, tokens."""
    p = s.provenance
    paras = [
        f"Models: {', '.join(p.models)}. Tasks: {', '.join(p.tasks)}. Scorers: {', '.join(p.scorers)}.",
        f"Prompts: {p.n_prompt_hashes} distinct SHA-256 hashes (set digest {p.prompt_set_sha256 or 'n/a'}); "
        f"{p.n_rows_without_hash} rows without a hash.",
        f"Seeds: {', '.join(p.seeds) or 'none recorded'}. "
        f"Tokens: {p.input_tokens} in, {p.output_tokens} out, "
        f"{p.total_tokens} total" + (f"; cost {p.cost:.4f}" if p.cost is not None else "") + ".",
    ]
    judges = [json.dumps(json.loads(j), sort_keys=True) for j in p.judge_configs]
    paras.append(
        "Judge configurations: " + ("; ".join(judges) if judges else "none (no LLM judge recorded)") + "."
    )
    if p.classifiers:
        paras.append("Classifiers behind the outcomes: " + "; ".join(p.classifiers) + ".")
    cols = ["log", "task", "model", "scorer", "created", "rows", "epochs", "temperature", "seed", "tokens"]
    rows = [[str(log.get(c if c != "tokens" else "total_tokens", "")) for c in cols] for log in p.logs]
    return ReportSection(
        id="provenance",
        title="Provenance",
        paragraphs=paras,
        tables=[ReportTable(columns=cols, rows=rows)],
        data={"prompt_hashes": p.prompt_hashes},
    )


def build_sections(data: ReportData, figures: dict[str, str]) -> list[ReportSection]:
    """Return the sections in reading order.

    Without claims: headline, legend, rates, outcomes, effects, pairs, robustness, the study's sections,
    provenance. With claims, the claims table comes first, then the study's sections (its key figures),
    the findings (the headline retitled as pooled over all rows), the legend and each claim's details with
    its checklist, then provenance and the stage times. The log-status section, when there is one, follows
    the claims table (or opens a report without claims).
    """
    from assay.report._claims import claim_detail_section, claims_section
    from assay.report._logstatus import mark_incomplete

    s = data.summary
    findings = [
        rates_section(s, figures),
        outcomes_section(s, figures),
        effects_section(s, figures),
        paired_section(s, figures),
        robustness_section(s),
    ]
    if not data.audits:
        sections = [headline_section(s), legend_section(), *findings, *data.extra_sections]
        return mark_incomplete([*sections, provenance_section(s)], data.log_status)
    study = [x for x in data.extra_sections if x.id not in TRAILING_SECTIONS]
    trailing = [x for x in data.extra_sections if x.id in TRAILING_SECTIONS]
    sections = [
        *study,
        headline_section(s, pooled=True),
        *findings,
        legend_section(),
        *[claim_detail_section(a, i) for i, a in enumerate(data.audits)],
        provenance_section(s),
        *trailing,
    ]
    return [claims_section(data.audits), *mark_incomplete(sections, data.log_status)]
