"""Measure how far parallel writers overshoot the bwrap sandbox's work-directory quota.

The attack: ``WRITERS`` processes inside one sandbox command each write a file of ``FILE_MB`` MiB at once
(each file under the per-file cap, all together far over the quota), against a quota of ``QUOTA_MB`` MiB.
The bytes left in the work directory afterwards (disk blocks, as the quota counts them) are the peak: the
sandbox deletes nothing, so what was written before the kill (or before ``ENOSPC``) stays. Run once with the
quota enforced by measuring (``workdir_kernel_quota=False``: the code before the kernel quota) and once with
the kernel's tmpfs, ``REPEATS`` times each; the worst run of each counts.

Run: ``.venv/bin/python bench/sandbox_quota.py`` as root (the kernel quota needs to mount a tmpfs; as a
normal user both runs use the watcher). Writes ``bench/results/sandbox-quota.json``.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import tempfile
from pathlib import Path

from assay.sandbox import BwrapConfig, BwrapSandboxEnvironment
from assay.sandbox._workdirs import usage

QUOTA_MB = 64
WRITERS = 8
FILE_MB = 32
REPEATS = 5
MiB = 1024 * 1024
RESULT = Path(__file__).parent / "results" / "sandbox-quota.json"

#: The writers start together; the command fails when any writer fails (``ENOSPC``) or is killed.
ATTACK = (
    f'pids=""; for i in $(seq 1 {WRITERS}); do head -c {FILE_MB * MiB} /dev/zero > w$i & pids="$pids $!"; '
    "done; rc=0; for p in $pids; do wait $p || rc=1; done; exit $rc"
)


async def _one_run(kernel: bool, host_dir: str) -> dict[str, object]:
    config = BwrapConfig(
        timeout=60,
        workdir_mb=QUOTA_MB,
        max_file_mb=FILE_MB * 2,
        workdir_kernel_quota=kernel,
        host_dir=host_dir,
    )
    [box] = (await BwrapSandboxEnvironment.sample_init("bench", config, {})).values()
    assert isinstance(box, BwrapSandboxEnvironment)
    try:
        result = await box.exec(["sh", "-c", ATTACK])
        used, _ = usage(box.host_workdir)
        stopped = not result.success and "work directory quota" in result.stderr
        return {"kernel_quota": box.kernel_quota, "used_bytes": used, "stopped_with_quota_message": stopped}
    finally:
        box.remove()


async def _measure(kernel: bool, host_dir: str) -> dict[str, object]:
    runs = [await _one_run(kernel, host_dir) for _ in range(REPEATS)]
    peak = max(int(str(run["used_bytes"])) for run in runs)
    return {
        "mechanism": "kernel tmpfs" if all(run["kernel_quota"] for run in runs) else "watcher",
        "peak_mib": round(peak / MiB, 1),
        "overshoot_mib": round(max(peak - QUOTA_MB * MiB, 0) / MiB, 1),
        "runs_mib": [round(int(str(run["used_bytes"])) / MiB, 1) for run in runs],
        "all_stopped_with_quota_message": all(run["stopped_with_quota_message"] for run in runs),
    }


def main() -> None:
    """Run the attack with both mechanisms and write the result file."""
    host_dir = tempfile.mkdtemp(prefix="assay-quota-bench-")
    os.chmod(host_dir, 0o711)
    try:
        before = asyncio.run(_measure(False, host_dir))
        after = asyncio.run(_measure(True, host_dir))
    finally:
        shutil.rmtree(host_dir, ignore_errors=True)
    report = {
        "quota_mib": QUOTA_MB,
        "writers": WRITERS,
        "file_mib": FILE_MB,
        "repeats": REPEATS,
        "attack": ATTACK,
        "before": before,
        "after": after,
        "cpus": os.cpu_count(),
        "load_average_1min": round(os.getloadavg()[0], 2),
    }
    RESULT.parent.mkdir(exist_ok=True)
    RESULT.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
