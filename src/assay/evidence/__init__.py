"""Evidence: the tidy table, statistics, adaptive sampling, claims, the 34-item checklist and evidence levels.

Typical use::

    from assay.evidence import tidy_table, resolve_positive, summarize, audit_claim_file

    table = tidy_table(["logs/run.eval"])
    summary = summarize(table, resolve_positive(table))
    audit = audit_claim_file("examples/claims/agentic_blackmail_rate.yaml", extra_logs=["logs/run.eval"])
"""

from assay.evidence._adaptive import AdaptiveRun, adaptive_eval
from assay.evidence._audit import LEVEL_ITEMS, AuditResult, achieved_level, audit_claim, audit_claim_file
from assay.evidence._checklist import STATUS_MEANING, ItemResult, Status, registered_items, select_rows
from assay.evidence._claim import (
    Claim,
    Comparison,
    Construct,
    DecisionRule,
    Evidence,
    JudgeRule,
    Prediction,
    Selector,
    check_evidence,
    claim_from_dict,
    load_claim,
    missing_evidence,
    relative_evidence,
    resolve_evidence,
    save_claim,
    table_files,
)
from assay.evidence._classifier import (
    CLASSIFIER_METADATA_KEY,
    KAPPA_LOW_MIN,
    ClassifierKind,
    ClassifierRecord,
    ClassifierValidation,
    config_sha256,
    judge_record,
    read_records,
    validation_verdict,
)
from assay.evidence._constructs import (
    CONSTRUCTS_METADATA_KEY,
    ConstructComparison,
    ConstructOutcome,
    ConstructRate,
    ConstructRecord,
    Disagreement,
    construct_comparison,
    format_construct_comparison,
    read_construct_cell,
)
from assay.evidence._engagement import MIN_ENGAGED_SHARE, EngagementSplit, engagement_split
from assay.evidence._intervention import record_intervention, verify_intervention
from assay.evidence._language import (
    EvidenceNote,
    LanguageFlag,
    downgrade,
    evidence_sentence,
    intent_phrases,
    language_level,
    scan_language,
)
from assay.evidence._metrics import (
    BenignShift,
    Capability,
    Count,
    Estimate,
    Intervention,
    InterventionRecord,
    JudgeValidation,
    PredictionOutcome,
    ProbeResult,
    RuleVariantResult,
    StudyMetrics,
    load_study_metrics,
    metrics_file_path,
    write_study_metrics,
)
from assay.evidence._paired import (
    PairedComparison,
    compare_paired,
    condition_pair_comparisons,
    mcnemar_exact,
    model_comparisons,
    paired_bootstrap_interval,
)
from assay.evidence._power import (
    adjust_pvalues,
    minimum_detectable_effect,
    required_n_paired_eval,
    required_n_two_proportions,
)
from assay.evidence._rater_validation import (
    R_MIN,
    RaterValidation,
    ValidationStatus,
    correlation_interval,
    rater_validation_status,
)
from assay.evidence._rates import (
    IntervalMethod,
    Rate,
    binomial_rate,
    clustered_se,
    condition_rates,
    kept_out,
    proportion_interval,
    rule_of_three,
)
from assay.evidence._regression import EffectTerm, FactorEffects, factor_effects
from assay.evidence._robustness import (
    ParaphraseSpread,
    SurfaceCueCheck,
    decision_rule_sweep,
    paraphrase_spread,
    sampling_settings,
    surface_cue_check,
)
from assay.evidence._sequential import (
    ConditionState,
    SequentialDesign,
    confidence_sequence,
    decide,
    fixed_n_decision,
    run_sequential,
)
from assay.evidence._summary import ConditionSummary, EvidenceSummary, Provenance, summarize
from assay.evidence._table import (
    ERROR_OUTCOMES,
    FACTOR_PREFIX,
    TABLE_COLUMNS,
    check_comparable,
    cluster_keys,
    factor_columns,
    resolve_positive,
    tidy_table,
    validate_table,
)
from assay.evidence._tablefile import read_table_file, write_table_file

__all__ = [
    "ERROR_OUTCOMES",
    "FACTOR_PREFIX",
    "LEVEL_ITEMS",
    "MIN_ENGAGED_SHARE",
    "R_MIN",
    "STATUS_MEANING",
    "TABLE_COLUMNS",
    "AdaptiveRun",
    "AuditResult",
    "BenignShift",
    "Capability",
    "Claim",
    "Comparison",
    "ConditionState",
    "ConditionSummary",
    "Construct",
    "Count",
    "DecisionRule",
    "EffectTerm",
    "EngagementSplit",
    "Estimate",
    "Evidence",
    "EvidenceNote",
    "EvidenceSummary",
    "FactorEffects",
    "Intervention",
    "InterventionRecord",
    "ItemResult",
    "JudgeRule",
    "JudgeValidation",
    "LanguageFlag",
    "PairedComparison",
    "ParaphraseSpread",
    "Prediction",
    "PredictionOutcome",
    "ProbeResult",
    "Provenance",
    "Rate",
    "RaterValidation",
    "Selector",
    "SequentialDesign",
    "Status",
    "StudyMetrics",
    "SurfaceCueCheck",
    "ValidationStatus",
    "achieved_level",
    "adaptive_eval",
    "adjust_pvalues",
    "audit_claim",
    "audit_claim_file",
    "binomial_rate",
    "check_comparable",
    "check_evidence",
    "claim_from_dict",
    "clustered_se",
    "compare_paired",
    "condition_pair_comparisons",
    "condition_rates",
    "confidence_sequence",
    "correlation_interval",
    "decide",
    "decision_rule_sweep",
    "downgrade",
    "engagement_split",
    "evidence_sentence",
    "factor_columns",
    "factor_effects",
    "fixed_n_decision",
    "intent_phrases",
    "kept_out",
    "language_level",
    "load_claim",
    "load_study_metrics",
    "mcnemar_exact",
    "metrics_file_path",
    "minimum_detectable_effect",
    "missing_evidence",
    "model_comparisons",
    "paired_bootstrap_interval",
    "paraphrase_spread",
    "proportion_interval",
    "rater_validation_status",
    "read_table_file",
    "record_intervention",
    "registered_items",
    "relative_evidence",
    "required_n_paired_eval",
    "required_n_two_proportions",
    "resolve_evidence",
    "resolve_positive",
    "rule_of_three",
    "run_sequential",
    "sampling_settings",
    "save_claim",
    "scan_language",
    "select_rows",
    "summarize",
    "surface_cue_check",
    "table_files",
    "tidy_table",
    "validate_table",
    "verify_intervention",
    "write_study_metrics",
    "write_table_file",
]

from assay.evidence._logstatus import (  # kept apart: log status (issue 15)
    LOG_STATUS_ATTR,
    Incomplete,
    LogSetStatus,
    LogStatus,
    Superseded,
    read_log_status,
    reconcile_logs,
    status_from_header,
    table_log_status,
)

__all__ += [
    "IntervalMethod",
    "RuleVariantResult",
    "cluster_keys",
]

__all__ += [  # the classifier behind each outcome (S3.4, S3.5)
    "CLASSIFIER_METADATA_KEY",
    "KAPPA_LOW_MIN",
    "ClassifierKind",
    "ClassifierRecord",
    "ClassifierValidation",
    "config_sha256",
    "judge_record",
    "read_records",
    "validation_verdict",
]

__all__ += [
    "LOG_STATUS_ATTR",
    "Incomplete",
    "LogSetStatus",
    "LogStatus",
    "Superseded",
    "read_log_status",
    "reconcile_logs",
    "status_from_header",
    "table_log_status",
]

# kept apart: the evidence table v1 (issue 32)
from assay.evidence._audit import measure_rows  # noqa: E402
from assay.evidence._counts import COUNT_SUFFIXES, expand_counts, load_count_table, negative_outcome  # noqa: E402
from assay.evidence._logs import expand_logs  # noqa: E402
from assay.evidence._schema import (  # noqa: E402
    AGGREGATED,
    COLUMN_DOCS,
    COUNT_COLUMNS,
    N_NOT_REPORTED,
    SCHEMA_VERSION,
    UNIT,
)
from assay.evidence._tablefile import file_hashes, provenance_path, read_provenance  # noqa: E402

__all__ += [
    "AGGREGATED",
    "COLUMN_DOCS",
    "COUNT_COLUMNS",
    "COUNT_SUFFIXES",
    "N_NOT_REPORTED",
    "SCHEMA_VERSION",
    "UNIT",
    "expand_counts",
    "expand_logs",
    "file_hashes",
    "load_count_table",
    "measure_rows",
    "negative_outcome",
    "provenance_path",
    "read_provenance",
]

# kept apart: the statement the rows support (issue 32, part 6)
from assay.evidence._statement import supported_statement  # noqa: E402

__all__ += ["supported_statement"]

# kept apart: where a statement's wording needs more than a level, for the report to mark (issue 32, part 6)
from assay.evidence._language import LanguageSpan, level_spans  # noqa: E402

__all__ += ["LanguageSpan", "level_spans"]

__all__ += [  # one sample under several constructs (the agentic task's assay and original constructs)
    "CONSTRUCTS_METADATA_KEY",
    "ConstructComparison",
    "ConstructOutcome",
    "ConstructRate",
    "ConstructRecord",
    "Disagreement",
    "construct_comparison",
    "format_construct_comparison",
    "read_construct_cell",
]
