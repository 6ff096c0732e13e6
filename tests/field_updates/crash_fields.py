"""Run the field sink in this process and kill it (SIGKILL) right after its first Salesforce
PATCH returns, before the results are committed: a crash, an OOM kill or a lost node.

    python -m tests.field_updates.crash_fields '<json: base_url, ca_path, warehouse>'
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
    def die(object_name: str, record_ids: list[str]) -> None:
        print(f"updated {len(record_ids)} {object_name} records; killing the sink before it "
              "commits", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

    from assets.field_updates.assets import build_field_updates_asset
    emulator = RemoteEmulator(spec["base_url"], spec["ca_path"])
    dg.materialize([build_field_updates_asset(settings_with().field_updates, after_send=die)],
                   resources={"salesforce": salesforce_for(emulator),
                              "warehouse": WarehouseResource(**spec["warehouse"])})


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
