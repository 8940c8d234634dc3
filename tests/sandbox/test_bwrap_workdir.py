"""The whole work directory: a quota in bytes and entries, and cleanup after a run killed with SIGKILL."""

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


async def _box(config: BwrapConfig) -> BwrapSandboxEnvironment:
    [sandbox] = (await BwrapSandboxEnvironment.sample_init("test", config, {})).values()
    assert isinstance(sandbox, BwrapSandboxEnvironment)
    return sandbox


async def test_many_files_cannot_pass_the_work_directory_quota(tmp_path: Path) -> None:
    config = BwrapConfig(timeout=30, workdir_mb=20, max_file_mb=8, host_dir=str(tmp_path))
    box = await _box(config)
    try:
        # 12 files of 3 MB (36 MB), each well under the per-file cap: only the quota can stop them
        script = "for i in $(seq 1 12); do head -c 3000000 /dev/zero > f$i; sleep 0.2; done"
        result = await box.exec(["sh", "-c", script])
        assert not result.success and "work directory quota exceeded (20 MiB" in result.stderr
        used, _ = usage(box.host_workdir)
        assert used <= 20 * MiB + 3 * MiB  # at most the file being written when the quota was passed
        # over the quota, no command may write another byte; after a deletion the next command may write
        more = await box.exec(["sh", "-c", "printf x > one_more"])
        assert not more.success
        assert (await box.exec(["sh", "-c", "rm -f f1 f2 f3 f4"])).success
        freed = await box.exec(["sh", "-c", "printf x > one_more && cat one_more"])
        assert freed.success and freed.stdout == "x"
    finally:
        box.remove()


async def test_the_room_left_caps_a_single_file(tmp_path: Path) -> None:
    box = await _box(BwrapConfig(workdir_mb=4, max_file_mb=64, host_dir=str(tmp_path)))
    try:
        result = await box.exec(["sh", "-c", "head -c 6000000 /dev/zero > big"])
        assert not result.success
        assert (box.host_workdir / "big").stat().st_size <= 4 * MiB
    finally:
        box.remove()


async def test_entry_quota(tmp_path: Path) -> None:
    box = await _box(BwrapConfig(timeout=30, workdir_entries=40, host_dir=str(tmp_path)))
    try:
        script = "for i in $(seq 1 200); do : > e$i; sleep 0.01; done"
        result = await box.exec(["sh", "-c", script])
        assert not result.success and "40 entries" in result.stderr
        assert len(list(box.host_workdir.iterdir())) < 200
    finally:
        box.remove()


async def test_write_file_counts_against_the_quota(tmp_path: Path) -> None:
    box = await _box(BwrapConfig(workdir_mb=1, host_dir=str(tmp_path)))
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
        assert mine.host_root.is_dir() and (mine.host_root / OWNER_FILE).is_file()
        assert no_owner.is_dir()
    finally:
        mine.remove()
