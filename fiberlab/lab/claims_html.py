"""The report's claims table: fiberlab/lab/claims.py's verdicts as HTML, one row per claim.

Columns: number, the explainer's sentence (quoted), verdict, the figure that
decides it, the control (what the same measurement says where the claim does
not apply; blank where there is none), the decision rule (with what the
control is), the outcome that would have refuted the claim, and the command
that reruns it.
"""

import html

from fiberlab.lab import questions as lab_questions
from fiberlab.lab.claims import ALL_RECURSION, DECIDERS, TOO_SMALL, WITHIN_NOISE, decide_all

# the other verdicts are their own class
CSS_CLASS = {WITHIN_NOISE: "undecided", TOO_SMALL: "undecided", ALL_RECURSION: "partly"}


def esc(value):
    return html.escape(str(value))


def row(verdict):
    css = CSS_CLASS.get(verdict.verdict, verdict.verdict)
    return (f"<tr class='{css}'><td>{verdict.number}</td><td>&ldquo;{esc(verdict.claim)}&rdquo;</td>"
            f"<td><b>{esc(verdict.verdict)}</b></td><td>{esc(verdict.figure)}</td>"
            f"<td>{esc(verdict.control)}</td><td>{esc(verdict.rule)}</td><td>{esc(verdict.refuted_by)}</td>"
            f"<td><code>{esc(verdict.command)}</code></td></tr>")


def section(results):
    intro = ("<p>Each claim is quoted as the explainer put it. Each verdict is computed from results/ by "
             "fiberlab/lab/claims.py, with the thresholds stated there; the figure is what decides it on this "
             "machine, and the control is the same measurement where the claim should not hold; beside them, "
             "the rule that decides and the outcome that would have refuted the claim. A timing is decided only "
             "when its interval (from paired values where two models are compared, else 95% CI or min-max over "
             f"repeats) clears the threshold: otherwise the verdict is &ldquo;{esc(WITHIN_NOISE)}&rdquo;. "
             f"&ldquo;{esc(TOO_SMALL)}&rdquo; means the sweep ran at sizes that cannot reach the claim.</p>")
    header = ("<tr><th>#</th><th>claim</th><th>verdict</th><th>measured figure</th><th>control</th>"
              "<th>decision rule</th><th>would have refuted it</th><th>rerun</th></tr>")
    verdicts = decide_all(results) + lab_questions.verdicts(results, first=len(DECIDERS) + 1)  # C frames, cancel, fairness
    rows = "".join(row(verdict) for verdict in verdicts)
    return f"<h2 id='claims'>Claims</h2>{intro}<table class='claims'>{header}{rows}</table>"
