"""Run the Task sink and kill it right after its first Salesforce write, before the results are
committed (tests.support.crash).

    python -m tests.sync_back.crash_sink '<json: base_url, ca_path, warehouse, sync_back>'
"""

from assets.sync_back.assets import build_sink_asset
from tests.support.crash import child_spec, die, materialize_child

from .support import settings_with

if __name__ == "__main__":
    spec = child_spec()
    settings = settings_with(**spec["sync_back"])
    materialize_child(build_sink_asset(settings.sync_back, after_send=die), spec)
