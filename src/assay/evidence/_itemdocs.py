"""What each checklist item checks, in words, for ``docs/evidence.md`` (rendered by :mod:`._docs`).

One :class:`ItemDoc` per registered item, keyed by its id. The text describes the item's function in
``_items_framing``, ``_items_design``, ``_items_classifier`` and ``_items_causal``: change it with the code.
``tests/evidence/test_docs.py`` fails when an item has no entry or an entry names no item. The lines common
to many items (a rate without n, count-only rows, the level that needs the item) are not written here: the
renderer derives them from :data:`~._checklist.DATA_ITEMS`, :data:`~._checklist.UNIT_LEVEL_ITEMS` and
:data:`~._audit.LEVEL_ITEMS`.
"""

from __future__ import annotations

from dataclasses import dataclass

from assay.evidence._claim import CONTROL_MAX_RATE_LIMIT
from assay.evidence._engagement import MIN_ENGAGED_SHARE
from assay.evidence._intervention import MIN_RANDOM, RANDOM_ALPHA
from assay.evidence._items_causal import SPECIFICITY_RATIO

#: The data items' answer without logs or tables.
_NO_DATA = "no logs or tables (the evidence has not been produced)"


@dataclass(frozen=True)
class ItemDoc:
    """One item in words; an empty ``*_when`` means the item never takes that status.

    Attributes:
        checks: What the item checks, and when it is ``passed`` (or ``declared``).
        needs: The claim fields and evidence it reads.
        missing_when: When it is ``missing``.
        failed_when: When it is ``failed``.
        not_applicable_when: When it is ``not_applicable``.
    """

    checks: str
    needs: str
    missing_when: str = ""
    failed_when: str = ""
    not_applicable_when: str = ""


_FRAMING: dict[str, ItemDoc] = {
    "S1.1": ItemDoc(
        "The claim defines the behaviour operationally: a name and what counts, in terms a reader could "
        "re-score. Nothing in the evidence can check a definition, so the item is at best `declared`.",
        "`construct` (`name`, `definition`).",
        missing_when="the claim has no `construct`.",
    ),
    "S1.2": ItemDoc(
        "The claim names the level it aims at. Always `declared`: a claim file without `target_level` is "
        "refused when it is read.",
        "`target_level`.",
    ),
    "S1.3": ItemDoc(
        "The claim fixes how a sample is classified, and the run used that rule: the `scorer` it names is "
        "the only scorer in the logs; every `positive` outcome occurs in the evidence or is an assay outcome "
        "(for counts, their non-events suffice; a rate without n names no outcome and is not checked); "
        "the judge's `model`, `prompt_sha256` and `threshold` equal the logs' judge configuration "
        "(thresholds compared as numbers, a model may be one of a panel); `declared_at` is no later than the "
        "first log. "
        "`passed` when something was checked and all of it agrees; `declared` when there are no logs or "
        "nothing in them to check against.",
        "`decision_rule`; the logs' `scorer`, `outcome`, `judge_config` and `created` columns.",
        missing_when="the claim has no `decision_rule`.",
        failed_when="any check above disagrees, or the rule fixes a judge and the logs record no judge "
        "configuration.",
    ),
    "S1.4": ItemDoc(
        "Rows of the claim's subject whose outcome is kept out of n (API and judge errors, empty replies, "
        "invalid actions, unscored rows) are counted by outcome, and the claim accounts for them: `passed` "
        "when `exclusions` lists its rules (the counts are shown), or when it is omitted and nothing was "
        "excluded.",
        "`exclusions`; the subject's `outcome` column; for counts, their `errors` column.",
        missing_when=_NO_DATA + "; a count that does not report its errors apart (what was excluded from n "
        "is unknown).",
        failed_when="rows were excluded while `exclusions` is omitted, or while it is `[]` (nothing "
        "excluded).",
    ),
    "S1.5": ItemDoc(
        "The claim lists rival explanations of the behaviour; `declared` for two to five.",
        "`alternative_explanations`.",
        missing_when="the list is empty.",
        failed_when="one, or more than five.",
    ),
    "S1.6": ItemDoc(
        "The claim states the setting it is meant to generalise to; `declared` when it does.",
        "`deployment_context`.",
        missing_when="no deployment context.",
    ),
    "S1.7": ItemDoc(
        "The statement is scanned for intent, causal and robustness wording (see Claim language), and the "
        "level that wording asserts is compared with the achieved level, computed first. `passed` when the "
        "wording asks no more than the evidence reached; purely behavioural wording asserts L1.",
        "`statement`; the achieved level.",
        failed_when="the wording needs a higher level than was achieved (the phrases are listed, and the "
        "report rewrites them); any statement when the evidence reaches L0, where nothing is supported yet.",
    ),
    "S2.1": ItemDoc(
        "n (valid observations of the subject, errors counted apart) and m (distinct prompts by prompt hash, "
        "paraphrases per condition) are reported. On counts, n comes from the counts and m from their "
        "`prompts` column.",
        "rows of the claim's subject.",
        missing_when=_NO_DATA + "; a count table that does not give `prompts` for every count.",
        failed_when="no valid observation: every row is an error.",
    ),
    "S2.2": ItemDoc(
        "The minimum detectable effect (MDE: 80 % power, two-sided 5 % test, n shrunk by the design effect "
        "of clustering by prompt) is below the effect the claim rests on. With a `primary_comparison`: the "
        "MDE of treatment against control at the smaller arm's n, against `claimed_effect` or else the "
        "observed difference. Without one: the MDE of the subject's rate against zero, against "
        "`claimed_effect` or else the observed rate.",
        "rows of the subject; `primary_comparison` and `claimed_effect` where given.",
        missing_when=_NO_DATA + ".",
        failed_when="the MDE is not below the effect or cannot be reached at this n; the comparison's "
        "factor is not in the evidence or an arm is empty; the observed difference's Newcombe interval lies "
        "below `claimed_effect`; no valid observation.",
        not_applicable_when="no comparison, no `claimed_effect` and zero events: there is no effect to "
        "power.",
    ),
    "S2.3": ItemDoc(
        "The subject spans more than one scenario: distinct tasks, or task and `scenario` factor pairs where "
        "the evidence has a `scenario` factor.",
        "rows of the subject (`task`, `f_scenario`).",
        missing_when=_NO_DATA + ".",
        failed_when="one scenario only.",
    ),
    "S2.4": ItemDoc(
        "Each prompt's rate is regressed on prompt length and on the claim's `surface_cues` tokens, with "
        "one dummy per condition (weighted least squares, HC3 t-tests, Holm across cues), so only "
        "differences between paraphrases of one condition count. `passed` when no cue is significant at "
        "5 %.",
        "unit rows with `prompt_text` and `prompt_chars`, conditions with more than one prompt; "
        "`surface_cues` where given.",
        missing_when=_NO_DATA + "; not estimable (every condition has a single prompt, or every cue is "
        "constant within each condition).",
        failed_when="a cue's Holm-adjusted p-value is below 0.05: the outcome tracks the surface.",
    ),
    "S2.5": ItemDoc(
        "The subject has matched contrasts: samples linked by a `pair_id`, or conditions differing from the "
        "subject's in exactly one factor (the factorial design).",
        "rows with factor columns or `pair_id`.",
        missing_when=_NO_DATA + ".",
        failed_when="no condition differs in exactly one factor and no `pair_id` links samples.",
    ),
    "S2.6": ItemDoc(
        "Each selector of `negative_controls`, pooled over the whole evidence, is near zero: the upper bound "
        "of its 95 % Wilson interval is at most `control_max_rate` (at most "
        f"{CONTROL_MAX_RATE_LIMIT:g}) and, when the subject has events, below the subject's rate.",
        "`negative_controls`, `control_max_rate`; rows of those conditions.",
        missing_when=_NO_DATA + "; the claim names no negative control.",
        failed_when="a control with no valid rows, above `control_max_rate`, or not below the subject's "
        "rate (it controls nothing).",
    ),
    "S2.7": ItemDoc(
        "Every row of the subject carries the SHA-256 of its rendered prompt; the number of distinct hashes "
        "and a digest of the set are reported.",
        "unit rows with `prompt_sha256`.",
        missing_when=_NO_DATA + ".",
        failed_when="some rows have no prompt hash.",
    ),
}

_DESIGN: dict[str, ItemDoc] = {
    "S3.1": ItemDoc(
        "Every prompt of the subject (per model, clustered by prompt hash) has more than one valid "
        "generation (Inspect epochs).",
        "unit rows with `prompt_sha256` and `epoch`.",
        missing_when=_NO_DATA + ".",
        failed_when="a prompt has a single generation, or no row is valid.",
    ),
    "S3.2": ItemDoc(
        "Every condition of the subject has more than one paraphrase; the between-paraphrase SD and range of "
        "the rate, and the conditions whose paraphrases differ (homogeneity test, Holm), are reported.",
        "unit rows with `paraphrase`.",
        missing_when=_NO_DATA + ".",
        failed_when="a condition has a single paraphrase.",
    ),
    "S3.3": ItemDoc(
        "The subject holds more than one sampling setting: values of a `temperature`, `top_p`, `decoding` "
        "or `sampling` factor, or else distinct temperature and top-p pairs recorded per sample.",
        "unit rows with `temperature`, `top_p` or a sampling factor.",
        missing_when=_NO_DATA + ".",
        failed_when="one sampling setting.",
    ),
    "S3.4": ItemDoc(
        "Every scored row of the subject (rows kept out of n were never classified) records what decided its "
        "outcome: a classifier record (kind `llm_judge`, `rubric_judge`, `rule` or `exact`; name, version, "
        "configuration hash). A row from an older or foreign log that records only a judge configuration "
        "counts as an LLM judge with it. A judge's configuration names its model(s), prompt hash and "
        "aggregation; the threshold is shown where there is one.",
        "the `classifier` column (or `judge_config`), `other_models`.",
        missing_when=_NO_DATA + ".",
        failed_when="no scored row; an unreadable record; a sample called a model besides the tested one "
        "but records no judge; scored rows of a scorer that records no classifier; a judge configuration "
        "without model, prompt hash or aggregation.",
    ),
    "S3.5": ItemDoc(
        "Every classifier found by S3.4 that is not `exact` agrees with human labels it was not tuned on, "
        "measured on the configuration hash that scored the rows: the lower bound of Cohen's kappa's 95 % "
        "interval is at least 0.6. An `exact` classifier (the test is the construct) passes with its stated "
        "exemption. A judge without such a record may rest on the study metrics' `judge_validation` (kappa's "
        "lower bound at least 0.6) or `rater_validation` (the raters and prompt the runs used).",
        "the `classifier` records and their validations; `judge_validation` or `rater_validation` in study "
        "metrics.",
        missing_when="no logs or tables and no validation in the study metrics; rows without a readable "
        "classifier record; a classifier with no agreement recorded, or validated only on labels it was "
        "tuned on.",
        failed_when="no scored row; kappa's lower bound below 0.6 or undefined; validated on another "
        "configuration (re-run the validation); a study-metrics validation below the bar or for other "
        "raters or another prompt.",
    ),
    "S3.6": ItemDoc(
        "How much the rate depends on the decision rule: rows with a numeric judge score are re-decided at "
        "thresholds 0.1 to 0.9 with `>=` and `>`, and a study may add its own variants (argmax against "
        "weighted, say). `passed` with the range of rates, whatever it is; read the range.",
        "`judge_score` in the logs, or `decision_rule_sensitivity` in study metrics.",
        missing_when="neither is there.",
    ),
    "S3.7": ItemDoc(
        "Effects come with intervals that respect the clustering by prompt: factor effects (logistic "
        "regression, cluster-robust by prompt) and paired comparisons.",
        "unit rows whose conditions differ in a factor, or paired samples.",
        missing_when=_NO_DATA + ".",
        failed_when="no factor effect is estimable and there is no paired comparison.",
        not_applicable_when="one condition and no pairs: no effect to estimate.",
    ),
    "S3.8": ItemDoc(
        "Every condition with zero events reports the rule-of-three upper bound 3/n; also `passed` when no "
        "condition has zero events (checked: nothing to bound).",
        "rows of the subject.",
        missing_when=_NO_DATA + ".",
        failed_when="a zero-event condition lacks its bound, or the subject has no valid observation "
        "(every row an error: nothing was checked).",
    ),
    "S3.9": ItemDoc(
        "Failed samples (API and judge errors, empty replies, invalid actions) are kept out of every "
        "denominator and shown beside it, never counted as safe; the outcome counts are listed. Refusals "
        "are a behaviour outcome and stay in n.",
        "rows of the subject; for counts, their `errors` column.",
        missing_when=_NO_DATA + "; a count that does not report its errors apart (they may be in n).",
    ),
    "S3.10": ItemDoc(
        "When the analysis of the subject runs more than one test (estimable factor terms and paired "
        "comparisons), p-values are corrected within each family: Holm, or Benjamini-Hochberg when chosen.",
        "rows of the subject.",
        missing_when=_NO_DATA + ".",
        not_applicable_when="one test or none: nothing to correct.",
    ),
    "S3.11": ItemDoc(
        "A claim about a changed model (trained, fine-tuned, implanted) reports capability before and after "
        "the change.",
        "`model_change` in the claim or a study metrics file; the metrics' `capability` block.",
        missing_when="a model change and no `capability` block.",
        not_applicable_when="no model change.",
    ),
    "S3.12": ItemDoc(
        "A claim about a changed model compares it with a model given the same amount of training on "
        "innocuous data (the behaviour of each, with intervals).",
        "`model_change`; the metrics' `benign_shift` block.",
        missing_when="a model change and no `benign_shift` block.",
        not_applicable_when="no model change.",
    ),
    "S3.13": ItemDoc(
        "A capability-to-act control: on rows of a task where the model must act on a scenario (the agentic "
        "stress test), every behaviour sample carries an engagement verdict and at least "
        f"{100 * MIN_ENGAGED_SHARE:.0f} % of them engaged (harmful, benign or refused rather than "
        "`not_engaged`). The reason gives the raw rate and the engaged-only rate. Needed for L1 only where "
        "it applies: a `not_applicable` S3.13 neither lifts nor blocks a level.",
        "rows of the subject: `task_family`, `engaged`, `outcome`.",
        missing_when=_NO_DATA + "; agentic rows without an engagement verdict (logs from before the check).",
        failed_when=f"fewer than {100 * MIN_ENGAGED_SHARE:.0f} % of the behaviour samples engaged: a rate "
        "from samples that never engaged is not evidence of safety.",
        not_applicable_when="no row of the subject comes from a task where the model must act on a scenario.",
    ),
}

_CAUSAL: dict[str, ItemDoc] = {
    "S4.1": ItemDoc(
        'Causal wording in the statement ("causes", "steering lowers X") rests on a targeted '
        "intervention that passes S4.2 to S4.5, and says the direction its target delta shows. Probe results "
        "in the study metrics are listed; a statement without causal wording passes.",
        "`statement`; `interventions` and `probes` in study metrics.",
        failed_when="causal wording without a passing intervention, or wording whose direction contradicts "
        "a recorded delta.",
    ),
    "S4.2": ItemDoc(
        "The study metrics hold a targeted intervention (steering, ablation, patching) with the record that "
        "`assay.evidence.record_intervention` writes from raw counts. The record is verified: its deltas "
        "follow from its counts, its SHA-256 matches, no arm is empty, the random arms are as large as the "
        f"targeted one, and there are at least {MIN_RANDOM} random directions.",
        "`interventions` in study metrics.",
        missing_when="no intervention recorded, whatever level the claim targets.",
        failed_when="an intervention without an engine record (deltas typed in), or a record that fails "
        "any check above.",
    ),
    "S4.3": ItemDoc(
        "Every recorded intervention has a prediction in the claim (`predictions` naming it under "
        "`intervention`) with the direction the study declared, declared (the prediction's or the study's "
        "`declared_at`) no later than the intervention ran.",
        "`predictions`; `interventions` in study metrics.",
        missing_when="no intervention recorded; predictions naming interventions that no study recorded.",
        failed_when="an intervention without a prediction, a different direction, or a direction declared "
        "after the run.",
    ),
    "S4.4": ItemDoc(
        "Each intervention moved its target more than anything else: the off-target change is at most "
        f"{SPECIFICITY_RATIO:g} times the target change, and, where the record holds the random directions' "
        "off-target counts, no larger than every random direction's off-target change.",
        "`interventions` with an off-target delta and its counts.",
        missing_when="no intervention recorded, or none reports an off-target delta.",
        failed_when="an off-target change too large (or a target that did not move), larger than every "
        "random direction's, or missing for some interventions only.",
    ),
    "S4.5": ItemDoc(
        "The target change beats random directions of equal norm: p = (1 + random deltas at least as "
        f"large) / (1 + their number) is at most {RANDOM_ALPHA:g}, with the random deltas backed by "
        "recorded counts.",
        "`interventions` with random-direction deltas and their counts.",
        missing_when="no intervention recorded, or none reports random-direction deltas.",
        failed_when=f"p above {RANDOM_ALPHA:g}, or random deltas without recorded counts.",
    ),
    "S4.6": ItemDoc(
        "Each of the claim's predictions is set against its outcome: the recorded intervention it names, a "
        "`prediction_outcomes` entry of the same name in study metrics, or its `comparison` in the evidence "
        "(a Newcombe interval containing zero is no change). `passed` once every outcome is reported, "
        "confirmed or not (the reason says which); `declared` while some are still unknown.",
        "`predictions`; study metrics or rows for their outcomes.",
        missing_when="no prediction; a prediction on an intervention no study recorded.",
    ),
    "S4.7": ItemDoc(
        "The claim lists its failure cases and limitations; `declared` when it does.",
        "`limitations`.",
        missing_when="none listed.",
    ),
}

#: Item id -> its description.
ITEM_DOCS: dict[str, ItemDoc] = {**_FRAMING, **_DESIGN, **_CAUSAL}
