"""The whole work directory: a quota in bytes and entries, and cleanup after a run killed with SIGKILL.

The quota tests run with each mechanism: ``kernel`` (a tmpfs of the quota's size, where the host lets the
sandbox mount one: root) and ``watcher`` (measuring while the command runs, the fallback).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from assay.sandbox import BwrapConfig, BwrapSandboxEnvironment
from assay.sandbox._workdirs import OWNER_FILE, PREFIX, usage

pytestmark = pytest.mark.anyio

MiB = 1024 * 1024


@pytest.fixture
def tmp_path() -> Iterator[Path]:
    """A host directory the sandbox's unprivileged uid can traverse (pytest's own tmp is 0700 under root)."""
    root = Path(tempfile.mkdtemp(prefix="assay-workdir-test-"))
    root.chmod(0o711)
    yield root
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(params=["kernel", "watcher"])
def mechanism(request: pytest.FixtureRequest) -> str:
    """How the quota is enforced; ``kernel`` is skipped where the host cannot mount a tmpfs (not root)."""
    if request.param == "kernel" and os.geteuid() != 0:
        pytest.skip("the kernel quota needs root (mounting a tmpfs)")
    return str(request.param)


async def _box(config: BwrapConfig, mechanism: str | None = None) -> BwrapSandboxEnvironment:
    if mechanism is not None:
        config = config.model_copy(update={"workdir_kernel_quota": mechanism == "kernel"})
    [sandbox] = (await BwrapSandboxEnvironment.sample_init("test", config, {})).values()
    assert isinstance(sandbox, BwrapSandboxEnvironment)
    assert mechanism is None or sandbox.kernel_quota == (mechanism == "kernel")
    return sandbox


async def test_many_files_cannot_pass_the_work_directory_quota(tmp_path: Path, mechanism: str) -> None:
    config = BwrapConfig(timeout=30, workdir_mb=20, max_file_mb=8, host_dir=str(tmp_path))
    box = await _box(config, mechanism)
    try:
        # 12 files of 3 MB (36 MB), each well under the per-file cap: only the quota can stop them
        script = "for i in $(seq 1 12); do head -c 3000000 /dev/zero > f$i; sleep 0.2; done"
        result = await box.exec(["sh", "-c", script])
        assert "work directory quota" in result.stderr and "(20 MiB" in result.stderr
        # the watcher kills the command; under the kernel quota the writes fail and the loop goes on
        assert "No space left on device" in result.stderr if mechanism == "kernel" else not result.success
        used, _ = usage(box.host_workdir)
        # the kernel stops the write at the quota; the watcher, after at most the file being written
        assert used <= 20 * MiB + (0 if mechanism == "kernel" else 3 * MiB)
        # over the quota, no command may write another byte; after a deletion the next command may write
        more = await box.exec(["sh", "-c", "printf x > one_more"])
        assert not more.success
        assert (await box.exec(["sh", "-c", "rm -f f1 f2 f3 f4"])).success
        freed = await box.exec(["sh", "-c", "printf x > one_more && cat one_more"])
        assert freed.success and freed.stdout == "x"
    finally:
        box.remove()


async def test_parallel_writers_stop_at_the_kernel_quota(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("the kernel quota needs root (mounting a tmpfs)")
    config = BwrapConfig(timeout=30, workdir_mb=16, max_file_mb=64, host_dir=str(tmp_path))
    box = await _box(config, "kernel")
    try:
        # 8 writers of 8 MiB at once (64 MiB) against 16 MiB: each write past the quota fails with ENOSPC
        script = "for i in $(seq 1 8); do head -c 8388608 /dev/zero > w$i & done; wait; sync"
        result = await box.exec(["sh", "-c", script])
        assert "No space left on device" in result.stderr
        used, _ = usage(box.host_workdir)
        assert 15 * MiB <= used <= 16 * MiB
        # files written before the limit stay readable through the sandbox and from the host
        assert (await box.read_file("w1", text=False)) == (box.host_workdir / "w1").read_bytes()
        assert (await box.exec(["sh", "-c", "rm -f w*"])).success
        await box.write_file("after.txt", "room again")
        assert await box.read_file("after.txt") == "room again"
    finally:
        box.remove()
    assert not box.host_root.exists()  # removing the sandbox unmounts its tmpfs


async def test_the_room_left_caps_a_single_file(tmp_path: Path, mechanism: str) -> None:
    box = await _box(BwrapConfig(workdir_mb=4, max_file_mb=64, host_dir=str(tmp_path)), mechanism)
    try:
        result = await box.exec(["sh", "-c", "head -c 6000000 /dev/zero > big"])
        assert not result.success
        assert (box.host_workdir / "big").stat().st_size <= 4 * MiB
    finally:
        box.remove()


async def test_entry_quota(tmp_path: Path, mechanism: str) -> None:
    box = await _box(BwrapConfig(timeout=30, workdir_entries=40, host_dir=str(tmp_path)), mechanism)
    try:
        script = "for i in $(seq 1 200); do : > e$i; sleep 0.01; done"
        result = await box.exec(["sh", "-c", script])
        assert not result.success and "40 entries" in result.stderr
        assert len(list(box.host_workdir.iterdir())) <= (40 if mechanism == "kernel" else 199)
    finally:
        box.remove()


async def test_write_file_counts_against_the_quota(tmp_path: Path, mechanism: str) -> None:
    box = await _box(BwrapConfig(workdir_mb=1, host_dir=str(tmp_path)), mechanism)
    try:
        await box.write_file("small.txt", "ok")
        with pytest.raises(OSError):
            await box.write_file("large.bin", b"\0" * (2 * MiB))
    finally:
        box.remove()


CHILD = textwrap.dedent(
    """
    import asyncio, sys, time
    from assay.sandbox import BwrapConfig, BwrapSandboxEnvironment

    async def main():
        envs = await BwrapSandboxEnvironment.sample_init("t", BwrapConfig(host_dir=sys.argv[1]), {})
        box = envs["default"]
        await box.write_file("notes.txt", "left behind")
        print(box.host_root, flush=True)
        time.sleep(600)

    asyncio.run(main())
    """
)


async def test_work_directory_of_a_killed_run_is_removed_at_the_next_start(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parents[2] / "src")}
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(tmp_path)], stdout=subprocess.PIPE, text=True, env=env
    )
    assert child.stdout is not None
    left = Path(child.stdout.readline().strip())
    child.send_signal(signal.SIGKILL)
    child.wait()
    assert left.is_dir() and (left / "work" / "notes.txt").is_file()  # SIGKILL: no cleanup ran
    mine = await _box(BwrapConfig(host_dir=str(tmp_path)))  # a live sandbox of this process
    no_owner = tmp_path / f"{PREFIX}older"  # a directory without an owner record is left alone
    no_owner.mkdir()
    try:
        await BwrapSandboxEnvironment.task_init("next", BwrapConfig(host_dir=str(tmp_path)))
        assert not left.exists()
        assert str(left) not in Path("/proc/mounts").read_text()  # its tmpfs (if any) was unmounted
        assert mine.host_root.is_dir() and (mine.host_root / OWNER_FILE).is_file()
        assert no_owner.is_dir()
    finally:
        mine.remove()
