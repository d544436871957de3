"""Memory figures mean what their labels say: the worker's own peak, nothing the probe made,
and bytes per task that agree with a script that knows nothing of the lab (crosscheck/)."""

import json
import mmap
import subprocess
import sys
import textwrap
import tracemalloc

import psutil
import pytest

from fiberlab.pipeline import run_worker
from fiberlab.probe import Probe
from fiberlab.worker import without_probe
from tests.conftest import REPO

MiB = 2**20


def slope_of(scenario, model, params, name, counts):
    """Bytes per task from two memory-pass workers, as the pipeline fits it."""
    points = []
    for count in counts:
        outcome = run_worker({"scenario": scenario, "model": model, "params": dict(params, **{name: count}),
                              "pass": "memory"}, timeout=120)
        assert outcome.status == "ok", outcome.error
        points.append((count, outcome.uss_delta_bytes))
    (small, small_uss), (large, large_uss) = points
    return (large_uss - small_uss) / (large - small)


def standalone(script, *args):
    """kB per task that a crosscheck/ script prints (it knows nothing of the harness)."""
    proc = subprocess.run([sys.executable, f"crosscheck/{script}", *args], cwd=REPO, capture_output=True,
                          text=True, timeout=120, check=True)
    return float(proc.stdout.split(":")[-1].split("kB")[0]) * 1e3


PARENT_HOLDING_400_MIB = textwrap.dedent("""
    import subprocess, sys
    held = bytearray(400 * 2**20)
    for index in range(0, len(held), 4096):
        held[index] = 1  # touched: resident, so the parent's high-water mark is 400 MiB and more
    sys.exit(subprocess.run([sys.executable, "-m", "fiberlab", *sys.argv[1:]]).returncode)
""")


@pytest.mark.slow
def test_a_worker_started_by_a_parent_holding_400_mib_reports_its_own_peak(tmp_path):
    out = tmp_path / "out.json"
    proc = subprocess.run([sys.executable, "-c", PARENT_HOLDING_400_MIB, "run", "generator", "--param", "items=1000",
                           "--repeat", "1", "--models", "greenlet,threads", "--json", str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    for model, entry in json.loads(out.read_text())["models"].items():
        memory = entry["memory"]
        assert 0 < memory["peak_rss_bytes"] < 150 * MiB, model  # ru_maxrss said 400 MiB and more here
        assert 0 <= memory["peak_rss_above_start_bytes"] < memory["peak_rss_bytes"], model


def traced_bytes():
    """8 MiB through Python's allocator, which tracemalloc sees."""
    return bytearray(b"x" * (8 * MiB))


def fresh_pages():
    """8 MiB of pages mapped for it and written, so resident from now whatever the allocator held:
    a bytearray may reuse memory an earlier test freed and the allocator kept, which adds no RSS,
    so a floor on what describing added failed or passed by the tests run before it."""
    pages = mmap.mmap(-1, 8 * MiB)
    for offset in range(0, len(pages), mmap.PAGESIZE):
        pages[offset] = 1
    return pages


def hoarding_describe(kept, make=traced_bytes):
    """A describe that creates 8 MiB a unit (make()) and keeps it, as frame objects outlive describe on 3.11+."""
    def describe(_unit):
        kept.append(make())
        return {"frames": 1, "c_stack_bytes": None, "frame_bytes": None}
    return describe


def test_the_probe_reads_memory_before_describe_creates_anything():
    kept = []
    probe = Probe(hoarding_describe(kept, fresh_pages))
    before = psutil.Process().memory_full_info().uss
    probe.snapshot(["a", "b", "c", "d"])
    assert probe.memory["uss_bytes"] - before < 8 * MiB  # read before: none of the 32 MiB
    assert probe.created["rss_bytes"] >= 24 * MiB  # and what describing made is known, to be taken out


def test_what_the_probe_created_is_not_counted_in_the_traced_or_resident_peak():
    kept = []
    probe = Probe(hoarding_describe(kept))
    tracemalloc.start()
    try:
        probe.snapshot(["a", "b"])
        traced_at_end = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert traced_at_end >= 16 * MiB  # the probe's objects are in tracemalloc's own peak ...
    assert without_probe(probe, traced_at_end, "traced_peak_bytes", "traced_bytes") < 4 * MiB  # ... not in ours


@pytest.mark.slow
def test_deep_chain_bytes_per_task_matches_a_probe_free_script_and_ranks_greenlet_below_asyncio():
    depth = 300  # depth 1,000 takes longer; the ranking and the agreement hold here too
    params = {"depth": depth, "suspensions": 4, "tasks": 1, "via": "python"}
    lab = {model: slope_of("deep_chain", model, params, "tasks", (100, 500)) for model in ("greenlet", "asyncio")}
    free = {model: standalone("deep_chain_uss.py", str(depth), model) for model in ("greenlet", "asyncio")}
    assert lab["greenlet"] < lab["asyncio"]
    for model in lab:
        assert abs(lab[model] / free[model] - 1) <= 0.25, (model, lab[model], free[model])


@pytest.mark.slow
def test_idle_bytes_per_task_matches_a_probe_free_script():
    for model in ("greenlet", "asyncio"):
        lab = slope_of("idle", model, {}, "tasks", (500, 2_500))
        free = standalone("idle_uss.py", model)
        assert abs(lab / free - 1) <= 0.30, (model, lab, free)
