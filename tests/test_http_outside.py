"""The http outside-load sweep: wrk's figures read right, lab servers set beside the reference of
the same parser and loop, and a real (short) sweep where wrk is installed."""

import importlib.util
import json
import shutil

import pytest

from fiberlab.lab import http_outside

WRK_OUTPUT = """Running 1s test @ http://127.0.0.1:45983/item/20
  2 threads and 10 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     1.72ms    3.03ms  36.92ms   91.63%
  Latency Distribution
     50%  920.00us
     75%    1.14ms
     90%    4.18ms
     99%   12.66ms
  10047 requests in 1.01s, 3.68MB read
  Socket errors: connect 0, read 5, write 1, timeout 0
  Non-2xx or 3xx responses: 3
Requests/sec:   9908.83
Transfer/sec:      3.63MB
"""
WRK = shutil.which("wrk")
NO_WRK = "wrk is not installed (apt-get install wrk): the outside-load sweep is left out"


def test_wrk_output_gives_rate_percentiles_in_seconds_and_errors():
    figures = http_outside.parse_wrk(WRK_OUTPUT)
    assert figures["requests_per_s"] == pytest.approx(9908.83)
    assert figures["p50_s"] == pytest.approx(920e-6) and figures["p99_s"] == pytest.approx(12.66e-3)
    assert figures["errors"] == 5 + 1 + 3


def row(server, connections, rate, reference=None):
    return {"server": server, "connections": connections, "requests_per_s": rate, "reference": reference}


def test_each_lab_server_is_compared_with_its_own_reference_at_the_same_connection_count():
    rows = [row("lab asyncio", 1, 300, "uvicorn h11 asyncio"), row("lab asyncio", 100, 900, "uvicorn h11 asyncio"),
            row("uvicorn h11 asyncio", 1, 100), row("uvicorn h11 asyncio", 100, 1000), row("lab gevent", 1, 50)]
    ratios = {(item["server"], item["connections"]): item["ratio"] for item in http_outside.compare(rows)}
    assert ratios == {("lab asyncio", 1): pytest.approx(3.0), ("lab asyncio", 100): pytest.approx(0.9)}


def test_the_paragraph_says_how_far_and_whether_within_a_factor_of_2():
    far = {"comparisons": [{"server": "lab uvloop", "reference": "uvicorn h11 uvloop", "connections": 100,
                            "ratio": 2.5}]}
    near = {"comparisons": [dict(far["comparisons"][0], ratio=0.8)]}
    assert "2.50x" in http_outside.paragraph(far) and "outside a factor of 2" in http_outside.paragraph(far)
    assert "0.80x" in http_outside.paragraph(near) and "within a factor of 2" in http_outside.paragraph(near)
    assert "errors" not in http_outside.paragraph(near)
    erred = dict(near, rows=[{"server": "lab threads", "connections": 1_000, "errors": 14}])
    assert "lab threads at 1,000 (14)" in http_outside.paragraph(erred)


def test_without_wrk_the_sweep_is_left_out_in_one_line_and_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(http_outside.shutil, "which", lambda _name: None)
    assert http_outside.main(["--out", str(tmp_path)]) == 0
    assert capsys.readouterr().out.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(WRK is None, reason=NO_WRK)
def test_a_short_sweep_drives_a_lab_server_and_a_reference_with_wrk(tmp_path):
    uvicorn = importlib.util.find_spec("uvicorn") is not None
    names = ["lab asyncio", "uvicorn h11 asyncio" if uvicorn else "ThreadingHTTPServer"]
    chosen = [each for each in http_outside.LAB + http_outside.REFERENCES if each[0] in names]
    rows = http_outside.sweep(1, [4], lambda _text: None, chosen)
    assert [each["server"] for each in rows] == names
    for each in rows:
        assert each["requests_per_s"] > 0 and 0 < each["p50_s"] <= each["p99_s"] and each["errors"] == 0
        assert each["parser"] and each["loop"]
    assert len(http_outside.compare(rows)) == (1 if uvicorn else 0)
    json.dumps(rows)  # what the sweep writes is plain JSON
