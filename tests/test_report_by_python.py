"""The report's "Across Python versions" section, from a hand-made two-interpreter result."""

import json
import re

import matplotlib.image

from fiberlab import options
from fiberlab.lab import by_python
from fiberlab.lab import report as lab_report
from fiberlab.result import SCHEMA_VERSION, Result

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PYTHONS = ("3.11", "3.12")


def entry(model, python, ns_per_op, bytes_per_task, status="ok"):
    if status != "ok":
        return {"status": status, "error": "run 1/3: exit code 1", "model": model, "python": python}
    return {
        "status": "ok", "error": None, "model": model, "python": python, "ops": 200, "ns_per_op": ns_per_op,
        "wall_s": {"mean": 0.001, "median": 0.001, "min": 0.001, "max": 0.001, "runs": [0.001]},
        "memory": {"peak_rss_bytes": 30_000_000, "bytes_per_task": bytes_per_task},
        "stack": {"tasks": 2, "frames_per_task": 2.0, "c_stack_bytes_per_task": None, "frame_bytes_per_task": 400},
    }


def two_interpreter_result(broken=None):
    models = {}
    for model, ns, per_task in (("greenlet", 300, 900), ("asyncio", 2_000, 1_500)):
        for python in PYTHONS:
            status = "crashed" if (model, python) == broken else "ok"
            models[f"{model}@{python}"] = entry(model, python, ns, per_task, status)
    interpreters = {python: {"python": python + ".0", "greenlet": "3.5", "gevent": "26.9"} for python in PYTHONS}
    return {"schema": SCHEMA_VERSION, "scenario": "pingpong", "params": {"rounds": 100, "pairs": 1}, "match": broken is None,
            "environment": {"python": "3.11.7", "interpreters": interpreters}, "models": models}


def write_result(results, result):
    (results / by_python.FOLDER).mkdir(parents=True, exist_ok=True)
    options.write_json(results / by_python.FOLDER / f"{result['scenario']}.json", result)


def test_a_two_interpreter_result_gets_both_charts_as_png_files_that_matplotlib_reads(tmp_path):
    write_result(tmp_path, two_interpreter_result())
    page = lab_report.build(tmp_path, tmp_path / "report")
    text = page.read_text()
    assert "id='pythons'" in text and "Not run" not in text
    charts = re.findall(r"<img src='(pythons_[^']+)'", text)
    assert charts == ["pythons_pingpong_ns_per_op.png", "pythons_pingpong_bytes_per_task.png"]
    for chart in charts:
        path = page.parent / chart
        assert path.read_bytes()[:8] == PNG_SIGNATURE
        assert matplotlib.image.imread(path).shape[0] > 100
    assert "greenlet@3.12" in text  # the table, one row per model and interpreter


def test_a_model_that_failed_on_one_interpreter_is_listed_and_its_bars_drawn_where_it_ran(tmp_path):
    write_result(tmp_path, two_interpreter_result(broken=("asyncio", "3.11")))
    section = by_python.section(tmp_path, tmp_path)
    assert "asyncio@3.11: crashed: run 1/3: exit code 1" in section
    ran = by_python.by_model_and_python(Result.from_json(two_interpreter_result(broken=("asyncio", "3.11"))),
                                          lambda e: e.ns_per_op)
    assert ran == {"greenlet": {"3.11": 300, "3.12": 300}, "asyncio": {"3.12": 2_000}}
    assert (tmp_path / "pythons_pingpong_ns_per_op.png").read_bytes()[:8] == PNG_SIGNATURE


def test_without_compare_pythons_results_there_is_no_section_at_all(tmp_path):
    (tmp_path / "generator.json").write_text(json.dumps({"not": "a sweep"}))
    assert by_python.section(tmp_path, tmp_path) == ""
    write_result(tmp_path, two_interpreter_result())
    assert "<h2 id='pythons'>" in by_python.section(tmp_path, tmp_path)
