"""``assay echo-words``: the family's own command (listed in ``COMMANDS``, found by the CLI)."""

from __future__ import annotations

import click


@click.command(name="echo-words")
def echo_words_command() -> None:
    """Print the built-in words of the echo family."""
    from assay.tasks.echo._task import WORDS

    click.echo(" ".join(WORDS))


#: The commands this family adds to ``assay``.
COMMANDS = [echo_words_command]
