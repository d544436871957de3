"""The report's web-service answer: the choosing table's "gevent or asyncio" row and the http section.

The row's verdict is decided by the paired ratio of the two models' values (fiberlab/comparison.py)
when the http sweep is in results/, so it must follow the values: gevent's quicker, asyncio's, or
the same within noise. The section draws wrk's rows with their parser and loop, and says in one
line which command makes what is missing.
"""

import json
import re

import pytest

from fiberlab.lab import choosing, results_folder, web_service
from fiberlab.models import MODELS
from fiberlab.result import SCHEMA_VERSION

OPS = 1_000
PROCESSES = [1, 1, 1, 2, 2, 2, 3, 3, 3]
BASE_S = [0.50, 0.52, 0.49, 0.51, 0.55, 0.50, 0.48, 0.53, 0.50]  # asyncio's values: noisy, as on a machine


def entry(model, values):
    mean = sum(values) / len(values)
    sides = {"server": {"pid": 1, "scheduler": f"{model}.Loop"}, "clients": {"pid": 2, "scheduler": f"{model}.Loop"}}
    return {"status": "ok", "ns_per_op": mean * 1e9 / OPS, "error": None, "digest": "d", "ops": OPS,
            "wall_s": {"values": values, "mean": mean, "median": mean, "min": min(values), "max": max(values),
                       "ci95": [mean * 0.97, mean * 1.03]},
            "timing": {"ops": OPS, "clock": "wall", "value_processes": PROCESSES},
            "records": {"latency_s": {"count": OPS, "p50": 0.002, "p99": 0.009}, "requests_per_s": 2_500.0,
                        "sides": sides},
            "kind": {"stack": MODELS[model].stack, "scheduler": MODELS[model].scheduler}}


def http_sweep(gevent_factor):
    """The http sweep with one point, gevent's values asyncio's times `gevent_factor`, value by value."""
    models = {"asyncio": entry("asyncio", BASE_S),
              "gevent": entry("gevent", [value * gevent_factor for value in BASE_S])}
    result = {"schema": SCHEMA_VERSION, "scenario": "http", "params": {"connections": 10_000, "requests": 10,
                                                                       "split": True},
              "environment": {}, "reference_digest": "d", "match": True, "models": models}
    return {"schema": SCHEMA_VERSION, "sweep": "http", "scenario": "http", "axis": "connections",
            "purpose": "web", "command": "make sweep SWEEPS=http", "repeat": 3, "tiny": False,
            "points": [{"value": 10_000, "result": result}]}


def outside(rates):
    """http_outside.json's shape: a row per (server, connections) with wrk's figures."""
    rows = [{"server": server, "parser": "h11", "loop": loop, "connections": connections, "reference": None,
             "requests_per_s": rate, "p50_s": 0.001, "p99_s": 0.004, "errors": 0}
            for (server, loop, connections), rate in rates.items()]
    return {"schema": 1, "kind": "http_outside", "path": "/item/20", "duration_s": 5, "rows": rows,
            "comparisons": [], "load_before": [0.5, 0.5, 0.5], "load_after": [1.0, 0.7, 0.6]}


@pytest.mark.parametrize("factor, verdict", [(0.8, "gevent: "), (1.25, "asyncio: "), (1.0, "either, the same")])
def test_the_web_service_verdict_follows_the_paired_values(factor, verdict):
    row = choosing.web_service({"http": http_sweep(factor)})
    assert row.verdict.startswith(verdict)
    ratio = row.cells["gevent"].ratio
    assert ratio.kind == choosing.PAIRED and ratio.n == len(BASE_S)
    assert ratio.value == pytest.approx(1 / factor)  # a rate: gevent's requests/s over asyncio's
    assert "paired values, 9 pairs" in row.verdict and "split off" in row.where


def test_without_the_sweep_wrks_figures_give_the_row_but_decide_nothing():
    data = outside({("lab gevent", "gevent hub", 100): 9_000.0, ("lab asyncio", "asyncio", 100): 10_000.0,
                    ("lab gevent", "gevent hub", 1): 5_000.0})
    row = choosing.web_service({"http_outside": data})
    assert row.where.startswith("wrk, 100 connections")
    assert row.cells["gevent"].figure.value == 9_000.0
    assert row.verdict.startswith("undecided") and "×0.90" in row.verdict
    assert choosing.web_service({}) is None


def test_the_answer_table_carries_the_verdict_in_every_format():
    found = [choosing.web_service({"http": http_sweep(0.8)})]
    assert "; verdict: gevent: gevent serves" in choosing.markdown(found)
    assert "<b>verdict</b>: gevent: gevent serves" in choosing.html_section(found)
    assert any(sentence.startswith("For a web service") for sentence, _anchor in choosing.advice(found))


def test_with_no_http_results_the_section_names_both_commands_in_one_line(tmp_path):
    html = web_service.section({}, tmp_path)
    text = re.sub("<[^>]+>", "", html)
    assert "make sweep SWEEPS=http" in text and "make outside-load" in text
    assert html.count("<p") == 1 and "<img" not in html


def test_the_section_draws_every_server_with_its_parser_and_loop_and_names_what_is_missing(tmp_path):
    data = outside({("lab asyncio", "asyncio", 1): 5_000.0, ("lab asyncio", "asyncio", 100): 9_000.0,
                    ("uvicorn h11 asyncio", "asyncio", 1): 4_000.0, ("uvicorn h11 asyncio", "asyncio", 100): 8_000.0})
    html = web_service.section({"http_outside": data}, tmp_path)
    assert "<td>uvicorn h11 asyncio</td><td>h11</td><td>asyncio</td>" in html
    assert "9,000 req/s; p50 1 ms, p99 4 ms" in html
    assert {path.name for path in tmp_path.iterdir()} == {"http_outside_requests_per_s.png", "http_outside_latency.png"}
    assert "make sweep SWEEPS=http</code> writes it" in html and "make outside-load</code> writes" not in html


def test_the_section_with_the_sweep_shows_each_models_loop_and_paired_ratio(tmp_path):
    html = web_service.section({"http": http_sweep(0.8)}, tmp_path)
    assert "gevent.Loop (clients split off)" in html and "×1.25" in html
    assert "make outside-load</code> writes it" in html


def test_the_report_reads_http_outside_json_and_skips_one_that_is_not(tmp_path, capsys):
    (tmp_path / "http_outside.json").write_text(json.dumps(outside({("lab asyncio", "asyncio", 1): 1.0})))
    assert "http_outside" in results_folder.load_results(tmp_path)
    (tmp_path / "http_outside.json").write_text(json.dumps({"kind": "something else"}))
    assert "http_outside" not in results_folder.load_results(tmp_path)
    assert "http_outside.json" in capsys.readouterr().err
