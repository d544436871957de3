"""The claims section: twelve common claims, each decided by figures from results/.

Every verdict is computed here from the sweep results and measures.json, with
the thresholds below; none is written by hand, and no field that is a constant
by construction decides one (a model's declared kind names a side, it never
decides). Each claim is the explainer's own sentence, quoted; the figure is
what decides it on this machine; the control, where there is one, is what the
same measurement says where the claim does not apply, so a reader can see the
measurement could have come out the other way.

Verdicts: confirmed, refuted, partly, undecided (data missing: says what),
"undecided: too small to tell" (the data is there, but its sizes cannot reach
the claim's threshold: a --tiny sweep), and for timings "undecided: within
noise": a comparison is decided only when the interval of the ratio lies
wholly on one side of the threshold. Where two models are compared, the
interval comes from paired values taken close in time, by the method every
comparison of the lab uses (fiberlab/comparison.py paired_ratio: turns in one
process, or adjacent processes of one round). Claim 7 has one more: "true of all recursion" when its
control (plain calls) stops too.

Each decide_* function takes the loaded results ({sweep name: data}, with
"measures" for fiberlab/lab/measures.py) and returns a Verdict; decide_all()
adds each claim's rule, control and refuting outcome (RULES) beside it.
"""

import math
from dataclasses import dataclass, replace

from fiberlab import comparison, stats

CONFIRMED, REFUTED, PARTLY, UNDECIDED = "confirmed", "refuted", "partly", "undecided"
WITHIN_NOISE = "undecided: within noise"
TOO_SMALL = "undecided: too small to tell"  # the sweep ran, at sizes that cannot reach the claim's threshold
ALL_RECURSION = "true of all recursion"  # claim 7: the control stops at the same limit

SMALLEST_CLAIMED_STACK, LARGEST_CLAIMED_STACK = 8 * 1024, 2**20  # claim 2: "a dedicated stack of 8 KB to 1 MB"
MANY_TASKS = 100_000  # claim 3: asyncio ok at this many tasks refutes "only thousands"
THOUSANDS = 10_000  # claim 3: a failure at or below this many tasks confirms it
FLAT_RATIO = 1.5  # claim 5: peak at 100x the items within this factor is "flat"
ITEMS_HELD = 4  # claim 5: a flat peak within this many items' bytes is "one value at a time"
CHEAPER_BY = 1.0  # claims 6, 9: a ratio of costs wholly below this is "cheaper"
LOOP_COSTS_MORE = 1.5  # claim 8: event-loop hand-over at least this many times a bare send() confirms
MEMORY_BUDGET = 2**30  # claim 9: how many tasks of each model one GiB holds (bytes per task from its USS slope)
SAME_COUNT = 1.5  # claim 9: counts under the budget within this factor of each other are within noise
KEEPS_A_FRAME = 64  # claim 11: bytes per suspended level at or above this: the level's frame is kept
THOUSAND, MILLION = 1_000, 1_000_000  # claim 12: tasks of the spawn tree

STACKFUL, STACKLESS = ("greenlet", "gevent"), ("asyncio", "uvloop", "coroutines")  # the two sides the claims name
FIBERS = ("greenlet", "gevent")
OWN_STACK_FIBERS = ("cpp_fibers",)  # claim 2: a fiber with a stack of its own (mapped per fiber), beside greenlet's
SWITCH_PAIRS = (("greenlet", "coroutines"), ("gevent", "asyncio"))  # claim 6: same scheduler kind, the two stacks
NATIVE_PAIR = ("cpp_fibers", "cpp_coroutines")  # claim 6's control: the same pair with no interpreter


@dataclass
class Verdict:
    number: int
    claim: str  # the explainer's sentence, quoted
    verdict: str
    figure: str  # the measured figure that decides it, in words
    command: str  # what reruns the measurement
    control: str = ""  # what the same measurement says where the claim should not hold
    rule: str = ""  # the decision rule, and what the control is (RULES)
    refuted_by: str = ""  # the outcome that would have refuted the claim (RULES)


@dataclass(frozen=True)
class Rule:
    rule: str  # how the figure decides the verdict, with its thresholds
    control: str  # what the control is, and why it could have come out otherwise
    refuted_by: str  # the outcome that would have refuted the claim


def with_rule(verdict, rule):
    """The verdict with its rule, its control's description and its refuting outcome beside it."""
    return replace(verdict, rule=f"{rule.rule} Control: {rule.control}", refuted_by=rule.refuted_by)


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
    (wall_s.ci95, if the timing lane recorded it and it stays above zero: a t interval of
    a few spread values can reach below, and then bounds nothing), else min-max over its repeats."""
    central = entry["ns_per_op"]
    wall, ops = entry.get("wall_s") or {}, entry.get("ops")
    if not ops:
        return (central, central, central), "one value"
    if entry.get("ns_per_op_ci95"):  # on the clock ns_per_op is on (docs/timing.md)
        low, high = entry["ns_per_op_ci95"]
        return (low, central, high), "95% CI"
    if wall.get("ci95") and wall["ci95"][0] > 0:
        low, high = wall["ci95"]
        return (low / ops * 1e9, central, high / ops * 1e9), "95% CI"
    if "min" in wall and "max" in wall:
        return (wall["min"] / ops * 1e9, central, wall["max"] / ops * 1e9), "min-max"
    return (central, central, central), "one value"


def ratio_interval(top, bottom):
    """The interval of top/bottom given both intervals (low, central, high)."""
    return (top[0] / bottom[2], top[1] / bottom[1], top[2] / bottom[0])


def paired(result, top, bottom):
    """(low, central, high) of top / bottom in one run's result, with how the pairs were taken
    ({"pairs", "method", "clock"}), by the lab's comparison method (fiberlab/comparison.py);
    None when they share no pair. Fewer than two pairs cannot show their spread: (0, r, inf)."""
    found = comparison.paired_ratio(result, top, bottom)
    if found is None:
        return None
    low, high = found["ci95"] or (0.0, math.inf)
    return (low, found["ratio"], high), found


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


def show_paired(ratio, how):
    return (f"x{ratio[1]:.2f} [{ratio[0]:.2f}-{ratio[2]:.2f}, 95% CI of {how['pairs']} pairs, {how['clock']} time, "
            f"{how['method']}]")


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


def own_stack(entry):
    """(bytes, words): the stack a suspended unit keeps for itself, from the probe's describe().
    A unit with a stack mapped for it (a native fiber, a thread) keeps all of it reserved;
    a greenlet has none of its own and keeps the C stack slice copied out plus its frames."""
    stack = entry.get("stack") or {}
    reserved = stack.get("stack_reserved_bytes_per_task") or stack.get("c_stack_reserved_bytes_per_task")
    if reserved:
        touched = stack.get("stack_touched_bytes_per_task")
        return reserved, f"a stack of its own, {kib(reserved)} reserved" + (
            f", {kib(touched)} of it touched" if touched is not None else "")
    copied, frames = stack.get("c_stack_bytes_per_task") or 0, stack.get("frame_bytes_per_task") or 0
    if not copied:
        return frames, f"no stack: its frames, {kib(frames)}, are heap objects"
    return copied + frames, f"no stack of its own: {kib(copied)} of C stack copied out + {kib(frames)} of frames"


def whole_unit(entry):
    per_task = (entry.get("memory") or {}).get("bytes_per_task")
    return f"; the whole unit {kib(per_task)} (USS slope)" if per_task is not None else ""


def decide_2(results):
    claim = "Fibers need a dedicated stack of 8 KB to 1 MB each."
    data = results.get("pingpong_switch")
    rerun = command(results, "pingpong_switch")
    entries = {model: found[0][1] for model in FIBERS + OWN_STACK_FIBERS if data and (found := ok_entries(data, model))}
    if not entries:
        return Verdict(2, claim, UNDECIDED, "no pingpong_switch sweep with a fiber model yet", rerun)
    inside = []
    parts = []
    for model, entry in entries.items():
        held, words = own_stack(entry)
        inside.append(SMALLEST_CLAIMED_STACK <= held <= LARGEST_CLAIMED_STACK)
        parts.append(f"{model}: {words}{whole_unit(entry)}")
    verdict = CONFIRMED if all(inside) else REFUTED if not any(inside) else PARTLY
    figure = ("one suspended pingpong player, as the runtime's describe() sees it: " + "; ".join(parts)
              + f" (claimed range {kib(SMALLEST_CLAIMED_STACK)} to {kib(LARGEST_CLAIMED_STACK)})")
    controls = [f"{model}: {own_stack(found[0][1])[1]}{whole_unit(found[0][1])}"
                for model in ("threads", "asyncio") if data and (found := ok_entries(data, model))]
    control = ("the same measure on units the claim is not about: " + "; ".join(controls)) if controls else ""
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
        verdict = TOO_SMALL  # every point ok, but none large enough
    figure = f"asyncio ran {most:,} concurrent suspended tasks"
    if ok:
        entry = max(ok, key=lambda item: item[1]["stack"]["tasks"])[1]
        figure += f" in {entry['memory']['uss_delta_bytes'] / 2**20:,.0f} MiB USS"
    figure += f"; failed at {', '.join(f'{count:,}' for count in failed)} tasks" if failed else "; no point failed"
    return Verdict(3, claim, verdict, figure + f" (threshold {MANY_TASKS:,})", command(results, "pingpong_tasks"))


def stack_side(entry):
    """The side of the stack question a result's model is on, as its kind declares (it names a side, never decides)."""
    return (entry.get("kind") or {}).get("stack")


def through_c(data, control):
    """{model: (side, what happened through C frames, whether the same model suspended with only Python callers)}."""
    found = {}
    for point in data["points"]:
        for model, entry in point["result"]["models"].items():
            side, status = stack_side(entry), entry["status"]
            if side is None or (model in found and found[model][1] != "suspended"):
                continue  # a model's first failure is what it did
            python = dict(ok_entries(control, model)) if control else {}
            error = (entry.get("error") or "").splitlines()
            done = "suspended" if status == "ok" else f"{status}: {error[0][:90] if error else 'no error recorded'}"
            found[model] = (side, done, point["value"] in python)
    return found


def decide_4(results):
    claim = ("Stackful fibers can suspend anywhere in a call chain; "
             "stackless coroutines only where every caller cooperates.")
    data, control = results.get("deep_chain_via_c"), results.get("deep_chain_depth")
    rerun = command(results, "deep_chain_via_c", "deep_chain_depth")
    if not data or not control:
        return Verdict(4, claim, UNDECIDED, "no deep_chain_via_c and deep_chain_depth sweeps yet", rerun)
    found = through_c(data, control)
    # A stackless model counts only where it suspended with Python callers: else failing through C says nothing.
    usable = {model: row for model, row in found.items() if row[0] == "stackful" or row[2]}
    fibers = [row[1] == "suspended" for row in usable.values() if row[0] == "stackful"]
    coros = [row[1] == "suspended" for row in usable.values() if row[0] == "stackless"]
    if not fibers or not coros:
        return Verdict(4, claim, UNDECIDED, "the via=c sweep lacks a stackful or a stackless model that ran "
                       "its control", rerun)
    fibers_anywhere, coroutines_need_callers = all(fibers), not any(coros)
    verdict = (CONFIRMED if fibers_anywhere and coroutines_need_callers
               else REFUTED if not fibers_anywhere and not coroutines_need_callers else PARTLY)
    depths = ", ".join(f"{point['value']:,}" for point in data["points"])
    figure = (f"deep_chain with each level calling the next through a C function (map's __next__), depths {depths}: "
              + "; ".join(f"{model} ({side}): {done}" for model, (side, done, _) in found.items()))
    python = [model for model, row in found.items() if row[0] == "stackless" and row[2]]
    control_words = (f"the same chains with Python callers only (deep_chain_depth, via=python): "
                     f"{', '.join(python) or 'no stackless model'} suspended there at the same depths")
    return Verdict(4, claim, verdict, figure, rerun, control_words)


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


def paired_part(result, top, bottom, threshold=CHEAPER_BY):
    """(side, words) of top against bottom from their paired values in one run's result, or None
    if either is missing or they share no pair."""
    entries = result["models"] if result else {}
    if top not in entries or bottom not in entries:
        return None
    found = paired(result, top, bottom)
    if found is None:
        return None
    ratio, how = found
    side = side_of(ratio, threshold)
    said = {"below": "cheaper", "above": "dearer"}.get(side, side)
    return side, (f"{top} ({mechanism(top, entries[top])[1]}) {entries[top]['ns_per_op']:,.0f} ns vs {bottom} "
                  f"({mechanism(bottom, entries[bottom])[1]}) {entries[bottom]['ns_per_op']:,.0f} ns per round "
                  f"trip: {show_paired(ratio, how)}, {said}")


def first_result(data, *models):
    """The result of the first point where every one of `models` ran ok, or None."""
    for point in (data or {}).get("points", []):
        entries = point["result"]["models"]
        if all((entries.get(model) or {}).get("status") == "ok" for model in models):
            return point["result"]
    return None


def first_entries(data, models):
    return {model: found[0][1] for model in models if data and (found := ok_entries(data, model))}


def decide_6(results):
    claim = "Greenlet switches are cheaper than asyncio task switches."
    data = results.get("pingpong_switch")
    rerun = command(results, "pingpong_switch")
    names = ("own schedulers", "production runtimes")
    parts = [(name, part) for name, (top, bottom) in zip(names, SWITCH_PAIRS)
             if (part := paired_part(first_result(data, top, bottom), top, bottom))]
    if not parts:
        return Verdict(6, claim, UNDECIDED, "no pingpong_switch result with greenlet and coroutines, or gevent and "
                       "asyncio", rerun)
    figure = "; ".join(f"{name}: {words}" for name, (_side, words) in parts)
    native = paired_part(first_result(data, *NATIVE_PAIR), *NATIVE_PAIR)
    control = f"the same pair with no interpreter: {native[1]}" if native else ""
    return Verdict(6, claim, timing_verdict([side for _name, (side, _words) in parts]), figure, rerun, control)


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


def votes_verdict(votes):
    """votes: True (the claim's side), False, or None (within noise)."""
    if not votes:
        return UNDECIDED
    if True in votes and False in votes:
        return PARTLY
    if False in votes:
        return REFUTED
    return WITHIN_NOISE if None in votes else CONFIRMED


def under_budget(entry):
    """How many such units MEMORY_BUDGET holds, from the run's bytes per task (USS slope); None without one."""
    per_task = (entry.get("memory") or {}).get("bytes_per_task")
    return MEMORY_BUDGET / per_task if per_task and per_task > 0 else None


def decide_9(results):
    claim = "Fibers ... are faster and more scalable than threads."
    data = results.get("pingpong_switch")
    rerun = command(results, "pingpong_switch")
    entries = first_entries(data, FIBERS + ("threads",))
    if "threads" not in entries or not set(FIBERS) & set(entries):
        return Verdict(9, claim, UNDECIDED, "no pingpong_switch sweep with a fiber model and threads yet", rerun)
    votes, parts = [], []
    threads_count = under_budget(entries["threads"])
    for fiber in FIBERS:
        part = paired_part(first_result(data, fiber, "threads"), fiber, "threads")
        if part:
            votes.append({"below": True, "above": False}.get(part[0]))
            parts.append(part[1])
        count = under_budget(entries[fiber]) if fiber in entries else None
        if count and threads_count:
            ratio = count / threads_count
            votes.append(True if ratio > SAME_COUNT else False if ratio < 1 / SAME_COUNT else None)
            parts.append(f"under one {MEMORY_BUDGET / 2**30:g} GiB budget {fiber} holds {count:,.0f} suspended tasks, "
                         f"threads {threads_count:,.0f} (x{ratio:.1f}; within x{SAME_COUNT} is within noise)")
    control = ("what a thread reserves beside what it touches: "
               f"{own_stack(entries['threads'])[1]}; the count under the budget uses what it touches (USS)")
    return Verdict(9, claim, votes_verdict(votes), "; ".join(parts), rerun, control)


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
        verdict = TOO_SMALL  # nobody failed: the sweep did not go deep enough to tell
    elif min(stackless) > max(stackful):
        verdict = CONFIRMED
    elif max(stackless) < min(stackful):
        verdict = REFUTED
    else:
        verdict = PARTLY
    control = "the sweep steps depth up until each model fails; on CPython every resume re-enters each await level in C"
    return Verdict(10, claim, verdict, figure, rerun, control)


def per_level(data):
    """{model: (side, bytes held per suspended level, [(depth, bytes per task)])}: the slope of the
    run's bytes per suspended task (its own USS slope) across the sweep's depths."""
    found, seen = {}, []
    for point in data["points"]:
        seen += [model for model in point["result"]["models"] if model not in seen]
    for model in seen:
        points = [(depth, entry["memory"]["bytes_per_task"]) for depth, entry in ok_entries(data, model)
                  if (entry.get("memory") or {}).get("bytes_per_task") is not None]
        if len(points) >= 2:
            found[model] = (stack_side(ok_entries(data, model)[0][1]), stats.slope(points), points)
    return found


def decide_11(results):
    claim = ("Each suspended coroutine maintains its stack frame, which can accumulate memory "
             "in high-concurrency scenarios.")
    data = results.get("deep_chain_depth")
    rerun = command(results, "deep_chain_depth")
    found = per_level(data) if data else {}
    coros = {model: row for model, row in found.items() if row[0] == "stackless"}
    others = {model: row for model, row in found.items() if row[0] != "stackless"}
    if not coros:
        return Verdict(11, claim, UNDECIDED, "no deep_chain_depth sweep with memory slopes at two depths yet", rerun)

    def words(model, row):
        (shallow, small), (deep, large) = row[2][0], row[2][-1]
        return f"{model} {row[1]:,.0f} B per level ({kib(small)} per task at depth {shallow:,}, {kib(large)} at {deep:,})"

    kept = [row[1] >= KEEPS_A_FRAME for row in coros.values()]
    verdict = CONFIRMED if all(kept) else REFUTED if not any(kept) else PARTLY
    figure = ("bytes each suspended level of a chain holds (slope of bytes per suspended task, a USS slope, "
              "over depth): " + "; ".join(words(model, row) for model, row in coros.items()))
    control = ("the same slope where the frames sit on a stack: " + "; ".join(words(m, r) for m, r in others.items())
               if others else "")
    return Verdict(11, claim, verdict, figure, rerun, control)


def decide_12(results):
    claim = "Fibers ... can scale to thousands or millions due to low overhead."
    data = results.get("spawn_million")
    rerun = command(results, "spawn_million")
    if not data or not data.get("points"):
        return Verdict(12, claim, UNDECIDED, "no spawn_million sweep yet", rerun)
    point = max(data["points"], key=lambda point: point["value"])
    models, tasks = point["result"]["models"], point["value"] * 10 // 9  # a tree of ten-way fan-out

    def words(model):
        entry = models[model]
        if entry["status"] == "ok":
            return f"{model} finished, peak RSS {entry['memory']['peak_rss_bytes'] / 2**20:,.0f} MiB"
        return f"{model} {entry['status']}: {entry.get('error')}"

    fibers = [model for model in FIBERS if model in models]
    if not fibers:
        return Verdict(12, claim, UNDECIDED, "no fiber model ran the spawn_million sweep", rerun)
    finished = [models[model]["status"] == "ok" for model in fibers]
    if tasks < THOUSAND and any(finished):
        verdict = TOO_SMALL  # finished, at a size short of the claim's thousands
    else:
        verdict = CONFIRMED if all(finished) else REFUTED if not any(finished) else PARTLY
    scale = "millions" if tasks >= MILLION else "thousands" if tasks >= THOUSAND else "fewer than thousands"
    figure = (f"spawn, {point['value']:,} leaves ({tasks:,} tasks, {scale}): " + "; ".join(map(words, fibers)))
    control = "; ".join(words(model) for model in models if model not in fibers)
    return Verdict(12, claim, verdict, figure, rerun, ("the other models at the same size: " + control) if control else "")


RULES = {
    1: Rule("refuted when no suspended asyncio frame is on a running stack and at most one is linked by f_back; "
            "confirmed when they are on a stack or linked like one; partly between.",
            "greenlets suspended the same way, measured the same way: they keep a linked stack, so the measure "
            "can see one (if it does not, the claim is undecided).",
            "asyncio frames found on a running stack, or linked caller to callee like a greenlet's."),
    2: Rule(f"a fiber has what the claim says when the stack it keeps while suspended (a stack mapped for it, "
            f"else the C stack copied out plus its frames) is within {kib(SMALLEST_CLAIMED_STACK)} to "
            f"{kib(LARGEST_CLAIMED_STACK)}: confirmed for every fiber model, refuted for none, partly for some.",
            "threads (a stack mapped by the kernel) and asyncio tasks (no stack), read by the same describe().",
            "every fiber keeping less than 8 KiB, or more than 1 MiB, of stack."),
    3: Rule(f"confirmed by an asyncio failure at {THOUSANDS:,} tasks or fewer; refuted by {MANY_TASKS:,} ok; "
            "partly by a failure in between; too small to tell when every point is ok and below the threshold.",
            "none: the count is asyncio's own.",
            f"asyncio running {MANY_TASKS:,} suspended tasks."),
    4: Rule("confirmed when every stackful model suspends through C frames and no stackless model does; refuted "
            "when the reverse; partly otherwise.",
            "the same chains with Python callers only, where the stackless models must suspend for their "
            "failure through C to count.",
            "a stackless model suspending through a C frame, or a fiber failing to."),
    5: Rule(f"confirmed when the generator's peak at 100x the items is within x{FLAT_RATIO} and under "
            f"{ITEMS_HELD} items' bytes; partly when only flat; refuted when it grows.",
            "a list of the same items, which holds them all.",
            "a peak that grows with the items consumed."),
    6: Rule("two parts, each from paired values (turns in one process or adjacent processes, taken close in time): "
            f"cheaper when the 95% interval of the ratio lies wholly below x{CHEAPER_BY}, dearer when wholly above, "
            "within noise otherwise; confirmed when both parts are cheaper, refuted when both dearer.",
            "the same pair with no interpreter (cpp_fibers vs cpp_coroutines), measured the same way.",
            "a greenlet round trip dearer, beyond the noise, than the coroutine one it is paired with."),
    7: Rule("confirmed when both the async def and the yield-from chains stop under the default limit and plain "
            "calls do not; true of all recursion when plain calls stop too; refuted when neither stops.",
            "plain calls on a greenlet under the same limit.",
            "async def and yield-from chains going deeper than the limit."),
    8: Rule(f"confirmed when the ratio's interval is wholly above x{LOOP_COSTS_MORE}; refuted when wholly at or "
            f"below x1; partly when dearer by less than x{LOOP_COSTS_MORE}; within noise otherwise.",
            "none: the bare send() round trip is the baseline itself.",
            "a round trip through the loop costing no more than a bare send()."),
    9: Rule("votes, one per fiber model and measure: the switch (paired values, the ratio's interval wholly below "
            f"x{CHEAPER_BY}) and the count one {MEMORY_BUDGET / 2**30:g} GiB holds (bytes per task from the USS "
            f"slope, x{SAME_COUNT} apart); confirmed when all say fibers, refuted when none, partly when mixed.",
            "the thread's stack as reserved, beside what it touches: the count uses the touched part.",
            "threads switching faster, or holding more tasks under the same budget."),
    10: Rule("the sweep steps depth up until each model fails: confirmed when every stackless model completes deeper "
             "than every stackful one, refuted when shallower, partly when mixed, too small when nobody failed.",
             "the stackful models in the same sweep.",
             "a stackless model failing at a depth a stackful one completes."),
    11: Rule(f"a suspended level keeps its frame when it holds {KEEPS_A_FRAME} B or more (the slope of bytes per "
             "suspended task over depth): confirmed for every stackless model, refuted for none, partly for some.",
             "the same slope for the stackful models (a native fiber's stack pages are touched once, so its "
             "levels can cost nothing more).",
             f"stackless levels costing under {KEEPS_A_FRAME} B each: frames freed while suspended."),
    12: Rule(f"confirmed when every fiber model finishes the largest tree (thousands from {THOUSAND:,} tasks, "
             f"millions from {MILLION:,}); refuted when none does; too small below {THOUSAND:,} tasks.",
             "the other models at the same size.",
             "a fiber model failing to finish the tree."),
}


DECIDERS = (decide_1, decide_2, decide_3, decide_4, decide_5, decide_6,
            decide_7, decide_8, decide_9, decide_10, decide_11, decide_12)


def decide_all(results):
    return [with_rule(decide(results), RULES[number]) for number, decide in enumerate(DECIDERS, 1)]
