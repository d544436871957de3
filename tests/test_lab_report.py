"""The lab report: a tiny sweep builds a page with every section, table, chart and claim."""

import re

import matplotlib.image
import pytest

from fiberlab.lab import chart_registry
from fiberlab.lab import claims as lab_claims
from fiberlab.lab import figures as lab_figures
from fiberlab.lab import questions as lab_questions
from fiberlab.lab import report as lab_report
from fiberlab.lab import standard_sweeps

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
VERDICTS = ("confirmed", "refuted", "partly", "undecided: within noise", "undecided: too small to tell",
            "true of all recursion")  # never plain "undecided": that is data missing
# The sweeps whose claims compare more than greenlet and asyncio, with the models they compare: claim 2's
# fibers, claim 6's two pairs and claim 9's threads (pingpong_switch), claim 14's threads (cancel_depth).
# Every other sweep runs on greenlet and asyncio alone, which keeps the fixture near 30 s.
WIDER = {"pingpong_switch": "greenlet,gevent,asyncio,coroutines,threads,cpp_fibers",
         "cancel_depth": "greenlet,asyncio,threads"}
# What each claim's figure must show when it is decided from real data: the keys it reads were there.
FIGURES = {
    1: ("coroutine frames each", "linked by f_back"),
    2: ("greenlet: no stack of its own", "gevent: no stack of its own", "cpp_fibers: a stack of its own",
        "(USS slope)"),
    4: ("greenlet (stackful): suspended", "asyncio (stackless): unsupported: RuntimeError"),
    6: ("own schedulers: greenlet", "production runtimes: gevent", "95% CI of"),
    9: ("greenlet (direct switch)", "vs threads", "95% CI of", "under one 1 GiB budget greenlet holds"),
    11: ("asyncio", "B per level"),
    13: ("through C frames x",),
    14: ("ns per level unwound", "threads cannot be cancelled at all"),
    15: ("worst wake-up lateness in slices", "greenlet", "asyncio"),
}


@pytest.fixture(scope="module")
def tiny_report(tmp_path_factory, native_binaries):
    results = tmp_path_factory.mktemp("results")
    rest = [name for name in standard_sweeps.SWEEP_NAMES + standard_sweeps.EXTRAS if name not in WIDER]
    for only, models in [(",".join(rest), "greenlet,asyncio"), *WIDER.items()]:  # two points at once
        status = standard_sweeps.main(["--tiny", "--jobs", "2", "--only", only, "--models", models,
                                       "--out", str(results)])
        assert status == 0
    page = lab_report.build(results, results / "report")
    return results, page, page.read_text()


@pytest.mark.slow
def test_every_sweep_and_the_measures_are_written_as_json(tiny_report):
    results, _page, _text = tiny_report
    written = {path.stem for path in results.glob("*.json")}
    assert written == set(standard_sweeps.SWEEP_NAMES) | set(standard_sweeps.EXTRAS)


@pytest.mark.slow
def test_report_opens_with_the_answer_and_has_a_section_per_scenario_and_sweep(tiny_report):
    _results, _page, text = tiny_report
    assert text.index("id='choosing'") < text.index("id='findings'") < text.index("id='claims'")
    for sweep in standard_sweeps.SWEEPS:
        assert f"id='scenario-{sweep.scenario}'" in text
        assert f"id='sweep-{sweep.name}'" in text


@pytest.mark.slow
def test_a_report_from_tiny_data_says_so_in_a_banner(tiny_report):
    _results, _page, text = tiny_report
    assert "<p class='banner' role='note'>Built from --tiny data" in text


@pytest.mark.slow
def test_every_point_has_a_comparison_table(tiny_report):
    results, _page, text = tiny_report
    points = sum(len(sweep.tiny_points) for sweep in standard_sweeps.SWEEPS)
    assert text.count("<th>ns per op [interval] n</th>") == points
    assert text.count("<th>mechanism</th>") == points  # every table says how each row hands over
    assert "<td>direct switch</td>" in text


@pytest.mark.slow
def test_every_claim_has_a_quote_verdict_figure_and_command(tiny_report):
    _results, _page, text = tiny_report
    rows = re.findall(r"<tr class='(\w+)'><td>(\d+)</td><td>&ldquo;(.+?)&rdquo;</td><td><b>([\w: ]+)</b></td>"
                      r"<td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td>(.*?)</td><td><code>(.*?)</code></td></tr>", text)
    assert [int(row[1]) for row in rows] == list(range(1, 16))  # twelve, then lab_questions' three
    for css_class, _number, quote, verdict, figure, _control, rule, refuted_by, command in rows:
        assert verdict in VERDICTS and css_class in verdict.replace("true of all recursion", "partly")
        assert quote and figure and command.startswith("make sweep")
        assert " Control: " in rule and refuted_by


@pytest.mark.slow
def test_no_claim_is_undecided_for_want_of_data_from_the_real_measurements(tiny_report):
    results, _page, _text = tiny_report
    loaded = lab_report.load_results(results)
    verdicts = lab_claims.decide_all(loaded) + lab_questions.verdicts(loaded, len(lab_claims.DECIDERS) + 1)
    missing = [(verdict.number, verdict.figure) for verdict in verdicts if verdict.verdict == lab_claims.UNDECIDED]
    assert missing == []
    for verdict in verdicts:
        for words in FIGURES.get(verdict.number, ()):
            assert words in verdict.figure, (verdict.number, words, verdict.figure)


@pytest.mark.slow
def test_the_report_shows_a_switch_timeline_per_scene_and_model(tiny_report):
    results, _page, text = tiny_report
    for scenario in ("pingpong", "deep_chain"):
        for model in ("greenlet", "asyncio"):
            assert f"timeline_{scenario}_{model}.png" in text
            assert (results / "report" / f"timeline_{scenario}_{model}.png").read_bytes().startswith(PNG_SIGNATURE)


@pytest.mark.slow
def test_every_chart_is_a_png_file_beside_the_page_that_matplotlib_reads(tiny_report):
    _results, page, text = tiny_report
    charts = re.findall(r"<img src='([^']+)'", text)
    assert len(charts) >= len(standard_sweeps.SWEEPS)
    for chart in charts:
        path = page.parent / chart
        assert path.read_bytes()[:8] == PNG_SIGNATURE
        pixels = matplotlib.image.imread(path)
        assert pixels.shape[0] > 100 and pixels.shape[1] > 100


@pytest.mark.slow
def test_page_works_offline_and_marks_suspension_points_in_every_scenarios_sources(tiny_report):
    _results, _page, text = tiny_report
    assert "<script" not in text.lower()
    assert not re.search(r"(src|href)=['\"]https?:", text)
    for scenario in {sweep.scenario for sweep in standard_sweeps.SWEEPS}:
        assert f"<code>scenarios/{scenario}/asyncio_tasks.py</code>" in text
    assert "class='code suspend'" in text or "class='code alone suspend'" in text  # the `# ->` lines


def test_generator_claim_verdict_follows_the_data_not_a_fixed_text():
    def measures(small_peak, large_peak):
        points = [{"items": 1_000, "generator_peak_bytes": small_peak, "list_peak_bytes": 10**6},
                  {"items": 100_000, "generator_peak_bytes": large_peak, "list_peak_bytes": 10**8}]
        return {"measures": {"generator_memory": {"item_bytes": 1_000, "points": points}}}

    assert lab_claims.decide_5(measures(2_000, 2_100)).verdict == "confirmed"
    assert lab_claims.decide_5(measures(2_000, 50_000_000)).verdict == "refuted"
    assert lab_claims.decide_5({}).verdict == "undecided"


def test_event_loop_claim_verdict_follows_the_ratio():
    def results(loop_round_trip_ns, bare_ns):
        entry = {"status": "ok", "ns_per_op": loop_round_trip_ns}
        sweep = {"points": [{"value": 1, "result": {"models": {"asyncio": entry}}}]}
        return {"pingpong_switch": sweep, "measures": {"bare_coroutine": {"ns_per_round_trip": bare_ns}}}

    assert lab_claims.decide_8(results(2_000, 100)).verdict == "confirmed"
    assert lab_claims.decide_8(results(90, 100)).verdict == "refuted"
    # A round trip against a round trip: 150 ns through the loop is 1.5x a 100 ns bare round trip,
    # not 0.75x (half of it against a whole one, as the hand-over chart once compared).
    assert lab_claims.decide_8(results(150, 100)).verdict == "confirmed"


def test_sweep_refuses_an_unknown_sweep_name_in_one_line(capsys):
    assert standard_sweeps.main(["--only", "nonesuch"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "unknown sweep 'nonesuch'" in err


@pytest.mark.slow
def test_report_skips_each_file_it_cannot_use_in_one_line_naming_it(tiny_report, tmp_path, capsys):
    import json
    import shutil

    results, _page, _text = tiny_report
    folder = tmp_path / "results"
    shutil.copytree(results, folder, ignore=shutil.ignore_patterns("report"))
    good = json.loads((folder / "generator.json").read_text())
    (folder / "truncated.json").write_text((folder / "generator.json").read_text()[:100])
    (folder / "run_output.json").write_text(json.dumps(good["points"][0]["result"]))  # what `run --json` writes
    old = dict(good)
    del old["axis"]
    (folder / "pingpong_switch.json").write_text(json.dumps(old))  # an older schema
    (folder / "list.json").write_text("[1, 2]")
    assert lab_report.main(["--results", str(folder), "--out", str(tmp_path / "report")]) == 0
    lines = capsys.readouterr().err.splitlines()
    skipped = {line.split(": ")[1].removeprefix("skipping "): line for line in lines if line.startswith("lab_report: skipping ")}
    assert set(skipped) == {str(folder / name) for name in
                            ("truncated.json", "run_output.json", "pingpong_switch.json", "list.json")}, lines
    assert "not valid JSON" in skipped[str(folder / "truncated.json")]
    assert "fiberlab run --json" in skipped[str(folder / "run_output.json")]
    assert "no axis" in skipped[str(folder / "pingpong_switch.json")]
    assert "Traceback" not in "\n".join(lines)
    assert (tmp_path / "report" / "index.html").exists()


def sweep_of(points):
    """A sweep's data as lab_sweeps writes it: (value, split, mechanism) per point, one model."""
    return {"axis": "connections", "points": [
        {"value": value, "result": {"params": {"connections": value, "split": split},
                                    "models": {"greenlet": {"status": "ok", "mechanism": mechanism, "ops": value}}}}
        for value, split, mechanism in points]}


def ops(entry):
    return lab_figures.Figure(entry["ops"])


def test_a_chart_never_joins_split_and_unsplit_points_in_one_series():
    series = chart_registry.per_model(sweep_of([(100, False, "m"), (1_000, False, "m"), (10_000, True, "m")]), ops)
    series = {label: [(point.x, point.y) for point in points] for label, points in series.items()}
    assert series == {"greenlet": [(100, 100), (1_000, 1_000)], "greenlet, split": [(10_000, 10_000)]}


def test_chart_series_are_named_by_model_alone_so_a_legend_stays_short():
    series = chart_registry.per_model(sweep_of([(1, True, "a mechanism with a long name")]), ops)
    assert list(series) == ["greenlet, split"]
    assert list(chart_registry.per_model(sweep_of([(1, False, None)]), ops)) == ["greenlet"]


@pytest.mark.slow
def test_a_page_from_a_real_sweep_has_lang_alt_text_the_answer_table_and_no_negative_interval(tiny_report):
    _results, _page, text = tiny_report
    assert "<html lang='en'>" in text
    images = re.findall(r"<img src='([^']+)' alt='([^']*)'", text)
    assert images and text.count("<img ") == len(images)
    assert all(len(alt) > len(name) for name, alt in images)
    table = re.search(r"<table class='choosing'>(.*?)</table>", text).group(1)
    header = re.findall(r"<th>(.*?)</th>", table)  # pingpong_switch ran on more models (WIDER)
    assert header[:2] == ["question", "asyncio"] and "greenlet" in header
    assert set(header[1:]) <= set(WIDER["pingpong_switch"].split(","))
    assert table.count("<td>1.0<br>") >= 5  # asyncio is the baseline wherever it has a figure
    shown = re.sub("<[^>]+>", " ", text)
    assert not re.search(r"\[\s*-\d", shown) and not re.search(r"–\s*-\d", shown)


INJECTED = "<script>alert(1)</script>"


def injecting(*fields):
    """A sweep file with FIELDS replaced by markup (repeat is a number in an honest file)."""
    def inject(sweep):
        return {key: INJECTED if key in fields else value for key, value in sweep.items()}
    return inject


# The text the page shows as it is, then the names it also looks things up by (injected
# together, a section would fail on the lookup before it printed the text).
inject_shown_text = injecting("purpose", "command", "plan", "repeat", "stopped")
inject_names = injecting("sweep", "scenario", "axis")


def inject_everywhere(data):
    """Every string in the file, at any depth, and every number in a field the page prints as text."""
    if isinstance(data, dict):
        return {key: inject_everywhere(value) if key != "repeat" else INJECTED for key, value in data.items()}
    if isinstance(data, list):
        return [inject_everywhere(item) for item in data]
    return INJECTED if isinstance(data, str) else data


@pytest.mark.slow
@pytest.mark.parametrize("inject", [inject_shown_text, inject_names, inject_everywhere])
def test_no_text_from_a_sweep_file_reaches_the_page_as_markup(tiny_report, tmp_path, inject):
    import json
    import shutil

    results, _page, _text = tiny_report
    folder = tmp_path / "results"
    shutil.copytree(results, folder, ignore=shutil.ignore_patterns("report"))
    for path in folder.glob("*.json"):
        data = json.loads(path.read_text())
        if isinstance(data, dict) and "points" in data:
            path.write_text(json.dumps(inject(data)))
    page = lab_report.build(folder, tmp_path / "report").read_text()
    assert "<script" not in page.lower()
