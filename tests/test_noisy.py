"""Trust in figures: a timing whose repeats spread by more than 20% is flagged."""

import pytest

from harness import pipeline, report


def outcome(wall_s):
    return {"wall_s": wall_s, "digest": "d", "peak_rss_bytes": 1, "rss_delta_bytes": 1, "uss_delta_bytes": 1,
            "stack": {"tasks": 1, "frames_per_task": 1.0, "c_stack_bytes_per_task": 1.0, "frame_bytes_per_task": None},
            "records": {}, "notes": []}


def summarize(walls):
    return pipeline.summarize_model([outcome(wall) for wall in walls], None, [], ops=10)


@pytest.mark.parametrize("walls,noisy", [
    ([1.0, 1.1, 1.2], False),  # max/min exactly 1.2: not above the line
    ([1.0, 1.0, 1.21], True),
    ([2.0, 1.0], True),
    ([0.5], False),  # one run has no spread
])
def test_a_model_is_noisy_exactly_when_max_over_min_exceeds_1_2(walls, noisy):
    assert summarize(walls)["noisy"] is noisy


def test_the_table_says_noisy_only_for_the_noisy_model():
    result = {"scenario": "s", "params": {}, "match": True,
              "models": {"steady": summarize([1.0, 1.05]), "shaky": summarize([1.0, 1.5])}}
    lines = report.render(result).splitlines()
    assert "noisy" in next(line for line in lines if line.startswith("shaky "))
    assert "noisy" not in next(line for line in lines if line.startswith("steady "))
