"""fiberlab/stats.py writes the t interval, Welch's interval, the F test and the regression out
from scipy.special (scipy.stats costs every command half a second to load): they give
scipy.stats' numbers."""

import random

import pytest
import scipy.stats

from fiberlab import stats


def samples(seed, count, size):
    rng = random.Random(seed)
    return [[rng.gauss(1.0 + 0.02 * group, 0.05) for _ in range(size)] for group in range(count)]


@pytest.mark.parametrize("degrees", [1, 2, 5, 8.7, 30, 400])
def test_t_quantiles_are_scipy_stats(degrees):
    assert stats.t_quantile(0.975, degrees) == pytest.approx(scipy.stats.t.ppf(0.975, degrees), rel=1e-12)
    assert stats.t_975(degrees) == pytest.approx(scipy.stats.t.ppf(0.975, degrees), rel=1e-12)


@pytest.mark.parametrize("seed, count, size", [(1, 2, 3), (2, 3, 3), (3, 6, 5), (4, 3, 9)])
def test_the_f_test_gives_scipy_stats_p_value(seed, count, size):
    groups = samples(seed, count, size)
    assert stats.f_oneway_p(groups) == pytest.approx(scipy.stats.f_oneway(*groups).pvalue, rel=1e-12)


@pytest.mark.parametrize("seed, sizes", [(1, (3, 3)), (2, (2, 9)), (3, (6, 4))])
def test_welchs_interval_is_scipy_stats_ttest_ind_interval(seed, sizes):
    a, b = (sample[:size] for sample, size in zip(samples(seed, 2, 9), sizes))
    expected = scipy.stats.ttest_ind(a, b, equal_var=False).confidence_interval(0.95)
    assert stats.welch_interval(a, b) == pytest.approx([expected.low, expected.high], rel=1e-12)


@pytest.mark.parametrize("points", [[(1, 2.0), (10, 7.5), (100, 51.0)],
                                    [(100, 9_000.0), (1_000, 81_000.0), (1_000, 79_500.0), (10_000, 810_000.0)],
                                    [(1, 5.0), (2, 4.0)]])
def test_the_line_and_its_intervals_are_scipy_stats_linregress(points):
    fit = scipy.stats.linregress(*zip(*points))
    found = stats.line(points)
    assert found["slope"] == pytest.approx(fit.slope, rel=1e-12)
    assert found["intercept"] == pytest.approx(fit.intercept, rel=1e-12)
    if len(points) < 3:
        assert found["slope_ci95"] is None and found["intercept_ci95"] is None
        return
    t = scipy.stats.t.ppf(0.975, len(points) - 2)
    assert found["slope_ci95"] == pytest.approx([fit.slope - t * fit.stderr, fit.slope + t * fit.stderr], rel=1e-12)
    assert found["intercept_ci95"] == pytest.approx(
        [fit.intercept - t * fit.intercept_stderr, fit.intercept + t * fit.intercept_stderr], rel=1e-12)
