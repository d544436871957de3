"""Does a warm-up at a tenth of the task count leave a long run's values where a full-size warm-up does?

    python crosscheck/warmup_size.py SCENARIO MODEL PARAMS_JSON TASK_PARAM [PROCESSES]
    e.g. python crosscheck/warmup_size.py spawn greenlet '{"leaves": 100000}' leaves 4

PROCESSES rounds (default 3), each three fresh processes, one per kind: a warm-up at the requested
size, one at a tenth of TASK_PARAM, none; then two values at the requested size (fiberlab.worker's
Scenario.run, timed as the timed pass times a run). fiberlab/pipeline.py's warmup_params relies on
the first two agreeing; docs/timing.md, "Long runs", says why.
"""
import json
import subprocess
import sys

# One fresh process: load the scenario as the worker does, warm up (or not), time two values.
CHILD = r'''
import json, sys
from fiberlab import worker
scenario, model, params, warm = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), json.loads(sys.argv[4])
job = {"scenario": scenario, "model": model, "params": params, "pass": "time"}
sc = worker.Scenario(job)
if warm is not None:
    sc.run(warm)
walls = [sc.run(params, timed=True)[2] for _ in range(2)]
print(json.dumps(walls))
'''

scenario, model, params, name = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4]
small = dict(params, **{name: max(1, params[name] // 10)})
res = {"full": [], "tenth": [], "none": []}
for _round in range(int(sys.argv[5]) if len(sys.argv) > 5 else 3):
    for kind, warm in (("full", params), ("tenth", small), ("none", None)):
        out = subprocess.run([sys.executable, "-c", CHILD, scenario, model, json.dumps(params), json.dumps(warm)],
                             capture_output=True, text=True, check=True).stdout
        res[kind] += json.loads(out)
for kind, v in res.items():
    m = sum(v) / len(v)
    print(f"{scenario} {model} warm-up {kind:5}: mean {m:.4f} s  values {[round(x, 4) for x in v]}")
