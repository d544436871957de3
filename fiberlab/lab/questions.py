"""The report's part for issue 17's three questions: C frames, cancellation, fairness.

For the sweeps deep_chain_via_c, cancel_depth and fairness_slice (fiberlab/lab/standard_sweeps.py):
charts(name, data, results, out_dir, line_chart) draws each sweep's charts,
paragraph(name, data, results) says in one paragraph what they show (every
figure in it computed from results/), and verdicts(results, first) decides
the claims these sweeps answer. report.py calls the three; nothing here
reads anything but the loaded results.
"""

import html

from fiberlab.lab.claims import (CONFIRMED, PARTLY, REFUTED, UNDECIDED, WITHIN_NOISE, Rule, Verdict, ns_interval,
                                 ratio_interval, show_ratio, side_of, with_rule)

from fiberlab import stats
from fiberlab.lab import figures
from fiberlab.lab.charts import Point

SWEEPS = ("deep_chain_via_c", "cancel_depth", "fairness_slice")
STACKFUL_SWITCHERS = ("greenlet", "gevent")  # models whose C stack is copied on a switch (threads' is reserved)
COOPERATIVE = ("greenlet", "gevent", "asyncio", "uvloop", "coroutines")
GROWS = 3.0  # claim: a cost this many times its value at the shallowest point "grows with depth"
DELAYED, WITHIN_A_SLICE = 0.5, 1.5  # claim: "up to its whole slice" is a worst lateness of 0.5 to 1.5 slices


def ok_points(data, model):
    """[(axis value, entry)] where `model` ran ok."""
    out = []
    for point in (data or {}).get("points", []):
        entry = point["result"]["models"].get(model)
        if entry and entry["status"] == "ok":
            out.append((point["value"], entry))
    return out


def statuses(data, model):
    return {point["result"]["models"][model]["status"] for point in (data or {}).get("points", [])
            if model in point["result"]["models"]}


def models(data):
    seen = []
    for point in (data or {}).get("points", []):
        seen += [model for model in point["result"]["models"] if model not in seen]
    return seen


def record(entry, name, part=None):
    value = (entry.get("records") or {}).get(name)
    if part is not None:
        value = value.get(part) if isinstance(value, dict) else None
    return value


def scaled(value, factor):
    return value * factor if value is not None else None


def unwinding(data, model):
    """The line through each ok point's mean cancel-to-end time (ns) against depth (stats.line): its
    slope is what unwinding one more level costs, its intercept the fixed cost of a cancel (the call,
    the hand-over, the chain's end), apart; None with fewer than two depths. A single run's mean over
    its depth would hold the fixed cost too, which at depth 1 is all of it."""
    points = [(depth, scaled(record(entry, "cancel_to_end_s", "mean"), 1e9)) for depth, entry in ok_points(data, model)]
    return stats.line([(depth, ns) for depth, ns in points if ns is not None])


def unwinding_words(fit):
    """ "350 ns per level [290–410], beyond a fixed 9.6 µs a cancel": the slope with its 95% interval
    where that lies above 0 (else it says the interval holds 0: no growth measured), the intercept
    as the line's, without one (an intercept's interval may cross 0; a cost cannot)."""
    bounds = fit["slope_ci95"]
    if bounds is None:
        interval = ""
    elif bounds[0] > 0:
        interval = f" [{bounds[0]:,.0f}–{bounds[1]:,.0f}]"
    else:
        interval = " (its 95% interval holds 0: no growth measured)"
    return f"{fit['slope']:,.0f} ns per level{interval}, beyond a fixed {fit['intercept'] / 1e3:,.1f} µs a cancel"


def unsupported_error(data, model):
    for point in (data or {}).get("points", []):
        entry = point["result"]["models"].get(model)
        if entry and entry["status"] == "unsupported":
            return entry["error"]
    return None


def charts(name, data, results, out_dir, line_chart):
    if name == "deep_chain_via_c":
        python = results.get("deep_chain_depth")
        resume, copied = {}, {}
        for model in models(data):
            for via, source in (("c", data), ("python", python)):
                points = ok_points(source, model)
                if points:  # a timing: each point with its interval (error bars), as every timed chart has
                    resume[f"{model} via={via}"] = [Point(depth, timed.value, timed.low, timed.high)
                                                    for depth, entry in points for timed in [figures.timing(entry)]]
                if points and model in STACKFUL_SWITCHERS:
                    copied[f"{model} via={via}"] = [(depth, entry["stack"]["c_stack_bytes_per_task"])
                                                    for depth, entry in points]
        return [
            line_chart(out_dir, f"{name}_ns_per_resume.png", "deep_chain: cost of one resume, by how levels call",
                       "depth", "ns per resume", resume),
            line_chart(out_dir, f"{name}_c_stack_copied.png", "C stack greenlet saves per switch (a part)",
                       "depth", "bytes copied per switch", copied),
        ]
    if name == "cancel_depth":
        # The mean against depth: its slope is the cost per level, its intercept the fixed cost (unwinding).
        return [
            line_chart(out_dir, f"{name}_cancel_to_end_mean.png", "cancel: cancel call to the chain's end, mean "
                       "(slope: cost per level)", "depth", "µs",
                       {m: [(d, scaled(record(e, "cancel_to_end_s", "mean"), 1e6)) for d, e in ok_points(data, m)]
                        for m in models(data)}),
            line_chart(out_dir, f"{name}_cancel_to_end_p99.png", "cancel: cancel call to the chain's end, p99",
                       "depth", "µs", {m: [(d, scaled(record(e, "cancel_to_end_s", "p99"), 1e6))
                                           for d, e in ok_points(data, m)] for m in models(data)}),
        ]
    if name == "fairness_slice":
        worst = {m: [(w, scaled(record(e, "lateness_s", "max"), 1e3)) for w, e in ok_points(data, m)]
                 for m in models(data)}
        worst["one slice (W)"] = [(point["value"], point["value"]) for point in data["points"]]
        return [
            line_chart(out_dir, f"{name}_lateness_max.png", "fairness: worst wake-up lateness", "slice W (ms)",
                       "ms late", worst),
            line_chart(out_dir, f"{name}_lateness_p99.png", "fairness: wake-up lateness, p99", "slice W (ms)",
                       "ms late", {m: [(w, scaled(record(e, "lateness_s", "p99"), 1e3)) for w, e in ok_points(data, m)]
                                   for m in models(data)}),
        ]
    return []


def _at(points, value):
    return dict(points).get(value)


def paragraph(name, data, results):
    """One paragraph, as HTML, of what the sweep's figures show; '' for another sweep."""
    text = {"deep_chain_via_c": _via_c_text, "cancel_depth": _cancel_text, "fairness_slice": _fairness_text}.get(name)
    return f"<p class='finding'>{html.escape(text(data, results))}</p>" if text else ""


def _via_c_text(data, results):
    parts = []
    for model in STACKFUL_SWITCHERS:
        c_points, py_points = ok_points(data, model), ok_points(results.get("deep_chain_depth"), model)
        if not c_points:
            continue
        (shallow, first), (deep, last) = c_points[0], c_points[-1]
        line = (f"{model} through C frames: {first['ns_per_op']:,.0f} ns per resume at depth {shallow:,}, "
                f"{last['ns_per_op']:,.0f} ns at {deep:,}, copying {last['stack']['c_stack_bytes_per_task'] / 1024:,.1f} KiB "
                f"of C stack per switch")
        python_deep = _at(py_points, deep)
        if python_deep:
            line += (f" (with Python calls at that depth: {python_deep['ns_per_op']:,.0f} ns, "
                     f"{(python_deep['stack']['c_stack_bytes_per_task'] or 0) / 1024:,.1f} KiB)")
        parts.append(line)
    for model in ("asyncio", "coroutines"):
        error = unsupported_error(data, model)
        if error:
            parts.append(f"{model} cannot suspend through a C frame at all (unsupported: {error})")
    if not parts:
        return "No point of this sweep ran ok yet."
    return ("On Python 3.11+ a Python-to-Python call leaves the C stack alone, so greenlet copies little per switch "
            "whatever the depth; a call through C (here map()) puts C frames on the stack, and greenlet copies them "
            "on every switch. " + "; ".join(parts) + ".")


def _cancel_text(data, results):
    deepest = data["points"][-1]
    depth, result = deepest["value"], deepest["result"]
    rows = []
    for model, entry in result["models"].items():
        if entry["status"] != "ok":
            rows.append(f"{model} {entry['status']}")
            continue
        fit = unwinding(data, model)
        per_level = f"{unwinding_words(fit)} (across the depths); at this depth " if fit else ""
        rows.append(f"{model} {per_level}cancel-to-end p50 "
                    f"{record(entry, 'cancel_to_end_s', 'p50') * 1e6:,.0f} µs / p99 "
                    f"{record(entry, 'cancel_to_end_s', 'p99') * 1e6:,.0f} µs"
                    + (f" ({entry['mechanism']})" if entry.get("mechanism") else ""))
    matched = sum(point["result"]["match"] for point in data["points"])
    return (f"Every model must run every level's finally, bottom first, for the digest to match: {matched} of "
            f"{len(data['points'])} points matched on every model. At depth {depth:,}: " + "; ".join(rows) + ". "
            "Threads cannot be cancelled from outside; their row is a cooperative flag (an Event the bottom waits on, with its timeout).")


def _fairness_text(data, results):
    narrow, wide = data["points"][0], data["points"][-1]
    width = wide["value"]
    coop, rows, beyond = [], [], []
    for model, entry in wide["result"]["models"].items():
        if entry["status"] != "ok":
            rows.append(f"{model} {entry['status']}")
            continue
        worst = record(entry, "lateness_s", "max")
        inside = sum(record(e, "wakeups_inside_slices") or 0 for _w, e in ok_points(data, model))
        rows.append(f"{model} {worst * 1e3:,.1f} ms (x{worst * 1e3 / width:,.1f} W), "
                    f"{inside:,} wake-ups inside a slice over the sweep")
        if model in COOPERATIVE:
            coop.append(model)
            if worst * 1e3 > 2 * width:
                beyond.append(model)
    text = (f"Worst wake-up lateness at W = {width:g} ms: " + "; ".join(rows) + ". "
            "A cooperative runtime can run a ticker only when the hog yields, so no wake-up of "
            f"{', '.join(coop) or 'a cooperative model'} can fall inside a slice; threads are preempted mid-slice "
            "(the interpreter's switch interval, recorded as switch_interval_s), and each ticker waiting "
            "for the GIL waits its turn.")
    threads = dict(ok_points(data, "threads"))
    if narrow["value"] in threads and width in threads:
        text += (f" Threads' worst: {record(threads[narrow['value']], 'lateness_s', 'max') * 1e3:,.1f} ms at "
                 f"W = {narrow['value']:g} ms, {record(threads[width], 'lateness_s', 'max') * 1e3:,.1f} ms at {width:g} ms.")
    if beyond:
        text += (f" Beyond two slices at W = {width:g} ms: {', '.join(beyond)} (a due timer waits behind tasks "
                 "already ready: asyncio queues it after the hog's own wake-up, and gevent's hub may not run "
                 "timers between sleep(0) calls at all).")
    return text + " Timings are from one shared 2-core machine: compare within a run."


def verdicts(results, first):
    """The claims these sweeps decide, numbered from `first`, each with its rule beside it."""
    return [with_rule(decide(results, number), rule)
            for number, (decide, rule) in enumerate(zip((_claim_depth, _claim_cancel, _claim_fairness), RULES), first)]


RULES = (
    Rule(f"the ratio of greenlet's resume cost at the deepest depth to the shallowest, through C frames, with "
         f"each side's interval: confirmed when wholly below x{GROWS:g}; when wholly above, partly if the same "
         f"ratio through Python calls stays wholly below x{GROWS:g}, else refuted; within noise otherwise.",
         "the same chains calling through Python (deep_chain_depth), where 3.11+ leaves the C stack alone.",
         f"a resume that costs x{GROWS:g} or more at depth, beyond the noise."),
    Rule("per runtime: whether it can cancel a suspended unit from outside at all (its recorded mechanism), and, "
         "for those that can, whether every finally ran bottom first at every depth (the order-sensitive checksum "
         "matches); confirmed when every runtime can and does, partly when some cannot or do not, refuted when "
         "none does.",
         "the odd chains end by a deadline instead of a cancel; threads end by a flag their own code checks.",
         "a cancel that skips a finally or runs them out of order (the checksum differs), or a runtime that "
         "cannot cancel at all."),
    Rule(f"a cooperative model's worst wake-up lateness in slices of the hog (max lateness / W), at the widest W: "
         f"'up to its slice' holds from {DELAYED:g} to {WITHIN_A_SLICE:g} slices; confirmed when every cooperative "
         f"model is in that band, refuted when none is, partly otherwise.",
         "threads at the same W: preempted mid-slice, so their lateness need not follow the slice.",
         f"wake-ups later than {WITHIN_A_SLICE:g} slices (the delay is not bounded by one slice) or earlier than "
         f"{DELAYED:g} (the hog does not delay them)."),
)


def _rerun(*sweeps):
    return "make sweep SWEEPS=" + ",".join(sweeps) + " && make report"


def growth(points, shallow, deep):
    """The interval of ns per op at `deep` over `shallow` (each its run's own interval), or None."""
    first, last = _at(points, shallow), _at(points, deep)
    if not first or not last:
        return None
    return ratio_interval(ns_interval(last)[0], ns_interval(first)[0])


def _claim_depth(results, number):
    claim = "A greenlet switch costs the same however deep the suspended call chain is."
    data = results.get("deep_chain_via_c")
    points = ok_points(data, "greenlet")
    rerun = _rerun("deep_chain_via_c", "deep_chain_depth")
    if len(points) < 2:
        return Verdict(number, claim, UNDECIDED, "no deep_chain_via_c sweep with two greenlet points yet", rerun)
    (shallow, _first), (deep, last) = points[0], points[-1]
    through_c = growth(points, shallow, deep)
    through_python = growth(ok_points(results.get("deep_chain_depth"), "greenlet"), shallow, deep)
    side = side_of(through_c, GROWS)
    if side == "below":
        verdict = CONFIRMED
    elif side == "above":
        verdict = PARTLY if through_python and side_of(through_python, GROWS) == "below" else REFUTED
    else:
        verdict = WITHIN_NOISE
    figure = (f"greenlet resume, depth {shallow:,} -> {deep:,}: through C frames {show_ratio(through_c)} "
              f"({last['stack']['c_stack_bytes_per_task'] / 1024:,.0f} KiB copied per switch at {deep:,})")
    control = f"through Python calls {show_ratio(through_python)}" if through_python else ""
    error = unsupported_error(data, "asyncio")
    if error:
        figure += f"; asyncio cannot suspend through C at all ({error})"
    return Verdict(number, claim, verdict, figure + f" (grows: x{GROWS:g} or more)", rerun, control)


def can_cancel(entry):
    """Whether the runtime cancels from outside: a model that can only ask (a flag its own code checks) says so
    in its recorded mechanism, which is how the scenario's file does it."""
    return not (entry.get("mechanism") or "").lower().startswith("cooperative")


def _claim_cancel(results, number):
    claim = "Cancelling a suspended task runs every finally on its call chain, in order, in every runtime."
    data = results.get("cancel_depth")
    rerun = _rerun("cancel_depth")
    if not data:
        return Verdict(number, claim, UNDECIDED, "no cancel_depth sweep yet", rerun)
    rows, cancels, cannot, unwound = [], [], [], []
    for model in models(data):
        entries = [point["result"]["models"][model] for point in data["points"] if model in point["result"]["models"]]
        failed = [entry["status"] for entry in entries if entry["status"] != "ok"]
        last = entries[-1]
        if not can_cancel(last):
            cannot.append(model)
            continue
        cancels.append(model)
        unwound.append(not failed)
        if failed:
            rows.append(f"{model} {failed[0]}: a finally skipped or out of order")
        else:
            fit = unwinding(data, model)
            rows.append(f"{model} every finally, bottom first" + (f", {unwinding_words(fit)}" if fit else ""))
    if not cancels:
        return Verdict(number, claim, UNDECIDED, "no model in the cancel_depth sweep can cancel", rerun)
    if all(unwound):
        verdict = PARTLY if cannot else CONFIRMED
    else:
        verdict = REFUTED if not any(unwound) else PARTLY
    depths = ", ".join(f"{point['value']:,}" for point in data["points"])
    figure = f"chains {depths} deep: " + "; ".join(rows)
    if cannot:
        figure += (f"; {', '.join(cannot)} cannot be cancelled at all: "
                   + "; ".join(sorted({point['result']['models'][m].get('mechanism') or 'no mechanism recorded'
                                       for point in data['points'] for m in cannot if m in point['result']['models']})))
    control = "; ".join(
        f"{model} timed out to its end in {record(entry, 'timeout_to_end_s', 'p50') * 1e6:,.0f} µs (p50)"
        for model, entry in data["points"][-1]["result"]["models"].items()
        if entry["status"] == "ok" and record(entry, "timeout_to_end_s", "p50") is not None)
    return Verdict(number, claim, verdict, figure, rerun, ("a deadline instead of a cancel: " + control) if control else "")


def _claim_fairness(results, number):
    claim = "Under cooperative scheduling, one task that does not yield delays every other by up to its whole slice."
    data = results.get("fairness_slice")
    rerun = _rerun("fairness_slice")
    if not data:
        return Verdict(number, claim, UNDECIDED, "no fairness_slice sweep yet", rerun)
    point = data["points"][-1]
    width, result = point["value"], point["result"]
    params = result.get("params") or {}
    hog_slices = params["ticks"] * params["period_ms"] / width if "ticks" in params else None
    slices = {model: record(entry, "lateness_s", "max") * 1e3 / width for model, entry in result["models"].items()
              if entry["status"] == "ok" and record(entry, "lateness_s", "max") is not None}
    coop = {model: late for model, late in slices.items() if model in COOPERATIVE}
    if not coop:
        return Verdict(number, claim, UNDECIDED, "no cooperative model ran ok", rerun)
    inside = [DELAYED <= late <= WITHIN_A_SLICE for late in coop.values()]
    verdict = CONFIRMED if all(inside) else REFUTED if not any(inside) else PARTLY
    figure = (f"at W = {width:g} ms" + (f" (the hog computes {hog_slices:,.0f} slices)" if hog_slices else "")
              + ", worst wake-up lateness in slices: "
              + ", ".join(f"{model} {late:,.1f} ({late * width:,.1f} ms)" for model, late in coop.items()))
    control = ", ".join(f"{model} {late:,.1f} slices ({late * width:,.1f} ms, preempted)"
                        for model, late in slices.items() if model not in COOPERATIVE)
    return Verdict(number, claim, verdict, figure, rerun, ("at the same W: " + control) if control else "")
