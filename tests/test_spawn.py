"""spawn: the tree's arithmetic, and the refusal of leaf counts that are not a power of 10."""

import pytest

import scenarios
from scenarios.spec import ParamError, resolve


def test_a_million_leaves_sum_to_499999500000():
    spec = scenarios.load("spawn")
    assert spec.reference({"leaves": 1_000_000}) == {"sum": 499_999_500_000}


def test_a_million_leaf_tree_is_1111111_tasks():
    from scenarios import spawn

    assert spawn.tasks(1_000_000) == 1_111_111 == spawn.SPEC.tasks_alive({"leaves": 1_000_000})


@pytest.mark.parametrize("text", ["1000", "10", "10_000_000"])
def test_powers_of_ten_are_accepted(text):
    spec = scenarios.load("spawn")
    assert resolve(spec, "spawn", [f"leaves={text}"])["leaves"] == int(text.replace("_", ""))


@pytest.mark.parametrize("text", ["999", "2000", "1"])
def test_leaf_counts_that_are_not_a_power_of_ten_are_refused(text):
    spec = scenarios.load("spawn")
    with pytest.raises(ParamError, match="leaves must be"):
        resolve(spec, "spawn", [f"leaves={text}"])


def test_cli_refuses_a_leaf_count_that_is_not_a_power_of_ten_in_one_line(harness):
    completed = harness("run", "spawn", "--param", "leaves=5000", "--repeat", "1")
    assert completed.returncode == 2
    assert completed.stderr.strip().splitlines() == ["fiberlab: leaves must be a power of 10 (10, 100, ..., 10,000,000), got 5,000"]
