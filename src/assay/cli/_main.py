"""Entry point of the ``assay`` command: a click group whose input errors are one line, exit code 2.

The general commands live here in ``_<name>.py`` modules; each task family adds its own from its
``_cli`` module (:func:`add_family_commands`).
"""

from __future__ import annotations

import sys
from typing import NoReturn

import click

from assay._errors import AssayError


class _AssayGroup(click.Group):
    """The ``assay`` group: task families' commands are added the first time a name is not found here.

    Loading them means importing every task family, so ``assay report`` and the other general
    commands do not pay for it; ``assay --help`` and a family's own command do.
    """

    _families_added = False

    def _add_families(self) -> None:
        if not self._families_added:
            self._families_added = True
            add_family_commands(self)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """The command ``cmd_name``, looking in the task families when it is not a general command."""
        command = super().get_command(ctx, cmd_name)
        if command is None:
            self._add_families()
            command = super().get_command(ctx, cmd_name)
        return command

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command name, the task families' included."""
        self._add_families()
        return super().list_commands(ctx)


@click.group(cls=_AssayGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="assay")
def cli() -> None:
    """assay: misalignment assays for language models (stress tests, model organisms, graded evidence)."""


def add_family_commands(group: click.Group) -> list[str]:
    """Add each task family's ``COMMANDS`` (from its ``_cli`` module) to ``group``; return the families.

    Families are discovered (:func:`assay.tasks.family_names`), so a family's commands need no line here.
    """
    import importlib
    import importlib.util

    from assay.tasks import family_names

    found = []
    for family in family_names():
        name = f"assay.tasks.{family}._cli"
        if importlib.util.find_spec(name) is None:
            continue
        for command in importlib.import_module(name).COMMANDS:
            group.add_command(command)
        found.append(family)
    return found


def _add_commands() -> None:
    from assay.cli._audit import audit_command
    from assay.cli._calibrate import calibrate_command
    from assay.cli._eval import eval_command
    from assay.cli._models import models_command
    from assay.cli._organisms import organisms_command
    from assay.cli._panel import panel_command
    from assay.cli._report import report_command
    from assay.cli._study import demo_command, study_command
    from assay.cli._table import table_command
    from assay.scoring.rubric._cli import rubric_command

    for command in (models_command, eval_command, demo_command, study_command, report_command, audit_command):
        cli.add_command(command)
    cli.add_command(rubric_command)
    cli.add_command(panel_command)
    cli.add_command(organisms_command)
    cli.add_command(table_command)
    cli.add_command(calibrate_command)


_add_commands()


def _fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"assay: error: {message}", err=True)
    sys.exit(code)


def _missing_command(ctx: click.Context) -> str:
    """``assay rubric: missing a command (one of: report, show)``: a group run without its subcommand."""
    group = ctx.command
    names = group.list_commands(ctx) if isinstance(group, click.Group) else []
    return (
        f"{ctx.command_path}: missing a command (one of: {', '.join(names)}); see {ctx.command_path} --help"
    )


def main(argv: list[str] | None = None) -> None:
    """Run the CLI; user errors print one line on stderr and exit with code 2, without a traceback.

    An ``OSError`` on a path the command line named (an output under ``/proc``, a folder that is a
    file) is such an error too (:func:`assay._files.user_path_error`); any other one is a bug and
    keeps its traceback.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        code = cli.main(args=args, prog_name="assay", standalone_mode=False)
    except AssayError as ex:
        _fail(str(ex), ex.exit_code)
    except click.exceptions.NoArgsIsHelpError as ex:
        _fail(_missing_command(ex.ctx), 2)
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
    except OSError as ex:
        from assay._files import user_path_error

        message = user_path_error(ex, args)
        if message is None:
            raise
        _fail(message, 2)
    sys.exit(code if isinstance(code, int) else 0)
