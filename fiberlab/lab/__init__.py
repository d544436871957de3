"""The lab on top of the fiberlab: the standard sweeps, the measures and claims drawn
from them, and the static report (charts, findings, source pair views).

The harness (one level up) runs scenarios and returns results; nothing here is
needed to run one. Entry points: `python -m fiberlab.lab.standard_sweeps` (make sweep) and
`python -m fiberlab.lab.report` (make report).
"""
