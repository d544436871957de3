"""The terminal's answer: a compact table that fits 100 columns, a verdict per scenario, the
same tables as Markdown and CSV, --wide with every column, and progress that never costs a run.

Most cases render synthetic results made by the pipeline's own summarize_model (so every field
is as a run writes it); a few run the CLI at small sizes."""

import csv
import dataclasses
import io

import pytest
import scipy.stats

import scenarios
from fiberlab import native, pipeline, stats, table, timing_plan
from fiberlab.models import all_models
from fiberlab.result import Environment, Kind, ModelEntry, Result

def entry(values, bytes_per_task=1_000.0, ops=10, model="greenlet", scenario="pingpong", peak=30 << 20):
    """A model's entry as a run writes it: values are seconds per run of `ops` ops."""
    wall = stats.summary(values)
    known = all_models()[model]
    interval = [bound / ops * 1e9 for bound in wall["ci95"]] if wall["ci95"] else None
    return ModelEntry.from_json({
        "status": "ok", "ops": ops, "wall_s": wall, "ns_per_op": wall["center"] / ops * 1e9, "ns_per_op_ci95": interval,
        "noisy": stats.noisy(wall),
        "timing": {"plan": "test", "processes": 1, "values_per_process": len(values), "loops": 1, "ops": ops},
        "memory": {"peak_rss_bytes": peak, "bytes_per_task": bytes_per_task},
        "stack": {"tasks": 1, "frames_per_task": 1.0, "frame_bytes_per_task": 1},
        "records": {"lateness_s": {"p99": sum(values) / len(values)}},
        "kind": {"stack": known.stack, "scheduler": known.scheduler}, "mechanism": known.mechanism(scenario)})


def failed(status, error, model, scenario):
    known = all_models()[model]
    return ModelEntry(status=status, error=error, kind=Kind(stack=known.stack, scheduler=known.scheduler),
                      mechanism=known.mechanism(scenario))


def result(models, scenario="pingpong"):
    spec = scenarios.load(scenario)
    out = Result(scenario=scenario, params={param.name: param.default for param in spec.PARAMS}, match=True,
                 models=models)
    if spec.HEADLINE:
        record, quantile, label = spec.HEADLINE
        out.headline = {"record": record, "quantile": quantile, "label": label}
    return out


def spread(centre, relative=0.01, count=5, order=(3, 0, 4, 1, 2)):
    """count values around centre, spread by about relative, in an order that pairs them with
    another spread's values unevenly (as noise does: pairs of equal relative noise would make
    every ratio's interval a point)."""
    values = [centre * (1 + relative * (index - count // 2)) for index in range(count)]
    return [values[index] for index in order] if count == len(order) else values


def every_model(scenario, scale):
    """Every registry model with a file in the scenario, figures scaled by `scale`, plus one that
    crashed with a long message and, where there are enough, one unsupported."""
    ids = [model.id for model in all_models().values() if model.has_file(scenario)]
    models = {model_id: entry(spread(1e-4 * scale * (index + 1), 0.2 * (index % 2)), 900.0 * scale,
                              model=model_id, scenario=scenario, peak=(20 << 20) * scale)
              for index, model_id in enumerate(ids)}
    models[ids[0]] = failed("crashed", "worker killed by SIGKILL " * 10, ids[0], scenario)
    models[ids[1]] = failed("unsupported", "RuntimeError: this event loop is already running", ids[1], scenario)
    return result(models, scenario)


@pytest.mark.parametrize("scenario", scenarios.names())
@pytest.mark.parametrize("scale", [1, 10_000])
def test_every_scenario_s_default_output_fits_100_columns_at_any_size(scenario, scale):
    text = table.render(every_model(scenario, scale))
    too_long = [line for line in text.splitlines() if len(line) > 100]
    assert not too_long, too_long
    assert any(line.startswith("model ") and "mechanism" in line for line in text.splitlines())


def test_the_default_table_s_width_depends_on_its_numbers_only():
    small, large = every_model("generator", 1), every_model("generator", 10_000)
    widths = [[len(line) for line in table.grid(table.compact_body(one)).splitlines()] for one in (small, large)]
    assert max(widths[0]) >= 60 and max(widths[1]) - max(widths[0]) <= 12  # a few digits more, nothing else


def test_the_verdict_names_the_quickest_model_and_how_many_times_faster_it_is_with_an_interval():
    text = table.render(result({"greenlet": entry(spread(2e-4)), "asyncio": entry(spread(1e-4, order=(0, 1, 2, 3, 4)),
                                                                            model="asyncio"),
                                "gevent": entry(spread(4e-4), model="gevent")}))
    lines = text.splitlines()
    top = lines.index(next(line for line in lines if line.startswith("verdict: ")))
    assert lines[top].startswith("verdict: asyncio is quickest, 10.0 µs [")
    assert lines[top + 1].startswith("  2.00× [") and lines[top + 1].endswith("] faster than greenlet")
    assert lines[top + 2].startswith("  4.00× [") and lines[top + 2].endswith("] faster than gevent")
    low, high = (float(bound) for bound in lines[top + 1].split("[")[1].split("]")[0].split("–"))
    assert 1 < low < 2 < high


def test_models_whose_ratio_interval_holds_one_are_same_within_noise():
    text = table.render(result({"greenlet": entry(spread(1.02e-4, 0.1)),
                                "asyncio": entry(spread(1e-4, 0.1, order=(0, 1, 2, 3, 4)), model="asyncio")}))
    line = next(line for line in text.splitlines() if "greenlet" in line and "noise" in line)
    assert line.startswith("  same within noise as greenlet (1.02× [")
    assert "faster than greenlet" not in text


def test_the_ratio_comes_from_values_taken_in_turn_in_one_process_where_the_run_has_them():
    loaded = result({"greenlet": entry(spread(2e-4)), "asyncio": entry(spread(1e-4), model="asyncio")})
    turns = [1e-3 * (1 + 0.01 * index) for index in range(6)]  # per run of 10 ops: 100 µs per op
    loaded.shared = [{"a": "asyncio", "b": "greenlet", "process": [1] * 6,
                      "a_values": {"wall": turns, "cpu": turns},
                      "b_values": {"wall": [value * 3 for value in turns], "cpu": turns}}]
    assert "  3.00× [3.00–3.00] faster than greenlet" in table.render(loaded)  # not the figures' 2.00×


def test_pairs_that_contradict_the_figures_are_said_so_with_what_to_do():
    loaded = result({"greenlet": entry(spread(2e-4)), "asyncio": entry(spread(1e-4), model="asyncio")})
    turns = [1e-3 * (1 + 0.01 * index) for index in range(6)]
    loaded.shared = [{"a": "asyncio", "b": "greenlet", "process": [1] * 6,
                      "a_values": {"wall": [value * 2 for value in turns], "cpu": turns},
                      "b_values": {"wall": turns, "cpu": turns}}]
    text = table.render(loaded)
    assert "greenlet: its pairs say 0.50× [0.50–0.50] of asyncio's time" in " ".join(text.split())
    assert "faster than greenlet" not in text


def test_intervals_stay_positive_where_a_student_interval_on_the_mean_goes_below_zero():
    fast, slow = [1.0, 1.05, 0.95], [0.6, 3.0, 1.2]  # the slow one is noisy
    mean, sem = sum(slow) / 3, scipy.stats.sem(slow)
    assert mean - scipy.stats.t.ppf(0.975, 2) * sem < 0  # a Student interval on the mean would go below zero
    low, high = stats.paired_ratio(list(zip(slow, fast)))["ci95"]
    assert 0 < low < 1.6 < high
    low, high = stats.summary(slow)["ci95"]
    assert 0 < low < 1.6 < high
    text = table.render(result({"greenlet": entry(slow), "asyncio": entry(fast, model="asyncio")}))
    assert "[-" not in text and "–-" not in text


def test_the_verdict_names_the_model_with_the_least_memory_per_task():
    models = {"greenlet": entry(spread(1e-4), 5_000.0), "asyncio": entry(spread(2e-4), 700.0, model="asyncio")}
    assert "least memory per task: asyncio, 700 B (next: greenlet, 4.88 KiB)" in table.render(result(models))


def test_the_native_floor_is_beside_the_verdict_not_in_it():
    models = {"greenlet": entry(spread(1e-4)), "cpp_fibers": entry(spread(1e-6), model="cpp_fibers")}
    lines = table.render(result(models)).splitlines()
    assert any(line.startswith("verdict: greenlet is quickest") for line in lines)
    assert any(line.startswith("native floor (C++, not a Python choice): cpp_fibers") for line in lines)


def test_fairness_shows_p99_lateness_instead_of_time_per_op():
    models = {"greenlet": entry(spread(2e-3), scenario="fairness"),
              "asyncio": entry(spread(4e-3), model="asyncio", scenario="fairness")}
    text = table.render(result(models, "fairness"))
    assert "p99 lateness" in text.splitlines()[1] and "time/op" not in text.splitlines()[1]
    assert "verdict: greenlet has the least p99 lateness, 2.00 ms" in text
    assert "  2.00× as much: asyncio (4.00 ms)" in text


def test_noisy_rows_are_explained_once_under_the_table_with_what_to_do():
    models = {"greenlet": entry([1.0, 1.5, 0.6]), "asyncio": entry([1.0, 1.6, 0.5], model="asyncio"),
              "gevent": entry(spread(1.0), model="gevent")}
    loaded = result(models)
    loaded.environment = Environment(cores=2, load_start=[1.8, 1.0, 0.5], load_end=[1.2, 1.0, 0.5])
    text = table.render(loaded)
    notes = [line for line in text.splitlines() if line.startswith("noisy: ")]
    assert len(notes) == 1 and notes[0].startswith("noisy: greenlet, asyncio: ")
    unwrapped = " ".join(line.strip() for line in text.splitlines())
    assert "rerun with --rigorous on a quiet machine" in unwrapped
    assert "load average was 1.80 on 2 cores (busy)" in unwrapped
    loaded.environment.busy_start = 0.3
    assert "load average was 1.80 on 2 cores (busy), 0.3 cores busy as it started" in " ".join(
        line.strip() for line in table.render(loaded).splitlines())
    assert "noisy" not in next(line for line in text.splitlines() if line.startswith("gevent "))


def test_csv_parses_into_one_row_per_model_with_the_compact_columns():
    data = result({"greenlet": entry(spread(1e-4)), "asyncio": entry(spread(2e-4), model="asyncio")})
    rows = list(csv.reader(io.StringIO(table.export([data], "csv"))))
    assert rows[0] == ["scenario", *table.COMPACT_COLUMNS]
    assert [row[:2] for row in rows[1:]] == [["pingpong", "greenlet"], ["pingpong", "asyncio"]]
    assert rows[1][3].startswith("10.0 µs [")


def markdown_tables(text):
    """Every pipe table in text as a list of rows of cells (a GitHub-style table: header, rule, rows)."""
    tables, current = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("|") and line.endswith("|"):
            current.append([cell.strip() for cell in line[1:-1].split(" | ")])
        elif current:
            assert all(set(cell) <= set("-:") for cell in current[1]), current[1]  # the rule under the header
            assert len({len(row) for row in current}) == 1, current  # every row as wide as the header
            tables.append([current[0]] + current[2:])
            current = []
    return tables


def test_markdown_is_one_pipe_table_per_scenario_then_its_verdict():
    data = result({"greenlet": entry(spread(1e-4)), "asyncio": entry(spread(2e-4), model="asyncio")})
    text = table.export([data, data], "md")
    tables = markdown_tables(text)
    assert len(tables) == 2 and tables[0][0] == list(table.COMPACT_COLUMNS)
    assert [row[0] for row in tables[0][1:]] == ["greenlet", "asyncio"]
    assert "- verdict: greenlet is quickest" in text


def test_the_cli_prints_csv_md_and_a_wide_table_with_every_column(harness):
    # three values, not --fast's nine: the fewest that show a spread, and the columns are the same
    small = ["run", "generator", "--param", "items=50", "--fast", "--values", "3", "--models", "greenlet,asyncio"]
    rows = list(csv.reader(io.StringIO(harness(*small, "--format", "csv").stdout)))
    assert rows[0][:3] == ["scenario", "model", "mechanism"] and len(rows) == 3
    assert {len(row) for row in rows} == {len(table.COMPACT_COLUMNS) + 1}
    tables = markdown_tables(harness(*small, "--format", "md").stdout)
    assert len(tables) == 1 and [row[0] for row in tables[0][1:]] == ["greenlet", "asyncio"]
    wide = harness(*small, "--wide").stdout
    header = wide.splitlines()[1]
    for column in table.COLUMNS:
        assert column in header or column == "vs floor", column  # generator names its floor "vs gen"
    assert "vs gen" in header and "verdict: " in wide


def test_a_fairness_run_ranks_models_by_lateness(harness):
    proc = harness("run", "fairness", "--fast", "--models", "greenlet,asyncio",
                   *[f"--param={name}={value}" for name, value in scenarios.load("fairness").SMALL.items()])
    assert proc.returncode == 0, proc.stderr
    assert "p99 lateness" in proc.stdout.splitlines()[1]
    assert "has the least p99 lateness" in proc.stdout
    assert all(len(line) <= 100 for line in proc.stdout.splitlines())


class FakeTerminal(io.StringIO):
    def isatty(self):
        return True


class Full(io.StringIO):
    """A stderr nobody can write to (a full disk, a closed pipe)."""

    def write(self, text):
        raise OSError(28, "No space left on device")


def test_progress_on_a_terminal_counts_runs_against_the_total_with_an_eta():
    stream = FakeTerminal()
    progress = table.Progress(stream)
    progress.expect(4)
    progress("pingpong · greenlet · check")
    progress("pingpong · greenlet · tracemalloc")
    line = str(progress.bar)  # what the bar shows now (tqdm redraws at most ten times a second)
    progress.close()
    assert line.startswith("2/4 runs") and "<" in line and line.endswith("pingpong · greenlet · tracemalloc")
    assert "runs" in stream.getvalue() and "\n" not in stream.getvalue()  # one live line, on the stream given


def test_progress_elsewhere_is_one_plain_line_per_step():
    stream = io.StringIO()
    progress = table.Progress(stream)
    progress.expect(2)
    progress("a · check")
    progress("a · timing 1/1")
    progress.close()
    assert stream.getvalue() == "a · check\na · timing 1/1\n"


@pytest.mark.parametrize("stream", [Full(), FakeTerminal()], ids=["full", "closed"])
def test_progress_to_a_full_or_closed_stderr_never_raises(stream):
    stream.isatty()  # a closed stream's isatty raises too: Progress must ask before it closes
    progress = table.Progress(stream)
    if isinstance(stream, FakeTerminal):
        stream.close()
    progress.expect(1)
    progress("a · check")
    progress.print("a line for stdout")
    progress.clear()
    progress.close()


def test_compiling_is_said_only_when_a_binary_is_built(monkeypatch):
    said = []
    monkeypatch.setattr(native, "unavailable", lambda: None)
    monkeypatch.setattr(native, "binary", lambda model, scenario: f"/built/{model.id}")
    monkeypatch.setattr(native, "needs_build", lambda model, scenario: model.id != "cpp_fibers")
    built, failed = pipeline.native_binaries("pingpong", ["cpp_fibers", "cpp_coroutines", "greenlet"], said.append)
    assert set(built) == {"cpp_fibers", "cpp_coroutines"} and not failed
    assert said == ["pingpong · cpp_coroutines · compiling"]


def test_the_planned_steps_are_the_progress_calls_of_a_run_that_passes():
    spec = scenarios.load("generator")
    # three values, not --fast's nine: the steps are per process (planned_steps counts no values)
    options = pipeline.Options(plan=dataclasses.replace(timing_plan.PLANS["fast"], values=3), timeout_s=60)
    params = dict(spec.SMALL)
    said = []
    models = ["greenlet", "coroutines", "asyncio"]  # greenlet and coroutines also take turns in one process
    pipeline.run_scenario("generator", spec, params, models, options, said.append)
    assert len(said) == pipeline.planned_steps("generator", spec, params, models, options)
    assert sum("· check" in text for text in said) == 3 and sum("· timing" in text for text in said) == 4
    assert sum("in one process" in text for text in said) == 1


@pytest.mark.parametrize("ns_per_op, shown", [(2.5e9, "0.4"), (1.5e9, "0.667"), (1e7, "100"), (1_000, "1,000,000"),
                                              (None, "-")])
def test_ops_per_second_keeps_three_digits_for_ops_slower_than_a_hundredth_of_a_second(ns_per_op, shown):
    assert table.ops_per_second(ns_per_op) == shown
