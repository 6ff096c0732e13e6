"""Resources from the environment: every SALESFORCE_* and DEALSYNC_WAREHOUSE_* variable that is
set becomes a `dg.EnvVar`, so Dagster resolves secrets at run time and never shows them."""

import os

import dagster as dg

from resources.salesforce import SalesforceResource
from resources.warehouse import WarehouseResource

SALESFORCE_SETTINGS = {
    "auth_method": "SALESFORCE_AUTH_METHOD", "login_domain": "SALESFORCE_LOGIN_DOMAIN",
    "instance_url": "SALESFORCE_INSTANCE_URL", "client_id": "SALESFORCE_CLIENT_ID",
    "client_secret": "SALESFORCE_CLIENT_SECRET", "username": "SALESFORCE_USERNAME",
    "password": "SALESFORCE_PASSWORD", "security_token": "SALESFORCE_SECURITY_TOKEN",
    "refresh_token": "SALESFORCE_REFRESH_TOKEN", "jwt_private_key": "SALESFORCE_PRIVATE_KEY",
    "jwt_private_key_path": "SALESFORCE_PRIVATE_KEY_PATH", "ca_bundle": "SALESFORCE_CA_BUNDLE",
    "api_version": "SALESFORCE_API_VERSION", "quota_share": "SALESFORCE_QUOTA_SHARE",
    "retry_base_delay": "SALESFORCE_RETRY_BASE_DELAY",
    "retry_max_delay": "SALESFORCE_RETRY_MAX_DELAY",
    "bulk_poll_seconds": "SALESFORCE_BULK_POLL_SECONDS",
}


def _from_env(mapping: dict[str, str]) -> dict:
    return {key: dg.EnvVar(var) for key, var in mapping.items() if os.environ.get(var)}


def build_resources() -> dict:
    warehouse = {"engine": os.environ.get("DEALSYNC_WAREHOUSE", "duckdb"),
                 "duckdb_path": os.environ.get("DEALSYNC_DUCKDB_PATH", "data/dealsync.duckdb")}
    if os.environ.get("DEALSYNC_WAREHOUSE_URL"):
        warehouse["postgres_url"] = dg.EnvVar("DEALSYNC_WAREHOUSE_URL")
    return {
        "salesforce": SalesforceResource(**_from_env(SALESFORCE_SETTINGS)),
        "warehouse": WarehouseResource(**warehouse),
    }
