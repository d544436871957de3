"""An extra-models module whose MODELS holds something that is not a Model."""

MODELS = {"x": object()}
