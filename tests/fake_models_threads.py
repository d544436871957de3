"""Test-only model, enabled with FIBERLAB_EXTRA_MODELS=tests.fake_models_threads:
the right result, but a thread left blocked when run() returns."""

import threading

import os_threads
from fiberlab.models import Model
from tests.fake_models import reference_result

MODELS = {"fake-leak-threads": Model("fake-leak-threads", "tests.fake_models_threads", "os_threads.kernel:RUNTIME",
                                     "stackful", "test only")}

KEPT = []  # the forgotten thread's event: nobody ever sets it


def run(params, probe):
    KEPT.append(threading.Event())
    os_threads.spawn(os_threads.block, KEPT[-1].wait, name="forgotten")
    os_threads.snapshot(probe, [os_threads.current()])
    return reference_result(params)
