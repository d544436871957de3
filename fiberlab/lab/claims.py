"""The claims section: twelve common claims, each decided by figures from results/.

Every verdict is computed here from the sweep results and measures.json, with
the thresholds below; none is written by hand, and no field that is a constant
by construction decides one (a model's declared kind names a side, it never
decides). Each claim is the explainer's own sentence, quoted; the figure is
what decides it on this machine; the control, where there is one, is what the
same measurement says where the claim does not apply, so a reader can see the
measurement could have come out the other way.

Verdicts: confirmed, refuted, partly, undecided (data missing: says what), and
for timings "undecided: within noise": a timing comparison is decided only when
the interval of the ratio (each side's wall_s.ci95 if the run has one, else
min-max over its repeats) lies wholly on one side of the threshold. Claim 7 has
one more: "true of all recursion" when its control (plain calls) stops too.

Each decide_* function takes the loaded results ({sweep name: data}, with
"measures" for fiberlab/lab/measures.py) and returns a Verdict.
"""

from dataclasses import dataclass

from fiberlab import stats

CONFIRMED, REFUTED, PARTLY, UNDECIDED = "confirmed", "refuted", "partly", "undecided"
WITHIN_NOISE = "undecided: within noise"
ALL_RECURSION = "true of all recursion"  # claim 7: the control stops at the same limit

SMALLEST_CLAIMED_STACK = 8 * 1024  # claim 2: "a dedicated stack of 8 KB to 1 MB"
MANY_TASKS = 100_000  # claim 3: asyncio ok at this many tasks refutes "only thousands"
THOUSANDS = 10_000  # claim 3: a failure at or below this many tasks confirms it
FLAT_RATIO = 1.5  # claim 5: peak at 100x the items within this factor is "flat"
ITEMS_HELD = 4  # claim 5: a flat peak within this many items' bytes is "one value at a time"
CHEAPER_BY = 1.0  # claims 6, 9: a ratio of costs wholly below this is "cheaper"
LOOP_COSTS_MORE = 1.5  # claim 8: event-loop hand-over at least this many times a bare send() confirms
GROWS = 2.0  # claim 11: bytes per task at the deepest depth at least this times the shallowest: "accumulates"
MILLION = 1_000_000  # claim 12: leaves of the spawn tree

STACKFUL, STACKLESS = ("greenlet", "gevent"), ("asyncio", "uvloop", "coroutines")  # the two sides the claims name
FIBERS = ("greenlet", "gevent")


@dataclass
class Verdict:
    number: int
    claim: str  # the explainer's sentence, quoted
    verdict: str
    figure: str  # the measured figure that decides it, in words
    command: str  # what reruns the measurement
    control: str = ""  # what the same measurement says where the claim should not hold


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


# -- timings with their noise ------------------------------------------------------


def ns_interval(entry):
    """(low, central, high) ns per op and what the band is: the run's 95% interval
    (wall_s.ci95, if the timing lane recorded it), else min-max over its repeats."""
    central = entry["ns_per_op"]
    wall, ops = entry.get("wall_s") or {}, entry.get("ops")
    if not ops:
        return (central, central, central), "one value"
    if entry.get("ns_per_op_ci95"):  # on the clock ns_per_op is on (docs/timing.md)
        low, high = entry["ns_per_op_ci95"]
        return (low, central, high), "95% CI"
    if wall.get("ci95"):
        low, high = wall["ci95"]
        return (low / ops * 1e9, central, high / ops * 1e9), "95% CI"
    if "min" in wall and "max" in wall:
        return (wall["min"] / ops * 1e9, central, wall["max"] / ops * 1e9), "min-max"
    return (central, central, central), "one value"


def scaled(interval, factor):
    return tuple(value * factor for value in interval)


def ratio_interval(top, bottom):
    """The interval of top/bottom given both intervals (low, central, high)."""
    return (top[0] / bottom[2], top[1] / bottom[1], top[2] / bottom[0])


def side_of(ratio, threshold):
    """'below' or 'above' when the whole interval is on that side of threshold, else 'within noise'."""
    if ratio[2] < threshold:
        return "below"
    if ratio[0] > threshold:
        return "above"
    return "within noise"


def show(interval, band, unit="ns"):
    low, central, high = interval
    return f"{central:,.0f} {unit} [{low:,.0f}-{high:,.0f}, {band}]"


def show_ratio(ratio):
    return f"x{ratio[1]:.2f} [{ratio[0]:.2f}-{ratio[2]:.2f}]"


def mechanism(model, entry):
    """(group, words): what a switch goes through. The like-for-like lane records
    `mechanism`; without it, the runtime kind stands in and the words say so."""
    named = entry.get("mechanism")
    if isinstance(named, str) and named:
        return ("direct" if "direct" in named.lower() else "through a loop or hub"), named
    runtime = (entry.get("kind") or {}).get("scheduler") or "unknown scheduler"
    return runtime, f"{runtime}, no mechanism recorded"


# -- the claims --------------------------------------------------------------------


def decide_1(results):
    claim = "Python coroutines are stackful: each keeps its frame on the call stack while suspended."
    placed = results.get("measures", {}).get("frame_placement")
    rerun = command(results, "measures")
    if not placed or "asyncio" not in placed or "greenlet" not in placed:
        return Verdict(1, claim, UNDECIDED, "no frame placement measure yet", rerun)
    coro, fiber = placed["asyncio"], placed["greenlet"]
    depth = coro["depth"]
    control = (f"the same measure on {fiber['chains']:,} suspended greenlets {fiber['depth']:,} plain calls deep: "
               f"{fiber['linked_depth']:,.0f} frames linked by f_back (a stack of their own, not running), "
               f"{fiber['frames_on_a_running_stack']:,} on a running stack")
    if fiber["linked_depth"] < fiber["depth"]:
        return Verdict(1, claim, UNDECIDED, "the measure found no stack even in a greenlet, so it cannot tell",
                       rerun, control)
    stacked = coro["frames_on_a_running_stack"] > 0 or coro["linked_depth"] >= depth
    loose = coro["frames_on_a_running_stack"] == 0 and coro["linked_depth"] <= 1
    verdict = CONFIRMED if stacked else REFUTED if loose else PARTLY
    figure = (f"{coro['chains']:,} asyncio tasks suspended {depth:,} awaits deep, {coro['frames_per_unit']:,.0f} "
              f"coroutine frames each: {coro['frames_on_a_running_stack']:,} of them on any thread's running stack "
              f"(sys._current_frames), and {coro['linked_depth']:,.0f} linked by f_back from the innermost one "
              f"(a stack would link {depth + 1:,}); the rest hang off cr_await as heap objects")
    return Verdict(1, claim, verdict, figure, rerun, control)


def decide_2(results):
    claim = "Fibers need a dedicated stack of 8 KB to 1 MB each."
    fiber = results.get("measures", {}).get("fiber_memory")
    rerun = command(results, "measures", "pingpong_tasks")
    if not fiber:
        return Verdict(2, claim, UNDECIDED, "no fiber memory measure yet", rerun)
    saved, whole = fiber["c_stack_saved_bytes"], fiber["bytes_per_fiber"]
    if saved >= SMALLEST_CLAIMED_STACK:
        verdict = CONFIRMED
    elif whole >= SMALLEST_CLAIMED_STACK:
        verdict = PARTLY  # no C stack of its own, yet the fiber costs that much: its data-stack chunk
    else:
        verdict = REFUTED
    (small, _), (large, _) = fiber["points"][0], fiber["points"][-1]
    figure = (f"a bare suspended greenlet (no channel, no probe) on Python {fiber['python']}: C stack saved to the "
              f"heap {kib(saved)}, the whole fiber {kib(whole)} (USS slope, {small:,} to {large:,} fibers); "
              f"threshold {kib(SMALLEST_CLAIMED_STACK)}. No fiber has a C stack of its own (greenlet copies a slice "
              f"of the one C stack); on 3.11+ each fiber owns a chunk of Python data stack for its frames")
    data = results.get("pingpong_tasks")
    control = ""
    if data:
        rows = []
        for model in FIBERS:
            points = ok_entries(data, model)
            if len(points) >= 2:
                slope = stats.slope([(e["stack"]["tasks"], e["memory"]["uss_delta_bytes"]) for _, e in points])
                rows.append(f"{model} {kib(slope or 0)}")
        if rows:
            control = "in pingpong, with its channel and queues, a whole player costs " + ", ".join(rows)
    return Verdict(2, claim, verdict, figure, rerun, control)


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
    tried = results.get("measures", {}).get("suspend_inside")
    rerun = command(results, "measures")
    if not tried or not tried.get("models"):
        return Verdict(4, claim, UNDECIDED, "no suspend-inside measure yet", rerun)
    places = list(tried["places"])
    side = {"stackful": [], "stackless": []}
    for row in tried["models"].values():
        side[row["stack"]] += [row[place] == "suspended" for place in places]
    if not side["stackful"] or not side["stackless"]:
        return Verdict(4, claim, UNDECIDED, "the measure lacks a stackful or a stackless model", rerun)
    fibers_anywhere = all(side["stackful"])
    coroutines_need_callers = not any(side["stackless"])
    verdict = (CONFIRMED if fibers_anywhere and coroutines_need_callers
               else REFUTED if not fibers_anywhere and not coroutines_need_callers else PARTLY)
    figure = "; ".join(
        f"{model} ({row['stack']}): " + ", ".join(f"inside a {place}: {row[place]}" for place in places)
        for model, row in tried["models"].items())
    control = "what each task tried: " + "; ".join(f"{place}: {what}" for place, what in tried["places"].items())
    return Verdict(4, claim, verdict, figure, rerun, control)


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
              f"(x{ratio:.2f})")
    control = f"a list of the same items peaks at {large['list_peak_bytes'] / 2**20:,.1f} MiB"
    return Verdict(5, claim, verdict, figure, command(results, "measures"), control)


def timing_verdict(outcomes):
    """outcomes: 'below'/'above'/'within noise' per comparison, 'below' being the claim's side."""
    if not outcomes:
        return UNDECIDED
    if "within noise" in outcomes:
        return WITHIN_NOISE
    return CONFIRMED if set(outcomes) == {"below"} else REFUTED if "below" not in outcomes else PARTLY


def decide_6(results):
    claim = "Greenlet switches are cheaper than asyncio task switches."
    data = results.get("pingpong_switch")
    rerun = command(results, "pingpong_switch")
    entries = {model: found[0][1] for model in STACKFUL + STACKLESS if data and (found := ok_entries(data, model))}
    pairs = [(fiber, coro) for fiber in STACKFUL if fiber in entries for coro in STACKLESS if coro in entries
             if mechanism(fiber, entries[fiber])[0] == mechanism(coro, entries[coro])[0]]
    if not pairs:
        return Verdict(6, claim, UNDECIDED, "no pingpong_switch result with a greenlet and an asyncio-style model "
                       "that switch the same way", rerun)
    outcomes, parts = [], []
    for fiber, coro in pairs:
        (top, band), (bottom, bottom_band) = ns_interval(entries[fiber]), ns_interval(entries[coro])
        ratio = ratio_interval(top, bottom)
        outcomes.append(side_of(ratio, CHEAPER_BY))
        parts.append(f"{fiber} ({mechanism(fiber, entries[fiber])[1]}) {show(top, band)} vs {coro} "
                     f"({mechanism(coro, entries[coro])[1]}) {show(bottom, bottom_band)} per round trip: "
                     f"{show_ratio(ratio)}, {'cheaper' if outcomes[-1] == 'below' else outcomes[-1].replace('above', 'dearer')}")
    control = ("like with like only: each greenlet-based model against an asyncio-style one that switches the same "
               "way (direct hand-over with direct hand-over, loop with hub); threshold x" + f"{CHEAPER_BY}")
    return Verdict(6, claim, timing_verdict(outcomes), "; ".join(parts), rerun, control)


def decide_7(results):
    claim = "Deep recursion in generators or coroutines hits Python's recursion limit (default 1000)."
    measures = results.get("measures", {}).get("recursion")
    rerun = command(results, "measures", "deep_chain_depth")
    if not measures:
        return Verdict(7, claim, UNDECIDED, "no recursion measure yet", rerun)
    deepest, limit = measures["deepest"], measures["limit"]
    hit = [deepest[kind] < limit for kind in ("async def chain", "yield from chain")]
    plain = deepest.get("plain calls on a greenlet")
    control = (f"plain calls on a greenlet stop at {plain:,}" if plain is not None else "no control measured")
    if all(hit):
        verdict = ALL_RECURSION if plain is not None and plain < limit else CONFIRMED
    else:
        verdict = PARTLY if any(hit) else REFUTED
    figure = f"deepest chain under the default limit {limit:,}: " + ", ".join(
        f"{kind} {depth:,}" for kind, depth in deepest.items() if kind != "plain calls on a greenlet")
    if verdict == ALL_RECURSION:
        figure += "; the limit counts every Python call, whatever suspends: it is true of all Python recursion"
    return Verdict(7, claim, verdict, figure, rerun, control)


def decide_8(results):
    claim = "A switch through an event loop costs more than resuming a bare coroutine."
    bare = results.get("measures", {}).get("bare_coroutine")
    data = results.get("pingpong_switch")
    loop = ok_entries(data, "asyncio") if data else []
    rerun = command(results, "measures", "pingpong_switch")
    if not bare or not loop:
        return Verdict(8, claim, UNDECIDED, "no bare coroutine measure or asyncio pingpong yet", rerun)
    entry = loop[0][1]
    round_trip, band = ns_interval(entry)  # one pingpong op is a round trip: two hand-overs
    # A round trip against a round trip (older measures.json named it ns_per_hand_over; it was a round trip).
    central = bare.get("ns_per_round_trip", bare.get("ns_per_hand_over"))
    bare_interval = (bare.get("ns_min", central), central, bare.get("ns_max", central))
    ratio = ratio_interval(round_trip, bare_interval)
    if ratio[0] >= LOOP_COSTS_MORE:
        verdict = CONFIRMED
    elif ratio[2] <= 1:
        verdict = REFUTED
    elif ratio[0] > 1 and ratio[2] < LOOP_COSTS_MORE:
        verdict = PARTLY  # dearer, but by less than the threshold
    else:
        verdict = WITHIN_NOISE
    figure = (f"asyncio round trip through the loop ({mechanism('asyncio', entry)[1]}) {show(round_trip, band)} vs "
              f"bare coro.send() round trip {show(bare_interval, 'min-max')}: {show_ratio(ratio)} "
              f"(threshold x{LOOP_COSTS_MORE})")
    return Verdict(8, claim, verdict, figure, rerun)


def tasks_slope(data, model):
    points = ok_entries(data, model) if data else []
    if len(points) < 2:
        return None
    return stats.slope([(e["stack"]["tasks"], e["memory"]["uss_delta_bytes"]) for _, e in points])


def votes_verdict(votes):
    """votes: True (the claim's side), False, or None (within noise)."""
    if not votes:
        return UNDECIDED
    if True in votes and False in votes:
        return PARTLY
    if False in votes:
        return REFUTED
    return WITHIN_NOISE if None in votes else CONFIRMED


def decide_9(results):
    claim = "Fibers ... are faster and more scalable than threads."
    switch, tasks = results.get("pingpong_switch"), results.get("pingpong_tasks")
    rerun = command(results, "pingpong_switch", "pingpong_tasks")
    votes, parts = [], []
    threads = ok_entries(switch, "threads") if switch else []
    for fiber in FIBERS:
        mine = ok_entries(switch, fiber) if switch else []
        if mine and threads:
            (top, band), (bottom, bottom_band) = ns_interval(mine[0][1]), ns_interval(threads[0][1])
            ratio = ratio_interval(top, bottom)
            side = side_of(ratio, CHEAPER_BY)
            votes.append(True if side == "below" else False if side == "above" else None)
            parts.append(f"round trip {fiber} {show(top, band)} vs threads {show(bottom, bottom_band)}: "
                         f"{show_ratio(ratio)}{', within noise' if votes[-1] is None else ''}")
    thread_bytes = tasks_slope(tasks, "threads")
    for fiber in FIBERS:
        fiber_bytes = tasks_slope(tasks, fiber)
        if fiber_bytes is not None and thread_bytes is not None:
            votes.append(fiber_bytes < thread_bytes)
            parts.append(f"memory per task {fiber} {kib(fiber_bytes)} vs threads {kib(thread_bytes)}")
    if tasks:
        ran = {model for point in tasks["points"] for model in point["result"]["models"]}
        most = {model: max((e["stack"]["tasks"] for _, e in ok_entries(tasks, model)), default=0)
                for model in FIBERS + ("threads",) if model in ran}
        errors = [point["result"]["models"]["threads"].get("error") for point in tasks["points"]
                  if point["result"]["models"].get("threads", {}).get("status") not in (None, "ok")]
        for fiber in FIBERS:
            if most.get(fiber) and most.get("threads") and most[fiber] != most["threads"]:
                votes.append(most[fiber] > most["threads"])  # a tie (both reached the top) says nothing
        parts.append("largest count reached: " + ", ".join(f"{model} {count:,}" for model, count in most.items())
                     + (f" (threads: {errors[0]})" if errors and errors[0] else ""))
    if not votes:
        return Verdict(9, claim, UNDECIDED, "no pingpong sweeps with fibers and threads yet", rerun)
    return Verdict(9, claim, votes_verdict(votes), "; ".join(parts), rerun)


def deepest_completed(data):
    """{model: (deepest depth completed or 0, (depth, error) of its first failure or None)}."""
    found = {}
    for point in sorted(data["points"], key=lambda point: point["value"]):
        for model, entry in point["result"]["models"].items():
            deepest, failure = found.get(model, (0, None))
            if failure is None:
                if entry["status"] == "ok":
                    deepest = point["value"]
                else:
                    failure = (point["value"], entry.get("error") or entry["status"])
            found[model] = (deepest, failure)
    return found


def decide_10(results):
    claim = "Stackless design avoids stack overflow, enabling deep recursion."
    data = results.get("deep_chain_limit")
    rerun = command(results, "deep_chain_limit")
    found = deepest_completed(data) if data else {}
    stackless = [found[model][0] for model in STACKLESS if model in found]
    stackful = [found[model][0] for model in STACKFUL if model in found]
    if not stackless or not stackful:
        return Verdict(10, claim, UNDECIDED, "no deep_chain_limit sweep with both kinds yet", rerun)
    figure = "; ".join(
        f"{model} completed depth {deepest:,}" + (f", failed at {failure[0]:,}: {failure[1]}" if failure
                                                  else " (no failure up to the sweep's top)")
        for model, (deepest, failure) in found.items())
    if data.get("stopped"):
        figure += f"; {data['stopped']}"
    if not any(failure for _, failure in found.values()):
        verdict = UNDECIDED  # nobody failed: the sweep did not go deep enough to tell
    elif min(stackless) > max(stackful):
        verdict = CONFIRMED
    elif max(stackless) < min(stackful):
        verdict = REFUTED
    else:
        verdict = PARTLY
    control = "the sweep steps depth up until each model fails; on CPython every resume re-enters each await level in C"
    return Verdict(10, claim, verdict, figure, rerun, control)


def held_bytes(data, model):
    """[(depth, bytes per suspended task)] where the run has a USS slope."""
    return [(depth, entry["memory"]["bytes_per_task"]) for depth, entry in ok_entries(data, model)
            if (entry.get("memory") or {}).get("bytes_per_task") is not None]


def decide_11(results):
    claim = ("Each suspended coroutine maintains its stack frame, which can accumulate memory "
             "in high-concurrency scenarios.")
    data = results.get("deep_chain_depth")
    rerun = command(results, "deep_chain_depth")
    series = {model: points for model in STACKLESS + STACKFUL + ("threads",)
              if data and len(points := held_bytes(data, model)) >= 2}
    coros = [model for model in STACKLESS if model in series]
    if not coros:
        return Verdict(11, claim, UNDECIDED, "no deep_chain_depth sweep with memory slopes at two depths yet", rerun)

    def words(model):
        (shallow, small), (deep, large) = series[model][0], series[model][-1]
        return f"{model} {kib(small)} at depth {shallow:,}, {kib(large)} at {deep:,}"

    growth = [series[model][-1][1] / max(1, series[model][0][1]) for model in coros]
    verdict = CONFIRMED if min(growth) >= GROWS else REFUTED if max(growth) < FLAT_RATIO else PARTLY
    figure = "bytes held per suspended task (USS slope): " + "; ".join(words(model) for model in coros)
    control = "; ".join(words(model) for model in series if model not in coros)
    control = ("the same measure where frames stay on a stack: " + control) if control else ""
    return Verdict(11, claim, verdict, figure + f" (threshold x{GROWS} from shallowest to deepest)", rerun, control)


def decide_12(results):
    claim = "Fibers ... can scale to thousands or millions due to low overhead."
    data = results.get("spawn_million")
    rerun = command(results, "spawn_million")
    point = next((point for point in (data or {}).get("points", []) if point["value"] >= MILLION), None)
    if not point:
        return Verdict(12, claim, UNDECIDED, f"no spawn_million sweep at {MILLION:,} leaves yet", rerun)
    models = point["result"]["models"]

    def words(model):
        entry = models[model]
        if entry["status"] == "ok":
            return f"{model} finished, peak RSS {entry['memory']['peak_rss_bytes'] / 2**20:,.0f} MiB"
        return f"{model} {entry['status']}: {entry.get('error')}"

    fibers = [model for model in FIBERS if model in models]
    if not fibers:
        return Verdict(12, claim, UNDECIDED, "no fiber model ran the spawn_million sweep", rerun)
    finished = [models[model]["status"] == "ok" for model in fibers]
    verdict = CONFIRMED if all(finished) else REFUTED if not any(finished) else PARTLY
    figure = f"spawn, {point['value']:,} leaves ({point['value'] * 10 // 9:,} tasks): " + "; ".join(map(words, fibers))
    control = "; ".join(words(model) for model in models if model not in fibers)
    return Verdict(12, claim, verdict, figure, rerun, ("the other models at the same size: " + control) if control else "")


DECIDERS = (decide_1, decide_2, decide_3, decide_4, decide_5, decide_6,
            decide_7, decide_8, decide_9, decide_10, decide_11, decide_12)


def decide_all(results):
    return [decide(results) for decide in DECIDERS]
