"""Refuse, before anything runs, a size that cannot fit in this machine's memory.

A spec may declare how much memory a live task costs on each model:
  MEMORY_PER_TASK      {model id: bytes one live task holds}, or
  memory_per_task(params)  the same, for a spec whose tasks grow with a parameter
                           (deep_chain: frames per chain)
  tasks_alive(params)  tasks alive at once at the peak, in the busiest process
The figures are what the lab measured, rounded up by about a quarter (each
spec says how it measured them), so the guard refuses what will not fit and
lets through what may. A run's estimate is BASE_BYTES + tasks alive x bytes per task, for each
model that will run; one above the memory available now (psutil) is refused
in one line, unless the user gave --memory-limit: then the cap decides, and a
model that exceeds it fails alone with MemoryError.
"""

import psutil

from fiberlab.table import human_bytes

BASE_BYTES = 64 * 2**20  # the interpreter, greenlet, gevent and the rest, before the first task


def per_task(spec, params):
    if spec.memory_per_task is not None:
        return spec.memory_per_task(params)
    return spec.MEMORY_PER_TASK


def estimate(spec, params, model_id):
    """Bytes the busiest process of this run will hold, or None if the spec does not say."""
    costs = per_task(spec, params)
    if not costs or model_id not in costs or spec.tasks_alive is None:
        return None
    return BASE_BYTES + spec.tasks_alive(params) * costs[model_id]


def refusal(name, spec, params, model_ids, available=None):
    """None if every model's estimate fits in the memory available, else the one line that refuses the run."""
    available = psutil.virtual_memory().available if available is None else available
    needs = {model_id: estimate(spec, params, model_id) for model_id in model_ids}
    too_big = {model_id: need for model_id, need in needs.items() if need is not None and need > available}
    if not too_big:
        return None
    model_id, need = max(too_big.items(), key=lambda item: item[1])
    costs = per_task(spec, params)
    return (f"{name}: this size needs about {human_bytes(need)} on {model_id} "
            f"({spec.tasks_alive(params):,} tasks alive x {human_bytes(costs[model_id])}, the spec's estimate), "
            f"more than the {human_bytes(available)} of memory available; "
            f"lower the size, or give --memory-limit MIB to try it under a cap")
