"""The fifteen claims: every verdict each one can reach, driven by small synthetic results.

No test here runs a sweep (tests/test_lab_report.py decides them from a real
tiny one). Each builds the few fields a claim reads, so the verdict follows the
figures: change the figure and the verdict changes.
"""


import pytest

from fiberlab.lab import claims
from fiberlab.lab import questions as lab_questions
from fiberlab.lab.claims import ALL_RECURSION, CONFIRMED, PARTLY, REFUTED, TOO_SMALL, UNDECIDED, WITHIN_NOISE

OPS = 1_000


def entry(ns=1_000.0, spread=0.0, ci95=None, status="ok", mechanism=None, runtime=None, tasks=2,
          uss=0, bytes_per_task=None, peak=None, error=None, values=None, stack=None, side=None, records=None):
    """One model's entry at one point; `spread` is the min-max band around ns, as a fraction;
    `values` its timed values in ns per op, in the order taken (for paired comparisons)."""
    wall = ns * OPS / 1e9
    found = {"status": status, "error": error, "ops": OPS, "ns_per_op": ns, "timing": {"ops": OPS},
             "wall_s": {"median": wall, "min": wall * (1 - spread), "max": wall * (1 + spread),
                        "values": [value * OPS / 1e9 for value in (values or [ns, ns])]},
             "stack": dict(stack or {}, tasks=tasks),
             "memory": {"uss_delta_bytes": uss, "bytes_per_task": bytes_per_task, "peak_rss_bytes": peak},
             "records": records or {}}
    if side:
        found["kind"] = {"stack": side}
    if ci95:
        found["wall_s"]["ci95"] = [ns * (1 - ci95) * OPS / 1e9, ns * (1 + ci95) * OPS / 1e9]
    if mechanism:
        found["mechanism"] = mechanism
    if runtime:
        found["kind"] = {"scheduler": runtime}
    return found


def sweep(points):
    """{value: {model: entry}} -> the sweep file's shape."""
    return {"axis": "x", "points": [{"value": value, "result": {"models": models}} for value, models in points.items()]}


# -- claim 1: where a suspended coroutine's frames are ----------------------------


def placement(on_stack, linked, depth=20):
    return {"chains": 10, "depth": depth, "frames_per_unit": depth + 1, "frames_on_a_running_stack": on_stack,
            "linked_depth": linked}


def claim_1(coro, fiber=None):
    fiber = fiber or dict(placement(0, 21), c_stack_saved_bytes=1400)
    return claims.decide_1({"measures": {"frame_placement": {"asyncio": coro, "greenlet": fiber}}})


def test_claim_1_coroutines_whose_frames_sit_on_a_running_stack_would_be_stackful():
    assert claim_1(placement(on_stack=210, linked=21)).verdict == CONFIRMED


def test_claim_1_coroutine_frames_linked_like_a_stack_would_be_stackful():
    assert claim_1(placement(on_stack=0, linked=21)).verdict == CONFIRMED


def test_claim_1_is_refuted_when_no_frame_is_on_a_stack_nor_linked_to_another():
    verdict = claim_1(placement(on_stack=0, linked=1))
    assert verdict.verdict == REFUTED and "0 of them on any thread's running stack" in verdict.figure
    assert "21 frames linked by f_back" in verdict.control


def test_claim_1_is_partly_when_some_frames_are_linked():
    assert claim_1(placement(on_stack=0, linked=5)).verdict == PARTLY


def test_claim_1_is_undecided_when_the_measure_sees_no_stack_even_in_a_fiber():
    assert claim_1(placement(0, 1), fiber=placement(0, 1)).verdict == UNDECIDED


def test_claim_1_is_undecided_without_the_measure():
    assert claims.decide_1({}).verdict == UNDECIDED


def test_claim_1_measured_here_says_asyncio_frames_are_off_the_stack_and_greenlets_keep_one():
    from fiberlab.lab import measures as lab_measures

    placed = lab_measures.frame_placement(chains=5, depth=10)
    assert placed["greenlet"]["linked_depth"] >= 10 and placed["asyncio"]["linked_depth"] == 1
    assert claims.decide_1({"measures": {"frame_placement": placed}}).verdict == REFUTED


# -- claim 2: a fiber's own stack ---------------------------------------------------

GREENLET_STACK = {"c_stack_bytes_per_task": 1_960, "frame_bytes_per_task": 600}
NATIVE_STACK = {"c_stack_bytes_per_task": 236, "stack_reserved_bytes_per_task": 65_536,
                "stack_touched_bytes_per_task": 4_096}


def claim_2(greenlet_stack=GREENLET_STACK, native_stack=NATIVE_STACK):
    return claims.decide_2({"pingpong_switch": sweep({1: {
        "greenlet": entry(stack=greenlet_stack, bytes_per_task=7_700),
        "gevent": entry(stack=greenlet_stack, bytes_per_task=10_000),
        "cpp_fibers": entry(stack=native_stack, bytes_per_task=4_400),
        "threads": entry(stack={"c_stack_reserved_bytes_per_task": 8 * 2**20}, bytes_per_task=22_000),
        "asyncio": entry(stack={"frame_bytes_per_task": 490}, bytes_per_task=5_000)}})})


def test_claim_2_greenlets_copying_little_beside_a_native_fiber_mapping_64_kib_is_partly_with_figures():
    verdict = claim_2()
    assert verdict.verdict == PARTLY
    assert "greenlet: no stack of its own: 1.9 KiB of C stack copied out + 0.6 KiB of frames" in verdict.figure
    assert "cpp_fibers: a stack of its own, 64.0 KiB reserved, 4.0 KiB of it touched" in verdict.figure
    assert "threads: a stack of its own, 8,192.0 KiB reserved" in verdict.control


def test_claim_2_every_fiber_keeping_a_stack_in_the_range_confirms_it():
    assert claim_2(greenlet_stack={"c_stack_bytes_per_task": 16_000, "frame_bytes_per_task": 600}).verdict == CONFIRMED


def test_claim_2_no_fiber_keeping_a_stack_in_the_range_refutes_it():
    small_native = dict(NATIVE_STACK, stack_reserved_bytes_per_task=4_096)
    assert claim_2(native_stack=small_native).verdict == REFUTED
    huge_native = dict(NATIVE_STACK, stack_reserved_bytes_per_task=8 * 2**20)
    assert claim_2(native_stack=huge_native).verdict == REFUTED


def test_claim_2_is_undecided_without_the_sweep():
    assert claims.decide_2({}).verdict == UNDECIDED


# -- claim 3: coroutines scale only to thousands ------------------------------------


def claim_3(points):
    return claims.decide_3({"pingpong_tasks": sweep(points)})


def test_claim_3_a_failure_at_thousands_confirms_it():
    assert claim_3({5_000: {"asyncio": entry(status="crashed", tasks=10_000)}}).verdict == CONFIRMED


def test_claim_3_a_hundred_thousand_tasks_refute_it():
    assert claim_3({50_000: {"asyncio": entry(tasks=100_000)}}).verdict == REFUTED


def test_claim_3_a_failure_beyond_thousands_short_of_the_threshold_is_partly():
    assert claim_3({20_000: {"asyncio": entry(tasks=40_000)},
                    40_000: {"asyncio": entry(status="crashed", tasks=80_000)}}).verdict == PARTLY


def test_claim_3_small_sweeps_that_all_pass_are_too_small_to_tell_and_a_missing_one_undecided():
    assert claim_3({10: {"asyncio": entry(tasks=20)}}).verdict == TOO_SMALL
    assert claims.decide_3({}).verdict == UNDECIDED


# -- claim 4: suspending through C frames (deep_chain via=c) --------------------------

UNSUPPORTED = "RuntimeError: This event loop is already running"


def claim_4(fiber_status="ok", coro_status="unsupported", coro_with_python_callers="ok"):
    def chains(fiber, coro):
        return sweep({depth: {"greenlet": entry(status=fiber, side="stackful"),
                              "asyncio": entry(status=coro, side="stackless", error=UNSUPPORTED)}
                      for depth in (3, 30)})
    return claims.decide_4({"deep_chain_via_c": chains(fiber_status, coro_status),
                            "deep_chain_depth": chains("ok", coro_with_python_callers)})


def test_claim_4_fibers_suspending_through_c_and_coroutines_refused_confirm_it_naming_the_error():
    verdict = claim_4()
    assert verdict.verdict == CONFIRMED
    assert "greenlet (stackful): suspended" in verdict.figure
    assert "asyncio (stackless): unsupported: " + UNSUPPORTED in verdict.figure
    assert "asyncio suspended there" in verdict.control


def test_claim_4_a_coroutine_suspending_through_c_and_a_fiber_failing_refute_it():
    assert claim_4(fiber_status="crashed", coro_status="ok").verdict == REFUTED


def test_claim_4_both_suspending_through_c_is_partly():
    assert claim_4(coro_status="ok").verdict == PARTLY


def test_claim_4_a_coroutine_that_fails_even_with_python_callers_cannot_decide_it():
    assert claim_4(coro_with_python_callers="crashed").verdict == UNDECIDED
    assert claims.decide_4({}).verdict == UNDECIDED


# -- claim 5: a generator holds one value ---------------------------------------------


def claim_5(small_peak, large_peak):
    points = [{"items": 1_000, "generator_peak_bytes": small_peak, "list_peak_bytes": 1},
              {"items": 100_000, "generator_peak_bytes": large_peak, "list_peak_bytes": 100_000_000}]
    return claims.decide_5({"measures": {"generator_memory": {"item_bytes": 1_000, "points": points}}})


def test_claim_5_reaches_every_verdict():
    assert claim_5(2_000, 2_100).verdict == CONFIRMED
    assert claim_5(20_000, 21_000).verdict == PARTLY  # flat, but more than a few items' worth
    assert claim_5(2_000, 50_000_000).verdict == REFUTED
    assert claims.decide_5({}).verdict == UNDECIDED


# -- claim 6: greenlet switches cheaper than asyncio's, two paired parts ------------


def claim_6(greenlet_values, coroutine_values, gevent_values, asyncio_values, native=True):
    models = {"greenlet": entry(greenlet_values[0], values=greenlet_values, mechanism="direct switch"),
              "coroutines": entry(coroutine_values[0], values=coroutine_values, mechanism="direct send"),
              "gevent": entry(gevent_values[0], values=gevent_values, mechanism="channel via hub"),
              "asyncio": entry(asyncio_values[0], values=asyncio_values, mechanism="queue via loop")}
    if native:
        models["cpp_fibers"] = entry(280, values=[280, 290, 270])
        models["cpp_coroutines"] = entry(30, values=[30, 31, 29])
    return claims.decide_6({"pingpong_switch": sweep({1: models})})


def test_claim_6_shows_both_parts_with_paired_intervals_and_confirms_when_both_are_cheaper():
    verdict = claim_6([1_000, 1_100, 900], [3_000, 3_300, 2_700], [7_000, 7_500, 6_500], [9_000, 9_800, 8_200])
    assert verdict.verdict == CONFIRMED
    own, production = verdict.figure.split("; ")
    assert own.startswith("own schedulers: greenlet (direct switch)") and "vs coroutines (direct send)" in own
    assert production.startswith("production runtimes: gevent (channel via hub)") and "vs asyncio" in production
    assert "x0.33 [0.33-0.33, 95% CI of 3 pairs, wall time, adjacent processes], cheaper" in own  # each pair moved together: no spread
    assert "cpp_fibers" in verdict.control and "dearer" in verdict.control


def test_claim_6_dearer_on_both_parts_refutes_it():
    assert claim_6([3_000, 3_100, 2_900], [1_000, 1_050, 950], [9_000, 9_100, 8_900],
                   [7_000, 7_100, 6_900]).verdict == REFUTED


def test_claim_6_cheaper_on_one_part_dearer_on_the_other_is_partly():
    assert claim_6([1_000, 1_100, 900], [3_000, 3_300, 2_700], [9_000, 9_100, 8_900],
                   [7_000, 7_100, 6_900]).verdict == PARTLY


def test_claim_6_pairs_whose_ratios_scatter_across_one_are_within_noise():
    verdict = claim_6([1_000, 1_400, 700], [1_100, 1_000, 1_050], [7_000, 7_500, 6_500], [9_000, 9_800, 8_200])
    assert verdict.verdict == WITHIN_NOISE and "within noise" in verdict.figure


def test_claim_6_one_pair_of_values_cannot_show_its_spread():
    verdict = claim_6([1_000], [3_000], [7_000], [9_000], native=False)
    assert verdict.verdict == WITHIN_NOISE and verdict.control == ""


def test_a_95_percent_interval_reaching_below_zero_gives_way_to_the_min_max_band():
    wide = entry(1_000, spread=0.2)
    wide["wall_s"]["ci95"] = [-0.5e-3, 2.5e-3]
    interval, band = claims.ns_interval(wide)
    assert band == "min-max" and interval == pytest.approx((800.0, 1_000, 1_200.0))


def test_claim_6_without_either_pair_is_undecided():
    models = {"greenlet": entry(1_000), "asyncio": entry(3_000)}
    assert claims.decide_6({"pingpong_switch": sweep({1: models})}).verdict == UNDECIDED


def test_claim_6_takes_pairs_of_values_taken_in_turn_in_one_process_where_the_run_has_them():
    models = {"greenlet": entry(3_000, values=[3_000, 3_100, 2_900], mechanism="direct switch"),
              "coroutines": entry(1_000, values=[1_000, 1_050, 950], mechanism="direct send")}
    turns = [value * OPS / 1e9 for value in (1_000, 1_010, 990)]
    result = {"models": models, "shared": [{"a": "greenlet", "b": "coroutines", "process": [1, 1, 1],
                                            "a_values": {"wall": [value / 2 for value in turns]},
                                            "b_values": {"wall": turns}}]}
    verdict = claims.decide_6({"pingpong_switch": {"axis": "x", "points": [{"value": 1, "result": result}]}})
    assert "x0.50 [0.50-0.50, 95% CI of 3 pairs, wall time, one process, values taking turns], cheaper" in verdict.figure


def test_claim_6_one_pair_shows_its_ratio_with_an_unbounded_interval():
    models = {"greenlet": entry(2_000, values=[2_000]), "coroutines": entry(1_000, values=[1_000])}
    verdict = claims.decide_6({"pingpong_switch": sweep({1: models})})
    assert "x2.00 [0.00-inf, 95% CI of 1 pairs" in verdict.figure and verdict.verdict == WITHIN_NOISE


# -- claim 7: the recursion limit, with its control ----------------------------------


def claim_7(async_depth, gen_depth, plain_depth):
    deepest = {"async def chain": async_depth, "yield from chain": gen_depth}
    if plain_depth is not None:
        deepest["plain calls on a greenlet"] = plain_depth
    return claims.decide_7({"measures": {"recursion": {"limit": 1_000, "deepest": deepest}}})


def test_claim_7_when_plain_calls_stop_at_the_limit_too_it_is_true_of_all_recursion():
    verdict = claim_7(988, 989, 988)
    assert verdict.verdict == ALL_RECURSION and "plain calls on a greenlet stop at 988" in verdict.control


def test_claim_7_is_confirmed_only_when_the_control_goes_deeper():
    assert claim_7(988, 989, 5_000).verdict == CONFIRMED


def test_claim_7_one_kind_hitting_the_limit_is_partly_and_none_refutes_it():
    assert claim_7(988, 5_000, 5_000).verdict == PARTLY
    assert claim_7(5_000, 5_000, 5_000).verdict == REFUTED
    assert claims.decide_7({}).verdict == UNDECIDED


# -- claim 8: a trip through the loop against a bare send() --------------------------


def claim_8(round_trip_ns, spread, bare_ns, bare_band=0.0):
    bare = {"ns_per_round_trip": bare_ns, "ns_min": bare_ns * (1 - bare_band), "ns_max": bare_ns * (1 + bare_band)}
    return claims.decide_8({"pingpong_switch": sweep({1: {"asyncio": entry(round_trip_ns, spread)}}),
                            "measures": {"bare_coroutine": bare}})


def test_claim_8_reaches_every_verdict():
    # A round trip through the loop against a bare round trip: one unit on both sides.
    assert claim_8(2_000, 0.05, 100).verdict == CONFIRMED  # x20
    assert claim_8(75, 0.05, 100).verdict == REFUTED  # x0.75
    assert claim_8(125, 0.02, 100).verdict == PARTLY  # x1.25: dearer, under the threshold
    assert claim_8(150, 0.2, 100).verdict == WITHIN_NOISE  # x1.5 [1.2-1.8] straddles x1.5
    assert claim_8(105, 0.01, 100, bare_band=0.2).verdict == WITHIN_NOISE  # bare's own band straddles x1
    assert claims.decide_8({}).verdict == UNDECIDED


def test_claim_8_still_reads_results_without_repeats():
    bare = {"ns_per_hand_over": 100}  # an older measures.json: the same round trip under its old name
    results = {"pingpong_switch": sweep({1: {"asyncio": {"status": "ok", "ns_per_op": 2_000}}}),
               "measures": {"bare_coroutine": bare}}
    assert claims.decide_8(results).verdict == CONFIRMED


# -- claim 9: fibers against threads, switch and memory budget ----------------------


def claim_9(fiber_values, thread_values, fiber_bytes=8_000, thread_bytes=22_000):
    return claims.decide_9({"pingpong_switch": sweep({1: {
        "greenlet": entry(fiber_values[0], values=fiber_values, bytes_per_task=fiber_bytes),
        "threads": entry(thread_values[0], values=thread_values, bytes_per_task=thread_bytes,
                         stack={"c_stack_reserved_bytes_per_task": 8 * 2**20})}})})


def test_claim_9_faster_and_more_tasks_under_the_budget_confirms_it():
    verdict = claim_9([1_000, 1_100, 900], [30_000, 33_000, 27_000])
    assert verdict.verdict == CONFIRMED
    assert "under one 1 GiB budget greenlet holds 134,218 suspended tasks, threads 48,806" in verdict.figure
    assert "8,192.0 KiB reserved" in verdict.control


def test_claim_9_slower_and_fewer_tasks_refutes_it():
    assert claim_9([30_000, 33_000, 27_000], [1_000, 1_100, 900], fiber_bytes=40_000).verdict == REFUTED


def test_claim_9_faster_but_fewer_tasks_under_the_budget_is_partly():
    assert claim_9([1_000, 1_100, 900], [30_000, 33_000, 27_000], fiber_bytes=40_000).verdict == PARTLY


def test_claim_9_a_switch_within_noise_and_counts_close_together_are_within_noise():
    assert claim_9([1_000, 1_400, 700], [1_100, 1_000, 1_050], thread_bytes=10_000).verdict == WITHIN_NOISE


def test_claim_9_is_undecided_without_the_sweep():
    assert claims.decide_9({}).verdict == UNDECIDED


# -- claim 10: how deep each model gets --------------------------------------------


def claim_10(deepest):
    """deepest: {model: depth it completed}; every model fails at the next step, unless it reached the top."""
    steps, points = (1_000, 10_000, 20_000, 50_000, 100_000), {}
    for step in steps:
        points[step] = {}
        for model, depth in deepest.items():
            failing = next((value for value in steps if value > depth), None)
            if step <= depth:
                points[step][model] = entry()
            elif step == failing:  # after its failure the sweep runs a model no more
                points[step][model] = entry(status="crashed", error="worker killed by SIGSEGV")
    return claims.decide_10({"deep_chain_limit": sweep(points)})


def test_claim_10_stackless_models_reaching_deeper_would_confirm_it():
    assert claim_10({"asyncio": 100_000, "greenlet": 20_000}).verdict == CONFIRMED


def test_claim_10_on_cpython_asyncio_dying_first_refutes_it_with_the_failure_named():
    verdict = claim_10({"asyncio": 20_000, "coroutines": 20_000, "greenlet": 100_000})
    assert verdict.verdict == REFUTED
    assert "asyncio completed depth 20,000, failed at 50,000: worker killed by SIGSEGV" in verdict.figure
    assert "greenlet completed depth 100,000 (no failure up to the sweep's top)" in verdict.figure


def test_claim_10_mixed_depths_are_partly():
    assert claim_10({"asyncio": 20_000, "coroutines": 100_000, "greenlet": 50_000}).verdict == PARTLY


def test_claim_10_is_too_small_to_tell_when_nobody_failed_and_undecided_when_the_sweep_is_missing():
    assert claim_10({"asyncio": 100_000, "greenlet": 100_000}).verdict == TOO_SMALL
    stopped = dict(sweep({1_000: {"asyncio": entry(), "greenlet": entry()}}), stopped="stopped before depth=10,000")
    verdict = claims.decide_10({"deep_chain_limit": stopped})
    assert verdict.verdict == TOO_SMALL and "stopped before depth=10,000" in verdict.figure
    assert claims.decide_10({}).verdict == UNDECIDED


# -- claim 11: bytes held per suspended level, stackless against stackful ------------


def claim_11(coro_shallow, coro_deep, fiber_shallow=8_000, fiber_deep=8_000):
    return claims.decide_11({"deep_chain_depth": sweep({
        3: {"asyncio": entry(bytes_per_task=coro_shallow, side="stackless"),
            "cpp_fibers": entry(bytes_per_task=fiber_shallow, side="stackful")},
        30: {"asyncio": entry(bytes_per_task=coro_deep, side="stackless"),
             "cpp_fibers": entry(bytes_per_task=fiber_deep, side="stackful")},
    })})


def test_claim_11_levels_that_keep_a_frame_confirm_it_beside_a_control_that_keeps_nothing_per_level():
    verdict = claim_11(9_000, 9_000 + 27 * 272)
    assert verdict.verdict == CONFIRMED and "asyncio 272 B per level" in verdict.figure
    assert "cpp_fibers 0 B per level" in verdict.control


def test_claim_11_levels_that_hold_nothing_refute_it():
    assert claim_11(9_000, 9_000 + 27 * 10).verdict == REFUTED


def test_claim_11_one_stackless_model_keeping_frames_and_one_not_is_partly():
    results = {"deep_chain_depth": sweep({
        3: {"asyncio": entry(bytes_per_task=9_000, side="stackless"),
            "coroutines": entry(bytes_per_task=2_000, side="stackless")},
        30: {"asyncio": entry(bytes_per_task=9_000 + 27 * 272, side="stackless"),
             "coroutines": entry(bytes_per_task=2_000, side="stackless")}})}
    assert claims.decide_11(results).verdict == PARTLY
    assert claims.decide_11({}).verdict == UNDECIDED


# -- claim 12: the spawn tree -------------------------------------------------------


def claim_12(greenlet_status, gevent_status, leaves=1_000_000):
    models = {"greenlet": entry(status=greenlet_status, peak=900 * 2**20, error="out of memory"),
              "gevent": entry(status=gevent_status, peak=1_500 * 2**20, error="out of memory"),
              "asyncio": entry(peak=1_200 * 2**20)}
    return claims.decide_12({"spawn_million": sweep({leaves: models})})


def test_claim_12_reaches_every_verdict():
    verdict = claim_12("ok", "ok")
    assert verdict.verdict == CONFIRMED and "greenlet finished, peak RSS 900 MiB" in verdict.figure
    assert "1,111,111 tasks, millions" in verdict.figure and "asyncio finished" in verdict.control
    assert claim_12("ok", "error").verdict == PARTLY
    assert claim_12("crashed", "error").verdict == REFUTED
    assert claims.decide_12({}).verdict == UNDECIDED


def test_claim_12_a_tree_of_thousands_decides_the_thousands_and_a_smaller_one_is_too_small():
    verdict = claim_12("ok", "ok", leaves=1_000)
    assert verdict.verdict == CONFIRMED and "1,111 tasks, thousands" in verdict.figure
    assert claim_12("ok", "ok", leaves=100).verdict == TOO_SMALL
    assert claim_12("crashed", "error", leaves=100).verdict == REFUTED


# -- claim 13: a greenlet switch however deep, with each side's interval --------------


def resume(ns, spread, c_stack=0):
    return entry(ns, spread, stack={"c_stack_bytes_per_task": c_stack})


def claim_13(c_deep, python_deep, spread=0.02):
    results = {"deep_chain_via_c": sweep({3: {"greenlet": resume(400, spread)},
                                          1_000: {"greenlet": resume(c_deep, spread, 5e5)}}),
               "deep_chain_depth": sweep({3: {"greenlet": resume(400, spread)},
                                          1_000: {"greenlet": resume(python_deep, spread)}})}
    return lab_questions.verdicts(results, 13)[0]


def test_claim_13_reaches_every_verdict_from_intervals():
    assert claim_13(450, 450).verdict == CONFIRMED
    partly = claim_13(25_000, 450)
    assert partly.verdict == PARTLY and "through C frames x62.50 [" in partly.figure
    assert "through Python calls x1.12 [" in partly.control
    assert claim_13(25_000, 20_000).verdict == REFUTED
    assert claim_13(1_200, 450, spread=0.3).verdict == WITHIN_NOISE  # x3.0 [1.6-5.6] straddles x3
    assert lab_questions.verdicts({}, 13)[0].verdict == UNDECIDED


# -- claim 14: what cancellation does, and who can cancel at all -------------------


def cancelled(status="ok", mechanism="task.cancel()"):
    return entry(status=status, mechanism=mechanism,
                 records={"cancel_ns_per_level": 16_000, "timeout_to_end_s": {"p50": 4e-4}})


def claim_14(**models):
    return lab_questions.verdicts({"cancel_depth": sweep({3: models, 50: models})}, 13)[1]


def test_claim_14_threads_that_cannot_cancel_make_it_partly_and_the_verdict_says_so():
    verdict = claim_14(asyncio=cancelled(), threads=cancelled(mechanism="cooperative flag: an Event"))
    assert verdict.verdict == PARTLY
    assert "asyncio every finally, bottom first, 16,000 ns per level unwound at depth 50" in verdict.figure
    assert "threads cannot be cancelled at all: cooperative flag: an Event" in verdict.figure
    assert "asyncio timed out to its end in 400 µs" in verdict.control


def test_claim_14_every_runtime_cancelling_in_order_confirms_it():
    assert claim_14(asyncio=cancelled(), greenlet=cancelled(mechanism="greenlet.throw")).verdict == CONFIRMED


def test_claim_14_a_cancel_that_skips_a_finally_is_partly_and_none_in_order_refutes_it():
    assert claim_14(asyncio=cancelled(), greenlet=cancelled(status="mismatch")).verdict == PARTLY
    assert claim_14(asyncio=cancelled(status="mismatch")).verdict == REFUTED


def test_claim_14_without_a_runtime_that_can_cancel_is_undecided():
    assert claim_14(threads=cancelled(mechanism="cooperative flag")).verdict == UNDECIDED
    assert lab_questions.verdicts({}, 13)[1].verdict == UNDECIDED


# -- claim 15: lateness in slices of the hog ---------------------------------------


def claim_15(**worst_ms):
    models = {model: entry(records={"lateness_s": {"max": late / 1e3}}) for model, late in worst_ms.items()}
    results = {"fairness_slice": sweep({50.0: models})}
    results["fairness_slice"]["points"][0]["result"]["params"] = {"ticks": 40, "period_ms": 5.0}
    return lab_questions.verdicts(results, 13)[2]


def test_claim_15_wake_ups_about_one_slice_late_confirm_it_in_slices():
    verdict = claim_15(greenlet=45.0, asyncio=55.0, threads=5.0)
    assert verdict.verdict == CONFIRMED
    assert "(the hog computes 4 slices)" in verdict.figure and "asyncio 1.1 (55.0 ms)" in verdict.figure
    assert "threads 0.1 slices" in verdict.control


def test_claim_15_wake_ups_several_slices_late_refute_the_bound():
    verdict = claim_15(asyncio=151.0, gevent=200.0)
    assert verdict.verdict == REFUTED and "asyncio 3.0 (151.0 ms)" in verdict.figure


def test_claim_15_one_within_its_slice_and_one_beyond_is_partly():
    assert claim_15(greenlet=45.0, gevent=200.0).verdict == PARTLY
    assert claim_15(threads=5.0).verdict == UNDECIDED


# -- every claim ---------------------------------------------------------------------


@pytest.mark.parametrize("decide", claims.DECIDERS)
def test_every_claim_says_what_is_missing_on_empty_results(decide):
    verdict = decide({})
    assert verdict.verdict == UNDECIDED and verdict.figure and verdict.command.startswith("make sweep")


def test_every_claim_carries_its_rule_its_control_and_what_would_have_refuted_it():
    verdicts = claims.decide_all({}) + lab_questions.verdicts({}, len(claims.DECIDERS) + 1)
    assert [verdict.number for verdict in verdicts] == list(range(1, 16))
    for verdict in verdicts:
        assert verdict.rule and " Control: " in verdict.rule and verdict.refuted_by
