# Two entry points for a fresh machine with Python 3.11+ and access to PyPI:
#   make run    create the pinned environment in .venv and run the default studies
#   make test   create the same environment and run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
CORES  ?= 8
STAMP  := $(VENV)/.installed

.PHONY: run test env lock lint clean-results

run: $(STAMP)
	$(BIN)/snakemake --cores $(CORES)

test: $(STAMP)
	$(BIN)/python -m pytest

env: $(STAMP)

# The environment is rebuilt whenever the lock file or the package metadata changes.
$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "nqpf needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --editable .
	@touch $(STAMP)

# Re-resolve the pinned versions (needs uv; the result is committed).
lock:
	uv pip compile pyproject.toml --extra workflow --extra test --extra bench --extra build \
	    --generate-hashes --python-version 3.11 --index-url https://pypi.org/simple --no-header \
	    -o requirements.lock

lint: $(STAMP)
	$(BIN)/ruff check src tests workflow/scripts
	$(BIN)/snakemake --lint

clean-results:
	rm -rf results logs .snakemake/metadata
