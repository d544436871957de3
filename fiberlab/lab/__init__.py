"""The lab on top of the fiberlab: the standard sweeps, the measures and claims drawn
from them, and the static report (the choosing table, findings, charts, source pair views).

The harness (one level up) runs scenarios and returns results; nothing here is
needed to run one. Entry points: `python -m fiberlab.lab.standard_sweeps` (make sweep) and
`python -m fiberlab.lab.report` (make report); `python -m fiberlab.lab.choosing` prints the
report's "Choosing a model" rows (markdown for a README).
"""
