"""The report's look: its stylesheet, the page skeleton and the small HTML pieces every section uses.

Change how the page looks here; what it says is decided in fiberlab/lab/page.py
and the modules it calls. Everything is plain strings (no template engine: the
skeleton is one function and the pieces are a few lines each, so a dependency
would add more than it saves). Every value put into HTML goes through esc().
The page works offline: no CDN, no JavaScript; styles are inline, charts are
<img> files beside the page.
"""

import html

from pygments.formatters import HtmlFormatter

CSS = """
*, *::before, *::after { box-sizing: border-box; }
body { font-family: sans-serif; margin: 0 auto; padding: 0.5em 2em; max-width: 1400px; color: #222;
       line-height: 1.35; font-size: 15px; }
h1 { margin: 0.2em 0 0.1em; font-size: 1.5em; }
h2 { margin: 1.2em 0 0.3em; font-size: 1.3em; border-bottom: 1px solid #ccc; }
h3 { margin: 0.8em 0 0.3em; font-size: 1.1em; }
.env { color: #555; font-size: 0.85em; margin: 0 0 0.4em; }
.banner { background: #fbe3a1; border: 2px solid #c58a00; padding: 0.4em 0.8em; margin: 0.4em 0; font-weight: bold; }
.wide { max-width: 100%; overflow-x: auto; }
table { border-collapse: collapse; margin: 0.4em 0 0.8em; display: block; max-width: 100%; overflow-x: auto; }
th, td { border: 1px solid #bbb; padding: 0.15em 0.5em; text-align: left; font-size: 0.9em; vertical-align: top; }
th { background: #eee; }
td { overflow-wrap: break-word; }  /* "anywhere" would let a narrow column break "confirmed" into letters */
td small { color: #555; }
code { overflow-wrap: anywhere; }
table.choosing { display: table; width: 100%; }
table.choosing td { font-size: 0.85em; }
.legend { font-size: 0.85em; color: #555; margin: 0 0 0.3em; }
.advice li, .findings li { margin: 0.15em 0; }
.claims-list { columns: 2; column-gap: 2em; font-size: 0.9em; margin: 0.3em 0; }
.claims-list li { break-inside: avoid; margin: 0 0 0.2em; }
@media (max-width: 800px) { .claims-list { columns: 1; } body { padding: 0.5em 0.8em; } }
table.claims code { overflow-wrap: normal; }
.confirmed { background: #d9f2d9; } .refuted { background: #f7d4d4; }
.partly { background: #fbf0c8; } .undecided { background: #e4e4e4; }
.headline { display: flex; flex-wrap: wrap; gap: 1em; align-items: flex-start; }
.chart { flex: 0 1 720px; max-width: 720px; margin: 0; }
.headline .chart { flex-basis: 620px; max-width: 620px; }
.headline .points { flex: 1 1 560px; min-width: 0; }
.charts { display: flex; flex-wrap: wrap; gap: 1em; }
.chart img, .charts img { max-width: 100%; height: auto; border: 1px solid #ddd; }
.chart figcaption { font-size: 0.9em; margin: 0.2em 0 0; }
.params { color: #555; font-size: 0.85em; margin: 0 0 0.3em; overflow-wrap: anywhere; }
details { margin: 0.3em 0; }
details > summary { cursor: pointer; color: #234; }
nav ul { display: flex; flex-wrap: wrap; gap: 0.2em 1.1em; list-style: none; padding: 0; margin: 0.3em 0; }
"""


def esc(value):
    return html.escape(str(value))


def table(header, rows):
    """A table of text cells (escaped), scrolling sideways inside its own box if it must."""
    head = "".join(f"<th>{esc(cell)}</th>" for cell in header)
    body = "".join("<tr>" + "".join(f"<td>{esc(cell)}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<div class='wide'><table><tr>{head}</tr>{body}</table></div>"


def figure(filename, alt, caption, anchor, width=720, height=400):
    """One chart: its image (alt says what it shows), its caption, an id a finding can link to."""
    return (f"<figure class='chart' id='{esc(anchor)}'><img src='{esc(filename)}' alt='{esc(alt)}' "
            f"width='{width}' height='{height}'><figcaption>{caption}</figcaption></figure>")


def fold(summary, body, open_=False):
    """A fold-out: closed unless open_, so the page stays short and nothing is out of reach."""
    return f"<details{' open' if open_ else ''}><summary>{esc(summary)}</summary>{body}</details>" if body else ""


def page(title, head, body, extra_css=""):
    """The whole document: English, UTF-8, the stylesheet inline (pygments' classes included)."""
    return ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{esc(title)}</title><style>{CSS}{extra_css}{HtmlFormatter().get_style_defs('.highlight')}"
            f"</style></head><body>{head}{body}</body></html>\n")
