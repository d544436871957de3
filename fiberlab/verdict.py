"""The answer first: which model was quickest in one result, by how much, and which held least memory.

Contract: verdict(result) -> Verdict, computed from a Result (fiberlab/result.py) alone (a run just
made or one read back from JSON), never printed here (fiberlab/table.py says it).

- Time: each ok model's figure is its time per op (the mean of its timed values over the ops one
  value timed), with its 95% interval taken on the log scale as below (never negative). The quickest is the lowest; every other model gets the ratio of its time to the
  quickest's with a 95% interval. The interval is taken on the log of the ratio (the delta method:
  the variance of log(mean) is about sd² / (n mean²); Welch's degrees of freedom), so it is the
  exponential of a symmetric interval: it can never reach zero or go negative, as an interval on
  the difference of two means can. An interval that holds 1 is "same within noise", a verdict of
  its own; a model with fewer than two values gets a ratio and no interval.
- Where the spec says ns per op means little (Result.headline: fairness, whose wall time is
  mostly sleeping), the figure is that record's quantile from the check run (p99 lateness), lower
  is better, and there is no interval (one run's distribution).
- Memory: the ok model with the least bytes per task (the USS slope); slopes of 0 or less (noise
  across two task counts) are not a least.
"""

import math
import statistics
from dataclasses import dataclass

from fiberlab import stats


@dataclass(frozen=True)
class Comparison:
    """One model against the quickest: ratio = its figure / the quickest's (>= 1 by construction
    of the ranking, up to noise), interval [lo, hi] or None."""
    model: str
    figure: float
    ratio: float
    interval: tuple | None

    @property
    def within_noise(self):
        return self.interval is not None and self.interval[0] <= 1.0 <= self.interval[1]


@dataclass(frozen=True)
class Verdict:
    """What the table's verdict lines say. quickest is None when no ok model has a figure."""
    label: str  # what the figure is: "time per op", "p99 lateness"
    intervals: bool  # False where the figure has none (a record of one run)
    quickest: str | None = None
    figure: float | None = None  # seconds
    interval: tuple | None = None  # the quickest's own 95% interval of its mean
    others: tuple = ()  # (Comparison, ...), the quickest's runner-up first
    not_compared: tuple = ()  # ((model, status), ...): failed, unsupported, or no figure
    least_memory: tuple | None = None  # (model, bytes per task, next model or None, its bytes or None)


def per_op_values(entry):
    """The model's timed values as seconds per op, or [] (no timing, or no op)."""
    values = entry.wall_s.values if entry.wall_s else []
    ops = entry.timing.ops if entry.timing and entry.timing.ops is not None else entry.ops
    return [value / ops for value in values] if ops else []


def mean_interval(values):
    """The 95% interval of the mean on the log scale (Student's t; the variance of log(mean) is about
    sd² / (n mean²)), so it stays above zero however the values spread; None for fewer than two values."""
    if len(values) < 2:
        return None
    mean = statistics.fmean(values)
    half = stats.t_975(len(values) - 1) * statistics.stdev(values) / (mean * math.sqrt(len(values)))
    return (mean * math.exp(-half), mean * math.exp(half))


def ratio_interval(slow, fast):
    """95% interval of mean(slow) / mean(fast) on the log scale, or None (fewer than two values on a side)."""
    if len(slow) < 2 or len(fast) < 2:
        return None
    parts = [statistics.variance(values) / (len(values) * statistics.fmean(values) ** 2) for values in (slow, fast)]
    spread = sum(parts)
    ratio = statistics.fmean(slow) / statistics.fmean(fast)
    if spread == 0:
        return (ratio, ratio)
    degrees = spread ** 2 / sum(part ** 2 / (len(values) - 1) for part, values in zip(parts, (slow, fast)) if part)
    half = stats.t_975(max(1, math.floor(degrees))) * math.sqrt(spread)
    return (ratio * math.exp(-half), ratio * math.exp(half))


def headline_figure(entry, headline):
    record = (entry.records or {}).get(headline["record"])
    return record.get(headline["quantile"]) if isinstance(record, dict) else None


def verdict(result):
    models, headline = result.models, result.headline
    ok = {model: entry for model, entry in models.items() if entry.ok}
    if headline:
        values = {}
        figures = {model: headline_figure(entry, headline) for model, entry in ok.items()}
    else:
        values = {model: per_op_values(entry) for model, entry in ok.items()}
        figures = {model: statistics.fmean(found) if found else None for model, found in values.items()}
    ranked = sorted((figure, model) for model, figure in figures.items() if figure is not None and figure > 0)
    compared = {model for _figure, model in ranked}
    quickest = dict(quickest=None)
    others = []
    if ranked:
        best_figure, best = ranked[0]
        quickest = dict(quickest=best, figure=best_figure, interval=mean_interval(values[best]) if values else None)
        others = [Comparison(model, figure, figure / best_figure,
                             ratio_interval(values[model], values[best]) if values else None)
                  for figure, model in ranked[1:]]
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
