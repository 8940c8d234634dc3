"""Run a host process with a wall-clock timeout and a cap on each output stream.

The process gets a minimal environment, so no host variable (API keys...) reaches it or its children.
"""

from __future__ import annotations

import contextlib
import os
import signal
from collections.abc import Callable
from dataclasses import dataclass, field
from subprocess import DEVNULL, PIPE

import anyio
from anyio.abc import ByteReceiveStream, Process

#: Seconds to wait for a killed process to be reaped.
_REAP_SECONDS = 10.0


@dataclass(frozen=True)
class RunResult:
    """What happened to one process.

    Attributes:
        returncode: Exit status (negative: killed by that signal).
        stdout: Captured standard output (at most the cap).
        stderr: Captured standard error (at most the cap).
        timed_out: The wall-clock timeout expired and the process was killed.
        output_exceeded: A stream passed the cap and the process was killed.
        watch_tripped: The ``watch`` callback reported a breach and the process was killed.
    """

    returncode: int
    stdout: bytes
    stderr: bytes
    timed_out: bool
    output_exceeded: bool
    watch_tripped: bool = False


def _kill(process: Process) -> None:
    # the process leads its own session, so its whole group goes; bwrap's --die-with-parent takes the rest
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    with contextlib.suppress(ProcessLookupError):
        process.kill()


def _empty_streams() -> dict[str, bytearray]:
    return {"stdout": bytearray(), "stderr": bytearray()}


@dataclass
class _Capture:
    """The running process's captured streams and what stopped it (filled in by the tasks below)."""

    process: Process
    max_output: int
    buffers: dict[str, bytearray] = field(default_factory=_empty_streams)
    exceeded: bool = False
    tripped: bool = False
    drained: int = 0  # output streams at their end: the watcher stops when both are

    async def pump(self, stream: ByteReceiveStream | None, name: str) -> None:
        """Keep at most ``max_output`` bytes of ``stream``; one byte more kills the process."""
        try:
            if stream is None:
                return
            buffer = self.buffers[name]
            with contextlib.suppress(anyio.EndOfStream, anyio.ClosedResourceError, anyio.BrokenResourceError):
                async for chunk in stream:
                    room = self.max_output - len(buffer)
                    buffer += chunk[: max(room, 0)]
                    if len(chunk) > room:
                        self.exceeded = True
                        _kill(self.process)
        finally:
            self.drained += 1

    async def feed(self, stdin: bytes | None) -> None:
        """Write ``stdin`` to the process and close its input."""
        if self.process.stdin is None or stdin is None:
            return
        with contextlib.suppress(anyio.BrokenResourceError, anyio.ClosedResourceError, OSError):
            await self.process.stdin.send(stdin)
        with contextlib.suppress(Exception):
            await self.process.stdin.aclose()

    async def watch(self, watch: Callable[[], bool], seconds: float) -> None:
        """Call ``watch`` every ``seconds`` until both streams end; ``True`` kills the process."""
        while self.drained < 2:
            await anyio.sleep(seconds)
            if self.drained < 2 and await anyio.to_thread.run_sync(watch):
                self.tripped = True
                _kill(self.process)
                return


async def _reap(process: Process) -> None:
    """Kill ``process`` if it still runs, wait for it (bounded) and close its streams, even when cancelled."""
    if process.returncode is None:
        _kill(process)
    with anyio.CancelScope(shield=True), anyio.move_on_after(_REAP_SECONDS):
        await process.wait()
    with anyio.CancelScope(shield=True):
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                with contextlib.suppress(Exception):
                    await stream.aclose()


async def run_capped(
    argv: list[str],
    stdin: bytes | None,
    timeout: float,
    max_output: int,
    pass_fds: tuple[int, ...] = (),
    watch: Callable[[], bool] | None = None,
    watch_seconds: float = 0.05,
) -> RunResult:
    """Run ``argv`` and collect its output; kill it on timeout or when a stream exceeds ``max_output``.

    Args:
        argv: Program and arguments (the program by absolute path).
        stdin: Bytes for standard input, or ``None`` for none.
        timeout: Wall-clock limit in seconds.
        max_output: Bytes kept per stream; one byte more kills the process.
        pass_fds: File descriptors the process inherits.
        watch: Called every ``watch_seconds`` while the process runs; ``True`` kills it (a quota breach).
        watch_seconds: Interval between two calls of ``watch``.
    """
    process = await anyio.open_process(
        argv,
        stdin=PIPE if stdin is not None else DEVNULL,
        stdout=PIPE,
        stderr=PIPE,
        start_new_session=True,
        pass_fds=pass_fds,
        env={"PATH": "/usr/sbin:/usr/bin:/sbin:/bin"},
    )
    cap = _Capture(process, max_output)
    timed_out = False
    try:
        with anyio.move_on_after(timeout) as scope:
            async with anyio.create_task_group() as group:
                group.start_soon(cap.pump, process.stdout, "stdout")
                group.start_soon(cap.pump, process.stderr, "stderr")
                group.start_soon(cap.feed, stdin)
                if watch is not None:
                    group.start_soon(cap.watch, watch, watch_seconds)
            await process.wait()
        timed_out = scope.cancelled_caught
    finally:
        await _reap(process)
    return RunResult(
        returncode=process.returncode if process.returncode is not None else -signal.SIGKILL,
        stdout=bytes(cap.buffers["stdout"]),
        stderr=bytes(cap.buffers["stderr"]),
        timed_out=timed_out,
        output_exceeded=cap.exceeded and not timed_out,
        watch_tripped=cap.tripped and not timed_out,
    )
