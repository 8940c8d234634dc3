"""Escape attempts against the bwrap sandbox: each must fail contained and leave the host unchanged."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import threading
import time
from pathlib import Path

import pytest
from inspect_ai.util import OutputLimitExceededError

from assay.sandbox import BwrapSandboxEnvironment

requires_bwrap = pytest.mark.skipif(shutil.which("bwrap") is None, reason="bubblewrap is not installed")
pytestmark = [pytest.mark.anyio, requires_bwrap]


def _processes_with(marker: str) -> list[int]:
    """Host pids whose command line contains ``marker``."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        if marker in cmdline and "pytest" not in cmdline:
            found.append(int(entry.name))
    return found


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


async def test_writes_outside_the_work_directory_fail(box: BwrapSandboxEnvironment, tmp_path: Path) -> None:
    victim = tmp_path / "host-file.txt"
    victim.write_text("original")
    before = _snapshot(tmp_path)
    etc_before = sorted(os.listdir("/etc"))
    script = (
        f"echo pwned > {victim}; echo pwned > /etc/assay-escape; echo pwned > /usr/assay-escape; "
        "echo pwned > ../escape; mkdir -p /home/other && echo x > /home/other/f; "
        f"ln -s {victim} link && echo pwned > link; echo done"
    )
    result = await box.exec(["bash", "-c", script])
    assert "done" in result.stdout
    assert "Read-only file system" in result.stderr or "No such file" in result.stderr
    assert _snapshot(tmp_path) == before
    assert victim.read_text() == "original"
    assert sorted(os.listdir("/etc")) == etc_before
    assert not Path("/usr/assay-escape").exists()
    assert sorted(p.name for p in box.host_root.iterdir()) == ["owner", "work"]
    with pytest.raises(PermissionError):
        await box.write_file("/etc/assay-escape", "pwned")
    assert not Path("/etc/assay-escape").exists()


async def test_host_secrets_are_not_readable(
    box: BwrapSandboxEnvironment, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = "assay-secret-7f3a91"
    secret_file = tmp_path / "secret.txt"
    secret_file.write_text(secret)
    home_secret = Path.home() / ".assay-test-secret"
    home_secret.write_text(secret)
    monkeypatch.setenv("ASSAY_TEST_SECRET", secret)
    try:
        script = (
            f"cat {secret_file} {home_secret}; env; cat /proc/1/environ; cat /proc/self/environ; "
            "cat /etc/shadow; ls -la / /tmp ~; cat /proc/1/cmdline; true"
        )
        result = await box.exec(["bash", "-c", script])
        assert secret not in result.stdout + result.stderr
        await box.exec(["bash", "-c", f"ln -s {secret_file} stolen; ln -s /etc/shadow shadow"])
        with pytest.raises(FileNotFoundError):
            await box.read_file("stolen")
        with pytest.raises(PermissionError):
            await box.read_file("shadow")
    finally:
        home_secret.unlink()


async def test_network_is_unreachable(box: BwrapSandboxEnvironment) -> None:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(1)
    server.settimeout(4)
    port = server.getsockname()[1]
    accepted: list[bool] = []

    def accept() -> None:
        try:
            server.accept()[0].close()
            accepted.append(True)
        except OSError:
            pass

    thread = threading.Thread(target=accept)
    thread.start()
    script = (
        "import socket\n"
        "for host, port in [('127.0.0.1', PORT), ('1.1.1.1', 80), ('8.8.8.8', 53)]:\n"
        "    try:\n"
        "        socket.create_connection((host, port), timeout=1)\n"
        "        print('CONNECTED', host)\n"
        "    except OSError as ex:\n"
        "        print('blocked', host, ex)\n"
    ).replace("PORT", str(port))
    try:
        result = await box.exec(["python3", "-c", script])
    finally:
        thread.join()
        server.close()
    assert "CONNECTED" not in result.stdout
    assert result.stdout.count("blocked") == 3
    assert accepted == []


async def test_fork_bomb_is_contained(box: BwrapSandboxEnvironment) -> None:
    marker = "assaybomb4242"
    started = time.monotonic()
    with contextlib.suppress(TimeoutError):
        await box.exec(
            ["bash", "-c", f"{marker}() {{ {marker} | {marker} & }}; {marker}; sleep 1; echo alive"]
        )
    assert time.monotonic() - started < 10
    time.sleep(0.5)
    assert _processes_with(marker) == []
    result = await box.exec(["echo", "still works"])
    assert result.stdout.strip() == "still works"


async def test_runaway_output_is_cut_off(box: BwrapSandboxEnvironment) -> None:
    started = time.monotonic()
    with pytest.raises(OutputLimitExceededError) as caught:
        await box.exec(["yes", "assay-runaway"])
    assert time.monotonic() - started < 3
    assert caught.value.truncated_output is not None
    assert len(caught.value.truncated_output) <= box.config.max_output_bytes
    with pytest.raises(OutputLimitExceededError):
        await box.exec(["bash", "-c", "yes >&2"])


async def test_sleeping_past_the_timeout_is_killed(box: BwrapSandboxEnvironment) -> None:
    started = time.monotonic()
    with pytest.raises(TimeoutError):
        await box.exec(["bash", "-c", "sleep 313"], timeout=1)
    assert time.monotonic() - started < 5
    time.sleep(0.3)
    assert _processes_with("sleep 313") == []


async def test_background_processes_do_not_outlive_their_command(box: BwrapSandboxEnvironment) -> None:
    result = await box.exec(
        ["bash", "-c", "(setsid sleep 317 &); nohup sleep 318 >/dev/null 2>&1 & echo started"]
    )
    assert "started" in result.stdout
    time.sleep(0.3)
    assert _processes_with("sleep 317") == [] and _processes_with("sleep 318") == []


async def test_cpu_memory_and_file_size_limits(box: BwrapSandboxEnvironment) -> None:
    patient = BwrapSandboxEnvironment(
        box.config.model_copy(update={"timeout": 60, "cpu_seconds": 1}), box.tools
    )
    try:
        started = time.monotonic()
        cpu = await patient.exec(["bash", "-c", "while :; do :; done"])
        assert not cpu.success and time.monotonic() - started < 30  # RLIMIT_CPU, not the wall clock
    finally:
        patient.remove()
    memory = await box.exec(["python3", "-c", "x = bytearray(600 * 1024 * 1024); print('allocated')"])
    assert "allocated" not in memory.stdout and "MemoryError" in memory.stderr
    big = await box.exec(["bash", "-c", "head -c 80M /dev/zero > big; echo $?"])
    assert big.stdout.strip() != "0"
    assert (box.host_workdir / "big").stat().st_size <= box.config.max_file_mb * 1024 * 1024


async def test_sandboxes_do_not_see_each_other(box: BwrapSandboxEnvironment) -> None:
    other = (await BwrapSandboxEnvironment.sample_init("test", box.config, {}))["default"]
    assert isinstance(other, BwrapSandboxEnvironment)
    try:
        await other.write_file("private.txt", "other sample")
        result = await box.exec(["bash", "-c", f"cat private.txt {other.host_workdir}/private.txt"])
        assert "other sample" not in result.stdout
    finally:
        other.remove()
