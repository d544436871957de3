# All set-up happens here: `make run-scenario` and `make test` work on a fresh clone.
PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
# The stamp is rebuilt (and the project reinstalled) whenever pyproject.toml changes.
STAMP  := $(VENV)/.installed

SCENARIO ?= all
ARGS ?=

.PHONY: run-scenario test sweep report lint clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test]'
	touch $(STAMP)

run-scenario: $(STAMP)
	$(PY) -m harness run $(SCENARIO) $(ARGS)

test: $(STAMP)
	$(PY) -m pytest -q

clean:
	rm -rf $(VENV) build *.egg-info
