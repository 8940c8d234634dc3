"""``assay report`` loads only what reading a log and drawing the report need (a fresh process each time)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

#: Never needed to read a log and write the report: models, training, the heavy statistics packages (the
#: report's statistics are numpy, :mod:`assay.evidence._fits` and :mod:`assay.evidence._distributions`).
NOT_LOADED = ("torch", "transformers", "statsmodels", "scipy", "sklearn", "assay.models", "assay.tasks")

_CODE = """\
import json, sys
from assay.cli import main
try:
    main(["report", sys.argv[1], "-o", sys.argv[2]])
except SystemExit as ex:
    assert not ex.code, ex.code
print(json.dumps(sorted(sys.modules)))
"""


def test_report_command_does_not_import_models_training_or_statsmodels(
    factorial_log: Path, tmp_path: Path
) -> None:
    out = tmp_path / "report.html"
    proc = subprocess.run(
        [sys.executable, "-c", _CODE, str(factorial_log), str(out)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    modules = json.loads(proc.stdout.strip().splitlines()[-1])
    loaded = [m for m in modules if m.split(".")[0] in NOT_LOADED or m.startswith(NOT_LOADED)]
    assert loaded == []
    assert out.stat().st_size > 0 and "matplotlib" in modules and "inspect_ai.log" in modules
