"""Benchmarks: each module measures one part and prints JSON; bench/RESULTS.md records the numbers."""

import os
import sys


def run_benchmark(main) -> None:
    """Run a benchmark's main() and leave without interpreter teardown: DuckDB 2.0's bindings
    print pages of spurious "nanobind: leaked" lines at exit, burying the result."""
    try:
        status = main() or 0
    except SystemExit as exc:
        status = exc.code if isinstance(exc.code, int) else 1
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)
