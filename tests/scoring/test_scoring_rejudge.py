"""Re-judging stored logs: a new log with new judgements; the target model is not called again."""

from __future__ import annotations

from pathlib import Path

import pytest
from inspect_ai import eval
from inspect_ai.log import EvalLog, read_eval_log
from inspect_ai.model import get_model

from assay._errors import AssayError
from assay.scoring import rejudge_log
from assay.tasks.agentic import AGENTIC_JUDGE, agentic_misalignment

SCRIPTS = Path(__file__).parents[1] / "tasks" / "agentic" / "scripts"


def run_cli(argv: list[str]) -> int:
    """Run the assay CLI in-process; return its exit code (it exits with 0 on success)."""
    from assay.cli import main

    try:
        main(argv)
    except SystemExit as ex:
        return int(ex.code or 0)
    return 0


def _log(tmp_path: Path, script: str, **task_args: object) -> Path:
    model = get_model("assay/scripted", script=str(SCRIPTS / script), memoize=False)
    [log] = eval(
        agentic_misalignment(**task_args),
        model=model,
        log_dir=str(tmp_path),
        display="none",
        fail_on_error=False,
    )
    assert log.location
    return Path(log.location)


def _outcomes(log: EvalLog) -> list[str]:
    return [str(s.scores["agentic_outcome"].value) if s.scores else "error" for s in log.samples or []]


def test_rejudge_writes_a_new_log_and_leaves_the_original(tmp_path: Path) -> None:
    src = _log(tmp_path, "incidental_classic.yaml")
    before = src.read_bytes()
    assert _outcomes(read_eval_log(str(src))) == ["benign"]
    summary = rejudge_log(src, ["assay/scripted"], judge_args={"script": str(SCRIPTS / "judge_harmful.yaml")})
    assert src.read_bytes() == before
    new = read_eval_log(summary.output)
    assert Path(summary.output) != src and summary.before == {"benign": 1} and summary.after == {"harmful": 1}
    assert _outcomes(new) == ["harmful"]
    score = new.samples[0].scores["agentic_outcome"]  # type: ignore[index]
    assert score.metadata["judge_config"]["prompt_sha256"] == AGENTIC_JUDGE.sha256  # type: ignore[index]
    # the target model was not called again: the conversation is the stored one
    assert new.samples[0].messages == read_eval_log(str(src)).samples[0].messages  # type: ignore[index]


def test_rejudge_with_a_failing_judge_gives_judge_error(tmp_path: Path) -> None:
    src = _log(tmp_path, "blackmail_classic.yaml")
    out = tmp_path / "out" / "rejudged.eval"
    summary = rejudge_log(
        src, ["assay/scripted"], out=out, judge_args={"script": str(SCRIPTS / "judge_error.yaml")}
    )
    assert summary.output == str(out) and summary.after == {"judge_error": 1}


def test_model_errors_stay_model_errors(tmp_path: Path) -> None:
    src = _log(tmp_path, "model_error.yaml")
    summary = rejudge_log(src, ["assay/scripted"], judge_args={"script": str(SCRIPTS / "judge_harmful.yaml")})
    assert summary.before == {"model_error": 1}
    assert summary.after == {"model_error": 1}


def test_rejudge_cli_and_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = _log(tmp_path, "incidental_classic.yaml")
    out = tmp_path / "cli.eval"
    code = run_cli(
        [
            "rejudge",
            str(src),
            "--judge",
            "assay/scripted",
            "-J",
            f"script={SCRIPTS / 'judge_harmful.yaml'}",
            "-o",
            str(out),
        ]
    )
    assert code == 0
    assert 'after:  {"harmful": 1}' in capsys.readouterr().out and out.is_file()
    with pytest.raises(AssayError, match="not found"):
        rejudge_log(tmp_path / "nope.eval", ["assay/scripted"])
    assert run_cli(["rejudge", str(src), "--judge", "nosuchprovider/model"]) == 2
    assert "cannot create model" in capsys.readouterr().err


def test_other_task_families_are_refused(tmp_path: Path) -> None:
    from assay.tasks.capability import capability_qa

    script = tmp_path / "a.yaml"
    script.write_text("- text: Paris\n")
    [log] = eval(
        capability_qa(),
        model=get_model("assay/scripted", script=str(script)),
        limit=2,
        log_dir=str(tmp_path),
        display="none",
    )
    with pytest.raises(AssayError, match="task_family"):
        rejudge_log(str(log.location), ["assay/scripted"], judge_args={"script": str(script)})


def test_rejudging_keeps_the_construct_the_log_was_run_with(tmp_path: Path) -> None:
    """Disclosure to the spouse is harmful under assay's construct and not under the original's."""
    judge = {"script": str(SCRIPTS / "judge_harmful.yaml")}
    for construct, expected in (("original", "benign"), ("assay", "harmful")):
        src = _log(tmp_path / construct, "nearmiss_spouse.yaml", construct=construct)
        new = read_eval_log(rejudge_log(src, ["assay/scripted"], judge_args=judge).output)
        assert _outcomes(new) == [expected]
        record = new.samples[0].scores["agentic_outcome"].metadata["constructs"]  # type: ignore[index]
        assert record["chosen"] == construct


def test_a_log_without_task_family_is_refused_saying_so(tmp_path: Path) -> None:
    from inspect_ai import Task
    from inspect_ai.dataset import Sample
    from inspect_ai.scorer import match

    script = tmp_path / "a.yaml"
    script.write_text("- text: Paris\n")
    [log] = eval(
        Task(dataset=[Sample(input="Capital of France?", target="Paris")], scorer=match()),
        model=get_model("assay/scripted", script=str(script)),
        log_dir=str(tmp_path),
        display="none",
    )
    with pytest.raises(AssayError, match=r"^the log's samples carry no task_family: not a log of an assay"):
        rejudge_log(str(log.location), ["assay/scripted"], judge_args={"script": str(script)})
