"""The twelve claims: every verdict each one can reach, driven by small synthetic results.

No test here runs a sweep. Each builds the few fields a claim reads, so the
verdict follows the figures: change the figure and the verdict changes.
"""

import pytest

from fiberlab.lab import claims
from fiberlab.lab.claims import ALL_RECURSION, CONFIRMED, PARTLY, REFUTED, UNDECIDED, WITHIN_NOISE

OPS = 1_000


def entry(ns=1_000.0, spread=0.0, ci95=None, status="ok", mechanism=None, runtime=None, tasks=2,
          uss=0, bytes_per_task=None, peak=None, error=None):
    """One model's entry at one point; `spread` is the min-max band around ns, as a fraction."""
    wall = ns * OPS / 1e9
    found = {"status": status, "error": error, "ops": OPS, "ns_per_op": ns,
             "wall_s": {"median": wall, "min": wall * (1 - spread), "max": wall * (1 + spread)},
             "stack": {"tasks": tasks}, "memory": {"uss_delta_bytes": uss, "bytes_per_task": bytes_per_task,
                                                   "peak_rss_bytes": peak}}
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


def claim_2(saved, whole):
    fiber = {"python": "3.11.7", "points": [[2_000, 0], [20_000, 0]], "bytes_per_fiber": whole,
             "c_stack_saved_bytes": saved}
    return claims.decide_2({"measures": {"fiber_memory": fiber}})


def test_claim_2_a_fiber_saving_a_whole_stack_confirms_it():
    assert claim_2(saved=64 * 1024, whole=70 * 1024).verdict == CONFIRMED


def test_claim_2_no_c_stack_but_a_costly_fiber_is_partly():
    assert claim_2(saved=1_400, whole=20 * 1024).verdict == PARTLY


def test_claim_2_a_small_fiber_with_little_saved_refutes_it():
    assert claim_2(saved=1_400, whole=5 * 1024).verdict == REFUTED


def test_claim_2_is_undecided_without_the_measure():
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


def test_claim_3_small_sweeps_that_all_pass_are_undecided():
    assert claim_3({10: {"asyncio": entry(tasks=20)}}).verdict == UNDECIDED
    assert claims.decide_3({}).verdict == UNDECIDED


# -- claim 4: suspending from inside a plain def and a C callback -------------------

FAILED = "error: TypeError: '<' not supported between instances of 'coroutine' and 'coroutine'"


def claim_4(fiber_outcome, coro_outcome):
    tried = {"places": {"plain def": "...", "C callback": "..."},
             "models": {"greenlet": {"stack": "stackful", "plain def": fiber_outcome, "C callback": fiber_outcome},
                        "asyncio": {"stack": "stackless", "plain def": coro_outcome, "C callback": coro_outcome}}}
    return claims.decide_4({"measures": {"suspend_inside": tried}})


def test_claim_4_fibers_suspending_and_coroutines_failing_confirm_it_and_the_figure_names_the_error():
    verdict = claim_4("suspended", FAILED)
    assert verdict.verdict == CONFIRMED and "inside a C callback: " + FAILED in verdict.figure


def test_claim_4_a_stackless_model_that_found_a_way_and_a_fiber_that_failed_refute_it():
    assert claim_4(FAILED, "suspended").verdict == REFUTED


def test_claim_4_both_suspending_is_partly():
    assert claim_4("suspended", "suspended").verdict == PARTLY


def test_claim_4_is_undecided_without_the_measure():
    assert claims.decide_4({}).verdict == UNDECIDED


def test_claim_4_measured_here_every_stackful_model_suspends_inside_sorted_and_asyncio_cannot():
    from fiberlab.lab import measures as lab_measures

    tried = lab_measures.suspend_inside()
    for model in ("greenlet", "gevent", "threads"):
        assert tried["models"][model]["C callback"] == "suspended"
        assert tried["models"][model]["plain def"] == "suspended"
    for model in ("asyncio", "coroutines"):
        assert tried["models"][model]["C callback"].startswith("error: TypeError")
    assert claims.decide_4({"measures": {"suspend_inside": tried}}).verdict == CONFIRMED


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


# -- claim 6: greenlet switches cheaper than asyncio's, like with like ---------------


def claim_6(models):
    return claims.decide_6({"pingpong_switch": sweep({1: models})})


def like_pairs(greenlet_ns, asyncio_ns, spread=0.02, ci95=None):
    return {"greenlet": entry(greenlet_ns, spread, ci95, mechanism="direct switch"),
            "coroutines": entry(asyncio_ns, spread, ci95, mechanism="direct hand-over"),
            "gevent": entry(greenlet_ns, spread, ci95, mechanism="channel via hub"),
            "asyncio": entry(asyncio_ns, spread, ci95, mechanism="queue via loop")}


def test_claim_6_cheaper_beyond_the_noise_on_every_like_pair_confirms_it_naming_mechanisms():
    verdict = claim_6(like_pairs(1_000, 3_000))
    assert verdict.verdict == CONFIRMED
    assert "greenlet (direct switch)" in verdict.figure and "coroutines (direct hand-over)" in verdict.figure
    assert "gevent (channel via hub)" in verdict.figure and "asyncio (queue via loop)" in verdict.figure
    direct, through = verdict.figure.split("; ")  # each pair switches the same way
    assert direct.startswith("greenlet") and "vs coroutines" in direct
    assert through.startswith("gevent") and "vs asyncio" in through


def test_claim_6_dearer_beyond_the_noise_refutes_it():
    assert claim_6(like_pairs(3_000, 1_000)).verdict == REFUTED


def test_claim_6_cheaper_on_one_pair_dearer_on_the_other_is_partly():
    models = like_pairs(1_000, 3_000)
    models["gevent"] = entry(5_000, 0.02, mechanism="channel via hub")
    assert claim_6(models).verdict == PARTLY


def test_claim_6_intervals_that_straddle_the_threshold_are_undecided_within_noise_with_both_shown():
    verdict = claim_6(like_pairs(1_000, 1_100, spread=0.2))
    assert verdict.verdict == WITHIN_NOISE
    assert "[800-1,200, min-max]" in verdict.figure and "[880-1,320, min-max]" in verdict.figure


def test_claim_6_the_95_percent_interval_is_used_when_the_run_has_one():
    # min-max is wide, ci95 narrow: the ci95 decides
    assert claim_6(like_pairs(1_000, 1_100, spread=0.2, ci95=0.01)).verdict == CONFIRMED


def test_claim_6_without_a_pair_that_switches_the_same_way_is_undecided():
    models = {"greenlet": entry(1_000, mechanism="direct switch"), "asyncio": entry(3_000, mechanism="queue via loop")}
    assert claim_6(models).verdict == UNDECIDED


def test_claim_6_without_mechanisms_pairs_by_runtime_kind_and_says_so():
    models = {"greenlet": entry(1_000, runtime="own scheduler"), "coroutines": entry(3_000, runtime="own scheduler")}
    verdict = claim_6(models)
    assert verdict.verdict == CONFIRMED and "no mechanism recorded" in verdict.figure


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


# -- claim 9: fibers against threads --------------------------------------------------


def claim_9(fiber_ns, thread_ns, spread=0.02, fiber_bytes=4_000, thread_bytes=20_000, fiber_most=100_000,
            thread_most=10_000):
    switch = sweep({1: {"greenlet": entry(fiber_ns, spread), "threads": entry(thread_ns, spread)}})
    tasks = sweep({
        10: {"greenlet": entry(tasks=20, uss=20 * fiber_bytes), "threads": entry(tasks=20, uss=20 * thread_bytes)},
        1_000: {"greenlet": entry(tasks=2_000, uss=2_000 * fiber_bytes),
                "threads": entry(tasks=2_000, uss=2_000 * thread_bytes)},
        50_000: {"greenlet": entry(tasks=fiber_most, status="ok"),
                 "threads": entry(tasks=thread_most, status="ok" if thread_most >= fiber_most else "error",
                                  error="beyond its limit")},
    })
    # the largest point holds no memory figure: keep the slope on the two small points
    for model in ("greenlet", "threads"):
        tasks["points"][2]["result"]["models"][model]["memory"]["uss_delta_bytes"] = (
            tasks["points"][1]["result"]["models"][model]["memory"]["uss_delta_bytes"] / 2_000
            * tasks["points"][2]["result"]["models"][model]["stack"]["tasks"])
    return claims.decide_9({"pingpong_switch": switch, "pingpong_tasks": tasks})


def test_claim_9_faster_leaner_and_further_confirms_it():
    verdict = claim_9(1_000, 20_000)
    assert verdict.verdict == CONFIRMED and "threads: beyond its limit" in verdict.figure


def test_claim_9_slower_heavier_and_shorter_refutes_it():
    assert claim_9(20_000, 1_000, fiber_bytes=20_000, thread_bytes=4_000, fiber_most=2_000,
                   thread_most=100_000).verdict == REFUTED


def test_claim_9_faster_but_heavier_is_partly():
    assert claim_9(1_000, 20_000, fiber_bytes=20_000, thread_bytes=4_000).verdict == PARTLY


def test_claim_9_a_switch_cost_within_noise_leaves_it_undecided_within_noise():
    assert claim_9(1_000, 1_050, spread=0.2).verdict == WITHIN_NOISE


def test_claim_9_is_undecided_without_the_sweeps():
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


def test_claim_10_is_undecided_when_nobody_failed_or_the_sweep_is_missing():
    assert claim_10({"asyncio": 100_000, "greenlet": 100_000}).verdict == UNDECIDED
    stopped = dict(sweep({1_000: {"asyncio": entry(), "greenlet": entry()}}), stopped="stopped before depth=10,000")
    verdict = claims.decide_10({"deep_chain_limit": stopped})
    assert verdict.verdict == UNDECIDED and "stopped before depth=10,000" in verdict.figure
    assert claims.decide_10({}).verdict == UNDECIDED


# -- claim 11: bytes held per suspended task against depth ---------------------------


def claim_11(coro_shallow, coro_deep, fiber_shallow=8_000, fiber_deep=9_000):
    return claims.decide_11({"deep_chain_depth": sweep({
        1: {"asyncio": entry(bytes_per_task=coro_shallow), "greenlet": entry(bytes_per_task=fiber_shallow)},
        1_000: {"asyncio": entry(bytes_per_task=coro_deep), "greenlet": entry(bytes_per_task=fiber_deep)},
    })})


def test_claim_11_reaches_every_verdict_and_shows_the_fibers_as_control():
    verdict = claim_11(2_000, 200_000)
    assert verdict.verdict == CONFIRMED and "greenlet 7.8 KiB at depth 1" in verdict.control
    assert claim_11(2_000, 2_500).verdict == REFUTED
    assert claim_11(2_000, 3_500).verdict == PARTLY
    assert claims.decide_11({}).verdict == UNDECIDED


# -- claim 12: a million leaves -----------------------------------------------------


def claim_12(greenlet_status, gevent_status):
    models = {"greenlet": entry(status=greenlet_status, peak=900 * 2**20, error="out of memory"),
              "gevent": entry(status=gevent_status, peak=1_500 * 2**20, error="out of memory"),
              "asyncio": entry(peak=1_200 * 2**20)}
    return claims.decide_12({"spawn_million": sweep({1_000_000: models})})


def test_claim_12_reaches_every_verdict():
    verdict = claim_12("ok", "ok")
    assert verdict.verdict == CONFIRMED and "greenlet finished, peak RSS 900 MiB" in verdict.figure
    assert "asyncio finished" in verdict.control
    assert claim_12("ok", "error").verdict == PARTLY
    assert claim_12("crashed", "error").verdict == REFUTED
    assert claims.decide_12({}).verdict == UNDECIDED


@pytest.mark.parametrize("decide", claims.DECIDERS)
def test_every_claim_says_what_is_missing_on_empty_results(decide):
    verdict = decide({})
    assert verdict.verdict == UNDECIDED and verdict.figure and verdict.command.startswith("make sweep")
