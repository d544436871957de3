"""Small statistics: summaries of timed values, and slopes across sizes.

A timing is a list of values pooled from several worker processes (each
process contributes the values it took after its in-process warm-up); the
summary treats them as one sample: mean, standard deviation, median, min,
max and a 95% confidence interval for the mean (Student's t over all the
values). `noisy` is the rule the README states: the values spread too much to
tell small differences apart.
"""

import math
import statistics

# Student's t, two-sided 95% (0.975 quantile), by degrees of freedom; beyond 30 the
# next entry down is used (a slightly wider interval, never a narrower one).
T_975 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262,
         10: 2.228, 11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110, 18: 2.101,
         19: 2.093, 20: 2.086, 21: 2.080, 22: 2.074, 23: 2.069, 24: 2.064, 25: 2.060, 26: 2.056, 27: 2.052,
         28: 2.048, 29: 2.045, 30: 2.042, 40: 2.021, 60: 2.000, 120: 1.980}

NOISY_STDEV = 0.10  # stdev above 10% of the mean: pyperf warns at the same line
NOISY_CI = 0.05  # or the 95% interval's half-width above 5% of the mean
MIN_VALUES = 3  # fewer values than this cannot show their spread


def t_975(degrees):
    return T_975[max(key for key in T_975 if key <= degrees)]


def summary(values, processes=1):
    """Mean, stdev, median, min, max, ci95 [lo, hi] of the values (all pooled), the
    values themselves ("runs" is the same list, the name earlier results used), and
    how many processes gave them. stdev and ci95 are None for a single value."""
    values = list(values)
    mean = statistics.fmean(values)
    stdev = statistics.stdev(values) if len(values) > 1 else None
    half = t_975(len(values) - 1) * stdev / math.sqrt(len(values)) if stdev is not None else None
    return {
        "mean": mean,
        "stdev": stdev,
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "ci95": [mean - half, mean + half] if half is not None else None,
        "values": values,
        "runs": values,
        "processes": processes,
    }


def noisy(wall):
    """True when a timing cannot be trusted to tell small differences: fewer than
    MIN_VALUES values, a stdev above NOISY_STDEV of the mean, or a 95% interval whose
    half-width is above NOISY_CI of the mean."""
    if len(wall["values"]) < MIN_VALUES or wall["mean"] <= 0:
        return True
    half = (wall["ci95"][1] - wall["ci95"][0]) / 2
    return wall["stdev"] > NOISY_STDEV * wall["mean"] or half > NOISY_CI * wall["mean"]


def slope(points):
    """Least-squares slope of y over x for [(x, y), ...]; None if x never varies."""
    if len(points) < 2:
        return None
    xs, ys = zip(*points)
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    spread = sum((x - mean_x) ** 2 for x in xs)
    if spread == 0:
        return None
    return sum((x - mean_x) * (y - mean_y) for x, y in points) / spread
