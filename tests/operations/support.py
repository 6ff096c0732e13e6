"""Running `dealsync` as a user runs it: the installed console script, in its own process."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEALSYNC = Path(sys.executable).parent / "dealsync"
SETTINGS = str(ROOT / "tests" / "fixtures" / "settings" / "test.yaml")


def dealsync(env: dict, *args: str) -> subprocess.CompletedProcess:
    assert DEALSYNC.exists(), f"{DEALSYNC} missing: reinstall with `pip install -e '.[dev]'`"
    return subprocess.run([str(DEALSYNC), *args], cwd=ROOT, env={**os.environ, **env},
                          capture_output=True, text=True, timeout=120)
