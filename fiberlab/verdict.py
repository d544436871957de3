"""The answer first: which model was quickest in one result, by how much, and which held least memory.

Contract: verdict(result) -> Verdict, computed from a Result (fiberlab/result.py) alone (a run just
made or one read back from JSON), never printed here (fiberlab/table.py says it).

- Time: each ok model's figure is the result's own ns_per_op (the central value of its timed
  values on the clock it is judged on, per op: the number the table and the JSON show) with its
  95% interval, ns_per_op_ci95 (on the log scale, never negative). The quickest is the lowest.
  Every other model gets its ratio to the quickest from values taken close in time
  (fiberlab/comparison.py paired_ratio: turns in one process, or adjacent processes of one round),
  with the interval of those pairs, so a slow minute that hit both sides cancels out. An interval
  that holds 1 is "same within noise", a verdict of its own. Where two models share no pair, the
  ratio is of their figures, with no interval.
- Where the spec says ns per op means little (Result.headline: fairness, whose wall time is
  mostly sleeping), the figure is that record's quantile from the first timed process (p99
  lateness), lower is better, and there is no interval (one run's distribution).
- Memory: the ok model with the least bytes per task (the USS slope); slopes of 0 or less (noise
  across two task counts) are not a least.
"""

from dataclasses import dataclass

from fiberlab import comparison


@dataclass(frozen=True)
class Comparison:
    """One model against the quickest: ratio = its time / the quickest's, interval [lo, hi] or None.
    The ranking is by figure, the ratio by pairs; the two agree up to noise, and where they do
    not (load that changed between the processes behind the figures) `contradicts` says so."""
    model: str
    figure: float
    ratio: float
    interval: tuple | None
    method: str | None = None  # how the pairs were taken (fiberlab/comparison.py), None: figures' ratio

    @property
    def within_noise(self):
        return self.interval is not None and self.interval[0] <= 1.0 <= self.interval[1]

    @property
    def contradicts(self):
        """True when the pairs say, beyond noise, that this model was the quicker one."""
        return self.interval is not None and self.interval[1] < 1.0


@dataclass(frozen=True)
class Verdict:
    """What the table's verdict lines say. quickest is None when no ok model has a figure."""
    label: str  # what the figure is: "time per op", "p99 lateness"
    intervals: bool  # False where the figure has none (a record of one run)
    quickest: str | None = None
    figure: float | None = None  # seconds
    interval: tuple | None = None  # the quickest's own 95% interval (ns_per_op_ci95, in seconds)
    others: tuple = ()  # (Comparison, ...), the quickest's runner-up first
    not_compared: tuple = ()  # ((model, status), ...): failed, unsupported, or no figure
    least_memory: tuple | None = None  # (model, bytes per task, next model or None, its bytes or None)


def figure(entry):
    """(seconds per op, its 95% interval or None) as the result records it, or (None, None)."""
    if entry.ns_per_op is None:
        return None, None
    interval = entry.ns_per_op_ci95
    return entry.ns_per_op / 1e9, tuple(bound / 1e9 for bound in interval) if interval else None


def against(result, model, best, figures):
    """model against best as a Comparison: the paired ratio where they share pairs, else the ratio of figures."""
    paired = comparison.paired_ratio(result.to_json(), model, best)
    if paired:
        return Comparison(model, figures[model], paired["ratio"], tuple(paired["ci95"]) if paired["ci95"] else None,
                          paired["method"])
    return Comparison(model, figures[model], figures[model] / figures[best], None)


def headline_figure(entry, headline):
    record = (entry.records or {}).get(headline["record"])
    return record.get(headline["quantile"]) if isinstance(record, dict) else None


def verdict(result):
    models, headline = result.models, result.headline
    ok = {model: entry for model, entry in models.items() if entry.ok}
    if headline:
        figures = {model: headline_figure(entry, headline) for model, entry in ok.items()}
    else:
        figures = {model: figure(entry)[0] for model, entry in ok.items()}
    ranked = sorted((figure, model) for model, figure in figures.items() if figure is not None and figure > 0)
    compared = {model for _figure, model in ranked}
    quickest = dict(quickest=None)
    others = []
    if ranked:
        best_figure, best = ranked[0]
        quickest = dict(quickest=best, figure=best_figure, interval=None if headline else figure(ok[best])[1])
        if headline:
            others = [Comparison(model, found, found / best_figure, None) for found, model in ranked[1:]]
        else:
            others = sorted((against(result, model, best, figures) for _found, model in ranked[1:]),
                            key=lambda one: one.ratio)
    return Verdict(label=headline["label"] if headline else "time per op", intervals=not headline,
                   others=tuple(others), least_memory=least_memory(ok), **quickest,
                   not_compared=tuple((model, "no figure" if entry.ok else entry.status)
                                      for model, entry in models.items() if model not in compared))


def least_memory(ok):
    """(model, bytes per task, next model, its bytes) of the ok models with a positive slope, or None."""
    memory = sorted((entry.memory.bytes_per_task, model) for model, entry in ok.items()
                    if entry.memory and (entry.memory.bytes_per_task or 0) > 0)
    if not memory:
        return None
    runner_up = memory[1] if len(memory) > 1 else (None, None)
    return (memory[0][1], memory[0][0], runner_up[1], runner_up[0])
