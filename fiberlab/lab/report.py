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
import sys
from pathlib import Path

from fiberlab import result
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
    tmp = out_dir / "index.html.tmp"
    tmp.write_text(document)
    tmp.replace(out_dir / "index.html")
    return out_dir / "index.html"


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m fiberlab.lab.report", description=(__doc__ or "").split("\n")[0])
    parser.add_argument("--results", default="results", help="folder the sweep wrote (default results)")
    parser.add_argument("--out", help="folder for index.html and the charts (default RESULTS/report)")
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
    written = build(results_dir, Path(args.out) if args.out else results_dir / "report", results)
    print(f"lab_report: wrote {written}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
