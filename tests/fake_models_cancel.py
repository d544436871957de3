"""Test-only models for the cancel scenario, enabled with FIBERLAB_EXTRA_MODELS=tests.fake_models_cancel."""

from fiberlab.models import Model

MODELS = {
    # greenlet fibers, but one level of every chain has no finally: the reference must catch it.
    "fake-skip-finally": Model("fake-skip-finally", "tests.fake_models_skip_finally", "fibers.scheduler:RUNTIME",
                               "stackful", "test only"),
}
