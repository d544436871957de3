"""The claims section: eight common claims, each decided by figures from results/.

Every verdict is computed here from the sweep results and measures.json, with
the thresholds below; none is written by hand. A claim whose data is missing
(its sweep not run yet, or too small to decide) gets the verdict "undecided"
and says what is missing.
Each decide_* function takes the loaded results ({sweep name: data}, with
"measures" for harness/lab_measures.py) and returns a Verdict.
"""

from dataclasses import dataclass

from harness import stats

CONFIRMED, REFUTED, PARTLY, UNDECIDED = "confirmed", "refuted", "partly", "undecided"

SMALLEST_CLAIMED_STACK = 8 * 1024  # claim 2: "a dedicated stack of 8 KB to 1 MB"
MANY_TASKS = 100_000  # claim 3: asyncio ok at this many tasks refutes "only thousands"
THOUSANDS = 10_000  # claim 3: a failure at or below this many tasks confirms it
FLAT_RATIO = 1.5  # claim 5: peak at 100x the items within this factor is "flat"
ITEMS_HELD = 4  # claim 5: a flat peak within this many items' bytes is "one value at a time"
CHEAPER_BY = 1.0  # claim 6: greenlet ns per round trip below asyncio's times this is "cheaper"
LOOP_COSTS_MORE = 1.5  # claim 8: event-loop hand-over at least this many times a bare send() confirms


@dataclass
class Verdict:
    number: int
    claim: str
    verdict: str
    figure: str  # the measured figure that decides it, in words
    command: str  # what reruns the measurement


def ok_entries(data, model):
    """(value, entry) of every point where `model` ran ok."""
    points = []
    for point in data["points"]:
        entry = point["result"]["models"].get(model)
        if entry and entry["status"] == "ok":
            points.append((point["value"], entry))
    return points


def command(results, *sweeps):
    names = [name for name in sweeps if name in results]
    rerun = "make sweep SWEEPS=" + ",".join(names) if names else "make sweep"
    return rerun + " && make report"


def kib(value):
    return f"{value / 1024:,.1f} KiB"


def decide_1(results):
    claim = "Python coroutines are stackful: each keeps its frame on the call stack while suspended."
    source = "deep_chain_depth" if "deep_chain_depth" in results else "pingpong_switch"
    points = ok_entries(results[source], "asyncio") if source in results else []
    if not points:
        return Verdict(1, claim, UNDECIDED, "no asyncio result yet", command(results, source))
    value, entry = points[-1]
    stack = entry["stack"]
    where = f"{source} at {results[source]['axis']}={value:,}"
    if stack["c_stack_bytes_per_task"]:
        verdict = CONFIRMED
    else:
        verdict = REFUTED if stack["frames_per_task"] and stack["frame_bytes_per_task"] else UNDECIDED
    figure = (f"{where}: a suspended asyncio task holds {stack['frames_per_task']:,.0f} coroutine frames "
              f"({kib(stack['frame_bytes_per_task'] or 0)}) as heap objects on its cr_await chain, "
              f"and {stack['c_stack_bytes_per_task'] or 0} bytes on any C stack")
    return Verdict(1, claim, verdict, figure, command(results, source))


def decide_2(results):
    claim = "Fibers need a dedicated stack of 8 KB to 1 MB each."
    data = results.get("pingpong_tasks")
    fits = {}
    for model in ("greenlet", "gevent"):
        points = ok_entries(data, model) if data else []
        if len(points) >= 2:
            per_task = stats.slope([(e["stack"]["tasks"], e["memory"]["uss_delta_bytes"]) for _, e in points])
            fits[model] = (per_task, points[-1][1]["stack"]["c_stack_bytes_per_task"], points[-1][1]["stack"]["tasks"])
    if not fits:
        return Verdict(2, claim, UNDECIDED, "no pingpong_tasks sweep with two points yet", command(results, "pingpong_tasks"))
    saved = max(fit[1] or 0 for fit in fits.values())
    whole = max(fit[0] or 0 for fit in fits.values())
    if saved >= SMALLEST_CLAIMED_STACK:
        verdict = CONFIRMED
    elif whole >= SMALLEST_CLAIMED_STACK:
        verdict = PARTLY  # no dedicated stack, yet the whole fiber costs that much
    else:
        verdict = REFUTED
    figure = "; ".join(f"{model}: C stack saved per suspended fiber {kib(c_stack or 0)}, whole fiber "
                       f"{kib(per_task or 0)} (USS slope over up to {tasks:,} tasks)"
                       for model, (per_task, c_stack, tasks) in fits.items())
    figure += f"; threshold {kib(SMALLEST_CLAIMED_STACK)}, no fiber has a stack of its own (greenlet copies a slice to the heap)"
    return Verdict(2, claim, verdict, figure, command(results, "pingpong_tasks"))


def decide_3(results):
    claim = "Python coroutines scale only to thousands of concurrent tasks."
    data = results.get("pingpong_tasks")
    if not data:
        return Verdict(3, claim, UNDECIDED, "no pingpong_tasks sweep yet", command(results, "pingpong_tasks"))
    ok = ok_entries(data, "asyncio")
    failed = [point["value"] * 2 for point in data["points"]
              if point["result"]["models"].get("asyncio", {}).get("status") not in (None, "ok")]
    most = max((entry["stack"]["tasks"] for _, entry in ok), default=0)
    if failed and min(failed) <= THOUSANDS:
        verdict = CONFIRMED
    elif most >= MANY_TASKS:
        verdict = REFUTED
    elif failed:
        verdict = PARTLY
    else:
        verdict = UNDECIDED  # every point ok, but none large enough
    figure = f"asyncio ran {most:,} concurrent suspended tasks"
    if ok:
        entry = max(ok, key=lambda item: item[1]["stack"]["tasks"])[1]
        figure += f" in {entry['memory']['uss_delta_bytes'] / 2**20:,.0f} MiB USS"
    figure += f"; failed at {', '.join(f'{count:,}' for count in failed)} tasks" if failed else "; no point failed"
    return Verdict(3, claim, verdict, figure + f" (threshold {MANY_TASKS:,})", command(results, "pingpong_tasks"))


def decide_4(results):
    claim = ("Stackful fibers can suspend anywhere in a call chain; "
             "stackless coroutines only where every caller cooperates.")
    data = results.get("deep_chain_depth")
    fiber = ok_entries(data, "greenlet") if data else []
    coro = ok_entries(data, "asyncio") if data else []
    if not fiber or not coro:
        return Verdict(4, claim, UNDECIDED, "no deep_chain sweep with greenlet and asyncio yet",
                       command(results, "deep_chain_depth"))
    depth, fiber_entry = fiber[-1]
    coro_entry = dict(coro).get(depth)
    if coro_entry is None:
        return Verdict(4, claim, UNDECIDED, f"asyncio did not run at depth {depth:,}", command(results, "deep_chain_depth"))
    every_level_awaits = coro_entry["stack"]["frames_per_task"] >= depth
    verdict = CONFIRMED if every_level_awaits else PARTLY
    shallow = dict(coro).get(fiber[0][0])
    growth = coro_entry["ns_per_op"] / shallow["ns_per_op"] if shallow else None
    figure = (f"deep_chain at depth {depth:,}: the fiber suspends below {fiber_entry['stack']['frames_per_task']:,.0f} "
              f"plain-def frames ({fiber_entry['ns_per_op']:,.0f} ns per resume); asyncio needs "
              f"{coro_entry['stack']['frames_per_task']:,.0f} coroutines on the await chain, one per level "
              f"({coro_entry['ns_per_op']:,.0f} ns per resume")
    figure += f", {growth:,.0f}x its cost at depth {fiber[0][0]:,})" if growth else ")"
    return Verdict(4, claim, verdict, figure, command(results, "deep_chain_depth"))


def decide_5(results):
    claim = "A generator holds only one value in memory at a time."
    measures = results.get("measures", {}).get("generator_memory")
    if not measures or len(measures["points"]) < 2:
        return Verdict(5, claim, UNDECIDED, "no generator memory measure yet", command(results, "measures"))
    small, large = measures["points"][0], measures["points"][-1]
    ratio = large["generator_peak_bytes"] / max(1, small["generator_peak_bytes"])
    flat = ratio <= FLAT_RATIO
    one_at_a_time = large["generator_peak_bytes"] <= ITEMS_HELD * measures["item_bytes"]
    verdict = CONFIRMED if flat and one_at_a_time else PARTLY if flat else REFUTED
    figure = (f"tracemalloc peak while consuming {small['items']:,} vs {large['items']:,} items of "
              f"{measures['item_bytes']:,} B: {small['generator_peak_bytes']:,} B vs {large['generator_peak_bytes']:,} B "
              f"(x{ratio:.2f}; a list of them: {large['list_peak_bytes'] / 2**20:,.1f} MiB)")
    return Verdict(5, claim, verdict, figure, command(results, "measures"))


def decide_6(results):
    claim = "Greenlet switches are cheaper than asyncio task switches."
    data = results.get("pingpong_switch")
    costs = {model: entries[0][1]["ns_per_op"] for model in ("greenlet", "gevent", "asyncio")
             if data and (entries := ok_entries(data, model))}
    if "greenlet" not in costs or "asyncio" not in costs:
        return Verdict(6, claim, UNDECIDED, "no pingpong_switch result for greenlet and asyncio yet",
                       command(results, "pingpong_switch"))
    cheaper = {model: costs[model] < costs["asyncio"] * CHEAPER_BY for model in ("greenlet", "gevent") if model in costs}
    verdict = CONFIRMED if all(cheaper.values()) else PARTLY if any(cheaper.values()) else REFUTED
    figure = "ns per round trip (two switches): " + ", ".join(f"{model} {cost:,.0f}" for model, cost in costs.items())
    return Verdict(6, claim, verdict, figure, command(results, "pingpong_switch"))


def decide_7(results):
    claim = "Deep recursion in generators or coroutines hits Python's recursion limit (default 1000)."
    measures = results.get("measures", {}).get("recursion")
    if not measures:
        return Verdict(7, claim, UNDECIDED, "no recursion measure yet", command(results, "measures"))
    deepest = measures["deepest"]
    limit = measures["limit"]
    hit = [deepest[kind] < limit for kind in ("async def chain", "yield from chain")]
    verdict = CONFIRMED if all(hit) else PARTLY if any(hit) else REFUTED
    figure = f"deepest chain under the default limit {limit:,}: " + ", ".join(
        f"{kind} {depth:,}" for kind, depth in deepest.items())
    data = results.get("deep_chain_depth")
    if data:
        deep = [(depth, entry["notes"]) for depth, entry in ok_entries(data, "asyncio") if entry.get("notes")]
        if deep:
            figure += f"; deep_chain at depth {deep[-1][0]:,} ran only with the worker's note: {deep[-1][1][0]}"
    return Verdict(7, claim, verdict, figure, command(results, "measures", "deep_chain_depth"))


def decide_8(results):
    claim = "A switch through an event loop costs more than resuming a bare coroutine."
    bare = results.get("measures", {}).get("bare_coroutine")
    data = results.get("pingpong_switch")
    loop = ok_entries(data, "asyncio") if data else []
    if not bare or not loop:
        return Verdict(8, claim, UNDECIDED, "no bare coroutine measure or asyncio pingpong yet",
                       command(results, "measures", "pingpong_switch"))
    per_hand_over = loop[0][1]["ns_per_op"] / 2  # one pingpong op is a round trip: two hand-overs
    ratio = per_hand_over / bare["ns_per_hand_over"]
    verdict = CONFIRMED if ratio >= LOOP_COSTS_MORE else REFUTED if ratio <= 1 else PARTLY
    figure = (f"asyncio hand-over through the loop {per_hand_over:,.0f} ns vs bare coro.send() "
              f"{bare['ns_per_hand_over']:,.0f} ns: x{ratio:.1f} (threshold x{LOOP_COSTS_MORE})")
    return Verdict(8, claim, verdict, figure, command(results, "measures", "pingpong_switch"))


DECIDERS = (decide_1, decide_2, decide_3, decide_4, decide_5, decide_6, decide_7, decide_8)


def decide_all(results):
    return [decide(results) for decide in DECIDERS]
