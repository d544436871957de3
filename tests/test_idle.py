"""idle: N tasks parked on one event; every model runs it several times in one process and records creation time."""

import importlib
import json
import subprocess
import sys
import textwrap

import os_threads
from fiberlab.models import MODELS
from scenarios.common import digest
from tests import in_process
from tests.conftest import REPO


class RecordingProbe:
    def __init__(self):
        self.records, self.tasks = {}, None

    def snapshot(self, tasks):
        self.tasks = len(tasks)

    def record(self, name, value):
        self.records[name] = value


RUN_SEVERAL_TIMES = textwrap.dedent("""
    import json, sys
    from fiberlab.models import MODELS, load_function
    from tests.test_idle import RecordingProbe
    runs = {}
    for model_id in sys.argv[1:]:  # uvloop last: its setup makes every later loop a uvloop
        model = MODELS[model_id]
        if model.setup:
            load_function(model.setup)()
        module = __import__(model.module_name("idle"), fromlist=["run"])
        runs[model_id] = []
        for _ in range(3):
            probe = RecordingProbe()
            runs[model_id].append([module.run({"tasks": 40}, probe), probe.tasks, probe.records["create_ns_per_task"]])
    print(json.dumps(runs))
""")


def test_idle_runs_several_times_in_one_process_and_records_creation_time():
    python_models = [model for model in MODELS if not MODELS[model].native]  # idle has no C++ files
    order = sorted(python_models, key=lambda model: model == "uvloop")
    proc = subprocess.run([sys.executable, "-c", RUN_SEVERAL_TIMES, *order], cwd=REPO, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    spec = importlib.import_module("scenarios.idle")
    runs = json.loads(proc.stdout)
    assert set(runs) == set(python_models)
    for model, model_runs in runs.items():
        for result, tasks, create_ns in model_runs:
            assert digest(result) == digest(spec.reference({"tasks": 40})), model
            assert tasks == 40 and create_ns > 0, model


def test_the_threads_model_takes_idle_at_its_default_size():
    threads = importlib.import_module("scenarios.idle.threads")
    spec = importlib.import_module("scenarios.idle")
    default = in_process.params(spec)
    assert default["tasks"] == threads.threads_needed(default) <= os_threads.THREAD_LIMIT  # a thread a task
    assert os_threads.refusal(threads, default) is None
