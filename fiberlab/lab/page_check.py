"""Check the report as a reader's browser lays it out: does anything stick out of the window?

    python -m fiberlab.lab.page_check results/report/index.html [--width 1400] [--screenshot shot.png]

Opens a copy of the page (beside it, so its charts load; removed afterwards)
in headless Chromium at the given window width, with a few lines of script
appended that measure the page's scroll width and the right edge of every
element not inside a box that scrolls sideways on its own;
the report itself carries no script. Prints one line, and exits 0 when nothing
is wider than the window, 1 when something is (the widest elements named), 2
when there is no page or no Chromium. --screenshot also writes a PNG of the
first 4,000 px, the size a reader's first screens cover.
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

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
TIMEOUT_S = 60
SCREEN_HEIGHT = 4000

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
  document.body.setAttribute("data-fit", JSON.stringify(
    {window: width, scroll: document.documentElement.scrollWidth, wide: wide.slice(0, 5), count: wide.length}));
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
    """{window, scroll, wide: [[right edge px, element]], count} for the page at this window width."""
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
    if fit["count"] == 0 and fit["scroll"] <= fit["window"]:
        print(f"lab_page_check: fits: page {fit['scroll']} px wide in a {fit['window']} px window")
        return 0
    widest = ", ".join(f"{name} to {right} px" for right, name in fit["wide"])
    print(f"lab_page_check: too wide: page {fit['scroll']} px in a {fit['window']} px window; "
          f"{fit['count']} element(s) stick out: {widest}")
    return 1


if __name__ == "__main__":
    sys.exit(main())
