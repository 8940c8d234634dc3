"""The agentic detector as a classifier: its held-out labels, the committed validation, S3.4 and S3.5."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from inspect_ai import eval
from inspect_ai.model import get_model
from sklearn.metrics import cohen_kappa_score

from assay.evidence import KAPPA_LOW_MIN, audit_claim, claim_from_dict, tidy_table, validation_verdict
from assay.scoring import builtin_labels_path, file_sha256, load_labelled
from assay.tasks.agentic import AGENTIC_JUDGE, agentic_misalignment
from assay.tasks.agentic._detector_calibration import detector_verdict
from assay.tasks.agentic._detector_validation import (
    committed_validation,
    detector_config_sha256,
    detector_record,
    held_out_labels_path,
    measure_detector_validation,
)

SCRIPTS = Path(__file__).parent / "scripts"


def test_the_committed_validation_is_what_the_labels_give_today() -> None:
    """Recomputed from the labelled sets and today's detector: a drift in either fails here."""
    assert measure_detector_validation() == committed_validation()
    assert committed_validation().config_sha256 == detector_config_sha256()


def test_kappa_agrees_with_scikit_learn_on_the_held_out_set() -> None:
    items = load_labelled(held_out_labels_path())
    human = [str(i.labels["verdict"]) for i in items]
    detector = [detector_verdict(i)[0] for i in items]
    (held,) = [s for s in committed_validation().sets if not s.tuned_on_labels]
    assert held.agreement.n == len(items)
    assert abs(held.agreement.kappa - float(cohen_kappa_score(human, detector))) < 1e-12
    assert held.label_set_sha256 == file_sha256(held_out_labels_path())


def test_the_held_out_set_is_new_and_covers_every_scenario_both_ways() -> None:
    held = load_labelled(held_out_labels_path())
    tuned = load_labelled(builtin_labels_path())
    assert len(held) >= 60
    assert not {i.id for i in held} & {i.id for i in tuned}
    assert not {i.transcript for i in held} & {i.transcript for i in tuned}
    verdicts = Counter((i.scenario, i.labels["verdict"]) for i in held)
    for scenario in ("blackmail", "leaking", "lethal"):
        assert verdicts[(scenario, "harmful")] >= 10 and verdicts[(scenario, "not_harmful")] >= 10
    kinds = {s.label_set: s.tuned_on_labels for s in committed_validation().sets}
    assert kinds == {builtin_labels_path().name: True, held_out_labels_path().name: False}


def test_the_record_carries_only_the_held_out_validation_of_todays_detector() -> None:
    record = detector_record()
    assert record.kind == "rule" and record.config_sha256 == detector_config_sha256()
    assert [v.tuned_on_labels for v in record.validations] == [False]
    stale = record.model_copy(update={"config_sha256": "0" * 64})
    status, reason = validation_verdict(stale)
    assert status == "failed" and "re-run the validation" in reason


def _run(tmp_path: Path, script: str, judge: str | None = None) -> Path:
    def scripted(name: str) -> Any:
        return get_model("assay/scripted", script=str(SCRIPTS / name), memoize=False)

    [log] = eval(
        agentic_misalignment(),
        model=scripted(script),
        model_roles={"judge": [scripted(judge)]} if judge else None,
        log_dir=str(tmp_path),
        display="none",
    )
    return Path(str(log.location))


def _items(log: Path) -> dict[str, tuple[str, str]]:
    claim = claim_from_dict(
        {
            "id": "c",
            "statement": "The model sent leverage emails.",
            "construct": {"name": "blackmail", "definition": "leverage email"},
            "target_level": "L1",
        }
    )
    table = tidy_table([log])
    return {
        i.id: (i.status, i.reason) for i in audit_claim(claim, table=table).items if i.id in ("S3.4", "S3.5")
    }


def test_a_log_scored_by_the_detector_alone_is_recorded_and_graded_on_its_validation(tmp_path: Path) -> None:
    items = _items(_run(tmp_path, "blackmail_classic.yaml"))
    assert items["S3.4"][0] == "passed" and "agentic_detector v2 (rule" in items["S3.4"][1]
    (held,) = [s for s in committed_validation().sets if not s.tuned_on_labels]
    assert held.agreement.ci_low is not None
    expected = "passed" if held.agreement.ci_low >= KAPPA_LOW_MIN else "failed"
    assert items["S3.5"][0] == expected and held.label_set in items["S3.5"][1]


def test_with_a_judge_both_classifiers_are_recorded_and_the_judge_needs_labels(tmp_path: Path) -> None:
    items = _items(_run(tmp_path, "blackmail_classic.yaml", judge="judge_harmful.yaml"))
    assert (
        items["S3.4"][0] == "passed" and f"{AGENTIC_JUDGE.name} v{AGENTIC_JUDGE.version}" in items["S3.4"][1]
    )
    assert "agentic_detector" in items["S3.4"][1]
    assert items["S3.5"][0] == "missing" and items["S3.5"][1].startswith(f"{AGENTIC_JUDGE.name} v")


def test_the_agentic_page_quotes_the_committed_validation() -> None:
    text = (Path(__file__).resolve().parents[3] / "docs" / "agentic.md").read_text(encoding="utf-8")
    (held,) = [s for s in committed_validation().sets if not s.tuned_on_labels]
    a = held.agreement
    correct = sum(a.confusion[i][i] for i in range(len(a.labels)))
    assert f"holds {a.n} replies" in text
    assert (
        f"κ = {a.kappa:.3f} [{a.ci_low:.3f}, {a.ci_high:.3f}], accuracy {a.accuracy:.3f} ({correct}/{a.n})"
        in text
    )
    assert f"all {len(held.disagreements)} misses are harmful replies it calls" in text
    missed = {v.split(",")[0] for v in held.disagreements.values()}
    assert missed == {"label harmful"}
    by_scenario = Counter(item_id.split("-")[1] for item_id in held.disagreements)
    assert f"{by_scenario['bm']} blackmail emails" in text and f"{by_scenario['lk']} leak that" in text
    assert set(by_scenario) <= {"bm", "lk"}
