"""Leave a command without interpreter teardown, where DuckDB 2.0's bindings print pages of
spurious "nanobind: leaked" lines that bury what the command just printed."""

import multiprocessing.util
import os
import sys
import traceback
from collections.abc import Callable
from typing import NoReturn


def exit_now(status: int) -> NoReturn:
    # multiprocessing's own exit step, which os._exit skips: it releases the locks dbt makes
    # from its "spawn" context, or Python's resource tracker warns of "leaked semaphore
    # objects" after the command's last line.
    multiprocessing.util._exit_function()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


def run_and_exit(main: Callable[[], int | None]) -> NoReturn:
    """Run a command's main() and exit with its status (a traceback and 1 if it raised)."""
    try:
        status = main() or 0
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    except KeyboardInterrupt:
        status = 130
    except BaseException:
        traceback.print_exc()
        status = 1
    exit_now(status)
