"""The threads model: the probe sees blocked threads, the limit refuses in one line, leaks are caught."""

import threading
import time

import os_threads
import scenarios
from fiberlab.probe import Probe
from fiberlab.selection import select_models
from tests import in_process


def test_a_spawn_beyond_the_thread_limit_is_refused_in_one_line_before_any_run(harness):
    proc = harness("run", "spawn", "--models", "greenlet,threads", "--repeat", "1")
    assert proc.returncode == 2
    assert proc.stdout == ""  # nothing ran, not even greenlet
    assert proc.stderr.strip().splitlines() == [
        "fiberlab: spawn: the threads model would have 111,112 threads alive at once, beyond its limit of 10,000 "
        f"(os_threads.kernel.THREAD_LIMIT; each reserves {os_threads.stack_reserved_bytes() / 2**20:g} MiB of stack); "
        "lower the size or leave threads out of --models"
    ]


def kept_and_notes(scenario, params, model_ids):
    spec = scenarios.load(scenario)
    plans = [(scenario, spec, in_process.params(spec, params))]
    choice = select_models(plans, model_ids, explicit=False, memory_limit_bytes=None).choices[0]
    return choice.kept, choice.notes()


def test_with_the_default_models_threads_is_left_out_of_a_size_beyond_its_limit_with_a_note():
    kept, notes = kept_and_notes("connections", {"connections": 6_000}, ["greenlet", "threads"])
    assert kept == ("greenlet",)
    assert len(notes) == 1 and "12,002 threads alive at once" in notes[0] and notes[0].endswith("; threads left out")


def test_a_size_within_the_limit_is_not_refused():
    assert kept_and_notes("spawn", {"leaves": 1_000}, ["threads"]) == (("threads",), [])


def test_the_probe_waits_until_threads_that_keep_running_are_held_at_the_gate():
    stop, looked = threading.Event(), []

    def busy():
        while not stop.is_set():
            sum(range(1_000))  # runs Python between waits, so it is caught running unless the gate holds it
            os_threads.block(time.sleep, 0)

    class Recording(Probe):
        def snapshot(self, tasks):
            looked.append([os_threads.kernel._is_blocked(each.frame) for each in tasks])
            super().snapshot(tasks)

    workers = [os_threads.spawn(busy, name=f"busy-{index}") for index in range(4)]
    probe = Recording(os_threads.kernel.describe, read_memory=False)
    os_threads.snapshot(probe, workers + [os_threads.current()])
    stop.set()
    for worker in workers:
        os_threads.join(worker)
    assert looked == [[True] * 5]
    assert probe.stack["tasks"] == 5 and probe.stack["frames_per_task"] >= 1
    assert probe.stack["c_stack_reserved_bytes_per_task"] == os_threads.stack_reserved_bytes() > 0
    assert probe.stack["c_stack_bytes_per_task"] is None  # reserved is not copied: never on the same axis
    assert probe.records["stack_reserved_bytes"] == os_threads.stack_reserved_bytes()


def test_a_thread_left_running_is_that_models_leak(harness, monkeypatch):
    monkeypatch.setenv("FIBERLAB_EXTRA_MODELS", "tests.fake_models_threads")
    proc = harness("run", "generator", "--param", "items=50", "--repeat", "1", "--models", "fake-leak-threads,threads")
    assert proc.returncode == 1, proc.stderr
    assert "check: leak: 1 thread still running" in proc.stdout
