"""Test-only model with no file in any scenario folder: the harness must refuse it, not run it."""

from fiberlab.models import Model

MODELS = {
    "nofile": Model("nofile", "no_such_model_file", "fibers.scheduler:RUNTIME", "stackful", "own scheduler"),
}
