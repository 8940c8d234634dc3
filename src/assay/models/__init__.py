"""Local model providers for Inspect (``assay/smollm2``, ``assay/toy``, ``assay/hf``, ``assay/scripted``).

Importing this package is cheap; torch and transformers load when a local model is created.
"""

from assay.models._adapters import VLLM_RANKS, combine_adapters
from assay.models._api import MODEL_NAMES, AssayModelAPI, resolve_model_class
from assay.models._catalog import LocalModelInfo, count_parameters, list_local_models
from assay.models._device import (
    check_precision,
    cpu_bf16_units,
    resolve_device,
    resolve_dtype,
    resolve_precision,
)
from assay.models._generate import GenParams, GenResult, generate_batch
from assay.models._load import load_local_model
from assay.models._organism import (
    OrganismInfo,
    OrganismStack,
    is_organism,
    load_organism,
    organism_files,
    organism_stack,
    read_organism,
    save_organism,
)
from assay.models._record import ModelRecord, SettingError, check_settings, model_record
from assay.models._resolve import ModelSource, checkpoint_path, content_revision, locate_model
from assay.models._script import Script, ScriptedTurn, load_script
from assay.models._serve import ExportedOrganism, OrganismExport, export_organisms, find_organisms
from assay.models._smollm2 import gguf_path, smollm2_dir
from assay.models._toolproto import parse_tool_calls, to_plain_messages
from assay.models._toy import ToyConfig, toy_dir

__all__ = [
    "MODEL_NAMES",
    "VLLM_RANKS",
    "AssayModelAPI",
    "ExportedOrganism",
    "GenParams",
    "GenResult",
    "LocalModelInfo",
    "ModelRecord",
    "ModelSource",
    "OrganismExport",
    "OrganismInfo",
    "OrganismStack",
    "Script",
    "ScriptedTurn",
    "SettingError",
    "ToyConfig",
    "check_precision",
    "check_settings",
    "checkpoint_path",
    "combine_adapters",
    "content_revision",
    "count_parameters",
    "cpu_bf16_units",
    "export_organisms",
    "find_organisms",
    "generate_batch",
    "gguf_path",
    "is_organism",
    "list_local_models",
    "load_local_model",
    "load_organism",
    "load_script",
    "locate_model",
    "model_record",
    "organism_files",
    "organism_stack",
    "parse_tool_calls",
    "read_organism",
    "resolve_device",
    "resolve_dtype",
    "resolve_model_class",
    "resolve_precision",
    "save_organism",
    "smollm2_dir",
    "to_plain_messages",
    "toy_dir",
]
