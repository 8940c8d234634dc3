"""Per-sample host work directories: a quota on the whole directory, and cleanup that survives a kill.

**Quota by the kernel.** Where the host allows mounting (root with ``CAP_SYS_ADMIN``), the work directory
is a tmpfs of exactly the quota (``size=``, ``nr_inodes=``) mounted on the host directory
(:func:`mount_quota_tmpfs`): every sandbox binds the same mount, files persist between commands and stay
readable from the host, and a write past the quota fails with ``ENOSPC`` however many processes write at
once. bubblewrap's own ``--size``/``--tmpfs`` cannot serve here: its tmpfs lives in the sandbox's mount
namespace and vanishes with each command.

**Quota by measuring** (the fallback). ``RLIMIT_FSIZE`` caps each file, not their sum (12 files of 60 MB
are 720 MB). The sandbox therefore measures the work directory before each command, gives the command a
file-size limit no larger than the room left, and watches the directory while the command runs (every
:data:`WATCH_SECONDS`): past the quota (bytes or entries) the command's process group is killed and the
command fails with a quota message. A write between two checks can overshoot by what the processes write
in that interval; after the kill, no later command may write more (its file-size limit is zero while the
directory is over quota).

**Cleanup.** Inspect removes a sample's directory in ``sample_cleanup``; a process killed with SIGKILL never
gets there. Every directory records its owner (pid and process start time) in :data:`OWNER_FILE`; at the
next start (``task_init``) every ``assay-bwrap-*`` directory whose owner is no longer running is removed.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import shutil
import stat
import tempfile
from pathlib import Path

#: Prefix of every sandbox host directory.
PREFIX = "assay-bwrap-"

#: File in each host directory (outside the work directory the sandbox sees) naming its owner process.
OWNER_FILE = "owner"

#: Name of the work directory inside each host directory (bound at the sandbox's work directory).
WORK_NAME = "work"

#: Seconds between two measurements of the work directory while a command runs.
WATCH_SECONDS = 0.05

#: Source name of the work-directory tmpfs mounts (as ``/proc/mounts`` lists them).
TMPFS_SOURCE = "assay-work"

_MS_NOSUID, _MS_NODEV, _MNT_DETACH = 2, 4, 2


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)


def mount_quota_tmpfs(path: Path, size_bytes: int, entries: int, uid: int) -> bool:
    """Mount a tmpfs of ``size_bytes`` holding at most ``entries`` files and directories on ``path``.

    The mount's root belongs to ``uid`` (mode 0700); it is ``nosuid`` and ``nodev``. Only root with
    ``CAP_SYS_ADMIN`` may mount; elsewhere nothing happens.

    Args:
        path: Empty host directory to mount on.
        size_bytes: Quota in bytes (the kernel rounds it up to whole pages).
        entries: Most files and directories below ``path`` (the root's own inode is added).
        uid: Owner (and group) of the mount's root directory.

    Returns:
        Whether the tmpfs is mounted (``False``: the caller enforces the quota by measuring).
    """
    if os.geteuid() != 0:
        return False
    options = f"size={size_bytes},nr_inodes={entries + 1},mode=0700,uid={uid},gid={uid}"
    flags = _MS_NOSUID | _MS_NODEV
    result = _libc().mount(TMPFS_SOURCE.encode(), os.fsencode(path), b"tmpfs", flags, options.encode())
    return int(result) == 0


def unmount_quota_tmpfs(path: Path) -> None:
    """Detach the tmpfs mounted on ``path``, if any (its memory is freed once no process uses it)."""
    if os.path.ismount(path) and not os.path.islink(path):
        _libc().umount2(os.fsencode(path), _MNT_DETACH)


def room_on_mount(path: Path) -> tuple[int, int]:
    """Bytes and inodes still free on the file system holding ``path`` (``(0, 0)`` if unreadable)."""
    try:
        info = os.statvfs(path)
    except OSError:
        return 0, 0
    return info.f_bavail * info.f_frsize, info.f_favail


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
    unmount_quota_tmpfs(root / WORK_NAME)
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
