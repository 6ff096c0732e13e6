"""Run the field sink and kill it right after its first Salesforce PATCH returns, before the
results are committed (tests.support.crash).

    python -m tests.field_updates.crash_fields '<json: base_url, ca_path, warehouse>'
"""

from assets.field_updates.assets import build_field_updates_asset
from tests.support.crash import child_spec, die, materialize_child

from .support import settings_with

if __name__ == "__main__":
    materialize_child(build_field_updates_asset(settings_with().field_updates, after_send=die),
                      child_spec())
