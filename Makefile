# All set-up happens here: `make run-scenario` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# The stamp is rebuilt (and the project reinstalled) whenever pyproject.toml changes.
STAMP  := $(VENV)/.installed

SCENARIO ?= all
ARGS ?=

.PHONY: run-scenario test sweep report lint clean compare-pythons outside-load

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run-scenario: $(STAMP)
	$(PY) -m fiberlab run $(SCENARIO) $(ARGS)

# ruff first: it takes a second, and a lint error fails CI (.ci/run) as a failing test does.
# The suite runs on two workers (pytest-xdist): every test makes its own files, ports and processes.
test: $(STAMP)
	$(PY) -m ruff check .
	$(PY) -m pytest -q -n 2

# The scenarios at default sizes on every interpreter found among 3.10-3.13 (each gets
# its venv in .venv-pythons/ once); a version whose interpreter or wheels are missing is
# named as unavailable on one line and left out. One table per scenario, quickest first;
# a scenario not in the tree is passed over. Each scenario's result is also written (atomically)
# to $(PYTHONS_OUT)/<scenario>.json, where `make report` finds it for its by-interpreter charts.
# One process runs it all, and a signal to make reaches it (FIBERLAB_STOP_WITH_PARENT).
# Exit status: the worst of the runs.
COMPARE_SCENARIOS ?= generator,pingpong,deep_chain,connections
PYTHON_VERSIONS ?= 3.10,3.11,3.12,3.13
PYTHONS_OUT ?= results/pythons
compare-pythons: $(STAMP)
	mkdir -p $(PYTHONS_OUT)
	FIBERLAB_STOP_WITH_PARENT=1 $(PY) -m fiberlab.launch fiberlab.lab.compare_pythons --out $(PYTHONS_OUT) \
	  --versions $(PYTHON_VERSIONS) --scenarios $(COMPARE_SCENARIOS) -- $(ARGS)

# The standard sweeps into results/ (JSON), then the static report from them.
# SWEEPS=name,name runs only those (names: python -m fiberlab.lab.standard_sweeps --help).
# A signal to make reaches the sweep too (FIBERLAB_STOP_WITH_PARENT: it asks for SIGTERM when make dies).
SWEEPS ?=
sweep: $(STAMP)
	FIBERLAB_STOP_WITH_PARENT=1 $(PY) -m fiberlab.launch fiberlab.lab.standard_sweeps --out results $(if $(SWEEPS),--only $(SWEEPS)) $(ARGS)

# Outside load: wrk against each model's `fiberlab serve http` and the reference servers
# (uvicorn --http h11 on asyncio and uvloop, gevent.pywsgi, ThreadingHTTPServer) at 1, 100 and
# 1,000 connections, into results/http_outside.json; left out in one line without wrk.
outside-load: $(STAMP)
	$(PY) -m pip install --quiet -e '.[outside]'
	$(PY) -m fiberlab.lab.http_outside --out results $(ARGS)

# fiberlab.launch loads the lab's modules guarded, here as for `fiberlab`: Ctrl-C or a low
# `ulimit -v` while numpy and scipy load is one line, not a traceback.
report: $(STAMP)
	$(PY) -m fiberlab.launch fiberlab.lab.report --results results

lint: $(STAMP)
	$(PY) -m ruff check .

clean:
	rm -rf $(VENV) .venv-pythons build *.egg-info
