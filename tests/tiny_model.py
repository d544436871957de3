"""The tiny generator model, registered as docs/design.md's "Adding a model" says, with
FIBERLAB_EXTRA_MODELS=tests.tiny_model (so the CLI does not offer it to users)."""

from fiberlab.models import Model

MODELS = {"tiny": Model("tiny", "tests.tiny_pingpong", "tests.tiny_runtime:RUNTIME", "stackless", "test only")}
