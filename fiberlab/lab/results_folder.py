"""What the report reads: results/NAME.json files, each checked before it is believed.

load_results(folder) returns {NAME: data} for every file the report can use
(a sweep of fiberlab/lab/standard_sweeps.py, measures.json, timelines.json);
a half-written, foreign or older file is skipped with one line on stderr
naming it and why, so one bad file never stops the page.
"""

import json
import sys
from pathlib import Path

SWEEP_KEYS = ("sweep", "scenario", "axis", "command", "points")
MEASURES_KEYS = ("bare_coroutine", "generator_memory", "recursion", "command")
OK_ENTRY_KEYS = ("ops", "wall_s", "ns_per_op", "memory", "stack")


def unusable(name, data):
    """Why a results/NAME.json the report cannot use is refused (one phrase), or None if it can."""
    if not isinstance(data, dict):
        return "not a JSON object"
    if name == "measures":
        missing = [key for key in MEASURES_KEYS if key not in data]
        return f"no {', '.join(missing)}: not fiberlab.lab.measures' output" if missing else None
    if name == "timelines":
        scenes = data.get("scenes")
        return None if isinstance(scenes, dict) else "no scenes: not fiberlab.lab.timeline's output"
    if "sweep" not in data:
        hint = " (a `fiberlab run --json` result? the report reads make sweep's)" if "models" in data else ""
        return f"not a sweep's result{hint}"
    missing = [key for key in SWEEP_KEYS if key not in data]
    if missing:
        return f"an older or foreign schema: no {', '.join(missing)}"
    if data["sweep"] != name:
        return f"it says it is sweep {data['sweep']!r}, not {name!r}"
    if not isinstance(data["points"], list) or not data["points"]:
        return "no points"
    for point in data["points"]:
        models = (point.get("result") or {}).get("models") if isinstance(point, dict) else None
        if not isinstance(models, dict) or "value" not in point:
            return "a point without its value or its result's models"
        for model_id, entry in models.items():
            if not isinstance(entry, dict) or "status" not in entry:
                return f"model {model_id!r} has no status"
            if entry["status"] == "ok" and any(key not in entry for key in OK_ENTRY_KEYS):
                return f"model {model_id!r} lacks {', '.join(k for k in OK_ENTRY_KEYS if k not in entry)}: an older schema"
    return None


def load_results(folder, who="lab_report"):
    """{name: data} for each results/NAME.json the report can use; each other file is
    skipped with one line on stderr (prefixed `who:`) naming it and why."""
    results = {}
    for path in sorted(Path(folder).glob("*.json")):
        try:
            data = json.loads(path.read_text())
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            why = f"not valid JSON (truncated?): {exc}" if isinstance(exc, ValueError) else f"cannot read it: {exc}"
            print(f"{who}: skipping {path}: {why}", file=sys.stderr)
            continue
        why = unusable(path.stem, data)
        if why:
            print(f"{who}: skipping {path}: {why}", file=sys.stderr)
            continue
        results[path.stem] = data
    return results


def tiny(results):
    """True when any sweep in results was run with --tiny: its figures check the report, not the machine."""
    return any(isinstance(data, dict) and data.get("tiny") for data in results.values())
