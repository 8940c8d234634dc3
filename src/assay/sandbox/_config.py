"""Configuration of the ``bwrap`` sandbox: limits and the layout seen inside."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from assay._errors import AssayError, validation_problem
from assay._textfile import load_yaml, read_text_file

#: Host directories bound read-only into every sandbox (missing ones are skipped, symlinks kept as links).
SYSTEM_PATHS: tuple[str, ...] = ("/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")

#: File names that are Docker configurations: the bwrap sandbox accepts and ignores them, so that a task can
#: declare one compose file that serves ``--sandbox docker`` while ``bwrap`` uses its own defaults.
DOCKER_CONFIG_NAMES: tuple[str, ...] = (
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
    "Dockerfile",
)


class BwrapConfig(BaseModel):
    """Limits and layout of one ``bwrap`` sandbox (all limits apply to each ``exec`` call).

    Attributes:
        timeout: Wall-clock limit of one command in seconds; a caller's shorter timeout wins.
        cpu_seconds: CPU-time limit of each process (``RLIMIT_CPU``).
        memory_mb: Address-space limit of each process in MiB (``RLIMIT_AS``).
        max_processes: Processes the sandbox user may run at once (``RLIMIT_NPROC``, per sandbox).
        max_output_bytes: Cap of each output stream; above it the command is killed.
        max_file_mb: Largest file a process may write, in MiB (``RLIMIT_FSIZE``).
        workdir_mb: Quota of the whole work directory in MiB (disk blocks of all its files together).
        workdir_entries: Most files and directories the work directory may hold.
        tmp_mb: Size of the private ``/tmp`` (a tmpfs discarded after each command), in MiB.
        workdir_kernel_quota: Let the kernel enforce ``workdir_mb`` and ``workdir_entries`` where the host
            allows it: the work directory is then a tmpfs of that size mounted on the host (needs root with
            ``CAP_SYS_ADMIN``), and a write past the quota fails with ``ENOSPC``. Elsewhere, or when false,
            the quota is measured while commands run (a burst of writes can overshoot it).
        workdir: Path of the writable work directory inside the sandbox (also ``HOME``).
        system_paths: Host directories bound read-only; nothing else of the host is visible.
        host_dir: Host directory under which per-sample work directories are created (default: the
            system temporary directory).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    timeout: int = Field(default=60, ge=1, le=86_400)
    cpu_seconds: int = Field(default=30, ge=1)
    memory_mb: int = Field(default=1024, ge=64)
    max_processes: int = Field(default=64, ge=4)
    max_output_bytes: int = Field(default=1024 * 1024, ge=1024)
    max_file_mb: int = Field(default=64, ge=1)
    workdir_mb: int = Field(default=256, ge=1)
    workdir_entries: int = Field(default=10_000, ge=10)
    tmp_mb: int = Field(default=64, ge=1)
    workdir_kernel_quota: bool = True
    workdir: str = "/home/user"
    system_paths: tuple[str, ...] = SYSTEM_PATHS
    host_dir: str | None = None

    @field_validator("workdir")
    @classmethod
    def _absolute_workdir(cls, value: str) -> str:
        if not value.startswith("/") or value.rstrip("/") in ("", "/tmp", "/proc", "/dev"):
            raise ValueError("workdir must be an absolute path other than /, /tmp, /proc or /dev")
        return os.path.normpath(value)

    @field_validator("system_paths")
    @classmethod
    def _absolute_paths(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for path in value:
            if not path.startswith("/") or os.path.normpath(path) == "/":
                raise ValueError(f"system path {path!r} must be an absolute directory other than /")
        return value


def resolve_config(config: object) -> BwrapConfig:
    """Return the :class:`BwrapConfig` for an Inspect sandbox ``config`` value.

    Args:
        config: ``None`` (defaults), a :class:`BwrapConfig`, a dict of its fields, or a path: a YAML/JSON
            file with those fields, or a Docker compose file / Dockerfile (ignored: defaults are used).

    Raises:
        AssayError: The file is missing or holds invalid fields (the message names the field).
    """
    if config is None:
        return BwrapConfig()
    if isinstance(config, BwrapConfig):
        return config
    if isinstance(config, dict):
        return _validate(config, "bwrap sandbox config")
    if isinstance(config, str):
        path = Path(config)
        if path.name in DOCKER_CONFIG_NAMES or path.name.endswith(("-compose.yaml", "-compose.yml")):
            return BwrapConfig()
        if not path.is_file():
            raise AssayError(f"bwrap sandbox config file not found: {path}")
        text = read_text_file(path, "bwrap sandbox config")
        try:
            raw = json.loads(text) if path.suffix == ".json" else load_yaml(text)
        except (json.JSONDecodeError, yaml.YAMLError) as ex:
            raise AssayError(f"malformed bwrap sandbox config {path}: {str(ex).splitlines()[0]}") from None
        if not isinstance(raw, dict):
            raise AssayError(f"malformed bwrap sandbox config {path}: expected a mapping of fields")
        return _validate(raw, str(path))
    raise AssayError(f"unsupported bwrap sandbox config of type {type(config).__name__}")


def _validate(raw: dict[str, Any], where: str) -> BwrapConfig:
    try:
        return BwrapConfig.model_validate(raw)
    except ValidationError as ex:
        raise AssayError(f"{where}: {validation_problem(ex, 'config')}") from None
