"""What the report reads: results/NAME.json files, each checked before it is believed.

load_results(folder) returns {NAME: data} for every file the report can use
(a sweep of fiberlab/lab/standard_sweeps.py, measures.json, timelines.json,
http_outside.json);
a half-written or foreign file is skipped with one line on stderr naming it
and why, so one bad file never stops the page; a sweep file of another schema
version (fiberlab/result.py) is refused: unusable() raises, and the caller
says so in one line.
"""

import json
import sys
from pathlib import Path

from fiberlab import result

def unusable(path, data):
    """Why results/NAME.json (PATH) is not a file the report can use (one phrase), or None if it can.
    A sweep file of another schema version raises result.SchemaVersionError, naming PATH: the
    report is not built from measurements it would misread (make sweep writes the current one)."""
    if not isinstance(data, dict):
        return "not a JSON object"
    if path.stem == "measures":
        return None  # fiberlab/lab/measures.py's own figures: their section says what it cannot read
    if path.stem == "http_outside":  # fiberlab/lab/http_outside.py's rows: the report's http section
        rows = data.get("rows")
        return None if isinstance(rows, list) and data.get("kind") == "http_outside" else "not http_outside's rows"
    if path.stem == "timelines":
        scenes = data.get("scenes")
        return None if isinstance(scenes, dict) else "no scenes: not fiberlab.lab.timeline's output"
    if "sweep" not in data:
        hint = " (a `fiberlab run --json` result? the report reads make sweep's)" if "models" in data else ""
        return f"not a sweep's result{hint}"
    try:
        sweep = result.LabSweep.from_json(data)
    except result.SchemaVersionError as exc:
        raise result.SchemaVersionError(f"{path}: {exc}") from None
    except result.SchemaError as exc:
        return str(exc)
    if sweep.sweep != path.stem:
        return f"it says it is sweep {sweep.sweep!r}, not {path.stem!r}"
    if not sweep.points:
        return "no points"
    return None


def load_results(folder, who="lab_report"):
    """{name: data} for each results/NAME.json the report can use, as the JSON data the schema
    (fiberlab/result.py) accepted; each other file is skipped with one line on stderr (prefixed `who:`)
    naming it and why. A file of another schema version raises result.SchemaVersionError."""
    results = {}
    for path in sorted(Path(folder).glob("*.json")):
        try:
            data = json.loads(path.read_text())
        except (OSError, UnicodeDecodeError, ValueError) as exc:
            why = f"not valid JSON (truncated?): {exc}" if isinstance(exc, ValueError) else f"cannot read it: {exc}"
            print(f"{who}: skipping {path}: {why}", file=sys.stderr)
            continue
        why = unusable(path, data)
        if why:
            print(f"{who}: skipping {path}: {why}", file=sys.stderr)
            continue
        results[path.stem] = data
    return results


def tiny(results):
    """True when any sweep in results was run with --tiny: its figures check the report, not the machine."""
    return any(isinstance(data, dict) and data.get("tiny") for data in results.values())
