# Two entry points for a fresh machine with Python 3.11+ and access to PyPI:
#   make run    create the pinned environment in .venv and run the default studies on every core
#   make test   create the same environment and run the test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# every core of the machine (make run CORES=4 for fewer)
CORES  ?= $(shell nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo 2)
STAMP  := $(VENV)/.installed

.PHONY: run test test-slow test-slurm test-slow-slurm bench env lock lint schema clean-results reproduce report package

run: $(STAMP)
	$(BIN)/snakemake --cores $(CORES)

# The default suite, its tests spread over every core (pytest-xdist): most of them start Snakemake or Python.
test: $(STAMP)
	$(BIN)/python -m pytest -m "not slow" -n auto

# The slower suites (Monte Carlo, determinism, kill-and-resume, reproduction, the report in a browser).
test-slow: $(STAMP)
	$(BIN)/python -m pytest -m "slow and not slurm"

# The SLURM suite: demo_province through profiles/slurm on a single-node cluster that tests/slurm/start.sh starts
# on this machine, compared byte for byte with a local run (needs the Debian packages slurm-wlm and munge).
test-slurm: $(STAMP)
	$(BIN)/python -m pytest -m slurm

# Both, in one session: the SLURM suite compares its cluster run with the slower suites' run of demo_province
# instead of making one of its own (what .ci/run does).
test-slow-slurm: $(STAMP)
	$(BIN)/python -m pytest -m "slow or slurm"

# Time and peak memory of every stage of the three demo studies (province, city, county) from scratch on this
# machine, with the R and PySAL references on the same inputs: benchmarks/results/stages.md (about 35 minutes).
bench: $(STAMP)
	$(BIN)/python benchmarks/stages.py

# Rerun each default study (or STUDY=<name>) from scratch in a temporary directory and compare every file with
# results/<study>/manifest.json: lists each difference and fails on any (results/ itself is left as it is).
reproduce: $(STAMP)
	$(BIN)/python workflow/scripts/reproduce.py --cores $(CORES) $(if $(STUDY),--study $(STUDY))

# A replication package of each default study (or STUDY=<name>) for a reviewer, results/<study>-replication.zip:
# the configuration, the user's input files and every result its manifest records, the manifest, and a README on
# how to rerun and check it (make reproduce). Stops when a file differs from the manifest (rerun the study first).
package: $(STAMP)
	$(BIN)/python workflow/scripts/package.py $(if $(STUDY),--study $(STUDY))

# An HTML report of each default study (or STUDY=<name>), results/<study>/report.html: every table and figure
# with its caption. The study's results are brought up to date first; nothing reruns when they are. A study of
# another configuration file names it: make report STUDY=demo_county CONFIG=config/studies/demo_county.yaml
report: $(STAMP)
	for study in $(or $(STUDY),$$($(BIN)/python -c '$(DEFAULT_STUDIES)')); do \
	    $(BIN)/snakemake --cores $(CORES) $(if $(CONFIG),--configfile $(CONFIG)) \
	        --report results/$$study/report.html --report-after-run results/$$study/manifest.json || exit 1; \
	done

# The names of the default studies (config/config.yaml lists study files or gives studies inline).
DEFAULT_STUDIES = import yaml; load = lambda path: yaml.safe_load(open(path, encoding="utf-8")); \
	entries = load("config/config.yaml")["studies"]; \
	print(*(s["name"] for e in entries for s in ([e] if isinstance(e, dict) else load(e)["studies"])))

env: $(STAMP)

# The environment is rebuilt whenever the lock file or the package metadata changes.
$(STAMP): requirements.lock pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "nqpf needs Python 3.11 or newer; set PYTHON=python3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation --editable .
	@# the library compiled once here, not again in each of a study's jobs (with PYTHONDONTWRITEBYTECODE set)
	$(BIN)/python -m compileall -q src/nqpf > /dev/null
	@# the figures' Chinese font as TrueType, so that PDF figures embed TrueType only (nqpf.figures.fonts, ~2 min)
	$(BIN)/python -m nqpf.figures.fonts
	@touch $(STAMP)

# Re-resolve the pinned versions (needs uv; the result is committed).
lock:
	uv pip compile pyproject.toml --extra workflow --extra test --extra bench --extra build \
	    --generate-hashes --python-version 3.11 --index-url https://pypi.org/simple --no-header \
	    -o requirements.lock

# The configuration schema, generated from the settings models (src/nqpf/*/settings.py); a test checks it is current.
schema: $(STAMP)
	$(BIN)/python -m nqpf.study.schema workflow/schemas/config.schema.json

lint: $(STAMP)
	$(BIN)/ruff check src tests workflow/scripts
	$(BIN)/snakemake --lint

clean-results:
	rm -rf results logs .snakemake/metadata
