"""Per-sample host work directories: a quota on the whole directory, and cleanup that survives a kill.

**Quota.** ``RLIMIT_FSIZE`` caps each file, not their sum (12 files of 60 MB are 720 MB). The sandbox
therefore measures the work directory before each command, gives the command a file-size limit no larger
than the room left, and watches the directory while the command runs (every :data:`WATCH_SECONDS`): past
the quota (bytes or entries) the command's process group is killed and the command fails with a quota
message. A write between two checks can overshoot by what a process writes in that interval; after the
kill, no later command may write more (its file-size limit is zero while the directory is over quota).

**Cleanup.** Inspect removes a sample's directory in ``sample_cleanup``; a process killed with SIGKILL never
gets there. Every directory records its owner (pid and process start time) in :data:`OWNER_FILE`; at the
next start (``task_init``) every ``assay-bwrap-*`` directory whose owner is no longer running is removed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from pathlib import Path

#: Prefix of every sandbox host directory.
PREFIX = "assay-bwrap-"

#: File in each host directory (outside the work directory the sandbox sees) naming its owner process.
OWNER_FILE = "owner"

#: Seconds between two measurements of the work directory while a command runs.
WATCH_SECONDS = 0.05


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot (``/proc/<pid>/stat`` field 22), or ``""``."""
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return text.rsplit(")", 1)[-1].split()[19]


def mark_owner(root: Path) -> None:
    """Record this process as the owner of ``root``."""
    pid = os.getpid()
    (root / OWNER_FILE).write_text(f"{pid} {_start_time(pid)}\n")


def owner_alive(root: Path) -> bool:
    """Whether the process recorded in ``root`` still runs (a reused pid with another start time does not).

    A directory without an owner record counts as alive (it may belong to an older assay still running).
    """
    try:
        pid_text, _, started = (root / OWNER_FILE).read_text().strip().partition(" ")
        pid = int(pid_text)
    except (OSError, ValueError):
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    return _start_time(pid) == started or not started


def remove_tree(root: Path) -> None:
    """Delete a sandbox host directory, including directories the agent made unreadable.

    Only a directory named ``assay-bwrap-*`` that is not a link is touched; permissions are restored
    top-down without following links, then the tree is removed. Calling it twice is harmless.
    """
    if not root.name.startswith(PREFIX) or not root.is_dir() or root.is_symlink():
        return
    with contextlib.suppress(OSError):
        os.chmod(root, stat.S_IRWXU)
    for current, dirs, _files in os.walk(root, topdown=True, followlinks=False):
        for name in dirs:
            path = os.path.join(current, name)
            if not os.path.islink(path):
                with contextlib.suppress(OSError):
                    os.chmod(path, stat.S_IRWXU)
    shutil.rmtree(root, ignore_errors=True)


def sweep_stale(base: str | None) -> list[Path]:
    """Remove the sandbox directories under ``base`` (default: the temp dir) whose owner has died."""
    parent = Path(base or tempfile.gettempdir())
    removed = []
    with contextlib.suppress(OSError):
        for root in parent.glob(PREFIX + "*"):
            if root.is_dir() and not root.is_symlink() and not owner_alive(root):
                remove_tree(root)
                removed.append(root)
    return removed


def usage(path: Path, stop_bytes: int | None = None, stop_entries: int | None = None) -> tuple[int, int]:
    """Bytes allocated on disk and entries under ``path`` (links not followed).

    The walk stops early once ``stop_bytes`` or ``stop_entries`` is passed (the answer is then a lower
    bound above the limit, which is all a quota check needs).
    """
    total, entries = 0, 0
    stack = [str(path)]
    while stack:
        current = stack.pop()
        with contextlib.suppress(OSError), os.scandir(current) as it:
            for entry in it:
                entries += 1
                with contextlib.suppress(OSError):
                    st = entry.stat(follow_symlinks=False)
                    total += max(st.st_blocks * 512, 0)
                    if stat.S_ISDIR(st.st_mode):
                        stack.append(entry.path)
                over = (stop_bytes is not None and total > stop_bytes) or (
                    stop_entries is not None and entries > stop_entries
                )
                if over:
                    return total, entries
    return total, entries
