"""The lab on top of the harness: the standard sweeps, the measures and claims drawn
from them, and the static report (charts, findings, source pair views).

The harness (one level up) runs scenarios and returns results; nothing here is
needed to run one. Entry points: `python -m harness.lab.sweeps` (make sweep) and
`python -m harness.lab.report` (make report).
"""
