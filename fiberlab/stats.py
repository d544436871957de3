"""Statistics of timed values: summaries, intervals that cannot be negative, paired ratios, slopes.

Timings are positive and their noise multiplies (a busy core stretches a value
by a factor), so every interval here is taken on the log scale and mapped back:
a 95% Student's t interval of the mean log, exp()'d, is an interval for the
geometric mean that is never negative, and for a ratio one that is symmetric in
which side is divided by which. Quantiles and tail probabilities come from scipy.special
(Student's t and Fisher's F distributions), not a typed table; the tests and the regression
they need are the textbook formulas, written here (scipy.stats computes the same numbers, but
loading it costs every command half a second more than scipy.special).

The unit of the sample: values taken in one worker process share that process's
address-space layout, hash seed and the state the machine was in; when the
processes differ (a one-way F test across them, p < 0.05) the sample is the
per-process means, so n is the number of processes; otherwise every value is a
unit. The method is written up in docs/timing.md.
"""

import math
import statistics

import numpy
from scipy import special

NOISY_STDEV = 0.10  # stdev above 10% of the mean: pyperf warns at the same line
NOISY_CI = 0.05  # or the 95% interval's half-width above 5% of the central value
MIN_VALUES = 3  # fewer values than this cannot show their spread
PROCESSES_DIFFER_P = 0.05  # the F test's level below which processes, not values, are the units
CONFIDENCE = 0.95


def t_975(degrees):
    """Student's t, two-sided 95% (its 0.975 quantile), at `degrees` degrees of freedom (scipy)."""
    return t_quantile(0.975, degrees)


def t_quantile(probability, degrees):
    """The `probability` quantile of Student's t at `degrees` degrees of freedom (scipy.special)."""
    return float(special.stdtrit(degrees, probability))


def f_oneway_p(samples):
    """The p-value of the one-way F test (one-way ANOVA) that the samples share one mean: the
    between-group mean square over the within-group one, against Fisher's F on (k - 1, N - k)
    degrees of freedom. Needs k >= 2 samples, N > k values and some spread within a sample."""
    values = [value for sample in samples for value in sample]
    grand = statistics.fmean(values)
    between = sum(len(sample) * (statistics.fmean(sample) - grand) ** 2 for sample in samples)
    within = sum((value - statistics.fmean(sample)) ** 2 for sample in samples for value in sample)
    k, n = len(samples), len(values)
    f = (between / (k - 1)) / (within / (n - k))
    return float(special.fdtrc(k - 1, n - k, f))


def _units(logs, groups):
    """(units, by) of log values: the per-group means when the groups differ, else the values.
    groups: a group label per value (the process each came from), or None."""
    if groups is None:
        return logs, "value"
    by_group = {}
    for value, group in zip(logs, groups):
        by_group.setdefault(group, []).append(value)
    samples = list(by_group.values())
    if len(samples) < 2 or any(len(sample) < 2 for sample in samples):
        # One process, or one value from each: the values are the units (they are the processes then).
        return logs, "process" if len(samples) == len(logs) and len(samples) > 1 else "value"
    if all(statistics.pvariance(sample) == 0 for sample in samples):
        differ = len({sample[0] for sample in samples}) > 1
    else:
        differ = f_oneway_p(samples) < PROCESSES_DIFFER_P
    if differ:
        return [statistics.fmean(sample) for sample in samples], "process"
    return logs, "value"


def log_interval(logs, groups=None):
    """(center, [lo, hi], by, n) on the log scale: the mean log and its 95% t interval, from the
    units _units() picks; the interval is None with fewer than two units."""
    units, by = _units(list(logs), groups)
    center = statistics.fmean(units)
    if len(units) < 2:
        return center, None, by, len(units)
    half = t_quantile(0.5 + CONFIDENCE / 2, len(units) - 1) * statistics.stdev(units) / math.sqrt(len(units))
    return center, [center - half, center + half], by, len(units)


def summary(values, processes=1, groups=None):
    """Mean, stdev, median, min, max of the values; `center`, their geometric mean (the central
    value the figures use), and ci95 [lo, hi] its 95% interval on the log scale (log_interval,
    `ci_unit` "process" or "value"); the values themselves ("runs" is the same list, the name
    earlier results used) and how many processes gave them. stdev and ci95 are None for a single value."""
    values = list(values)
    positive = all(value > 0 for value in values)
    if positive:
        center, interval, by, _units_n = log_interval([math.log(value) for value in values], groups)
        center, interval = math.exp(center), [math.exp(bound) for bound in interval] if interval else None
    else:  # no operation took time (a clock too coarse for it): nothing to take a log of
        center, interval, by = statistics.fmean(values), None, "value"
    return {
        "mean": statistics.fmean(values),
        "center": center,
        "stdev": statistics.stdev(values) if len(values) > 1 else None,
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "ci95": interval,
        "ci_unit": by,
        "values": values,
        "runs": values,
        "processes": processes,
    }


def noisy(timing):
    """True when a timing cannot be trusted to tell small differences: fewer than MIN_VALUES
    values, a stdev above NOISY_STDEV of the mean, no interval, or a 95% interval whose
    half-width is above NOISY_CI of the central value."""
    if len(timing["values"]) < MIN_VALUES or timing["mean"] <= 0 or timing.get("ci95") is None:
        return True
    center = timing.get("center", timing["mean"])
    half = (timing["ci95"][1] - timing["ci95"][0]) / 2
    return timing["stdev"] > NOISY_STDEV * timing["mean"] or half > NOISY_CI * center


def paired_ratio(pairs, groups=None):
    """The ratio a / b from [(a, b), ...] values taken close in time (so load that comes and goes
    hits both), with its 95% interval from the pairs' log ratios (log_interval; groups: the process
    or round each pair came from). {"ratio", "ci95", "ci_unit", "pairs", "verdict", "noisy"}, or
    None with no pair of positive values."""
    kept = [(a, b, group) for (a, b), group in zip(pairs, groups or [None] * len(pairs)) if a > 0 and b > 0]
    if not kept:
        return None
    logs = [math.log(a / b) for a, b, _group in kept]
    center, interval, by, _n = log_interval(logs, [group for _a, _b, group in kept] if groups else None)
    ratio = math.exp(center)
    ci95 = [math.exp(bound) for bound in interval] if interval else None
    result = {"ratio": ratio, "ci95": ci95, "ci_unit": by, "pairs": len(kept), "verdict": judge(ci95)}
    result["noisy"] = ci95 is None or len(kept) < MIN_VALUES or (ci95[1] - ci95[0]) / 2 > NOISY_CI * ratio
    return result


def _one_process(groups, count):
    """True when `count` values all came from one process (so they cannot show how processes differ)."""
    return groups is not None and count >= 2 and len(set(groups)) == 1


def unpaired_ratio(new, old, new_groups=None, old_groups=None):
    """The ratio of two timings' central values, new / old, from values not taken side by side (two
    runs): Welch's t interval of the difference of mean logs (welch_interval), exp()'d, each
    side's units as log_interval picks them, so unequal value counts are no problem.
    One exception: a side of one process (--fast) against a side whose processes differ. The one
    process is then one draw of a process, and its own values' spread says nothing of how far
    another process would land, so that side is one unit, and the interval is the other side's
    spread of process means as a prediction interval (t on k - 1 degrees, sd * sqrt(1 + 1/k)).
    {"ratio", "ci95", "verdict"}; ci95 None (and the verdict "same within noise") when a side has
    fewer than two units."""
    sides = [([math.log(value) for value in values], groups) for values, groups in ((new, new_groups), (old, old_groups))]
    picked = [_units(logs, groups) for logs, groups in sides]
    units = [side_units for side_units, _by in picked]
    ratio = math.exp(statistics.fmean(units[0]) - statistics.fmean(units[1]))
    lone = [_one_process(groups, len(logs)) for logs, groups in sides]
    if lone[0] != lone[1]:
        processes, by = picked[1] if lone[0] else picked[0]
        if by == "process":  # (then there are two processes or more)
            half = t_975(len(processes) - 1) * statistics.stdev(processes) * math.sqrt(1 + 1 / len(processes))
            ci95 = [ratio * math.exp(-half), ratio * math.exp(half)]
            return {"ratio": ratio, "ci95": ci95, "verdict": judge(ci95)}
    if min(len(side) for side in units) < 2:
        return {"ratio": ratio, "ci95": None, "verdict": SAME}
    ci95 = [math.exp(bound) for bound in welch_interval(units[0], units[1])]
    return {"ratio": ratio, "ci95": ci95, "verdict": judge(ci95)}


def welch_interval(a, b):
    """[low, high]: Welch's 95% t interval of mean(a) - mean(b) (unequal variances, the
    Welch-Satterthwaite degrees of freedom), as scipy.stats.ttest_ind(a, b, equal_var=False)
    gives it: when neither side varies, the zero-width interval at the difference, as scipy gives
    it then. Each side has >= 2 values."""
    share_a, share_b = statistics.variance(a) / len(a), statistics.variance(b) / len(b)
    spread = share_a + share_b
    difference = statistics.fmean(a) - statistics.fmean(b)
    if spread == 0:
        return [difference, difference]
    degrees = spread ** 2 / (share_a ** 2 / (len(a) - 1) + share_b ** 2 / (len(b) - 1))
    half = t_quantile(0.5 + CONFIDENCE / 2, degrees) * math.sqrt(spread)
    return [difference - half, difference + half]


SLOWER, FASTER, SAME = "slower", "faster", "same within noise"


def judge(ci95):
    """The verdict on a ratio new / old (or a / b): slower when its whole 95% interval is above 1,
    faster when below, else the same within noise (also when there is no interval)."""
    if ci95 is None or ci95[0] <= 1 <= ci95[1]:
        return SAME
    return SLOWER if ci95[0] > 1 else FASTER


def line(points):
    """The least-squares line y = intercept + slope * x through [(x, y), ...] (as scipy.stats.linregress),
    each coefficient with its 95% t interval on n - 2 degrees of freedom: {"slope", "slope_ci95",
    "intercept", "intercept_ci95", "points"}; the intervals are None with fewer than three points,
    and the whole is None with fewer than two distinct x. A line's coefficients are differences,
    not positive quantities, so their intervals are symmetric and may cross zero: a slope whose
    interval holds 0 is no measured growth."""
    if len({x for x, _y in points}) < 2:
        return None
    # scipy.stats.linregress's own arithmetic (numpy's covariance, r clipped to [-1, 1]), so the
    # numbers are the ones it gave, down to a constant y's undefined r (nan) on three points or more.
    xs, ys = numpy.array([x for x, _y in points], float), numpy.array([y for _x, y in points], float)
    sxx, sxy, _syx, syy = numpy.cov(xs, ys, bias=True).flat
    fitted = float(sxy / sxx)
    found = {"slope": fitted, "intercept": float(ys.mean() - fitted * xs.mean()), "slope_ci95": None,
             "intercept_ci95": None, "points": len(points)}
    if len(points) >= 3:
        if sxx == 0 or syy == 0:
            r = math.nan if sxy == 0 else 0.0
        else:
            r = max(-1.0, min(1.0, float(sxy / numpy.sqrt(sxx * syy))))
        slope_error = float(numpy.sqrt((1 - r ** 2) * syy / sxx / (len(points) - 2)))
        intercept_error = float(slope_error * numpy.sqrt(sxx + xs.mean() ** 2))
        t = t_quantile(0.5 + CONFIDENCE / 2, len(points) - 2)
        for name, error in (("slope", slope_error), ("intercept", intercept_error)):
            found[f"{name}_ci95"] = [found[name] - t * error, found[name] + t * error]
    return found


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
