"""Run the sink in this process and kill it (SIGKILL) right after its first Salesforce write,
before the results are committed: what a crash, an OOM kill or a lost node does.

    python -m tests.sync_back.crash_sink '<json: base_url, ca_path, warehouse, sync_back>'
"""

import json
import os
import signal
import sys

import dagster as dg

from resources.warehouse import WarehouseResource
from tests.support.pipeline import RemoteEmulator, salesforce_for

from .support import settings_with


def main(spec: dict) -> None:
    def die(api: str, keys: list[str]) -> None:
        print(f"wrote {len(keys)} rows via {api}; killing the sink before it commits", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

    from assets.sync_back.assets import build_sink_asset
    emulator = RemoteEmulator(spec["base_url"], spec["ca_path"])
    dg.materialize([build_sink_asset(settings_with(**spec["sync_back"]).sync_back, after_send=die)],
                   resources={"salesforce": salesforce_for(emulator),
                              "warehouse": WarehouseResource(**spec["warehouse"])})


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
