"""The output folder's lock: one run at a time writes a study's output folder.

:func:`output_lock` holds ``fcntl.flock`` on ``<out>/.assay.lock`` for the run's duration and writes the
run's PID and start time into it. The kernel releases the lock when the process ends, however it ends, so a
lock file left by a killed run is stale exactly when its lock can be taken: it is taken over with a one-line
note. A second run while the first holds the lock is refused with an :class:`AssayError` naming the first
run. On a clean exit (a study that raised included) the file is removed, and so are the folders the lock
created if the run left them empty.

Under ``accelerate launch`` each process locks its own folder (:func:`assay.engine._runner.process_out`:
``out`` for the main process, ``out/.rank-<i>`` for the others), so the processes of one run never contend
for one lock, while a second launch into the same folder is refused.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import click

from assay._errors import AssayError

LOCK_NAME = ".assay.lock"


def _holder(fd: int) -> dict[str, object]:
    """The PID and start time recorded in an open lock file (empty when it holds none)."""
    os.lseek(fd, 0, os.SEEK_SET)
    data = os.read(fd, 4096)
    try:
        record = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return {}
    return record if isinstance(record, dict) else {}


def _describe(record: dict[str, object]) -> str:
    return f"PID {record.get('pid', '?')}, started {record.get('started', '?')}"


def _pid_alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # alive, another user's
        return True
    return True


def _open_locked(path: Path) -> int:
    """Open ``path`` (created if missing) and take its lock; return the descriptor.

    Retries when another run removed the file between our open and our lock (we would otherwise hold
    the lock of a file no longer in the folder).

    Raises:
        AssayError: The lock is held by another run, or the file cannot be created.
    """
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as ex:
            raise AssayError(f"output folder {path.parent}: cannot write: {ex.strerror or ex}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            record = _holder(fd)
            os.close(fd)
            alive = _pid_alive(record.get("pid"))
            gone = "" if alive else " (it ended, but processes it started still hold the lock)"
            raise AssayError(
                f"output folder {path.parent} is in use by another run ({_describe(record)}){gone}; "
                "wait for it to finish or choose another output folder"
            ) from None
        try:
            same = os.fstat(fd).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if same:
            return fd
        os.close(fd)


@contextlib.contextmanager
def output_lock(out: Path, note: Callable[[str], None] | None = None) -> Iterator[Path]:
    """Hold the lock of output folder ``out`` (created if missing) while the block runs; yield the lock file.

    Args:
        out: The output folder.
        note: Where the one-line note about a taken-over stale lock goes (default: stderr).

    Raises:
        AssayError: Another run holds the folder (the message names its PID and start time), or ``out``
            cannot be created or written.
    """
    say = note or (lambda msg: click.echo(msg, err=True))
    created = [p for p in (out, *out.parents) if not p.exists()]
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as ex:
        raise AssayError(f"output folder {out}: cannot create: {ex.strerror or ex}") from None
    path = out / LOCK_NAME
    fd = _open_locked(path)
    try:
        stale = _holder(fd)
        if stale:
            say(f"note: taking over the stale lock of {out} left by a run that ended ({_describe(stale)})")
        record = {"pid": os.getpid(), "started": time.strftime("%Y-%m-%d %H:%M:%S %Z")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(record).encode(), 0)
        yield path
    finally:
        with contextlib.suppress(OSError):
            path.unlink()  # while still locked: a run waiting on the old file retries on a new one
        os.close(fd)
        with contextlib.suppress(OSError):  # a run that wrote nothing (a bad config) leaves no folder
            for folder in created:
                folder.rmdir()
