"""Test-only model: see tests/fake_models.py."""

from tests.fake_models import run_small_wrong as run

__all__ = ["run"]
