"""The line budget of scenario model files (docs/design.md: a scenario model file fits on one screen).

Every file a registered model runs in a scenario folder, read from the
registry (fiberlab/models.py), not from a hand-made list: a new model or a new
scenario is checked without touching this test. Python model files have 80
lines; C++ files (the native models) have their own budget of 100, since a
C++ file spends lines a Python one does not (includes, closing braces, the
main() that parses argv). What does not fit belongs in the runtime layer
(fibers/, coroutines/, os_threads/, runtime/) or the spec.
"""

from pathlib import Path

import pytest

import scenarios
from fiberlab.models import EXTRA_MODELS, MODELS

SCENARIOS = Path(scenarios.__file__).resolve().parent
BUDGET = {".py": 80, ".cpp": 100}  # lines per model file, by its language


def model_files():
    """(scenario, source file name) for every registered model's file that exists in a scenario folder."""
    sources = sorted({model.source_name for model in {**MODELS, **EXTRA_MODELS}.values()})
    return [(scenario, source) for scenario in scenarios.names() for source in sources
            if (SCENARIOS / scenario / source).is_file()]


def helper_files():
    """Every other Python file under a scenario folder but its spec (__init__.py): the helpers
    model files share (rendezvous.py, samples.py, split.py, servers/, the floors), read beside them."""
    models = {SCENARIOS / scenario / source for scenario, source in model_files()}
    return sorted(str(path.relative_to(SCENARIOS)) for scenario in scenarios.names()
                  for path in (SCENARIOS / scenario).rglob("*.py")
                  if path.name != "__init__.py" and path not in models)


def lines_of(path):
    return len(path.read_text(encoding="utf-8").splitlines())


@pytest.mark.parametrize(("scenario", "source"), model_files(), ids=lambda value: value)
def test_every_scenario_model_file_fits_its_line_budget(scenario, source):
    path = SCENARIOS / scenario / source
    budget = BUDGET[path.suffix]
    assert lines_of(path) <= budget, (f"scenarios/{scenario}/{source} has {lines_of(path)} lines, over its budget "
                                      f"of {budget}: move what is no suspension to the runtime layer or the spec")


def test_the_budget_covers_every_python_model_in_every_scenario_that_has_its_file():
    """The check above is not vacuous: each registered Python model's file is among
    those checked wherever the model runs, in every scenario."""
    checked = set(model_files())
    for model in MODELS.values():
        for scenario in scenarios.names():
            if not model.native and model.has_file(scenario):
                assert (scenario, model.source_name) in checked
    assert {source for _, source in checked} >= {"greenlet_fibers.py", "asyncio_tasks.py", "threads.py"}


@pytest.mark.parametrize("relative", helper_files())
def test_every_helper_file_in_a_scenario_folder_fits_the_same_budget(relative):
    path = SCENARIOS / relative
    assert lines_of(path) <= BUDGET[".py"], (f"scenarios/{relative} has {lines_of(path)} lines, over the budget of "
                                             f"{BUDGET['.py']}: split it by job, or move it to the runtime layer or the spec")


def test_the_helper_files_include_connections_rendezvous_and_its_servers():
    assert {"connections/rendezvous.py", "connections/barrier.py", "connections/servers/threads.py"} <= set(helper_files())
