"""What a fork server would save and cost: `python crosscheck/fork_server.py [MODEL ...]`.

A fork server is a warm parent (the worker and the model's runtime imported) that forks each
job's process instead of starting an interpreter. For each MODEL (default: greenlet, asyncio)
this prints, from fresh worker processes (as the lab runs them) and from forked children of
such a parent: the seconds one tiny job takes, start to outcome, and idle's memory slope (USS
bytes per parked task over 200 and 1,000 tasks, the table's bytes/task). A forked child shares
the parent's pages until it writes them, so what the run touches of them lands in its USS.
"""
import json
import os
import sys
import time

from fiberlab import pipeline, worker

REPEATS, TINY_JOBS, LOW, HIGH = 3, 10, 200, 1_000


def job(model, tasks):
    return {"scenario": "idle", "model": model, "params": {"tasks": tasks}, "pass": "memory",
            "memory_limit_bytes": None, "gc": "on"}


def fresh(model, tasks):
    return pipeline.run_worker(job(model, tasks), 60).uss_delta_bytes


def forked(model, tasks):
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: the job in this warm copy of the parent, its USS delta down the pipe
        try:
            os.close(read)
            os.write(write, json.dumps(worker.run_job(job(model, tasks)).uss_delta_bytes).encode())
        finally:
            os._exit(0)  # never back into the parent's loop, whatever the job raised
    os.close(write)
    answer = os.read(read, 100)
    os.waitpid(pid, 0)
    return json.loads(answer)


for model in sys.argv[1:] or ["greenlet", "asyncio"]:
    worker.Scenario(dict(job(model, 10), model=model))  # warm this parent: the runtime imported
    for label, run in (("fresh", fresh), ("forked", forked)):
        started = time.perf_counter()
        for _ in range(TINY_JOBS):
            run(model, 10)
        per_job = (time.perf_counter() - started) / TINY_JOBS
        slopes = [(run(model, HIGH) - run(model, LOW)) / (HIGH - LOW) for _ in range(REPEATS)]
        print(f"{model:<10} {label:<6} {per_job:.3f} s per tiny job, bytes/task {[round(s) for s in slopes]}")
