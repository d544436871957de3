"""The fiberlab: result format, failure isolation, exit codes (bad input: test_bad_input.py)."""

import json

import pytest

from fiberlab import native, table
from fiberlab.models import MODELS
from fiberlab.result import Result

from tests.conftest import run_cli

SMALL = ["--param", "rounds=200", "--param", "pairs=2", "--repeat", "1"]


@pytest.fixture(scope="module")
def pingpong_result(tmp_path_factory, native_binaries):  # every default model runs, the native ones too
    path = tmp_path_factory.mktemp("result") / "out.json"
    proc = run_cli("run", "pingpong", *SMALL, "--traced", "--json", str(path))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return json.loads(path.read_text()), proc


def test_result_json_has_every_documented_field_with_its_type(pingpong_result):
    result, _ = pingpong_result
    assert result["scenario"] == "pingpong" and result["match"] is True
    assert result["params"] == {"rounds": 200, "pairs": 2}
    for key in ("python", "greenlet", "gevent", "gevent_loop", "platform", "cpu", "cores"):
        assert key in result["environment"]
    # Native models are in the default run where a C++ compiler is (tests/test_native.py checks both ways).
    assert set(result["models"]) == {model for model in MODELS if not MODELS[model].native or not native.unavailable()}
    for model_id, entry in result["models"].items():
        native_runtime = MODELS[model_id].native  # no tracemalloc in C++; a fiber's frames are not counted
        assert entry["status"] == "ok" and entry["error"] is None
        assert entry["digest"] == result["reference_digest"]
        assert entry["ops"] == 400
        wall = entry["wall_s"]
        values = 3  # --repeat 1: one process of 3 values, a native binary too
        assert wall["median"] > 0 and len(wall["values"]) == values and wall["processes"] == 1
        assert wall["min"] <= wall["mean"] <= wall["max"]
        if not native_runtime:
            assert wall["stdev"] >= 0 and 0 < wall["ci95"][0] <= wall["center"] <= wall["ci95"][1]
        assert len(entry["cpu_s"]["values"]) == values and entry["cpu_s"]["mean"] > 0
        assert isinstance(entry["noisy"], bool)
        # On a busy machine a run may outlast a value and be timed at fewer rounds; never more, same pairs.
        timed = entry["timing"]["params"]
        assert timed["pairs"] == 2 and 2 <= timed["rounds"] <= 200 and entry["timing"]["loops"] >= 1
        assert entry["timing"]["ops"] == timed["rounds"] * timed["pairs"]
        judged = entry["cpu_s"] if entry["timing"]["clock"] == "cpu" else wall  # docs/timing.md, "Clocks"
        assert entry["ns_per_op"] == pytest.approx(judged["center"] / entry["timing"]["ops"] * 1e9)
        assert entry["ns_per_op"] > 0
        assert entry["mechanism"] and entry["mechanism"] == MODELS[model_id].mechanism("pingpong")
        if not native_runtime:  # the bare-greenlet floor is timed in a Python worker; native rows have vs native
            assert entry["baseline_ns_per_op"] > 0 and entry["vs_baseline"] > 0  # the floor, beside each model's
        memory = entry["memory"]
        assert memory["peak_rss_bytes"] > 0 and (native_runtime or memory["traced_peak_bytes"] > 0)
        assert isinstance(memory["rss_delta_bytes"], int) and isinstance(memory["uss_delta_bytes"], int)
        assert isinstance(memory["bytes_per_task"], float)
        stack = entry["stack"]
        assert stack["tasks"] == 4 and (native_runtime == "fibers" or stack["frames_per_task"] >= 1)
        if native_runtime:
            continue  # the native rows' own stack figures: tests/test_native.py
        assert stack["frame_bytes_per_task"] > 0  # every model's Python frames, as a part
        if MODELS[model_id].stack == "stackless" or model_id == "threads":
            assert stack["c_stack_bytes_per_task"] is None  # nothing copied: on no C stack, or on the thread's own
        else:
            assert stack["c_stack_bytes_min"] <= stack["c_stack_bytes_per_task"] <= stack["c_stack_bytes_max"]
            assert stack["c_stack_bytes_min"] > 0
        assert result["gc"] == "on" and entry["gc_s"] >= 0 and 0 <= entry["gc_share"] <= 1


def test_table_names_every_model_and_says_all_matched(pingpong_result):
    result, proc = pingpong_result
    assert len(result["models"]) >= len([model for model in MODELS.values() if not model.native])
    for model_id in result["models"]:  # every model of the registry that ran (test_result_json_... says which)
        assert f"\n{model_id} " in proc.stdout
    assert "mechanism" in proc.stdout and "verdict: " in proc.stdout
    assert "vs bare" in table.render(Result.from_json(result), wide=True)  # the floor column is one of every column
    assert "every model matched the reference" in proc.stdout


def test_a_model_that_returns_a_wrong_result_is_a_mismatch_and_exit_1(harness_json):
    proc, result = harness_json("run", "generator", "--param", "items=50", "--repeat", "1",
                                "--models", "greenlet,fake-wrong", extra_models=True)
    assert proc.returncode == 1
    assert result["models"]["fake-wrong"]["status"] == "mismatch"
    assert result["models"]["greenlet"]["status"] == "ok"
    assert result["match"] is False


def test_a_crash_and_a_hang_are_reported_while_the_other_models_still_run(harness_json):
    proc, result = harness_json("run", "generator", "--param", "items=50", "--repeat", "1", "--timeout", "3",
                                "--models", "fake-crash,fake-hang,fake-raise,asyncio", extra_models=True)
    assert proc.returncode == 1
    models = result["models"]
    assert models["fake-crash"]["status"] == "crashed" and "SIGSEGV" in models["fake-crash"]["error"]
    assert models["fake-hang"]["status"] == "timeout"
    assert models["fake-raise"]["status"] == "error" and "this model always fails" in models["fake-raise"]["error"]
    assert models["asyncio"]["status"] == "ok"


def test_trace_prints_switches_in_the_same_format_for_every_model(harness):
    proc = harness("run", "pingpong", "--param", "rounds=2", "--trace")
    assert proc.returncode == 0, proc.stderr
    hops = (("greenlet", "pong-0 -> ping-0"), ("gevent", "-> hub"), ("asyncio", "loop -> ping-0"),
            ("coroutines", "loop -> ping-0"), ("uvloop", "loop -> ping-0"))
    for model_id, hop in hops:
        assert any(line.startswith(f"[{model_id}] ") and hop in line for line in proc.stdout.splitlines()), model_id


def test_trace_lists_each_gevent_greenlet_made_before_it_first_runs(harness):
    proc = harness("run", "pingpong", "--param", "rounds=3", "--models", "gevent", "--trace")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert "[gevent] created ping-0" in lines and "[gevent] hub -> ping-0" in lines
    assert lines.index("[gevent] created ping-0") < lines.index("[gevent] hub -> ping-0")


def test_list_shows_scenarios_parameters_and_models(harness):
    proc = harness("list")
    assert proc.returncode == 0
    for word in ("pingpong", "generator", "rounds", "items", "greenlet", "gevent", "asyncio"):
        assert word in proc.stdout


def test_list_groups_the_models_as_stack_model_by_runtime(harness):
    lines = harness("list").stdout.splitlines()
    assert "  stackful   own scheduler       greenlet" in lines
    assert "  stackful   production runtime  gevent" in lines
    assert "  stackless  own scheduler       coroutines" in lines
    assert "  stackless  production runtime  asyncio, uvloop" in lines


def test_the_table_groups_models_as_the_2x2_of_stack_model_and_runtime(pingpong_result):
    result, proc = pingpong_result
    two_by_two = [["greenlet", "stackful·own"], ["gevent", "stackful·runtime"],
                  ["coroutines", "stackless·own"], ["asyncio", "stackless·runtime"]]

    def rows(text):
        return [line.split()[:2] for line in text.splitlines() if line.split() and line.split()[0] in dict(two_by_two)]

    # The compact table keeps the order; --wide names each row's place in the 2x2.
    assert [row[0] for row in rows(proc.stdout)][:4] == [model for model, _kind in two_by_two]
    given = ("asyncio", "greenlet", "coroutines", "gevent")  # whatever order the models ran in
    chosen = Result.from_json(dict(result, models={model: result["models"][model] for model in given}))
    assert rows(table.render(chosen, wide=True))[:4] == two_by_two


def test_a_reference_that_takes_a_while_is_said_on_stderr_before_it_is_computed(capsys, monkeypatch):
    import scenarios
    from fiberlab import pipeline
    from scenarios.spec import resolve

    spec = scenarios.load("pingpong")
    params = resolve(spec, "pingpong", ["rounds=1000", "pairs=1"])
    monkeypatch.setattr(pipeline, "REFERENCE_SAID_OPS", spec.ops(params) + 1)
    assert pipeline.reference("pingpong", spec, params) == spec.reference(params)
    assert capsys.readouterr().err == ""
    monkeypatch.setattr(pipeline, "REFERENCE_SAID_OPS", spec.ops(params))
    pipeline.reference("pingpong", spec, params)
    assert capsys.readouterr().err == (f"pingpong: computing the reference ({spec.ops(params):,} ops in plain Python) "
                                       "before any model runs\n")
