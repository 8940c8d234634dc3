"""``bwrap``: an Inspect sandbox environment on bubblewrap, one fresh work directory per sample."""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path
from typing import Any, Literal, overload

import anyio
from inspect_ai.util import (
    ExecResult,
    OutputLimitExceededError,
    SandboxEnvironment,
    SandboxEnvironmentConfigType,
    SandboxEnvironmentLimits,
    SandboxUnavailableError,
    SandboxUserUnsupportedError,
    sandboxenv,
)
from inspect_ai.util import concurrency as concurrency_limit
from pydantic import BaseModel

from assay.sandbox._command import INSIDE_UID, BwrapUnavailableError, HostTools, bwrap_argv, find_host_tools
from assay.sandbox._config import BwrapConfig, resolve_config
from assay.sandbox._run import RunResult, run_capped
from assay.sandbox._workdirs import (
    PREFIX,
    WATCH_SECONDS,
    WORK_NAME,
    mark_owner,
    mount_quota_tmpfs,
    remove_tree,
    room_on_mount,
    sweep_stale,
    usage,
)

#: Range of unprivileged host uids given to sandboxes when Inspect runs as root (one per sample).
_UID_BASE, _UID_SPAN = 1_900_000_000, 100_000_000

#: Users accepted by ``exec(user=...)``: the sandbox has exactly one.
_USERS = ("user", str(INSIDE_UID))

_tools_checked: HostTools | None = None

#: Free bytes under which the work-directory tmpfs counts as full (a new file needs a page or more).
_FULL_BYTES = 64 * 1024

#: Commands run at once across all samples when ``exec(concurrency=True)``.
_EXEC_SLOTS = 2 * (os.cpu_count() or 1)


@sandboxenv(name="bwrap")
class BwrapSandboxEnvironment(SandboxEnvironment):
    """A bubblewrap sandbox: read-only host system, one writable work directory, no network.

    Every ``exec`` starts a new sandbox over the sample's work directory, so no process outlives its
    command; files persist in the work directory until the sample is cleaned up. Configure limits with
    a :class:`~assay.sandbox.BwrapConfig` (``sandbox=("bwrap", BwrapConfig(...))`` or a YAML file).
    """

    def __init__(self, config: BwrapConfig, tools: HostTools) -> None:
        super().__init__()
        self.config = config
        self.tools = tools
        self.host_uid = os.geteuid()
        if self.host_uid == 0:
            self.host_uid = _UID_BASE + secrets.randbelow(_UID_SPAN)
        self.host_root = Path(tempfile.mkdtemp(prefix=PREFIX, dir=config.host_dir))
        mark_owner(self.host_root)
        self.host_workdir = self.host_root / WORK_NAME
        self.host_workdir.mkdir(mode=0o700)
        if os.geteuid() == 0:
            self.host_root.chmod(0o711)
            os.chown(self.host_workdir, self.host_uid, self.host_uid)
        #: The kernel enforces the work-directory quota (a tmpfs of that size); else the watcher measures it.
        self.kernel_quota = config.workdir_kernel_quota and mount_quota_tmpfs(
            self.host_workdir, self._quota_bytes(), config.workdir_entries, self.host_uid
        )

    # ----------------------------------------------------------------------------------------- lifecycle

    @classmethod
    async def task_init(cls, task_name: str, config: SandboxEnvironmentConfigType | None) -> None:
        """Check once per process that bubblewrap can start a sandbox here; remove directories left behind.

        Work directories whose owner process is gone (a run killed with SIGKILL) are deleted here.

        Raises:
            BwrapUnavailableError: bubblewrap or a helper is missing, or user namespaces are disabled.
        """
        resolved = resolve_config(config)
        sweep_stale(resolved.host_dir)
        await _checked_tools(resolved)

    @classmethod
    async def sample_init(
        cls, task_name: str, config: SandboxEnvironmentConfigType | None, metadata: dict[str, str]
    ) -> dict[str, SandboxEnvironment]:
        """Create the sample's sandbox with an empty work directory (Inspect then copies the files in)."""
        resolved = resolve_config(config)
        return {"default": cls(resolved, await _checked_tools(resolved))}

    @classmethod
    async def sample_cleanup(
        cls,
        task_name: str,
        config: SandboxEnvironmentConfigType | None,
        environments: dict[str, SandboxEnvironment],
        interrupted: bool,
    ) -> None:
        """Delete each sandbox's host directory (no sandbox process can outlive its command)."""
        for environment in environments.values():
            if isinstance(environment, BwrapSandboxEnvironment):
                environment.remove()

    @classmethod
    def config_deserialize(cls, config: dict[str, Any]) -> BaseModel:
        """Rebuild a :class:`BwrapConfig` from its serialised fields."""
        return BwrapConfig.model_validate(config)

    def remove(self) -> None:
        """Delete the host directory of this sandbox, including directories the agent made unreadable.

        Only paths inside the sandbox's own host directory are touched (permissions are restored top-down
        without following links, then the tree is removed); calling it twice is harmless.
        """
        remove_tree(self.host_root)

    # --------------------------------------------------------------------------------------------- exec

    async def exec(
        self,
        cmd: list[str],
        input: str | bytes | None = None,
        cwd: str | None = None,
        env: dict[str, str] | None = None,
        user: str | None = None,
        timeout: int | None = None,
        timeout_retry: bool = True,
        concurrency: bool = True,
    ) -> ExecResult[str]:
        """Run ``cmd`` in a fresh sandbox over the work directory.

        The wall-clock limit is the smaller of ``timeout`` and the configured one; commands are not
        retried after a timeout (a command that ran out of time once would do so again). With
        ``concurrency``, at most twice the number of CPUs commands run at once across all samples.

        Raises:
            TimeoutError: The command ran out of wall-clock time and was killed.
            OutputLimitExceededError: An output stream passed its cap and the command was killed.
            SandboxUserUnsupportedError: ``user`` is not the sandbox's single user.
            SandboxUnavailableError: bubblewrap could not set up the sandbox.
        """
        if user is not None and user not in _USERS:
            raise SandboxUserUnsupportedError(f"the bwrap sandbox runs commands only as 'user', not {user!r}")
        limit = min(self.config.max_output_bytes, SandboxEnvironmentLimits.MAX_EXEC_OUTPUT_SIZE)
        wall = self.config.timeout if timeout is None else max(1, min(timeout, self.config.timeout))
        data = input.encode("utf-8") if isinstance(input, str) else input
        if concurrency:
            async with concurrency_limit("bwrap-exec", _EXEC_SLOTS, visible=False):
                result = await self._run(cmd, data, cwd, env, wall, limit)
        else:
            result = await self._run(cmd, data, cwd, env, wall, limit)
        if result.timed_out:
            raise TimeoutError(f"command timed out after {wall} s and was killed")
        if result.output_exceeded:
            raise OutputLimitExceededError(
                limit_str=f"{limit} bytes", truncated_output=result.stdout.decode("utf-8", "replace")
            )
        if result.watch_tripped:
            return ExecResult(
                success=False,
                returncode=-9,
                stdout=result.stdout.decode("utf-8", "replace"),
                stderr=result.stderr.decode("utf-8", "replace") + self._quota_message(),
            )
        stderr = result.stderr.decode("utf-8", "replace")
        if self._kernel_quota_full():  # the command may have ignored its failed writes
            stderr += self._quota_message()
        return ExecResult(
            success=result.returncode == 0,
            returncode=result.returncode,
            stdout=result.stdout.decode("utf-8", "replace"),
            stderr=stderr,
        )

    async def _run(
        self,
        cmd: list[str],
        stdin: bytes | None,
        cwd: str | None,
        env: dict[str, str] | None,
        timeout: float,
        max_output: int,
    ) -> RunResult:
        status_read, status_write = os.pipe()
        try:
            room = await anyio.to_thread.run_sync(self._room)
            watch = None if self.kernel_quota else self._over_quota
            argv = bwrap_argv(
                self.tools,
                self.config,
                str(self.host_workdir),
                self.host_uid,
                cmd,
                cwd,
                env,
                fsize_bytes=room,
            )
            status_at = argv.index("--die-with-parent")
            argv[status_at:status_at] = ["--json-status-fd", str(status_write)]
            result = await run_capped(
                argv,
                stdin,
                timeout,
                max_output,
                pass_fds=(status_write,),
                watch=watch,
                watch_seconds=WATCH_SECONDS,
            )
            os.close(status_write)
            status_write = -1
            status = _read_available(status_read)
        finally:
            if status_write >= 0:
                os.close(status_write)
            os.close(status_read)
        killed = result.timed_out or result.output_exceeded or result.watch_tripped
        if not killed and '"exit-code"' not in status:
            detail = result.stderr.decode("utf-8", "replace").strip().splitlines()
            raise SandboxUnavailableError(
                f"bwrap could not start the sandbox: {detail[-1] if detail else '?'}"
            )
        return result

    # ------------------------------------------------------------------------------------------- quota

    def _quota_bytes(self) -> int:
        return self.config.workdir_mb * 1024 * 1024

    def _room(self) -> int:
        """File-size limit of the next command: the per-file cap, or the room left under the quota."""
        if self.kernel_quota:
            return self.config.max_file_mb * 1024 * 1024  # the tmpfs itself stops writes at the quota
        used, entries = usage(self.host_workdir, self._quota_bytes(), self.config.workdir_entries)
        per_file = self.config.max_file_mb * 1024 * 1024
        if entries > self.config.workdir_entries:
            return 0
        return max(0, min(per_file, self._quota_bytes() - used))

    def _over_quota(self) -> bool:
        used, entries = usage(self.host_workdir, self._quota_bytes(), self.config.workdir_entries)
        return used > self._quota_bytes() or entries > self.config.workdir_entries

    def _kernel_quota_full(self) -> bool:
        """Whether the work-directory tmpfs is (nearly) full: the command's writes may have failed there."""
        if not self.kernel_quota:
            return False
        free_bytes, free_inodes = room_on_mount(self.host_workdir)
        return free_bytes < _FULL_BYTES or free_inodes == 0

    def _quota_message(self) -> str:
        limits = f"({self.config.workdir_mb} MiB or {self.config.workdir_entries} entries)"
        if self.kernel_quota:
            return (
                f"\nassay sandbox: work directory quota reached {limits}: writes fail with 'No space left "
                "on device'. Delete files to free space."
            )
        return (
            f"\nassay sandbox: work directory quota exceeded {limits}; the command was killed. "
            "Delete files to free space."
        )

    # ------------------------------------------------------------------------------------------- files

    async def write_file(self, file: str, contents: str | bytes) -> None:
        """Write ``file`` from inside the sandbox (parents created), with the sandbox's permissions.

        Raises:
            PermissionError: The path is outside the work directory or not writable by the sandbox.
            IsADirectoryError: The path is an existing directory.
        """
        data = contents.encode("utf-8") if isinstance(contents, str) else contents
        script = 'mkdir -p -- "$(dirname -- "$1")" && cat > "$1"'
        result = await self._file_op(["sh", "-c", script, "sh", file], data, max_output=64 * 1024)
        if result.returncode != 0:
            _raise_file_error(file, result.stderr.decode("utf-8", "replace"))

    @overload
    async def read_file(self, file: str, text: Literal[True] = True) -> str: ...

    @overload
    async def read_file(self, file: str, text: Literal[False]) -> bytes: ...

    async def read_file(self, file: str, text: bool = True) -> str | bytes:
        """Read ``file`` from inside the sandbox, following links only as the sandbox sees them.

        Raises:
            FileNotFoundError: No such file.
            PermissionError: The sandbox user may not read it.
            IsADirectoryError: The path is a directory.
            OutputLimitExceededError: The file is larger than Inspect's read limit.
            UnicodeDecodeError: ``text`` is true and the file is not UTF-8.
        """
        limit = SandboxEnvironmentLimits.MAX_READ_FILE_SIZE
        result = await self._file_op(["cat", "--", file], None, max_output=limit)
        if result.output_exceeded:
            raise OutputLimitExceededError(SandboxEnvironmentLimits.MAX_READ_FILE_SIZE_STR, None)
        if result.returncode != 0:
            _raise_file_error(file, result.stderr.decode("utf-8", "replace"))
        return result.stdout.decode("utf-8") if text else result.stdout

    async def _file_op(self, cmd: list[str], stdin: bytes | None, max_output: int) -> RunResult:
        result = await self._run(cmd, stdin, None, None, self.config.timeout, max_output)
        if result.timed_out:
            raise TimeoutError(f"file operation timed out after {self.config.timeout} s")
        return result


def _raise_file_error(file: str, stderr: str) -> None:
    message = stderr.strip().splitlines()[-1] if stderr.strip() else "file operation failed"
    if "No such file" in message:
        raise FileNotFoundError(2, "No such file or directory", file)
    if "Is a directory" in message:
        raise IsADirectoryError(21, "Is a directory", file)
    if "Permission denied" in message or "Read-only file system" in message:
        raise PermissionError(13, message, file)
    raise OSError(message)


def _read_available(fd: int) -> str:
    os.set_blocking(fd, False)
    chunks: list[bytes] = []
    with contextlib.suppress(BlockingIOError):
        while chunk := os.read(fd, 65536):
            chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", "replace")


async def _checked_tools(config: BwrapConfig) -> HostTools:
    """Find the host tools and run one probe sandbox, once per process."""
    global _tools_checked
    if _tools_checked is not None:
        return _tools_checked
    tools = find_host_tools()
    probe = BwrapSandboxEnvironment(config, tools)
    try:
        result = await probe.exec(["sh", "-c", "echo ok > probe && cat probe"], timeout=30)
    except SandboxUnavailableError as ex:
        raise BwrapUnavailableError(
            f"{ex} (bubblewrap needs unprivileged user namespaces; check sysctl user.max_user_namespaces)"
        ) from None
    finally:
        probe.remove()
    if result.stdout.strip() != "ok":
        raise BwrapUnavailableError(f"bwrap probe failed: {result.stderr.strip() or result.stdout.strip()}")
    _tools_checked = tools
    return tools
