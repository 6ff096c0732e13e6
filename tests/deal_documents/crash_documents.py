"""Run the document asset in this process and kill it (SIGKILL) right after its first
Salesforce insert, before the result is committed.

    python -m tests.deal_documents.crash_documents '<json: base_url, ca_path, warehouse, rule>'
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
        print(f"attached {keys} via {api}; killing the sink before it commits", flush=True)
        os.kill(os.getpid(), signal.SIGKILL)

    from assets.deal_documents.asset import build_documents_asset
    emulator = RemoteEmulator(spec["base_url"], spec["ca_path"])
    settings = settings_with(spec["rule"], **spec.get("documents", {}))
    dg.materialize([build_documents_asset(settings.documents, after_send=die)],
                   resources={"salesforce": salesforce_for(emulator),
                              "warehouse": WarehouseResource(**spec["warehouse"])})


if __name__ == "__main__":
    main(json.loads(sys.argv[1]))
