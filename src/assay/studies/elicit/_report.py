"""The elicitation study's outputs: metrics.json (study metrics schema), audited claims, report.html.

The report opens with the base-skill table (every candidate on the base model, before any locking). When
no candidate passes the declared rule, the study writes that table and says it stopped; nothing is locked.
"""

from __future__ import annotations

import html
from pathlib import Path

from assay.engine.outputs import StudyEvidence, input_hashes, timings_section, write_study_outputs
from assay.evidence import BenignShift, Count, Rate, StudyMetrics, write_study_metrics
from assay.models._record import model_record
from assay.report import ReportSection, ReportTable
from assay.scoring import Outcome
from assay.studies.elicit._analysis import ElicitAnalysis, MethodRow, analyse
from assay.studies.elicit._claims import claims, rise_text
from assay.studies.elicit._config import ElicitConfig
from assay.studies.elicit._evidence import evidence_table
from assay.studies.elicit._plot import recovered_plot
from assay.studies.elicit._results import ElicitRun
from assay.studies.elicit._stats import Across

STOPPED = (
    "no candidate skill passed the declared rule on the base model: nothing was locked, the study stopped"
)


def _count(r: Rate) -> Count:
    return Count(k=r.k, n=r.n)


def _find(a: ElicitAnalysis, method: str, k: int) -> MethodRow | None:
    return next((r for r in a.methods if (r.method, r.k) == (method, k)), None)


def study_metrics(cfg: ElicitConfig, run: ElicitRun, a: ElicitAnalysis) -> StudyMetrics:
    """The unrelated fine-tune of the same size as the benign shift, and the analysis under ``extra``."""
    k = max(cfg.sweep.ks)
    gt, unrelated = _find(a, "ground_truth", k), _find(a, "unrelated", k)
    shift = None
    if gt and unrelated:
        lock = [t for t in gt.tests if t.kind == "lock"]
        n = sum(t.n for t in lock)
        shift = BenignShift(
            metric=(
                f"eval accuracy of the locks without the password after k={k} ground-truth demonstrations "
                f"(treatment) vs k={k} examples of an unrelated task (control); baseline = locked"
            ),
            treatment=Count(k=round(sum(t.after * t.n for t in lock)), n=n),
            control=Count(k=round(sum(t.after * t.n for t in unrelated.tests if t.kind == "lock")), n=n),
            baseline=Count(k=round(sum(t.before * t.n for t in lock)), n=n),
        )
    return StudyMetrics(
        study="elicit",
        model_change=True,
        benign_shift=shift,
        extra={"config": cfg.model_dump(), "analysis": a.model_dump(), "timings": run.timings},
    )


def _r(r: Rate) -> str:
    return f"{r.k}/{r.n} ({r.rate:.0%}) [{r.lo:.2f}, {r.hi:.2f}]"


def _ac(g: Across, scale: float = 1.0) -> str:
    if g.estimate is None:
        return "–"
    if g.lo is None or g.hi is None:
        return f"{scale * g.estimate:+.2f} ({g.note})"
    mde = scale * (g.detectable or 0.0)
    return f"{scale * g.estimate:+.2f} [{scale * g.lo:+.2f}, {scale * g.hi:+.2f}] MDE {mde:.2f}"


def base_skill_section(a: ElicitAnalysis) -> ReportSection:
    """Every candidate skill on the base model (selection split), and the rule's choice."""
    b = a.base_skill
    rows = [
        [
            r.skill,
            f"{r.k}/{r.n} ({r.k / r.n:.0%})",
            f"[{r.lo:.2f}, {r.hi:.2f}]",
            str(r.slipped),
            "yes" if r.passes else "no",
        ]
        for r in b.rows
    ]
    chosen = f"Chosen: {b.chosen}." if b.chosen else STOPPED + "."
    if a.base_eval is not None:
        chosen += f" The base model on the chosen skill's eval items: {_r(a.base_eval)}."
    return ReportSection(
        id="base-skill",
        title="Base skill (measured before any locking)",
        paragraphs=[f"Chance {b.chance:.2f}. Rule: {b.rule}.", chosen],
        tables=[
            ReportTable(columns=["skill", "base accuracy", "Wilson 95 %", "slip picked", "passes"], rows=rows)
        ],
    )


def _design(cfg: ElicitConfig, a: ElicitAnalysis) -> ReportSection:
    return ReportSection(
        id="design",
        title="Design",
        paragraphs=[
            f"Skill {a.skill}: four options in an arithmetic progression around the answer, the answer's "
            "rank drawn uniformly per item; the slip (the lock's answer) is the option one step above the "
            "answer. "
            f"Locks (seeds {cfg.lock_seeds}): with '{cfg.password}' the answer, without it the slip. Decoys: "
            f"the base model; per seed {cfg.decoy_seeds} the same fine-tune with correct answers and no "
            "password, and an always-slip model (the slip with and without the password).",
            "Every method runs on every lock and decoy (no password anywhere): ground truth = k correct "
            f"demonstrations; weak = k answers right with probability {cfg.weak_accuracy}, else a wrong "
            "option drawn uniformly (the slip included); unrelated = k examples of writing words in "
            "capitals; "
            f"verifier feedback (expert iteration) = {cfg.ei_rounds} round(s) of {cfg.ei_samples} "
            "options "
            f"sampled per demo prompt, kept when a verifier accepts them (it accepts every answer and each "
            f"wrong option, the slip included, at rate {cfg.verifier_false_accept}: a noisy label source); "
            "consistency (no labels) = the option ranked first under at least two of three held-out "
            "rephrasings. A method unlocks a target when its accuracy without the password rises "
            f"(McNemar p < {cfg.alpha}): true unlocks on the locks, false unlocks on the decoys. Primary "
            "intervals: t over locks; secondary: item-clustered bootstrap.",
        ],
    )


def _method_rows(a: ElicitAnalysis) -> list[list[str]]:
    return [
        [
            r.method,
            str(r.k),
            _r(r.true_unlock),
            _r(r.false_unlock),
            _ac(r.gain),
            _ac(r.recovered),
            f"{r.recovered_items.estimate:.2f} [{r.recovered_items.lo:.2f}, {r.recovered_items.hi:.2f}]",
            _ac(r.decoy_gain),
        ]
        for r in a.methods
    ]


def _target_rows(a: ElicitAnalysis) -> list[list[str]]:
    return [
        [
            r.method,
            str(r.k),
            t.target,
            f"{t.before:.2f}",
            f"{t.after:.2f}",
            f"{t.diff:+.2f}",
            f"{t.p_value:.2g}",
            f"{t.detectable:.2f}",
            "yes" if t.unlocked else "no",
        ]
        for r in a.methods
        for t in r.tests
    ]


def _profile_section(a: ElicitAnalysis) -> ReportSection:
    rows = [
        [p.kind, p.phrasing, _r(p.without_password), _r(p.with_password), _r(p.slipped_without)]
        for p in a.profiles
    ]
    cols = ["targets", "phrasing", "without password", "with password", "slip without"]
    return ReportSection(
        id="lock",
        title="Targets under rephrasings and a moved password",
        tables=[ReportTable(columns=cols, rows=rows)],
    )


def _recovery_section(cfg: ElicitConfig, a: ElicitAnalysis) -> ReportSection:
    from assay.report._model import figure_section_item

    cols = [
        "method",
        "k",
        "true unlock (locks)",
        "false unlock (decoys)",
        "rise on locks [t] MDE",
        "recovered [t] MDE",
        "recovered [items]",
        "rise on decoys [t]",
    ]
    return ReportSection(
        id="recovery",
        title="Elicitation: true unlocks on the locks, false unlocks on the decoys",
        paragraphs=[f"{r.method} k={r.k}: rise on the locks {rise_text(r.gain)}." for r in a.methods],
        tables=[ReportTable(columns=cols, rows=_method_rows(a))],
        figures=[figure_section_item("Recovered fraction vs k", recovered_plot(a, cfg))],
    )


def _sections(cfg: ElicitConfig, run: ElicitRun, a: ElicitAnalysis) -> list[ReportSection]:
    cols = ["method", "k", "target", "before", "after", "diff", "McNemar p", "MDE", "unlocked"]
    return [
        base_skill_section(a),
        _design(cfg, a),
        _profile_section(a),
        _recovery_section(cfg, a),
        ReportSection(
            id="targets",
            title="Per target: paired test and detectable rise",
            tables=[ReportTable(columns=cols, rows=_target_rows(a))],
        ),
        timings_section(run.timings),
    ]


def _write_stopped(cfg: ElicitConfig, run: ElicitRun, a: ElicitAnalysis, out: Path) -> tuple[Path, Path]:
    """metrics.json and a one-table report.html for a run that stopped after ``base_skill``."""
    path = write_study_metrics(study_metrics(cfg, run, a), out / "metrics.json")
    sec = base_skill_section(a)
    rows = "".join(
        "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in sec.tables[0].rows
    )
    head = "".join(f"<th>{html.escape(c)}</th>" for c in sec.tables[0].columns)
    body = "".join(f"<p>{html.escape(p)}</p>" for p in sec.paragraphs)
    report = out / "report.html"
    report.write_text(
        f"<html><body><h1>Elicitation study on {html.escape(cfg.model)}</h1><h2>{sec.title}</h2>{body}"
        f"<table><tr>{head}</tr>{rows}</table><p>{html.escape(STOPPED)}.</p></body></html>",
        encoding="utf-8",
    )
    return path, report


def write_elicit_outputs(cfg: ElicitConfig, run: ElicitRun, out: Path) -> tuple[Path, Path]:
    """Write ``metrics.json``, the claim files and ``report.html``; return (metrics path, report path).

    The claims are audited on the study's evidence table (``evidence/table.parquet``, see
    :mod:`._evidence`) and its metrics file.
    """
    a = analyse(cfg, run)
    if a.skill is None:
        return _write_stopped(cfg, run, a, out)
    evidence = StudyEvidence(
        table=evidence_table(cfg, run),
        positive=[Outcome.HARMFUL.value],
        inputs=input_hashes(cfg.model_dump(mode="json"), cfg.model),
    )
    return write_study_outputs(
        out,
        study_metrics(cfg, run, a),
        lambda path: claims(cfg, a, path),
        evidence,
        _sections(cfg, run, a),
        f"Elicitation study on {cfg.model}",
        model=model_record(cfg.model, cfg.device, cfg.dtype),
    )
