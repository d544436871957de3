"""Test-only module: says it is loading, then takes a minute to (fiberlab/launch.py's tests)."""

import sys
import time

print("loading", flush=True)
time.sleep(60)
sys.exit(0)
