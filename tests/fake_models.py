"""Test-only models, enabled with FIBERLAB_EXTRA_MODELS=tests.fake_models.

Each misbehaves in one way the harness must report without falling over.
They pretend to be stackful so the probe uses the greenlet describe().
"""

import os
import signal
import time

from greenlet import getcurrent

from harness.models import Model


def _model(model_id, function):
    return Model(model_id, f"tests.fake_models_{function}", "fibers.introspect:describe", "stackful", "test only")


MODELS = {
    "fake-wrong": _model("fake-wrong", "wrong"),
    "fake-crash": _model("fake-crash", "crash"),
    "fake-hang": _model("fake-hang", "hang"),
    "fake-raise": _model("fake-raise", "raise"),
}


def snapshot_self(probe):
    probe.snapshot([getcurrent()])


def run_wrong(params, probe):
    snapshot_self(probe)
    return {"not": "the reference"}


def run_crash(params, probe):
    os.kill(os.getpid(), signal.SIGSEGV)


def run_hang(params, probe):
    time.sleep(3600)


def run_raise(params, probe):
    raise ValueError("this model always fails")


__all__ = ["MODELS", "time"]
