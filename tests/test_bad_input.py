"""Every verb refuses malformed input with one line on stderr and exit 2, never a traceback.

The cases call the CLI in this process (fiberlab.cli.main, the `harness` fixture); a few run
the real `python -m fiberlab` in a process of its own, so the path from the shell is checked too.
"""

import pytest

import scenarios
from tests.conftest import run_cli

BAD_INPUT = {
    # the verb itself
    "no verb": [],
    "unknown verb": ["fly"],
    # list takes no arguments
    "list with an argument": ["list", "pingpong"],
    "list with an unknown option": ["list", "--models", "greenlet"],
    # run: names
    "missing scenario": ["run"],
    "unknown scenario": ["run", "nosuch"],
    "unknown model": ["run", "pingpong", "--models", "greenlet,fortran"],
    "model named twice": ["run", "pingpong", "--models", "greenlet,greenlet"],
    "unknown option": ["run", "pingpong", "--speed", "3"],
    # run: missing values and empty lists
    "models without a value": ["run", "pingpong", "--models"],
    "empty models": ["run", "pingpong", "--models", ""],
    "models list with a hole": ["run", "pingpong", "--models", "greenlet,,asyncio"],
    "param without a value": ["run", "pingpong", "--param"],
    "param without =": ["run", "pingpong", "--param", "rounds"],
    "param with an empty name": ["run", "pingpong", "--param", "=5"],
    "param with an empty value": ["run", "pingpong", "--param", "rounds="],
    "json without a path": ["run", "pingpong", "--json"],
    # run: wrong types
    "unknown param": ["run", "pingpong", "--param", "speed=3"],
    "non-integer param": ["run", "pingpong", "--param", "rounds=many"],
    "fractional param": ["run", "pingpong", "--param", "rounds=2.5"],
    "non-boolean flag param": ["run", "connections", "--param", "split=maybe"],
    "non-decimal fraction param": ["run", "connections", "--param", "drop=lots"],
    "fraction with a comma": ["run", "connections", "--param", "drop=0,1"],
    "fraction not a number (nan)": ["run", "connections", "--param", "drop=nan"],
    "fraction above 1": ["run", "connections", "--param", "drop=1.5"],
    "negative fraction": ["run", "connections", "--param", "drop=-0.01"],
    "fractional delay": ["run", "connections", "--param", "delay_ms=0.5"],
    "sweep of a fraction with one value out of range": ["sweep", "connections", "--param", "drop=0,0.5,2"],
    "repeat not a number": ["run", "pingpong", "--repeat", "x"],
    "timeout not a number": ["run", "pingpong", "--timeout", "soon"],
    "memory limit not a number": ["run", "pingpong", "--memory-limit", "lots"],
    # run: out-of-range numbers
    "negative param": ["run", "pingpong", "--param", "rounds=-5"],
    "param above limit": ["run", "pingpong", "--param", "rounds=999999999999"],
    "param zero below minimum": ["run", "pingpong", "--param", "pairs=0"],
    "repeat zero": ["run", "pingpong", "--repeat", "0"],
    "repeat above 100": ["run", "pingpong", "--repeat", "101"],
    "timeout zero": ["run", "pingpong", "--timeout", "0"],
    "memory limit too small to start": ["run", "pingpong", "--memory-limit", "8"],
    "param only one scenario knows, under all": ["run", "all", "--param", "items=0"],
    # run: where the result goes
    "unwritable json folder": ["run", "pingpong", "--json", "/nonexistent/dir/out.json"],
    "json path is a directory": ["run", "pingpong", "--json", "/tmp"],
    "json in a read-only folder": ["run", "pingpong", "--json", "/proc/out.json"],
    "json with an empty path": ["run", "pingpong", "--json", ""],
    "json path ending in a slash": ["run", "pingpong", "--json", "out.json/"],
    # the same parameter twice, as --models and --python refuse a model or version twice
    "param given twice": ["run", "pingpong", "--param", "rounds=5", "--param", "rounds=6"],
    "param given twice in a sweep": ["sweep", "pingpong", "--param", "pairs=1,2", "--param", "rounds=5",
                                     "--param", "rounds=6"],
    # a threads model named in --models beyond its limit, refused before any run by sweep as by run
    "sweep of threads beyond their limit": ["sweep", "spawn", "--models", "threads", "--param", "leaves=10,100000"],
    # timing plans and pyperf files
    "fast and rigorous at once": ["run", "pingpong", "--fast", "--rigorous"],
    "values zero": ["run", "pingpong", "--values", "0"],
    "values not a number": ["run", "pingpong", "--values", "many"],
    "pyperf path is a directory": ["run", "pingpong", "--pyperf", "/tmp"],
    "pyperf in a missing folder": ["run", "pingpong", "--pyperf", "/nonexistent/dir/a.json"],
    "pyperf and json the same file": ["run", "pingpong", "--json", "/tmp/same.json", "--pyperf", "/tmp/same.json"],
    "sweep values above 100": ["sweep", "generator", "--param", "items=10,20", "--values", "101"],
}

HUGE = "9" * 5_000  # past int()'s 4,300-digit limit, where int() itself says "invalid literal"
TOO_LARGE = {
    "5,000-digit param": (["run", "pingpong", "--param", f"rounds={HUGE}"], "rounds must be between"),
    "5,000-digit repeat": (["run", "pingpong", "--repeat", HUGE], "--repeat must be between"),
}

# `sweep` and `serve` (fiberlab/sweep.py, fiberlab/serve.py) were not in the tree
# when this was written: add their cases here as they land.


def refused_in_one_line(done, stdout=""):
    assert done.returncode == 2, done.stdout + done.stderr
    assert done.stdout.startswith(stdout) if stdout else done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert done.stderr.startswith("fiberlab: ") and done.stderr.endswith("\n")
    assert "Traceback" not in done.stderr
    return done.stderr


@pytest.mark.parametrize("args", BAD_INPUT.values(), ids=BAD_INPUT.keys())
def test_bad_input_gets_one_line_and_exit_2(args, harness):
    refused_in_one_line(harness(*args))


THROUGH_A_PROCESS = ["no verb", "unknown model", "param above limit", "sweep of threads beyond their limit",
                     "unwritable json folder"]


@pytest.mark.parametrize("case", THROUGH_A_PROCESS)
def test_bad_input_through_python_m_fiberlab_gets_the_same_one_line(case, harness):
    in_process = refused_in_one_line(harness(*BAD_INPUT[case]))
    assert refused_in_one_line(run_cli(*BAD_INPUT[case], timeout=30)) == in_process


@pytest.mark.parametrize("args, message", TOO_LARGE.values(), ids=TOO_LARGE.keys())
def test_a_huge_number_is_called_out_of_range_not_a_non_integer(args, message, harness):
    stderr = refused_in_one_line(harness(*args))
    assert message in stderr and "5,000-digit" in stderr, stderr


@pytest.mark.parametrize("verb", [["run", "generator"], ["list"], ["serve", "connections", "--model", "greenlet"]],
                         ids=["run", "list", "serve"])
def test_a_bad_extra_models_module_is_one_line_and_exit_2(verb, harness, monkeypatch):
    monkeypatch.setenv("FIBERLAB_EXTRA_MODELS", "tests.no_such_module")
    # `list` prints the scenarios before it reaches the models (fiberlab/cli.py cmd_list): the refusal comes after them
    stderr = refused_in_one_line(harness(*verb), stdout=f"{scenarios.names()[0]} — " if verb == ["list"] else "")
    assert "FIBERLAB_EXTRA_MODELS='tests.no_such_module'" in stderr


def test_a_bad_extra_models_module_through_python_m_harness():
    import os
    import subprocess
    import sys

    from tests.conftest import REPO

    env = dict(os.environ, FIBERLAB_EXTRA_MODELS="tests.no_such_module")
    proc = subprocess.run([sys.executable, "-m", "fiberlab", "run", "generator"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=30)
    assert refused_in_one_line(proc).count("FIBERLAB_EXTRA_MODELS='tests.no_such_module'") == 1


@pytest.mark.parametrize("module", ["tests.fake_models_exit", "tests.fake_models_not_models"])
@pytest.mark.parametrize("verb", [["run", "generator"], ["list"]], ids=["run", "list"])
def test_an_extra_models_module_that_exits_or_holds_no_models_is_one_line_and_exit_2(module, verb, harness,
                                                                                     monkeypatch):
    monkeypatch.setenv("FIBERLAB_EXTRA_MODELS", module)
    stderr = refused_in_one_line(harness(*verb), stdout=f"{scenarios.names()[0]} — " if verb == ["list"] else "")
    assert f"FIBERLAB_EXTRA_MODELS={module!r}" in stderr


@pytest.mark.parametrize("option", ["--json", "--pyperf"])
def test_a_relative_output_path_after_the_current_folder_was_deleted_is_one_line(option, harness, tmp_path,
                                                                                monkeypatch):
    gone = tmp_path / "gone"
    gone.mkdir()
    monkeypatch.chdir(gone)
    gone.rmdir()
    stderr = refused_in_one_line(harness("run", "pingpong", option, "out.json"))
    assert f"{option} 'out.json' is relative, and the current folder no longer exists" in stderr


@pytest.mark.parametrize("entry", [["-m", "fiberlab"], ["-c", "from fiberlab.launch import main_exit; main_exit()"]],
                         ids=["python -m fiberlab", "console script"])
def test_too_little_address_space_to_load_the_lab_is_one_line_not_a_traceback(entry):
    import resource
    import subprocess
    import sys

    from tests.conftest import REPO

    def cap():  # room for the interpreter, not for numpy's and scipy's shared libraries
        resource.setrlimit(resource.RLIMIT_AS, (60_000 * 1024, resource.RLIM_INFINITY))

    proc = subprocess.run([sys.executable, *entry, "list"], cwd=REPO, capture_output=True, text=True,
                          timeout=60, preexec_fn=cap)
    stderr = refused_in_one_line(proc)
    assert stderr.startswith("fiberlab: cannot start: ") and "ulimit -v" in stderr


def test_a_pyperf_path_that_is_a_pipe_is_refused_before_the_run_rather_than_replaced(harness, tmp_path):
    import os
    import stat

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    stderr = refused_in_one_line(harness("run", "pingpong", "--pyperf", str(fifo)))
    assert "is not a regular file (a device or a pipe)" in stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode)


def test_an_atomic_replace_never_puts_a_file_in_place_of_a_pipe(tmp_path):
    import os
    import stat

    from fiberlab import output

    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    with pytest.raises(OSError, match="not a regular file"):
        output.replace_atomically(str(fifo), lambda tmp: open(tmp, "w").close())
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and os.listdir(tmp_path) == ["fifo"]


def test_ctrl_c_while_a_lab_module_loads_is_one_line_and_exit_130():
    import signal
    import subprocess
    import sys

    from tests.conftest import REPO

    proc = subprocess.Popen([sys.executable, "-m", "fiberlab.launch", "tests.slow_to_load"], cwd=REPO,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    assert proc.stdout.readline() == "loading\n"
    proc.send_signal(signal.SIGINT)
    _out, err = proc.communicate(timeout=30)
    assert proc.returncode == 130 and err == "slow_to_load: interrupted by SIGINT\n"
