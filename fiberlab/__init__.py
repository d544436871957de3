"""The fiberlab: runs each scenario on each model in its own process and compares.

Pipeline, one module each: spec (scenarios/) -> worker.py (one run, one
process) -> probe.py (what the scenario reports) -> pipeline.py (runs, compares
with the reference) -> report.py (the table). cli.py is the front door.
"""
