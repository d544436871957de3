"""Every scenario's Spec: each field of the type it declares, parameters that make sense,
and the invariants between fields (scenarios/spec.py Spec.problem) refused one by one."""

import dataclasses
import types
import typing
from collections.abc import Callable

import pytest

import scenarios
from scenarios.spec import Param, ParamError, Spec, resolve


def holds(value, annotation):
    """Whether `value` is of the type a Spec field declares (X, X | None, Callable)."""
    if annotation is Callable:
        return callable(value)
    if isinstance(annotation, types.UnionType):
        return any(holds(value, option) for option in typing.get_args(annotation))
    if annotation is type(None):
        return value is None
    return isinstance(value, annotation)


@pytest.mark.parametrize("name", scenarios.names())
def test_every_field_of_every_spec_has_the_type_it_declares(name):
    spec = scenarios.load(name)
    assert isinstance(spec, Spec) and spec.name == name
    hints = typing.get_type_hints(Spec)
    for field in dataclasses.fields(Spec):
        assert holds(getattr(spec, field.name), hints[field.name]), f"{name}.{field.name}"
    assert spec.problem() is None


@pytest.mark.parametrize("name", scenarios.names())
def test_every_spec_has_sane_params_and_a_run_that_does_something(name):
    spec = scenarios.load(name)
    assert spec.SUMMARY.strip() and "\n" not in spec.SUMMARY
    for param in spec.PARAMS:
        assert param.help.strip(), param.name
        if param.kind is str:
            assert param.default in param.choices and param.minimum is None is param.maximum, param.name
        elif param.kind is bool:
            assert isinstance(param.default, bool), param.name
        else:
            assert isinstance(param.default, param.kind), param.name
            assert param.minimum <= param.default <= param.maximum, param.name
        param.check(param.default)  # the default passes the parameter's own check
    for size in ({}, spec.SMALL, spec.IDLE or {}):
        params = dict(resolve(spec, name, []), **size)
        for param in spec.PARAMS:
            param.check(params[param.name])  # SMALL and IDLE stay within the limits
        assert spec.ops(params) > 0


@pytest.mark.parametrize("name", scenarios.names())
def test_time_by_and_task_count_name_a_numeric_parameter(name):
    spec = scenarios.load(name)
    for chosen in (spec.TIME_BY, spec.TASK_COUNT and spec.TASK_COUNT[0]):
        if chosen is not None:
            assert spec.param(chosen).kind is int, chosen
    if spec.TASK_COUNT is not None:
        assert spec.TASK_COUNT[1] > 0


def test_a_spec_is_frozen_and_compared_by_identity():
    spec = scenarios.load("generator")
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.TIME_BY = "items"
    assert spec != dataclasses.replace(spec) and spec == scenarios.load("generator")
    assert {spec: 1}[spec] == 1  # hashable, as the module it replaced was


def test_the_optional_fields_default_to_none_false_or_nothing():
    spec = Spec(name="bare", SUMMARY="s", PARAMS=(Param("n", 1, 1, 9, "n"),), ops=len, reference=len, SMALL={})
    assert spec.TASK_COUNT is spec.TIME_BY is spec.BASELINE is spec.summarize is spec.SERVER is None
    assert spec.TIME_BY_REPEATS is False and spec.MEASURED_LIMITS == ()


def test_param_looks_a_parameter_up_by_name():
    spec = scenarios.load("pingpong")
    assert spec.param("pairs").name == "pairs"
    with pytest.raises(KeyError):
        spec.param("nosuch")


BASE = dict(name="bad", SUMMARY="s", PARAMS=(Param("n", 1, 1, 9, "n"), Param("k", 1, 1, 9, "k")),
            ops=len, reference=len, SMALL={})
BROKEN = {
    "no params": (dict(PARAMS=()), "PARAMS must be a non-empty tuple of Param"),
    "a param that is not a Param": (dict(PARAMS=("n",)), "PARAMS must be a non-empty tuple of Param"),
    "two params of one name": (dict(PARAMS=(Param("n", 1, 1, 9, "n"),) * 2), "two PARAMS share a name"),
    "SMALL names no parameter": (dict(SMALL={"m": 1}), "SMALL names no parameter: m"),
    "IDLE names no parameter": (dict(IDLE={"m": 1}, TASK_COUNT=("n", 1)), "IDLE names no parameter: m"),
    "TASK_COUNT names no parameter": (dict(TASK_COUNT=("m", 1)), "TASK_COUNT must be"),
    "TASK_COUNT without units": (dict(TASK_COUNT=("n",)), "TASK_COUNT must be"),
    "IDLE without TASK_COUNT": (dict(IDLE={"n": 1}), "need TASK_COUNT"),
    "slope_counts without TASK_COUNT": (dict(slope_counts=len), "need TASK_COUNT"),
    "TIME_BY names no parameter": (dict(TIME_BY="m"), "TIME_BY names no parameter: m"),
    "timed_size without TIME_BY": (dict(timed_size=len), "which is not set"),
    "TIME_BY_REPEATS without TIME_BY": (dict(TIME_BY_REPEATS=True), "which is not set"),
    "BASELINE not module:function": (dict(BASELINE=("floor", "vs", "d")), "BASELINE must be"),
    "BASELINE without a column": (dict(BASELINE=("m:f",)), "BASELINE must be"),
    "both memory costs": (dict(MEMORY_PER_TASK={}, memory_per_task=len, tasks_alive=len), "give one"),
    "a memory cost without tasks_alive": (dict(MEMORY_PER_TASK={}), "go together"),
    "tasks_alive without a memory cost": (dict(tasks_alive=len), "go together"),
}


@pytest.mark.parametrize("fields, message", BROKEN.values(), ids=BROKEN.keys())
def test_a_spec_that_breaks_an_invariant_is_refused_when_built(fields, message):
    with pytest.raises(ValueError, match="^scenario bad: ") as refused:
        Spec(**dict(BASE, **fields))
    assert message in str(refused.value)


def test_every_invariant_has_a_spec_that_satisfies_it():
    whole = Spec(**dict(BASE, SMALL={"n": 2}, IDLE={"k": 1}, TASK_COUNT=("n", 2), slope_counts=len, TIME_BY="k",
                        timed_size=len, TIME_BY_REPEATS=True, BASELINE=("m:f", "vs f", "d"), MEMORY_PER_TASK={},
                        tasks_alive=len, memory_per_task=None))
    assert whole.problem() is None


def test_resolve_reads_the_spec_params():
    spec = scenarios.load("pingpong")
    assert resolve(spec, "pingpong", ["pairs=3"]) == {"rounds": spec.param("rounds").default, "pairs": 3}
    with pytest.raises(ParamError, match="unknown parameter 'speed' for pingpong"):
        resolve(spec, "pingpong", ["speed=3"])
