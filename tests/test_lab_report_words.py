"""The report's words follow the data: findings, chart captions, the choosing table, each row's mechanism."""


from fiberlab import models
from fiberlab.lab import chart_registry, choosing
from fiberlab.lab import figures as lab_figures
from fiberlab.lab import findings as lab_findings
from fiberlab.lab.charts import Point
from tests import lab_results


def chart(sweep, slug):
    return next(c for c in chart_registry.CHARTS if c.sweep == sweep and c.slug == slug)


def caption(sweep, slug, data):
    c = chart(sweep, slug)
    return lab_findings.line_caption(c, c.series(data, {}), data)


def test_findings_are_computed_from_the_results_with_their_figures():
    texts = [f.text for f in lab_findings.findings(lab_results.results())]
    assert ("One resume at depth 1,000 against one at depth 1, each model against itself: asyncio ×1,000; "
            "gevent ×1.00; greenlet ×1.00; coroutines ×1,000.") in texts
    assert any(t.startswith("A round trip on gevent's hub against asyncio's loop (pairs 1): gevent / asyncio = 0.60;")
               for t in texts)
    assert "1 model run(s) failed: threads at 10,000 (pingpong_tasks)." in texts
    assert 5 <= len(texts) <= lab_findings.MAX_FINDINGS


def test_a_finding_and_the_choosing_table_quote_the_same_stored_number():
    data = lab_results.results(ci95=0.1)
    rate = lab_figures.rate(data["connections"]["points"][-1]["result"]["models"]["gevent"])
    shown = lab_figures.number(rate.value)
    finding = next(f.text for f in lab_findings.findings(data) if f.anchor == "chart-connections-messages_per_s")
    row = next(r for r in choosing.rows(data) if r.anchor == "chart-connections-messages_per_s")
    assert shown in finding and shown in choosing.cell_text(row, "gevent")
    words = caption("connections", "messages_per_s", data["connections"])
    coroutines = lab_figures.rate(data["connections"]["points"][-1]["result"]["models"]["coroutines"])
    assert lab_figures.number(coroutines.value) in words


def test_a_finding_whose_data_is_absent_is_left_out_not_faked():
    data = lab_results.results()
    del data["deep_chain_depth"], data["connections"]
    texts = " ".join(f.text for f in lab_findings.findings(data))
    assert "depth" not in texts and "connections" not in texts
    assert lab_findings.findings({}) == []
    assert "No results to draw findings from yet" in lab_findings.findings_section({})
    for decide in lab_findings.FINDINGS:
        assert decide({}) is None


def test_a_question_whose_sweep_was_not_run_has_no_row():
    data = lab_results.results()
    assert [row.anchor.split("-")[1] for row in choosing.rows(data)] == [
        "pingpong_switch", "pingpong_tasks", "deep_chain_depth", "deep_chain_via_c", "connections"]
    del data["connections"]
    assert "connections" not in " ".join(row.anchor for row in choosing.rows(data))
    assert choosing.rows({}) == []


def test_where_asyncio_cannot_the_row_gives_figures_and_no_ratio():
    row = next(r for r in choosing.rows(lab_results.results()) if "via_c" in r.anchor)
    assert choosing.cell_parts(row, "asyncio") == ("cannot (unsupported)", "")
    assert choosing.cell_parts(row, "greenlet") == ("40,000 ns", "asyncio cannot: no ratio, n=1")


def test_the_choosing_command_prints_markdown_and_refuses_a_missing_folder(tmp_path, capsys):
    lab_results.write(tmp_path, lab_results.results(ci95=0.1))
    assert choosing.main(["--results", str(tmp_path), "--format", "md"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("| question | where | asyncio | gevent | threads | greenlet | coroutines |")
    assert "| Hand-over cost (one round trip: two hand-overs) (lower is better) | pairs 1 | 1.0 (3,000 ns, n=1) |" in out
    assert "- Choose gevent when" in out
    assert choosing.main(["--results", str(tmp_path / "nope")]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_no_failure_finding_when_every_run_ended_ok():
    data = lab_results.results()
    del data["pingpong_tasks"]
    assert lab_findings.finding_failures(data) is None


def test_a_caption_is_one_sentence_naming_the_lowest_and_highest_at_the_largest_size():
    words = caption("deep_chain_depth", "ns_per_resume", lab_results.results()["deep_chain_depth"])
    assert words == ("At call-chain depth 1,000, greenlet is lowest (400 ns), 3,750.0x below asyncio "
                     "(1,500,000 ns).")


def test_a_rate_caption_names_the_highest_model():
    words = caption("connections", "messages_per_s", lab_results.results()["connections"])
    assert "coroutines is highest" in words and "above threads" in words


def test_models_within_five_percent_are_not_ranked():
    c = chart("generator", "traced_peak")
    words = lab_findings.line_caption(c, {"greenlet": [Point(1, 100)], "asyncio": [Point(1, 103)]},
                                      {"axis": "items", "points": []})
    assert "all 2 models are within 5% of each other" in words and "lowest" not in words


def test_without_an_entry_the_mechanism_is_what_the_models_file_declares():
    assert lab_findings.mechanism("greenlet", "pingpong") == models.MODELS["greenlet"].mechanism("pingpong")
    assert lab_findings.mechanism("greenlet", "pingpong") == "direct switch"
    assert lab_findings.mechanism("greenlet", "") is None


def test_an_entrys_own_mechanism_wins_and_an_unknown_model_has_none():
    assert lab_findings.mechanism("greenlet", "pingpong", {"mechanism": "direct hand-over"}) == "direct hand-over"
    assert lab_findings.mechanism("nonesuch", "pingpong") is None


def test_the_by_interpreter_paragraph_ranks_interpreters_only_when_they_differ():
    from fiberlab.lab import by_python

    words = by_python.across_pythons({"greenlet": {"3.11": 300, "3.12": 450}, "asyncio": {"3.11": 2_000,
                                                                                          "3.12": 2_040}}, "ns")
    assert "<b>greenlet</b> lowest on 3.11 (300 ns), 1.50x that on 3.12" in words
    assert "<b>asyncio</b> within 5% on every interpreter (2,000 ns)" in words
    assert "No model ran ok" in by_python.across_pythons({"greenlet": {}}, "ns")


def test_unsupported_is_not_counted_as_a_failure():
    data = lab_results.results()
    via_c = data["deep_chain_via_c"]
    assert lab_findings.unsupported(via_c)["asyncio"].startswith("RuntimeError")
    assert lab_findings.failures(via_c) == []
    assert "asyncio" not in lab_findings.finding_failures(data).text


def test_a_caption_ranks_the_python_models_not_cpp_against_threads():
    c = chart("generator", "ns_per_item")
    series = {"cpp_fibers": [Point(1, 10)], "greenlet": [Point(1, 300)], "threads": [Point(1, 9_000)]}
    words = lab_findings.line_caption(c, series, {"axis": "items", "points": []})
    assert words.startswith("At items 1, greenlet is lowest (300 ns per item)") and "cpp" not in words
    bars = {"bare coro.send()": 100, "asyncio": 3_000, "gevent": 2_000}
    assert "bare" not in lab_findings.bar_caption(chart("pingpong_switch", "ns_per_round_trip"), bars)


def test_the_hand_over_row_and_finding_take_their_ratio_from_values_taken_in_turn():
    data = lab_results.results()
    result = data["pingpong_switch"]["points"][0]["result"]
    for model in ("gevent", "asyncio"):  # three values of one run each, on the clock ns_per_op is on
        result["models"][model]["timing"] = {"ops": 1_000, "value_processes": [1, 1, 1]}
        result["models"][model]["wall_s"]["values"] = [value * 1_000 / 1e9 for value in (2_000, 2_100, 1_900)]
    turns = [1e-3, 1.1e-3, 0.9e-3]  # per run of 1,000 ops: gevent took half asyncio's time in every turn
    result["shared"] = [{"a": "gevent", "b": "asyncio", "process": [1, 1, 1],
                         "a_values": {"wall": [value / 2 for value in turns]}, "b_values": {"wall": turns}}]
    row = next(r for r in choosing.rows(data) if r.anchor == "chart-pingpong_switch-ns_per_round_trip")
    assert choosing.cell_parts(row, "gevent")[0] == "×0.50 [0.50–0.50]"  # not the figures' 1,800 / 3,000
    finding = next(f.text for f in lab_findings.findings(data) if f.text.startswith("A round trip on gevent's hub"))
    assert "gevent / asyncio = 0.50 [0.50–0.50]" in finding
