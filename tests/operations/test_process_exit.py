"""Commands leave through exit_now (no interpreter teardown): what they print last stays last."""

import subprocess
import sys

LEAVE_HOLDING_A_DBT_STYLE_LOCK = """
import multiprocessing
lock = multiprocessing.get_context("spawn").RLock()  # what dbt's adapters make
print("the command's last line", flush=True)
from pipelines.process_exit import exit_now
exit_now(3)
"""


def test_a_command_that_used_dbt_ends_with_its_own_last_line_and_status():
    done = subprocess.run([sys.executable, "-c", LEAVE_HOLDING_A_DBT_STYLE_LOCK],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 3
    assert done.stdout.strip().splitlines()[-1] == "the command's last line"
    assert "leaked semaphore" not in done.stderr, done.stderr
