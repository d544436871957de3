"""Test-only model: see tests/fake_models.py."""

from tests.fake_models import run_oom_exit as run

__all__ = ["run"]
