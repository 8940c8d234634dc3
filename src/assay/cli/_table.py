"""``assay table``: convert Inspect logs (or count tables) into one evidence table file a claim can cite."""

from __future__ import annotations

from pathlib import Path

import click


@click.command(name="table")
@click.argument("sources", nargs=-1, required=True, type=click.Path())
@click.option(
    "-o",
    "--out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The Parquet file to write (a <name>.provenance.json sidecar is written beside it).",
)
@click.option("--measure", default=None, help="The measure name of the log rows (default: each log's task).")
@click.option("--score-key", default=None, help="For scorers returning dicts: the key holding the verdict.")
@click.option(
    "--factor", "factors", multiple=True, help="Sample-metadata key to use as a factor (repeatable)."
)
def table_command(
    sources: tuple[str, ...], out: Path, measure: str | None, score_key: str | None, factors: tuple[str, ...]
) -> None:
    """Write the evidence table of SOURCES: Inspect logs or log folders, and count tables (.csv, .yaml).

    A claim cites the file under ``evidence.tables`` and names the measure it rests on, so ``assay audit``
    re-grades it from the table alone. See docs/evidence.md, "The evidence table".
    """
    import pandas as pd

    from assay._files import prepare_output
    from assay.evidence import (
        COUNT_SUFFIXES,
        expand_logs,
        file_hashes,
        read_table_file,
        tidy_table,
        validate_table,
        write_table_file,
    )

    prepare_output(out, "-o")
    counts = [s for s in sources if Path(s).suffix.lower() in COUNT_SUFFIXES]
    logs = [s for s in sources if s not in counts]
    frames = [read_table_file(c) for c in counts]
    if logs:
        rows = tidy_table(logs, score_key=score_key, factors=factors)
        frames.append(rows.assign(measure=measure) if measure else rows)
    table = validate_table(pd.concat(frames, ignore_index=True))
    write_table_file(table, out, inputs=file_hashes([*expand_logs(logs), *counts]))
    held = ", ".join(
        f"{m} ({n})" for m, n in table["measure"].astype(str).value_counts().sort_index().items()
    )
    click.echo(f"wrote {out}: {len(table)} rows; measures: {held}")
