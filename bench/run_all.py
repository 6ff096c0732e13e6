"""`make bench`: the benchmarks at medium scale, one fresh process each. Results are recorded by
hand in bench/RESULTS.md with the command that produced them (large runs take minutes)."""

import subprocess
import sys

BENCHES = [
    ["bench.bench_generator", "--scale", "medium"],
    ["bench.bench_emulator", "--scale", "medium"],
    ["bench.bench_extract", "--scale", "medium"],
]


def main() -> int:
    failed = 0
    for args in BENCHES:
        print(f"\n$ python -m {' '.join(args)}", flush=True)
        failed += subprocess.call([sys.executable, "-m", *args]) != 0
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
