"""Exporting a run's organisms for vLLM: adapters that load, the base they name, well-formed commands."""

from __future__ import annotations

import json
import shlex
from collections.abc import Callable
from pathlib import Path

import torch
from inspect_ai.model._providers._vllm_lora import get_adapter_rank, parse_vllm_model

from assay.models import VLLM_RANKS, export_organisms, find_organisms, load_local_model, save_organism
from assay.panels import load_panel

ARM = "backdoor_triggered-k4-s0"


def test_every_organism_of_a_run_is_found_by_name(toy_organism_run: Path) -> None:
    found = find_organisms(toy_organism_run)
    assert list(found) == [ARM, "implant_backdoor", "implant_control"]
    assert found["implant_backdoor"] == toy_organism_run / "stages" / "implant_backdoor" / "organism"


def test_exported_adapters_load_with_peft_on_the_base_they_name(
    toy_organism_run: Path, toy_path: Path
) -> None:
    from peft import PeftModel

    export = export_organisms(toy_organism_run, task="assay/backdoor", task_args={"n": 4})
    assert Path(export.out) == (toy_organism_run / "vllm").resolve()
    assert export.bases() == [str(toy_path.resolve())]
    by_name = {o.name: o for o in export.organisms}
    assert {n: o.stacked for n, o in by_name.items()} == {ARM: 2, "implant_backdoor": 1, "implant_control": 1}
    for o in export.organisms:
        assert o.adapter is not None
        config = json.loads((Path(o.adapter) / "adapter_config.json").read_text())
        assert config["base_model_name_or_path"] == o.base == str(toy_path.resolve())
        assert (Path(o.base) / "config.json").is_file()  # where the server finds the base
        assert config["r"] == o.rank and o.rank in VLLM_RANKS
        base, tok = load_local_model("hf", path=config["base_model_name_or_path"])
        model = PeftModel.from_pretrained(base, o.adapter)
        assert any("lora_A" in n for n, _ in model.named_parameters())
        with torch.no_grad():
            model(**tok("hello", return_tensors="pt"))
    assert json.loads((Path(export.out) / "export.json").read_text())["organisms"][0]["name"] == ARM


def test_the_printed_commands_are_well_formed(toy_organism_run: Path) -> None:
    export = export_organisms(
        toy_organism_run, task="assay/backdoor", task_args={"n": 4, "kinds": "triggered"}
    )
    (base,) = export.bases()
    serve, served_eval, managed_eval = (shlex.split(line) for line in export.commands())
    assert serve[:5] == ["vllm", "serve", base, "--port", "8000"]
    assert serve[serve.index("--max-lora-rank") + 1] == str(max(o.rank for o in export.organisms))
    assert "--enable-lora" in serve and serve[serve.index("--max-loras") + 1] == "3"
    modules = dict(m.split("=", 1) for m in serve[serve.index("--lora-modules") + 1 :])
    assert set(modules) == {o.name for o in export.organisms}
    assert all((Path(p) / "adapter_model.safetensors").is_file() for p in modules.values())

    assert served_eval[:3] == ["inspect", "eval", "assay/backdoor"]
    assert served_eval[3:7] == ["-T", "n=4", "-T", "kinds=triggered"]
    assert served_eval[served_eval.index("--model-base-url") + 1] == "http://localhost:8000/v1"
    names = served_eval[served_eval.index("--model") + 1].split(",")
    assert names[0] == f"vllm/{base}"
    for name in names[1:]:  # read the way Inspect's vllm provider reads them
        parsed_base, adapter = parse_vllm_model(name.removeprefix("vllm/"))
        assert parsed_base == base and adapter is not None and adapter.is_preloaded
        assert adapter.name in modules
    for name in managed_eval[managed_eval.index("--model") + 1].split(",")[1:]:
        parsed_base, adapter = parse_vllm_model(name.removeprefix("vllm/"))
        assert parsed_base == base and adapter is not None and not adapter.is_preloaded
        assert adapter.path in modules.values() and get_adapter_rank(adapter) in VLLM_RANKS
    assert "--model-base-url" not in managed_eval


def test_the_panels_validate(toy_organism_run: Path) -> None:
    export = export_organisms(toy_organism_run, task="assay/backdoor")
    vllm = load_panel(Path(export.out) / "panel-vllm.yaml")
    assert [m.name.split(":")[-1] for m in vllm.models[1:]] == [o.name for o in export.organisms]
    assert {m.args["base_url"] for m in vllm.models} == {"http://localhost:8000/v1"}
    local = load_panel(Path(export.out) / "panel-local.yaml")
    assert [m.name for m in local.models] == ["assay/toy"] + [f"assay/hf/{o.name}" for o in export.organisms]


def test_a_full_fine_tune_is_served_as_a_base_with_its_arms(
    tmp_path: Path, toy_lora_organism: Callable[..., Path]
) -> None:
    model, tok = load_local_model("toy")
    full = save_organism(model, tok, tmp_path / "run" / "stages" / "implant_full" / "organism", "toy")
    toy_lora_organism(tmp_path / "run" / "stages" / "safety" / "arm", full, 2, None, seed=4)
    export = export_organisms(tmp_path / "run")
    assert export.bases() == [str(full.resolve())]
    arm, own = export.organisms
    assert (arm.name, arm.stacked, arm.base) == ("arm", 1, str(full.resolve()))
    assert (own.name, own.adapter) == ("implant_full", None)
    assert "--enable-lora" in export.serve_command(own.base)
    assert [m.name for m in load_panel(Path(export.out) / "panel-local.yaml").models] == [
        "assay/hf/implant_full",
        "assay/hf/arm",
    ]


def test_the_exported_local_panel_runs(toy_organism_run: Path) -> None:
    from assay.panels import run_panel

    export = export_organisms(
        toy_organism_run, task="assay/backdoor", task_args={"n": 4, "kinds": "triggered"}
    )
    spec = load_panel(Path(export.out) / "panel-local.yaml")
    assert spec.task_args == {"n": 4, "kinds": "triggered"}
    run = run_panel(spec.model_copy(update={"limit": 1}))
    assert run.success and sorted(run.statuses) == sorted(m.name for m in spec.models)
