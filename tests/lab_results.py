"""A small synthetic results/ folder, shaped like fiberlab/lab/standard_sweeps.py's output, for the report's tests.

The numbers are made up but chosen so each finding and paragraph has something
definite to say (asyncio's resume cost grows with depth, greenlet's does not;
asyncio fails at the largest pingpong_tasks point); writing takes milliseconds,
so the report's structure is tested without running a sweep.
"""

import json

from fiberlab.models import MODELS
from fiberlab.result import SCHEMA_VERSION

ENVIRONMENT = {"python": "3.11.7", "implementation": "CPython", "greenlet": "3", "gevent": "24", "gevent_loop": "libev",
               "psutil": "6", "platform": "Linux", "cpu": "test", "cores": 2}
MODEL_IDS = ("greenlet", "gevent", "asyncio", "coroutines", "threads")
STACKFUL = {"greenlet", "gevent", "threads"}


def entry(model, ns, tasks=2, frames=3.0, stack_bytes=2_000, uss=200_000, traced=50_000, p99=None, ci95=None,
          ops=1_000, status="ok"):
    if status != "ok":
        return {"status": status, "error": "worker killed by SIGKILL (out of memory?)", "digest": None, "ops": ops,
                "wall_s": None, "ns_per_op": None, "memory": None, "stack": None,
                "kind": {"stack": MODELS[model].stack, "scheduler": MODELS[model].scheduler}}
    wall = ns * ops / 1e9
    wall_s = {"mean": wall, "median": wall, "min": wall * 0.95, "max": wall * 1.05, "runs": [wall]}
    if ci95 is not None:
        wall_s.update(ci95=[wall * (1 - ci95), wall * (1 + ci95)])  # [low, high], as stats.summary writes it
    return {
        "status": "ok", "error": None, "digest": "d", "ops": ops, "wall_s": wall_s, "ns_per_op": ns, "noisy": False,
        "memory": {"peak_rss_bytes": 30_000_000, "rss_delta_bytes": uss, "uss_delta_bytes": uss,
                   "traced_peak_bytes": traced, "bytes_per_task": float(uss // tasks + stack_bytes),
                   "bytes_per_task_points": []},  # a USS slope, as the sweeps with memory slope runs have
        "stack": {"tasks": tasks, "frames_per_task": frames,
                  "c_stack_bytes_per_task": stack_bytes if model in STACKFUL else None,
                  "frame_bytes_per_task": None if model in STACKFUL else stack_bytes},
        "records": {"latency_s": {"p50": p99 / 2, "p99": p99}} if p99 else {},
        "notes": [], "result_summary": None,
        "kind": {"stack": MODELS[model].stack, "scheduler": MODELS[model].scheduler},
    }


def unsupported(model):
    return {"status": "unsupported", "error": "RuntimeError: this event loop is already running", "digest": None,
            "ops": 0, "wall_s": None, "ns_per_op": None, "memory": None, "stack": None,
            "kind": {"stack": MODELS[model].stack, "scheduler": MODELS[model].scheduler}}


def point(value, params, models):
    return {"value": value, "result": {"schema": SCHEMA_VERSION, "scenario": "x", "params": params, "environment": ENVIRONMENT,
                                       "reference_digest": "d", "match": True, "models": models}}


def sweep(name, scenario, axis, points):
    return {"schema": SCHEMA_VERSION, "sweep": name, "scenario": scenario, "axis": axis, "purpose": f"what {name} shows",
            "command": f"make sweep SWEEPS={name}", "repeat": 3, "tiny": False, "points": points}


def results(ci95=None):
    """{file stem: data} of a full synthetic results folder; ci95: relative interval on every timing."""
    speed = {"greenlet": 400, "gevent": 900, "asyncio": 1_500, "coroutines": 300, "threads": 9_000}
    out = {}
    out["generator"] = sweep("generator", "generator", "items", [
        point(items, {"items": items}, {m: entry(m, speed[m], traced=50_000 + items // 100, ci95=ci95)
                                         for m in MODEL_IDS})
        for items in (1_000, 100_000)])
    out["pingpong_switch"] = sweep("pingpong_switch", "pingpong", "pairs", [
        point(1, {"pairs": 1, "rounds": 100_000}, {m: entry(m, 2 * speed[m], ci95=ci95) for m in MODEL_IDS})])
    per_task = {"greenlet": 1_900, "gevent": 2_500, "asyncio": 700, "coroutines": 600, "threads": 70_000}
    out["pingpong_tasks"] = sweep("pingpong_tasks", "pingpong", "pairs", [
        point(pairs, {"pairs": pairs, "rounds": 4},
              {m: (entry(m, speed[m], tasks=2 * pairs, uss=per_task[m] * 2 * pairs)
                   if not (m == "threads" and pairs == 10_000) else entry(m, 0, status="crashed"))
               for m in MODEL_IDS})
        for pairs in (1, 100, 10_000)])
    out["deep_chain_depth"] = sweep("deep_chain_depth", "deep_chain", "depth", [
        point(depth, {"depth": depth, "suspensions": 2_000, "tasks": 1},
              {m: entry(m, speed[m] * (depth if m in ("asyncio", "coroutines") and depth >= 100 else 1),
                        frames=depth + 2, stack_bytes=200 * depth + 1_000, ci95=ci95)
               for m in MODEL_IDS})
        for depth in (1, 10, 100, 1_000)])
    # the via=c sweep: stackless models cannot suspend through a C frame (status unsupported)
    out["deep_chain_via_c"] = sweep("deep_chain_via_c", "deep_chain", "depth", [
        point(depth, {"depth": depth, "suspensions": 2_000, "tasks": 1, "via": "c"},
              {m: (entry(m, speed[m] * depth, frames=depth + 2, stack_bytes=500 * depth)
                   if m in STACKFUL else unsupported(m)) for m in MODEL_IDS})
        for depth in (1, 100)])
    out["connections"] = sweep("connections", "connections", "connections", [
        point(count, {"connections": count, "messages": 10, "size": 1_024, "split": count >= 10_000},
              {m: entry(m, speed[m] * 3, tasks=count, uss=8_000 * count, p99=speed[m] * 1e-6, ci95=ci95,
                        ops=count * 10) for m in MODEL_IDS})
        for count in (100, 1_000, 10_000)])
    out["measures"] = {
        "bare_coroutine": {"hand_overs": 1_000, "ns_per_hand_over": 120.0},
        "generator_memory": {"item_bytes": 1_000, "points": [
            {"items": 1_000, "generator_peak_bytes": 2_700, "list_peak_bytes": 1_040_000},
            {"items": 100_000, "generator_peak_bytes": 2_800, "list_peak_bytes": 104_000_000}]},
        "recursion": {"limit": 1_000, "deepest": {"async def chain": 988, "yield from chain": 989,
                                                      "plain calls on a greenlet": 988}},
        "command": "make sweep SWEEPS=measures",
    }
    return out


def write(folder, data=None):
    for stem, content in (data or results()).items():
        (folder / f"{stem}.json").write_text(json.dumps(content))
    return folder
