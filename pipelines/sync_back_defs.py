"""Quality gate and sync-back definitions (checks, outbox, sink), merged into the code location."""

import dagster as dg


def sync_back_definitions(settings) -> dg.Definitions:
    return dg.Definitions()
