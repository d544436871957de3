"""The native floor: C++ models built on demand, matching the reference, and left out cleanly without a compiler."""

import functools
import json
import os
import shutil
import stat
import subprocess
import sys
import threading

import pytest

import scenarios
from fiberlab import native, options, pipeline, timing_plan
from fiberlab.models import EXTRA_MODELS, MODELS, all_models
from fiberlab.result import ModelEntry, Result
from fiberlab.selection import select_models
from tests.conftest import REPO

FAST = timing_plan.PLANS["fast"]  # one timed process: a native binary gives all the plan's values in it

NATIVE_SCENARIOS = ["deep_chain", "generator", "pingpong", "spawn"]
NATIVE_MODELS = [model_id for model_id, model in all_models().items() if model.native]
# glibc's swapcontext runs cpp_fibers' files: one scenario shows it works, without four more compiles.
CASES = [(name, model_id) for name in NATIVE_SCENARIOS for model_id in NATIVE_MODELS
         if all_models()[model_id].floor or name == "pingpong"]
needs_compiler = pytest.mark.skipif(native.unavailable() is not None, reason=f"{native.unavailable()}")
pytestmark = pytest.mark.usefixtures("native_binaries")  # built two at a time, first (tests/conftest.py)


class Quiet:
    def __call__(self, text):
        pass

    print = clear = __call__


def small_params(name):
    spec = scenarios.load(name)
    return spec, dict({p.name: p.default for p in spec.PARAMS}, **spec.SMALL)


def test_native_models_have_a_cpp_file_in_exactly_the_four_native_scenarios():
    for model_id in NATIVE_MODELS:
        assert [name for name in scenarios.names() if all_models()[model_id].has_file(name)] == NATIVE_SCENARIOS


def test_the_default_models_hold_the_two_floors_and_not_swapcontext():
    assert {"cpp_coroutines", "cpp_fibers"} <= set(MODELS) and "cpp_ucontext" not in MODELS
    assert "cpp_ucontext" in EXTRA_MODELS and not EXTRA_MODELS["cpp_ucontext"].floor


@needs_compiler
@pytest.mark.parametrize("name,model_id", CASES, ids=[f"{name}-{model}" for name, model in CASES])
def test_every_native_model_agrees_with_the_sequential_reference(name, model_id):
    spec, params = small_params(name)
    result = pipeline.run_scenario(name, spec, params, [model_id],
                                   pipeline.Options(plan=FAST, timeout_s=120, memory_passes=False), Quiet())
    entry = result.models[model_id]
    assert entry.status == "ok", entry.error
    assert entry.digest == result.reference_digest
    # A binary takes its values as the Python worker does: after an in-process warm-up, the fast plan's
    # one timed process gives all its values, each the mean of a calibrated loop count, CPU time beside them.
    assert len(entry.wall_s.values) == FAST.values and entry.timing.values_per_process == FAST.values
    assert entry.timing.loops >= 1 and entry.cpu_s.mean >= 0
    stack = entry.stack
    if all_models()[model_id].stack == "stackful":  # a fiber: its stack in use, resident and reserved
        assert 0 < stack.c_stack_bytes_per_task <= stack.stack_reserved_bytes_per_task
        assert stack.stack_touched_bytes_per_task >= 4096
    else:  # a coroutine: the frames on its chain, counted by the promise's operator new
        assert stack.frames_per_task >= 1 and stack.frame_bytes_per_task > 0
        assert stack.allocator_bytes_per_task > 0


@needs_compiler
@pytest.mark.parametrize("name", NATIVE_SCENARIOS)
def test_every_native_binary_gives_one_digest_across_a_warm_up_and_10_runs_in_one_process(name):
    """The timed pass runs the scenario again and again in one process (the runtime's state is
    reset between runs): 5 values of 2 runs each after the warm-up, every result the reference's."""
    spec, params = small_params(name)
    for model_id in ("cpp_coroutines", "cpp_fibers"):
        binary = native.binary(MODELS[model_id], name)
        job = {"pass": "time", "params": params, "values": 5, "loops": 2}
        outcome = pipeline.run_worker(job, 60, argv=functools.partial(native.argv, binary), spec=spec)
        assert outcome.status == "ok", outcome
        assert outcome.digests == [pipeline.digest(spec.reference(params))], model_id
        assert len(outcome.wall_values) == len(outcome.cpu_values) == 5 and outcome.loops == 2


@needs_compiler
def test_deep_chain_coroutines_hold_one_frame_per_level_and_fibers_one_stack():
    spec, params = small_params("deep_chain")
    result = pipeline.run_scenario("deep_chain", spec, params, ["cpp_coroutines", "cpp_fibers"],
                                   pipeline.Options(plan=FAST, timeout_s=120, memory_passes=False), Quiet())
    assert result.models["cpp_coroutines"].stack.frames_per_task == params["depth"] + 1  # + the bottom
    assert result.models["cpp_fibers"].stack.frames_per_task is None


def test_a_binary_is_built_once_under_concurrent_asks_and_again_when_its_source_changes(tmp_path, monkeypatch):
    """The build logic (lock, fingerprint) with a stand-in compiler that only writes its -o file,
    slowly, so three threads asking at once really overlap."""
    (tmp_path / "scenarios" / "generator").mkdir(parents=True)
    shutil.copytree(REPO / "fiberlab" / "cpp", tmp_path / "native")
    source = tmp_path / "scenarios" / "generator" / "cpp_fibers.cpp"
    shutil.copy(REPO / "scenarios" / "generator" / "cpp_fibers.cpp", source)
    compiles = tmp_path / "compiles.log"
    compiler = tmp_path / "slow-c++"
    compiler.write_text("#!/bin/sh\n"
                        'case "$1" in --version) echo "g++ 12";; -dumpversion) echo 12;; *)\n'
                        f'  echo x >> {compiles}; sleep 0.3\n'
                        '  while [ "$1" != -o ]; do shift; done; echo binary > "$2"; chmod +x "$2";; esac\n')
    compiler.chmod(compiler.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("CXX", str(compiler))
    monkeypatch.setattr(native, "REPO_ROOT", tmp_path)
    monkeypatch.setattr(native, "SCENARIOS", tmp_path / "scenarios")
    monkeypatch.setattr(native, "NATIVE", tmp_path / "native")
    monkeypatch.setattr(native, "BUILD", tmp_path / "build")
    model = MODELS["cpp_fibers"]
    paths = []
    threads = [threading.Thread(target=lambda: paths.append(native.binary(model, "generator"))) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(compiles.read_text().splitlines()) == 1 and len(set(paths)) == 1 and paths[0].exists()
    native.binary(model, "generator")
    assert len(compiles.read_text().splitlines()) == 1  # unchanged: not rebuilt
    source.write_text(source.read_text() + "// a change\n")
    native.binary(model, "generator")
    assert len(compiles.read_text().splitlines()) == 2


def fake_compiler(tmp_path, version, compiles=True):
    script = tmp_path / f"fake-c++-{version}-{compiles}"
    build = "exit 0" if compiles else "echo 'x.cpp:1:1: error: boom' >&2; exit 1"
    script.write_text("#!/bin/sh\n"
                      f'case "$1" in --version) echo "fake g++ {version}";; -dumpversion) echo "{version}";;\n'
                      f"  *) {build};; esac\n")
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    return str(script)


@pytest.mark.parametrize("case", ["missing", "too old", "mute", "usable"])
def test_the_compiler_check_names_each_reason_in_one_line(case, tmp_path, monkeypatch):
    command = {"missing": "/nonexistent", "too old": fake_compiler(tmp_path, "9.4.0"),
               "mute": fake_compiler(tmp_path, "unknown"), "usable": fake_compiler(tmp_path, "12.2.0")}[case]
    monkeypatch.setenv("CXX", command)
    reason = native.unavailable()
    expected = {"missing": "no C++ compiler: /nonexistent not found", "too old": "C++ compiler too old",
                "mute": "says nothing usable", "usable": None}[case]
    if expected is None:
        assert reason is None
    else:
        assert expected in reason and "\n" not in reason


def test_a_source_that_does_not_compile_is_that_models_error(tmp_path, monkeypatch):
    monkeypatch.setenv("CXX", fake_compiler(tmp_path, "12.2.0", compiles=False))
    monkeypatch.setattr(native, "BUILD", tmp_path / "build")
    spec, params = small_params("generator")
    result = pipeline.run_scenario("generator", spec, params, ["cpp_fibers"],
                                   pipeline.Options(plan=FAST, timeout_s=60, memory_passes=False), Quiet())
    entry = result.models["cpp_fibers"]
    assert entry.status == "error" and result.match is False
    assert entry.error == "build: scenarios/generator/cpp_fibers.cpp did not compile: x.cpp:1:1: error: boom"


@pytest.mark.parametrize("explicit", [False, True])
def test_without_a_compiler_native_models_are_left_out_by_default_and_refused_when_named(explicit, monkeypatch):
    monkeypatch.setenv("CXX", "/nonexistent")
    ids = ["greenlet", "cpp_coroutines", "cpp_fibers"]
    plans = [("generator", scenarios.load("generator"), {"items": 10})]
    if explicit:
        with pytest.raises(options.UsageError, match="^cpp_coroutines, cpp_fibers: no C.. compiler: /nonexistent"):
            select_models(plans, ids, explicit=True, memory_limit_bytes=None)
    else:
        selection = select_models(plans, ids, explicit=False, memory_limit_bytes=None)
        assert selection.choices[0].kept == ("greenlet",)
        assert [line[:52] for line in selection.notes()] == ["cpp_coroutines, cpp_fibers left out: no C++ compiler"]


def test_naming_a_native_model_without_a_compiler_is_one_line_and_exit_2():
    env = dict(os.environ, CXX="/nonexistent")
    proc = subprocess.run([sys.executable, "-m", "fiberlab", "run", "pingpong", "--models", "greenlet,cpp_fibers"],
                          cwd=REPO, env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.splitlines() == [
        "fiberlab: cpp_fibers: no C++ compiler: /nonexistent not found (set CXX to g++ >= 11 or clang++ >= 14)"]


def entry(ns_per_op, status="ok"):
    return ModelEntry(status=status, ns_per_op=ns_per_op)


@pytest.mark.parametrize("case", ["fastest native", "no native", "swapcontext is no floor", "failed native"])
def test_the_floor_is_the_fastest_ok_native_row(case):
    models = {"fastest native": {"greenlet": entry(700.0), "cpp_fibers": entry(20.0), "cpp_coroutines": entry(10.0)},
              "no native": {"greenlet": entry(700.0)},
              "swapcontext is no floor": {"cpp_ucontext": entry(5.0), "cpp_fibers": entry(20.0)},
              "failed native": {"greenlet": entry(700.0), "cpp_fibers": entry(None, "crashed")}}[case]
    result = Result(scenario="x", params={}, models=models)
    pipeline.add_floor(result)
    expected = {"fastest native": ("cpp_coroutines", 70.0), "no native": None,
                "swapcontext is no floor": ("cpp_fibers", None), "failed native": None}[case]
    if expected is None:
        assert result.floor is None and all(e.vs_floor is None for e in models.values())
    else:
        assert result.floor.model == expected[0]
        if expected[1]:
            assert models["greenlet"].vs_floor == expected[1]
        assert models[expected[0]].vs_floor == 1.0


@needs_compiler
def test_the_table_shows_the_ratio_to_the_native_floor(tmp_path):
    path = tmp_path / "out.json"
    proc = subprocess.run([sys.executable, "-m", "fiberlab", "run", "generator", "--param", "items=2000", "--repeat", "1",
                           "--models", "coroutines,cpp_coroutines", "--wide", "--json", str(path)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    result = json.loads(path.read_text())
    assert result["floor"]["model"] == "cpp_coroutines"
    assert result["models"]["coroutines"]["vs_floor"] > 1
    assert "vs native" in proc.stdout and "the native floor" in proc.stdout


@needs_compiler
def test_deep_chain_via_c_is_unsupported_on_cpp_coroutines_and_runs_on_cpp_fibers():
    spec, params = small_params("deep_chain")
    params["via"] = "c"
    result = pipeline.run_scenario("deep_chain", spec, params, ["cpp_coroutines", "cpp_fibers"],
                                   pipeline.Options(plan=FAST, timeout_s=120, memory_passes=False), Quiet())
    assert result.models["cpp_coroutines"].status == "unsupported"
    assert "suspends only its own frame" in result.models["cpp_coroutines"].error
    assert result.models["cpp_fibers"].status == "ok" and result.match is True


@needs_compiler
def test_a_native_model_beyond_its_memory_limit_is_an_out_of_memory_error_not_a_crash():
    spec = scenarios.load("spawn")
    params = {"leaves": 1_000_000}
    result = pipeline.run_scenario("spawn", spec, params, ["cpp_coroutines", "cpp_fibers"],
                                   pipeline.Options(plan=FAST, timeout_s=120, memory_passes=False, memory_limit_bytes=64 * 2**20), Quiet())
    for model_id in ("cpp_coroutines", "cpp_fibers"):
        entry = result.models[model_id]
        assert entry.status == "error", model_id
        assert entry.error == "check: out of memory (address-space limit 64 MiB): std::bad_alloc"
