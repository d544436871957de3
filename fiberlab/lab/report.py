"""The lab report: `python -m fiberlab.lab.report` (make report) turns results/ into HTML.

Reads only results/*.json (written by fiberlab/lab/standard_sweeps.py, checked
by fiberlab/lab/results_folder.py against the result schema, fiberlab/result.py:
a file of another schema version is refused, one line, exit 2, no page) and
results/pythons/*.json (written by make compare-pythons, if run), and writes results/report/index.html plus one PNG per
chart beside it, atomically (a reader never sees half a page). What the page
says is fiberlab/lab/page.py; which charts it draws, fiberlab/lab/chart_registry.py;
how it looks, fiberlab/lab/template.py.
"""

import argparse
import os
import sys
import tempfile
from pathlib import Path

from fiberlab import output, result
from fiberlab.lab import by_python, page, source, template
from fiberlab.lab.results_folder import load_results


def build(results_dir, out_dir, results=None):
    """Write out_dir/index.html and its charts; results: load_results(results_dir) if the caller has it already
    (its skip lines said once). Returns the page's path."""
    results_dir, out_dir = Path(results_dir), Path(out_dir)
    results = load_results(results_dir) if results is None else results
    out_dir.mkdir(parents=True, exist_ok=True)
    head, body = page.render(results, results_dir, out_dir)
    document = template.page("fiberlab report", head, body, source.CSS)
    output.replace_atomically(str(out_dir / "index.html"), lambda tmp: Path(tmp).write_text(document))
    return out_dir / "index.html"


def check_out_dir(out_dir):
    """None if OUT_DIR is (or can be made) a folder we can write in, else the one line that says why;
    checked before any chart is drawn, so a bad folder costs no work."""
    if out_dir.exists() and not out_dir.is_dir():
        return f"--out {str(out_dir)!r} is a file, not a folder"
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out_dir, prefix=".fiberlab-check-") as probe:
            probe.write(b"x" * 4096)  # a full disk refuses the data, not the empty file
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        return f"--out {str(out_dir)!r}: cannot write in it: {exc.strerror or exc}"
    return None


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m fiberlab.lab.report", description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--results", default="results", help="folder the sweep wrote (default results)")
    parser.add_argument("--out", help="folder for index.html and the charts (default RESULTS/report)")
    output.protect_streams()
    args = parser.parse_args(argv)
    results_dir = Path(args.results)
    try:
        results = load_results(results_dir)
        by_python.load(results_dir)  # the same refusal for results/pythons/
    except result.SchemaVersionError as exc:
        print(f"lab_report: refused {exc}; run the sweeps again (make sweep) to write the current one",
              file=sys.stderr)
        return 2
    if not results and not list((results_dir / by_python.FOLDER).glob("*.json")):
        print(f"lab_report: no results in {results_dir}/ it can use: run make sweep first", file=sys.stderr)
        return 2
    out_dir = Path(args.out) if args.out else results_dir / "report"
    refusal = check_out_dir(out_dir)
    if refusal:
        output.say(f"lab_report: {refusal}")
        return 2
    try:
        written = build(results_dir, out_dir, results)
    except OSError as exc:  # a disk that fills while the charts are written, a folder removed meanwhile
        output.say(f"lab_report: could not write the report into {out_dir}: {exc.strerror or exc}")
        return 2
    except KeyboardInterrupt:
        output.say("lab_report: interrupted; index.html left as it was")
        return 130
    output.emit(f"lab_report: wrote {written}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
