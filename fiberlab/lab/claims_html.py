"""The report's claims table: fiberlab/lab/claims.py's verdicts as HTML, one row per claim.

Columns: number, the explainer's sentence (quoted), verdict, the figure that
decides it, the control (what the same measurement says where the claim does
not apply; blank where there is none), and the command that reruns it.
"""

import html

from fiberlab.lab import questions as lab_questions
from fiberlab.lab.claims import ALL_RECURSION, DECIDERS, WITHIN_NOISE, decide_all

CSS_CLASS = {WITHIN_NOISE: "undecided", ALL_RECURSION: "partly"}  # the other verdicts are their own class


def esc(value):
    return html.escape(str(value))


def row(verdict):
    css = CSS_CLASS.get(verdict.verdict, verdict.verdict)
    return (f"<tr class='{css}'><td>{verdict.number}</td><td>&ldquo;{esc(verdict.claim)}&rdquo;</td>"
            f"<td><b>{esc(verdict.verdict)}</b></td><td>{esc(verdict.figure)}</td>"
            f"<td>{esc(verdict.control)}</td><td><code>{esc(verdict.command)}</code></td></tr>")


def section(results):
    intro = ("<p>Each claim is quoted as the explainer put it. Each verdict is computed from results/ by "
             "fiberlab/lab/claims.py, with the thresholds stated there; the figure is what decides it on this "
             "machine, and the control is the same measurement where the claim should not hold. A timing is "
             "decided only when its interval (95% CI, else min-max over repeats) clears the threshold: "
             f"otherwise the verdict is &ldquo;{esc(WITHIN_NOISE)}&rdquo; and both intervals are shown.</p>")
    header = ("<tr><th>#</th><th>claim</th><th>verdict</th><th>measured figure</th><th>control</th>"
              "<th>rerun</th></tr>")
    verdicts = decide_all(results) + lab_questions.verdicts(results, first=len(DECIDERS) + 1)  # C frames, cancel, fairness
    rows = "".join(row(verdict) for verdict in verdicts)
    return f"<h2 id='claims'>Claims</h2>{intro}<table class='claims'>{header}{rows}</table>"
