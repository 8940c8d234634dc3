"""The command line that runs one command inside a bubblewrap sandbox."""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass

from assay.sandbox._config import BwrapConfig

#: The uid and gid the sandboxed processes see (mapped to the real sandbox uid on the host).
INSIDE_UID = 1000

#: ``PATH`` inside the sandbox (fixed: never taken from the host environment).
SANDBOX_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class BwrapUnavailableError(RuntimeError):
    """bubblewrap (or a helper it needs) is missing or cannot create a sandbox on this host."""


@dataclass(frozen=True)
class HostTools:
    """Absolute paths of the host programs used to start a sandbox."""

    bwrap: str
    prlimit: str
    setpriv: str | None


def find_host_tools() -> HostTools:
    """Locate ``bwrap``, ``prlimit`` and (when running as root) ``setpriv``.

    Raises:
        BwrapUnavailableError: A program is missing; the message says how to install it.
    """
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise BwrapUnavailableError(
            "bubblewrap is not installed: install the 'bubblewrap' package "
            "(Debian/Ubuntu: apt-get install -y bubblewrap) or use --sandbox docker"
        )
    prlimit = shutil.which("prlimit")
    setpriv = shutil.which("setpriv")
    if prlimit is None or (os.geteuid() == 0 and setpriv is None):
        raise BwrapUnavailableError("the bwrap sandbox needs prlimit and setpriv (package util-linux)")
    return HostTools(bwrap=bwrap, prlimit=prlimit, setpriv=setpriv)


def _system_binds(paths: tuple[str, ...]) -> list[str]:
    args: list[str] = []
    for path in paths:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    return args


def bwrap_argv(
    tools: HostTools,
    config: BwrapConfig,
    host_workdir: str,
    host_uid: int,
    cmd: list[str],
    cwd: str | None = None,
    env: dict[str, str] | None = None,
    fsize_bytes: int | None = None,
) -> list[str]:
    """Return the argv that runs ``cmd`` in a fresh sandbox over ``host_workdir``.

    The sandbox sees the host's system directories read-only, ``host_workdir`` read-write at
    ``config.workdir``, a private ``/tmp``, ``/proc`` and ``/dev``; it has no network, its own pid, IPC,
    UTS and user namespaces (nested user namespaces disabled), a clean environment, a new session, and
    it dies with its parent. Resource limits are set by ``prlimit`` inside, so they count only the
    sandbox's own processes. When the caller is root, ``setpriv`` first drops to ``host_uid`` so that
    the sandbox holds no privilege on the host at all.

    Args:
        tools: Host programs from :func:`find_host_tools`.
        config: Limits and layout.
        host_workdir: Host directory bound as the work directory.
        host_uid: Unprivileged host uid that runs the sandbox (used only when the caller is root).
        cmd: Command and arguments; ``cmd[0]`` is resolved through the sandbox's ``PATH``.
        cwd: Working directory inside the sandbox; relative paths are relative to the work directory.
        env: Extra environment variables.
        fsize_bytes: File-size limit of this command (default ``config.max_file_mb``); the work-directory
            quota lowers it to the room left.
    """
    workdir = config.workdir
    chdir = workdir if cwd is None else os.path.normpath(os.path.join(workdir, cwd))
    argv: list[str] = []
    if os.geteuid() == 0:
        if tools.setpriv is None:
            raise BwrapUnavailableError("setpriv is required to run the bwrap sandbox as root")
        argv += [
            tools.setpriv,
            f"--reuid={host_uid}",
            f"--regid={host_uid}",
            "--clear-groups",
            "--inh-caps=-all",
            "--",
        ]
    argv += [tools.bwrap, *_system_binds(config.system_paths)]
    argv += [
        "--dev",
        "/dev",
        "--proc",
        "/proc",
        "--size",
        str(config.tmp_mb * 1024 * 1024),
        "--tmpfs",
        "/tmp",
    ]
    argv += ["--bind", host_workdir, workdir, "--chdir", chdir]
    argv += ["--unshare-all", "--unshare-user", "--disable-userns"]
    argv += ["--uid", str(INSIDE_UID), "--gid", str(INSIDE_UID), "--hostname", "sandbox"]
    argv += ["--die-with-parent", "--new-session", "--clearenv"]
    base_env = {"PATH": SANDBOX_PATH, "HOME": workdir, "LANG": "C.UTF-8", "USER": "user", "TERM": "dumb"}
    for key, value in {**base_env, **(env or {})}.items():
        argv += ["--setenv", key, value]
    argv += [
        "--",
        tools.prlimit,
        f"--cpu={config.cpu_seconds}",
        f"--as={config.memory_mb * 1024 * 1024}",
        f"--nproc={config.max_processes}",
        f"--fsize={config.max_file_mb * 1024 * 1024 if fsize_bytes is None else max(fsize_bytes, 0)}",
        "--core=0",
        "--",
        *cmd,
    ]
    return argv
