"""Check the report as a reader's browser lays it out: does it fit the window, is the answer on top?

    python -m fiberlab.lab.page_check results/report/index.html [--width 1400] [--screenshot shot.png]

Opens a copy of the page (beside it, so its charts load; removed afterwards)
in headless Chromium at the given window width, with a few lines of script
appended that measure, with every fold-out as the page ships it (closed):
the page's scroll width and the right edge of every element not inside a box
that scrolls sideways on its own; the page's height; how far down the
"Choosing a model" table starts; and the computed font size of the gevent
against asyncio pair view's code. The report itself carries no script.
Prints one line per check, and exits 0 when every check holds (nothing wider
than the window, at most MAX_HEIGHT px tall, the choosing table within the
first ANSWER_WITHIN px, the pair view's code at MIN_CODE_PX or more), 1 when
one does not, 2 when there is no page or no Chromium. --screenshot also
writes a PNG of the first 4,000 px, the size a reader's first screens cover.
"""

import argparse
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path

from fiberlab import output

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT_S = 60
SCREEN_HEIGHT = 4000
MAX_HEIGHT = 12_000  # px at 1400 px wide, fold-outs closed: about ten screens
ANSWER_WITHIN = 1_000  # px from the top: where the choosing table must start
MIN_CODE_PX = 12  # the pair view's code

MEASURE = """<script>
(function () {
  var width = window.innerWidth, wide = [];
  function clipped(element) {  // inside a box that scrolls or clips sideways: the page itself does not widen
    for (var up = element.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  }
  document.querySelectorAll("body *").forEach(function (element) {
    var right = element.getBoundingClientRect().right;
    if (right > width + 1 && !clipped(element))
      wide.push([Math.round(right), element.tagName.toLowerCase() + "." + element.className]);
  });
  wide.sort(function (a, b) { return b[0] - a[0]; });
  var answer = document.querySelector("table.choosing");
  var code = document.querySelector("details[id$='-gevent-asyncio'] td.code");
  document.body.setAttribute("data-fit", JSON.stringify(
    {window: width, scroll: document.documentElement.scrollWidth, wide: wide.slice(0, 5), count: wide.length,
     height: document.documentElement.scrollHeight,
     answer_top: answer ? Math.round(answer.getBoundingClientRect().top + window.scrollY) : null,
     code_px: code ? parseFloat(getComputedStyle(code).fontSize) : null}));
})();
</script>"""


def browser():
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


def _run(command):
    """Run the browser in a session of its own, so a hang kills it and all its helpers."""
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            start_new_session=True)
    try:
        out, _ = proc.communicate(timeout=TIMEOUT_S)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    return out


def measure(page, width, screenshot=None):
    """{window, scroll, wide: [[right edge px, element]], count, height, answer_top, code_px} for the page
    at this window width (answer_top and code_px are None when the page has no such element)."""
    chromium = browser()
    if chromium is None:
        raise FileNotFoundError("no Chromium found (apt-get install chromium)")
    page = Path(page).resolve()
    flags = [chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--window-size={width},{SCREEN_HEIGHT}"]
    text = page.read_text()
    with tempfile.NamedTemporaryFile("w", suffix=".html", dir=page.parent, delete=False) as copy:
        copy.write(text.replace("</body>", MEASURE + "</body>"))
    try:
        dom = _run(flags + ["--dump-dom", copy.name])
    finally:
        os.unlink(copy.name)
    if screenshot:
        _run(flags + [f"--screenshot={Path(screenshot).resolve()}", page.as_uri()])
    found = re.search(r'data-fit="([^"]*)"', dom)
    if not found:
        raise RuntimeError("the browser did not lay the page out (no measurement came back)")
    return json.loads(html.unescape(found.group(1)))


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m fiberlab.lab.page_check", description=(__doc__ or "").split("\n")[0])
    parser.add_argument("page", help="the report's index.html")
    parser.add_argument("--width", type=int, default=1400, help="window width in px (default 1400)")
    parser.add_argument("--screenshot", help="also write a PNG of the first 4,000 px here")
    args = parser.parse_args(argv)
    if not Path(args.page).is_file():
        print(f"lab_page_check: no page {args.page!r}: run make report first", file=sys.stderr)
        return 2
    try:
        fit = measure(args.page, args.width, args.screenshot)
    except (FileNotFoundError, RuntimeError, subprocess.TimeoutExpired) as exc:
        print(f"lab_page_check: {exc}", file=sys.stderr)
        return 2
    failed = [not holds for holds, _line in verdicts(fit)]
    for _holds, line in verdicts(fit):
        output.emit(f"lab_page_check: {line}")  # a reader that stops reading (| head) is not an error
    return 1 if any(failed) else 0


def verdicts(fit):
    """[(holds, one line)] for each check of a measurement."""
    widest = ", ".join(f"{name} to {right} px" for right, name in fit["wide"])
    fits = fit["count"] == 0 and fit["scroll"] <= fit["window"]
    answer, code = fit.get("answer_top"), fit.get("code_px")
    return [
        (fits, f"fits: page {fit['scroll']} px wide in a {fit['window']} px window" if fits else
         f"too wide: page {fit['scroll']} px in a {fit['window']} px window; {fit['count']} element(s) stick out: {widest}"),
        (fit["height"] <= MAX_HEIGHT, f"height: {fit['height']:,} px with fold-outs closed (at most {MAX_HEIGHT:,})"),
        (answer is not None and answer <= ANSWER_WITHIN,
         f"choosing table starts at {answer:,} px (within {ANSWER_WITHIN:,})" if answer is not None
         else "no Choosing a model table"),
        (code is not None and code >= MIN_CODE_PX,
         f"gevent/asyncio pair view code at {code:g} px (at least {MIN_CODE_PX})" if code is not None
         else "no gevent/asyncio pair view"),
    ]


if __name__ == "__main__":
    sys.exit(main())
