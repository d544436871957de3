"""The report's source views: two model files aligned line by line, and every model file.

A pair view lines up two of a scenario's model files with difflib, so lines
the files share sit side by side; in a line that differs from its partner only
the words that differ are marked (a second difflib pass over the line's
words), so the few changed words (`await`, `async def`, `gevent.spawn`) stand
out rather than whole lines; a line with a `# ->` comment (a suspension
point, saying where control goes) is marked in both columns. The view is an HTML table of
fixed layout whose code cells wrap long lines, so it fits its box at any window
width and the page never scrolls sideways. Under the pairs, every model file
of the scenario is reachable as a collapsed <details> block (no JavaScript).
Highlighting is pygments' (its CSS classes, from HtmlFormatter's style defs).
"""

import difflib
import html
import re
from pathlib import Path

from pygments.lexers import PythonLexer
from pygments.token import STANDARD_TYPES

from fiberlab.models import all_models

REPO_ROOT = Path(__file__).resolve().parents[2]
SUSPENSION_MARK = "# ->"

# The pairs that teach, each differing in one axis of the 2x2 (or its margin); the first is the
# question most readers bring (gevent or asyncio?).
PAIRS = (
    ("gevent", "asyncio", "the stack, on production runtimes: gevent's hub switches whole C stacks, asyncio's "
                          "loop resumes chains of coroutines"),
    ("greenlet", "coroutines", "the stack: a saved C stack against a chain of suspended coroutine frames, "
                               "both on a scheduler of our own"),
    ("greenlet", "gevent", "the runtime: the same stackful fibers on our scheduler and on gevent's hub"),
    ("asyncio", "coroutines", "the runtime: the same stackless coroutines on asyncio's event loop and on "
                              "a bare scheduler of our own"),
    ("greenlet", "threads", "the scheduler: fibers switched by the program against OS threads switched by "
                            "the kernel"),
)


def model_file(scenario, model_id):
    """The path of a model's file in a scenario folder, or None (no such model or file)."""
    model = all_models().get(model_id)
    if model is None or "." in model.file:
        return None
    path = REPO_ROOT / "scenarios" / scenario / f"{model.file}.py"
    return path if path.exists() else None


def token_class(ttype):
    while ttype not in STANDARD_TYPES:
        ttype = ttype.parent
    return STANDARD_TYPES[ttype]


def highlighted_lines(text):
    """The file as a list of HTML lines, one per source line, highlighted with pygments' classes.

    Lexing the whole file (not line by line) keeps docstrings and strings right;
    a token spanning lines is cut at each newline, so every line is closed."""
    lines = [[]]
    for ttype, value in PythonLexer().get_tokens(text):
        css = token_class(ttype)
        for index, piece in enumerate(value.split("\n")):
            if index:
                lines.append([])
            if piece:
                escaped = html.escape(piece)
                lines[-1].append(f"<span class=\"{css}\">{escaped}</span>" if css else escaped)
    rendered = ["".join(parts) for parts in lines]
    count = len(text.splitlines())
    return rendered[:count] + [""] * (count - len(rendered))


def aligned_rows(left_lines, right_lines):
    """[(left index or None, right index or None, same)], matching lines side by side (difflib)."""
    rows = []
    matcher = difflib.SequenceMatcher(None, left_lines, right_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            rows += [(i, j, True) for i, j in zip(range(i1, i2), range(j1, j2))]
            continue
        lefts, rights = list(range(i1, i2)), list(range(j1, j2))
        for k in range(max(len(lefts), len(rights))):
            rows.append((lefts[k] if k < len(lefts) else None, rights[k] if k < len(rights) else None, False))
    return rows


WORD = re.compile(r"\w+|\s+|[^\w\s]")


def word_marks(left, right):
    """The two lines as HTML with the words that differ between them wrapped in <mark>."""
    a, b = WORD.findall(left), WORD.findall(right)
    marked_a, marked_b = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        for words, lo, hi, out in ((a, i1, i2, marked_a), (b, j1, j2, marked_b)):
            for word in words[lo:hi]:
                text = html.escape(word)
                out.append(text if tag == "equal" or not word.strip() else f"<mark>{text}</mark>")
    return "".join(marked_a), "".join(marked_b)


def _cell(index, raw, shown, same, marked=None):
    if index is None:
        return "<td class='ln'></td><td class='code gap'></td>"
    alone = not same and marked is None  # a line with no partner on the other side
    classes = ["code"] + (["alone"] if alone else []) + (["suspend"] if SUSPENSION_MARK in raw[index] else [])
    return f"<td class='ln'>{index + 1}</td><td class='{' '.join(classes)}'>{marked or shown[index]}</td>"


def _row(i, j, same, left_raw, right_raw, left_html, right_html):
    marked = (None, None)
    if not same and i is not None and j is not None:
        marked = word_marks(left_raw[i], right_raw[j])
    return (f"<tr>{_cell(i, left_raw, left_html, same, marked[0])}"
            f"{_cell(j, right_raw, right_html, same, marked[1])}</tr>")


def pair_view(scenario, left_model, right_model, teaches, open_=True):
    """One aligned two-column view, or None if either model has no file in this scenario.
    It is a <details> block (open_: shown unfolded), so long pairs do not bury the next scenario."""
    left, right = model_file(scenario, left_model), model_file(scenario, right_model)
    if left is None or right is None:
        return None
    left_text, right_text = left.read_text(), right.read_text()
    left_raw, right_raw = left_text.splitlines(), right_text.splitlines()
    left_html, right_html = highlighted_lines(left_text), highlighted_lines(right_text)
    rows = "".join(_row(i, j, same, left_raw, right_raw, left_html, right_html)
                   for i, j, same in aligned_rows(left_raw, right_raw))
    title = f"{left_model} vs {right_model}"
    anchor = f"pair-{scenario}-{left_model}-{right_model}"
    return (
        f"<details class='pair' id='{html.escape(anchor)}'{' open' if open_ else ''}><summary><h4>"
        f"{html.escape(title)}: <span class='teaches'>{html.escape(teaches)}</span></h4></summary>"
        "<table class='pairview highlight'><colgroup><col class='lncol'><col><col class='lncol'><col></colgroup>"
        f"<tr><th></th><th>{html.escape(left.name)}</th><th></th><th>{html.escape(right.name)}</th></tr>"
        f"{rows}</table></details>"
    )


def scenario_files(scenario):
    """Every .py file of the scenario folder, model files first (in model order), then helpers."""
    folder = REPO_ROOT / "scenarios" / scenario
    model_names = []
    for model_id in all_models():
        path = model_file(scenario, model_id)
        if path is not None and path not in model_names:
            model_names.append(path)
    helpers = [path for path in sorted(folder.glob("*.py")) if path not in model_names]
    return model_names, helpers


def full_file(path):
    lines = highlighted_lines(path.read_text())
    raw = path.read_text().splitlines()
    body = "".join(
        f"<tr><td class='ln'>{n}</td><td class='code{' suspend' if SUSPENSION_MARK in raw[n - 1] else ''}'>{line}</td></tr>"
        for n, line in enumerate(lines, 1)
    )
    return (f"<details class='file'><summary><code>scenarios/{html.escape(path.parent.name)}/{html.escape(path.name)}"
            f"</code> ({len(raw)} lines)</summary><table class='fileview highlight'>"
            f"<colgroup><col class='lncol'><col></colgroup>{body}</table></details>")


LEGEND = ("Two model files aligned line by line: lines they share sit side by side; in a line that differs only "
          "the differing words are marked, a line with no partner is tinted, and a line in yellow is a suspension "
          f"point (its {SUSPENSION_MARK} comment says where control goes).")


def source_section(scenario, open_first=False):
    """The scenario's pair views (those whose two files exist) and all its files, as HTML;
    open_first: the first pair is shown unfolded (the page opens one, the rest are a click away)."""
    pairs = [view for view in (pair_view(scenario, a, b, why, open_=open_first and index == 0)
                               for index, (a, b, why) in enumerate(PAIRS)) if view]
    models, helpers = scenario_files(scenario)
    files = "".join(full_file(path) for path in models + helpers)
    return (f"<div class='source' id='source-{html.escape(scenario)}'><p class='legend'>{html.escape(LEGEND)}</p>"
            f"{''.join(pairs)}<details class='files'><summary>Every file of scenarios/{html.escape(scenario)}/"
            f"</summary>{files}</details></div>")


CSS = """
.pairview, .fileview { display: table; table-layout: fixed; width: 100%; border-collapse: collapse; margin: 0.3em 0 1.2em; }
.pairview td, .pairview th, .fileview td { border: none; padding: 0 0.4em; font-size: 13px; }
.pairview th { background: #eee; font-family: monospace; }
.lncol { width: 3.2em; }
td.ln { color: #999; text-align: right; font-family: monospace; user-select: none; }
td.code { font-family: monospace; white-space: pre-wrap; overflow-wrap: anywhere; }
td.alone { background: #eef4fb; }
td.code mark { background: #ffd0d0; color: inherit; border-radius: 2px; }
td.gap { background: #f6f6f6; }
td.suspend { background: #ffe58a; font-weight: bold; }
.pair summary { cursor: pointer; margin: 0.8em 0 0.2em; }
.pair summary h4 { display: inline; font-size: 1em; }
.teaches { font-weight: normal; color: #555; }
details.file summary { cursor: pointer; margin: 0.2em 0; }
"""
