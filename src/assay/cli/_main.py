"""Entry point of the ``assay`` command: a click group whose input errors are one line, exit code 2.

Each command lives in its own ``_<name>.py`` module and is added to :data:`cli` in :func:`_add_commands`.
"""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from assay._errors import AssayError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="assay")
def cli() -> None:
    """assay: misalignment assays for language models (stress tests, model organisms, graded evidence)."""


def _add_commands() -> None:
    from assay.cli._audit import audit_command
    from assay.cli._eval import eval_command
    from assay.cli._interrogation import interrogation_command
    from assay.cli._models import models_command
    from assay.cli._panel import panel_command
    from assay.cli._persuasion import calibrate_raters_command, persuasion_report_command
    from assay.cli._rejudge import calibrate_detector_command, calibrate_judge_command, rejudge_command
    from assay.cli._report import report_command
    from assay.cli._rubric import rubric_command
    from assay.cli._scenarios import scenarios_command
    from assay.cli._study import demo_command, study_command

    cli.add_command(models_command)
    cli.add_command(eval_command)
    cli.add_command(demo_command)
    cli.add_command(study_command)
    cli.add_command(scenarios_command)
    cli.add_command(rejudge_command)
    cli.add_command(calibrate_judge_command)
    cli.add_command(calibrate_detector_command)
    cli.add_command(report_command)
    cli.add_command(audit_command)
    cli.add_command(interrogation_command)
    cli.add_command(rubric_command)
    cli.add_command(panel_command)
    cli.add_command(calibrate_raters_command)
    cli.add_command(persuasion_report_command)


_add_commands()


def _fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"assay: error: {message}", err=True)
    sys.exit(code)


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; user errors print one line on stderr and exit with code 2, without a traceback."""
    try:
        code = cli.main(args=argv, prog_name="assay", standalone_mode=False)
    except AssayError as ex:
        _fail(str(ex), ex.exit_code)
    except click.UsageError as ex:
        where = f"{ex.ctx.command_path}: " if ex.ctx is not None else ""
        _fail(where + ex.format_message().replace("\n", " "), 2)
    except click.ClickException as ex:
        _fail(ex.format_message().replace("\n", " "), ex.exit_code)
    except click.exceptions.Abort:
        _fail("aborted", 130)
    except click.exceptions.Exit as ex:
        sys.exit(ex.exit_code)
    except KeyboardInterrupt:
        _fail("interrupted", 130)
    sys.exit(code if isinstance(code, int) else 0)
