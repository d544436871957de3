"""What a result says about where and when it was measured (fiberlab/environment.py)."""

import datetime
import os
import subprocess
import sys
import time

from fiberlab import cli, environment, table
from fiberlab.result import Environment, Result


def test_a_result_records_date_load_commit_versions_and_cpu():
    env = environment.describe()
    assert datetime.datetime.fromisoformat(environment.now()).tzinfo is not None
    assert len(environment.load()) == 3 and all(load >= 0 for load in environment.load())
    assert env["commit"] is None or len(env["commit"]) == 40
    for package in ("python", "greenlet", "gevent", "uvloop", "cpu"):
        assert env[package], package


def test_a_load_above_the_cores_at_the_start_is_one_warning_line_and_below_none():
    assert environment.busy_warning(Environment(load_start=[1.5, 1.0, 1.0], cores=2)) is None
    busy = Environment(load_start=[4.25, 3.0, 2.0], cores=2)
    line = environment.busy_warning(busy)
    assert line.startswith("warning: load average 4.25") and "2 cores" in line
    result = Result(scenario="s", params={}, match=True, environment=busy)
    assert line in table.render(result).splitlines() and len(line) <= 100
    # the load average of work that just ended, on cores that are idle now: the line says both
    after = environment.busy_warning(Environment(load_start=[136.77, 40.0, 20.0], cores=2, busy_start=0.04))
    assert after.startswith("warning: load average 136.77") and "(0.0 of them busy; docs/timing.md)" in after and len(after) <= 100


def test_busy_cores_tells_a_spinning_process_from_an_idle_machine():
    spinner = subprocess.Popen([sys.executable, "-c", "while True: pass"])
    try:
        time.sleep(0.2)
        spinning = environment.busy_cores(0.5)
    finally:
        spinner.kill()
        spinner.wait()
    assert spinning is not None and 0.8 <= spinning <= os.cpu_count()  # the spinner's core at least
    assert environment.busy_cores(0.05) is not None


def test_a_run_of_several_scenarios_ends_with_one_line_per_phase_summed_over_them():
    results = [Result(scenario="a", params={}, match=True, phases_s={"untimed runs": 3.0, "timed processes": 6.0}),
               Result(scenario="b", params={}, match=True, phases_s={"untimed runs": 1.0, "timed processes": 10.0})]
    assert cli.phase_lines(results) == ["time: untimed runs: 4.0 s (20%)", "time: timed processes: 16.0 s (80%)",
                                        "time by scenario: b 11 s, a 9 s"]
    assert cli.phase_lines([Result(scenario="a", params={}, match=True)]) == []  # nothing timed: no line
