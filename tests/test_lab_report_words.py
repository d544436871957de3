"""The report's words follow the data: findings, chart paragraphs, and each row's mechanism."""


from fiberlab import models
from fiberlab.lab import findings as lab_findings
from fiberlab.lab import report as lab_report
from fiberlab.lab.charts import Point
from tests import lab_results


def chart(sweep, slug):
    return next(c for c in lab_report.CHARTS if c.sweep == sweep and c.slug == slug)


def paragraph(sweep, slug, data):
    c = chart(sweep, slug)
    return lab_findings.line_paragraph(c, c.series(data, {}), data, data["scenario"])


def test_findings_are_computed_from_the_results_with_their_figures():
    texts = [f.text for f in lab_findings.findings(lab_results.results())]
    assert ("One resume at depth 1,000 costs 1,000.0x [904.8-1,105.3, min-max] what it costs at depth 1 on coroutines, "
            "1.0x [0.9-1.1, min-max] on greenlet.") in texts
    assert any(t.startswith("One round trip (two hand-overs) costs 600 ns on coroutines and 18,000 ns on threads "
                            "(30.0x [27.1-33.2, min-max])") for t in texts)
    assert "1 model run(s) failed: threads at 10,000 (pingpong_tasks)." in texts
    assert 5 <= len(texts) <= lab_findings.MAX_FINDINGS


def test_a_finding_whose_data_is_absent_is_left_out_not_faked():
    data = lab_results.results()
    del data["deep_chain_depth"], data["connections"]
    texts = " ".join(f.text for f in lab_findings.findings(data))
    assert "depth" not in texts and "connections" not in texts
    assert lab_findings.findings({}) == []
    assert "No results to draw findings from yet" in lab_findings.findings_section({})
    for decide in lab_findings.FINDINGS:
        assert decide({}) is None


def test_no_failure_finding_when_every_run_ended_ok():
    data = lab_results.results()
    del data["pingpong_tasks"]
    assert lab_findings.finding_failures(data) is None


def test_a_paragraph_names_the_lowest_model_at_the_largest_size_and_where_a_curve_bends():
    words = paragraph("deep_chain_depth", "ns_per_resume", lab_results.results()["deep_chain_depth"])
    assert "At call-chain depth = 1,000, <b>greenlet</b> is lowest (400 ns), 3,750.0x below asyncio" in words
    assert "bends at 10 (log-log slope 0.0 before, 2.0 after): asyncio, coroutines" in words
    assert "flat: greenlet, gevent, threads" in words


def test_a_rate_paragraph_names_the_highest_model():
    words = paragraph("connections", "messages_per_s", lab_results.results()["connections"])
    assert "<b>coroutines, split</b> is highest" in words and "above threads, split" in words


def test_a_paragraph_names_the_model_that_failed_and_where():
    words = paragraph("pingpong_tasks", "bytes_per_task", lab_results.results()["pingpong_tasks"])
    assert "Failed: <b>threads</b> at pairs = 10,000 (crashed: worker killed by SIGKILL" in words


def test_models_within_five_percent_are_not_ranked():
    c = chart("generator", "traced_peak")
    words = lab_findings.line_paragraph(c, {"greenlet": [Point(1, 100)], "asyncio": [Point(1, 103)]},
                                        {"axis": "items", "points": []}, "generator")
    assert "all 2 are within 3% of each other" in words and "lowest" not in words


def test_curve_shapes_flat_growing_falling_and_bent():
    assert lab_findings.shape([(1, 100), (10, 105), (100, 110)]) == ("flat", None)
    assert lab_findings.shape([(1, 1), (100, 50)])[0] == "grows 50.0x over the range"
    assert lab_findings.shape([(1, 50), (100, 1)])[0] == "falls 50.0x over the range"
    words, bend = lab_findings.shape([(1, 1), (10, 1), (100, 100), (1_000, 10_000)])
    assert bend == 10 and words.startswith("bends at 10")
    assert lab_findings.shape([(1, 5)]) == (None, None)


def test_without_an_entry_the_mechanism_is_what_the_models_file_declares():
    assert lab_findings.mechanism("greenlet", "pingpong") == models.MODELS["greenlet"].mechanism("pingpong")
    assert lab_findings.mechanism("greenlet", "pingpong") == "direct switch"
    assert lab_findings.mechanism("greenlet", "") is None


def test_a_paragraph_names_each_rows_mechanism_and_labels_a_kind_as_a_kind(monkeypatch):
    data = lab_results.results()["generator"]
    for point in data["points"]:
        point["result"]["models"]["greenlet"]["mechanism"] = "switch to the consumer fiber"
    words = paragraph("generator", "ns_per_item", data)
    assert "Mechanism: <b>greenlet</b>: switch to the consumer fiber;" in words  # the entry's own wins
    assert "<b>gevent</b>: channel via hub" in words  # else what the model's file declares
    assert "<b>greenlet</b>: stackful" not in words
    monkeypatch.setattr(models.Model, "mechanism", lambda self, scenario: None)  # a file that declares none
    words = paragraph("generator", "ns_per_item", data)
    assert "Kind (stack, scheduler): <b>gevent</b>: stackful, production runtime;" in words


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


def test_unsupported_is_said_as_by_design_and_is_not_counted_as_a_failure():
    data = lab_results.results()
    via_c = data["deep_chain_via_c"]
    words = lab_findings.line_paragraph(chart("deep_chain_depth", "ns_per_resume"),
                                        lab_report.per_model(via_c, lambda e: e["ns_per_op"]), via_c, "deep_chain")
    assert "Cannot do this by design (unsupported, not a failure): <b>asyncio</b> (RuntimeError" in words
    assert "Failed:" not in words
    assert lab_findings.failures(via_c) == []
    assert "asyncio" not in lab_findings.finding_failures(data).text


def test_a_finding_compares_two_models_from_paired_values_when_both_kept_them():
    def timed(values_ms):
        return {"ops": 1_000, "ns_per_op": values_ms[0] * 1e3, "wall_s": {"values": [v / 1e3 for v in values_ms]}}

    top, bottom = timed([2.0, 2.4, 1.8]), timed([1.0, 1.1, 0.9])
    paired = lab_findings.ratio_words(top, bottom, paired=True)
    assert paired == "2.1x [1.8-2.3, paired values]"  # geometric mean of 2.0, 2.18, 2.0
    assert lab_findings.ratio_words(top, bottom) == "2.0x [2.0-2.0, one value]"  # not timed together: no pairing
