"""`python -m salesforce_emulator serve --port P --org demo|empty|PATH --scale small|medium|large
--seed N [--org-profile NAME ...]`; the `salesforce-emulator` console script is the same command."""

import argparse
import os
import signal
import sys
import threading

from .org.profiles import PROFILES, parse_names
from .server import Emulator


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m salesforce_emulator", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the emulated org until interrupted")
    serve.add_argument("--port", type=int, default=8443)
    serve.add_argument("--org", default="demo", help="demo (generated), empty, or a fixture path")
    serve.add_argument("--scale", choices=("small", "medium", "large"), default="small")
    serve.add_argument("--seed", type=int, default=7)
    serve.add_argument("--state-dir", default=".emulator", help="where the CA and keys are written")
    serve.add_argument("--daily-max", type=int, default=1_000_000, help="daily API request limit")
    serve.add_argument("--live-rate", type=float, default=0.0, help="changes per second (live mode)")
    serve.add_argument("--verbose", action="store_true", help="log every request")
    serve.add_argument("--org-profile", action="append", default=[], metavar="NAME",
                       help="an org that lacks things; repeatable or comma-separated: "
                            + ", ".join(PROFILES))
    args = parser.parse_args(argv)
    try:
        profiles = parse_names(args.org_profile)
    except ValueError as exc:
        parser.error(str(exc))
    emulator = Emulator(org=args.org, scale=args.scale, seed=args.seed, port=args.port,
                        state_dir=args.state_dir, daily_max=args.daily_max, verbose=args.verbose,
                        profiles=profiles)
    emulator.start()
    if args.live_rate:
        emulator.app.live.set_rate(args.live_rate)
    print(emulator.banner(), flush=True)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    emulator.stop()
    return 0


def run() -> None:
    """The console script and `python -m`: main(), then exit without interpreter teardown.

    Teardown is where DuckDB 2.0's bindings print pages of spurious "nanobind: leaked" lines.
    The emulator stands alone, so it does not use dealsync's pipelines.process_exit.
    """
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


if __name__ == "__main__":
    run()
