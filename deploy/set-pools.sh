#!/bin/sh
# Set the dealsync pool limits on the Dagster instance in $DAGSTER_HOME. dagster.yaml cannot
# hold per-pool limits (they live in the instance database), so run this once per instance and
# again after changing a number; it is idempotent. `make dev` runs it.
#   salesforce_api  concurrent steps calling Salesforce (extraction, reconciliation, sink)
#   deal_warehouse  concurrent warehouse transforms; 1, because DuckDB has one writer
set -eu
DAGSTER="${DAGSTER:-dagster}"
"$DAGSTER" instance concurrency set salesforce_api "${DEALSYNC_SALESFORCE_API_SLOTS:-2}"
"$DAGSTER" instance concurrency set deal_warehouse 1
