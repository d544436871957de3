"""`fiberlab compare OLD NEW`: every scenario x model in both, judged faster, slower or the same
within noise by an interval that handles unequal value counts; memory by a stated tolerance."""

import json

import pytest

from fiberlab import compare, stats


def entry(per_op_s, processes=3, peak=20 * 2**20, per_task=1024.0, clock="cpu"):
    """An ok row whose values are per_op_s (seconds per op; one op a run), from `processes` processes."""
    per = len(per_op_s) // processes
    return {"status": "ok", "wall_s": {"values": list(per_op_s)}, "cpu_s": {"values": list(per_op_s)},
            "timing": {"ops": 1, "clock": clock, "value_processes": [1 + index // per for index in range(len(per_op_s))]},
            "memory": {"peak_rss_bytes": peak, "bytes_per_task": per_task}}


STEADY = [1.00e-6, 1.01e-6, 0.99e-6, 1.00e-6, 1.02e-6, 0.98e-6, 1.00e-6, 1.01e-6, 0.99e-6]


def write(path, models, scenario="pingpong"):
    path.write_text(json.dumps({"scenario": scenario, "params": {}, "match": True, "models": models}))
    return str(path)


@pytest.mark.parametrize("factor,verdict", [(0.8, stats.FASTER), (1.25, stats.SLOWER), (1.0, stats.SAME)])
def test_a_clear_change_is_faster_or_slower_and_no_change_is_the_same_within_noise(factor, verdict):
    change = compare.time_change(entry(STEADY), entry([value * factor for value in STEADY]))
    assert change["verdict"] == verdict
    assert change["ci95"][0] < change["ratio"] < change["ci95"][1] and change["ratio"] == pytest.approx(factor, 0.01)


def test_a_change_inside_the_spread_is_the_same_within_noise():
    shaky = [1.0e-6, 1.3e-6, 0.8e-6, 1.1e-6, 0.9e-6, 1.25e-6]
    assert compare.time_change(entry(shaky, 2), entry([value * 1.05 for value in shaky], 2))["verdict"] == stats.SAME


def test_unequal_value_counts_are_compared_without_error():
    change = compare.time_change(entry(STEADY[:3], 1), entry([value * 1.3 for value in STEADY], 3))
    assert change["verdict"] == stats.SLOWER and change["ci95"] is not None


# Three processes that differ (an F test across them says so), each steady within itself.
SPREAD = [1.00e-6, 1.001e-6, 0.999e-6, 1.10e-6, 1.101e-6, 1.099e-6, 1.05e-6, 1.051e-6, 1.049e-6]
GROUPS = [1, 1, 1, 2, 2, 2, 3, 3, 3]


def test_one_process_against_processes_that_differ_is_judged_by_how_far_a_process_lands():
    lone = [1.25e-6, 1.251e-6, 1.249e-6] * 3  # --fast: nine values from one process
    change = compare.time_change(entry(SPREAD, 3), entry(lone, 1))
    # the nine agree to 0.1%, but they are one draw of a process, and the other side's processes
    # land 10% apart: a process 19% above their mean is the same within noise
    assert change["verdict"] == stats.SAME and change["ci95"][0] < change["ratio"] < change["ci95"][1]
    as_values = stats.unpaired_ratio(lone, SPREAD, None, GROUPS)  # its values taken as units, as if many processes
    assert as_values["verdict"] == stats.SLOWER and as_values["ratio"] == pytest.approx(change["ratio"])
    assert compare.time_change(entry(lone, 1), entry(SPREAD, 3))["verdict"] == stats.SAME  # either side


def test_one_process_against_one_value_from_each_of_three_processes_is_judged_the_same_way():
    lone = [1.25e-6, 1.251e-6, 1.249e-6] * 3
    spread = stats.unpaired_ratio(lone, [1.00e-6, 1.10e-6, 1.05e-6], [1] * 9, [1, 2, 3])
    assert spread["verdict"] == stats.SAME  # the three values are the three processes
    assert stats.unpaired_ratio(lone, [1.00e-6, 1.10e-6, 1.05e-6], None, [1, 2, 3])["verdict"] == stats.SLOWER


def test_one_process_far_outside_the_others_processes_is_still_faster_or_slower():
    far = [value * 2 for value in SPREAD[:3]] * 3
    assert compare.time_change(entry(SPREAD, 3), entry(far, 1))["verdict"] == stats.SLOWER
    assert compare.time_change(entry(far, 1), entry(SPREAD, 3))["verdict"] == stats.FASTER


def test_one_wall_clock_side_makes_both_sides_read_wall_time():
    old, new = entry(STEADY), entry(STEADY, clock="wall")
    new["cpu_s"]["values"] = [value / 2 for value in STEADY]  # would read as faster on the CPU clock
    assert compare.time_change(old, new)["clock"] == "wall" and compare.time_change(old, new)["verdict"] == stats.SAME


@pytest.mark.parametrize("new_peak,verdict", [(int(20.5 * 2**20), "same within 5%"), (30 * 2**20, "larger"),
                                              (10 * 2**20, "smaller")])
def test_memory_is_judged_by_its_stated_tolerance(new_peak, verdict):
    assert compare.memory_change(20 * 2**20, new_peak)["verdict"] == verdict


def test_the_verb_prints_a_line_per_row_in_both_a_count_per_verdict_and_the_rows_on_one_side(harness, tmp_path):
    old = write(tmp_path / "old.json", {"greenlet": entry(STEADY), "asyncio": entry(STEADY),
                                         "threads": entry(STEADY)})
    new = write(tmp_path / "new.json", {"greenlet": entry([value * 0.5 for value in STEADY]),
                                         "asyncio": entry(STEADY), "uvloop": entry(STEADY)})
    proc = harness("compare", old, new)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("pingpong/asyncio: time 1,000 -> 1,000 ns/op (cpu)") and "same within noise" in lines[0]
    assert lines[1].startswith("pingpong/greenlet:") and "faster" in lines[1] and "peak RSS" in lines[1]
    assert lines[2] == "2 rows: 1 faster, 0 slower, 1 same within noise"
    assert lines[3] == f"only in {old}: pingpong/threads" and lines[4] == f"only in {new}: pingpong/uvloop"


@pytest.mark.parametrize("content", ["not json", "[1, 2]", '{"scenario": "x"}'])
def test_a_file_that_is_not_a_result_is_one_line_and_exit_2(harness, tmp_path, content):
    bad = tmp_path / "bad.json"
    bad.write_text(content)
    good = write(tmp_path / "good.json", {"greenlet": entry(STEADY)})
    proc = harness("compare", str(bad), good)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr


def test_files_with_no_row_in_common_are_one_line_and_exit_2(harness, tmp_path):
    old = write(tmp_path / "old.json", {"greenlet": entry(STEADY)})
    new = write(tmp_path / "new.json", {"asyncio": entry(STEADY)})
    proc = harness("compare", old, new)
    assert proc.returncode == 2 and "no scenario x model" in proc.stderr
