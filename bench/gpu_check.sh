#!/usr/bin/env bash
# The prepared GPU check (issue 31): bench/gpu_check.py's steps within 8 minutes, figures in
# bench/results/gpu.json (--out). --dry-run runs the same code on the CPU with toy-sized models.
#
#   bash bench/gpu_check.sh [--dry-run] [--out PATH] [--logs DIR] [--budget SECONDS] [--steps A,B]
#
# Python: $ASSAY_PYTHON, else .venv/bin/python, else python3 - the first whose torch has CUDA (any torch
# for --dry-run). Nothing is downloaded: a GPU machine without network needs that Python prepared
# beforehand (docs/studies.md, "Running on a GPU").
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

dry=0
for arg in "$@"; do
  if [[ $arg == --dry-run ]]; then dry=1; fi
done

usable() {  # $1: a Python; does it import torch (with CUDA outside the dry run) and assay's pydantic?
  "$1" -c "import sys, torch, pydantic; sys.exit(0 if $dry or torch.cuda.is_available() else 1)" \
    >/dev/null 2>&1
}

python=""
for candidate in "${ASSAY_PYTHON:-}" .venv/bin/python python3; do
  if [[ -n $candidate ]] && command -v "$candidate" >/dev/null 2>&1 && usable "$candidate"; then
    python="$candidate"
    break
  fi
done
if [[ -z $python ]]; then
  if ((dry)); then
    echo "gpu_check: no Python here imports torch and pydantic; run make install." >&2
    exit 2
  fi
  echo "gpu_check: no Python here has torch with CUDA (tried: ${ASSAY_PYTHON:-} .venv/bin/python python3)." >&2
  echo "  Prepare one beforehand (the GPU machine has no network), e.g. in a fresh clone:" >&2
  echo "    TORCH_SPEC=torch==2.13.0 TORCH_INDEX=https://download.pytorch.org/whl/cu128 make install" >&2
  echo "  or the machine's own python3 with assay's dependencies; then ASSAY_PYTHON=/path/to/python." >&2
  exit 2
fi

export PYTHONPATH="$root/src:$root/bench${PYTHONPATH:+:$PYTHONPATH}"
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 INSPECT_DISPLAY=none PYTHONUNBUFFERED=1
echo "gpu_check: $python" >&2
exec timeout --kill-after=5 480 "$python" bench/gpu_check.py "$@"
