"""The resource inside Dagster: every setting from an env var, one client per run, metadata."""

import dagster as dg
import pytest

from resources.salesforce import QuotaStop, SalesforceResource
from tests.support.pipeline import emulator_rows

ENV_RESOURCE = SalesforceResource(
    auth_method=dg.EnvVar("SALESFORCE_AUTH_METHOD"),
    instance_url=dg.EnvVar("SALESFORCE_INSTANCE_URL"),
    ca_bundle=dg.EnvVar("SALESFORCE_CA_BUNDLE"),
    client_id=dg.EnvVar("SALESFORCE_CLIENT_ID"),
    client_secret=dg.EnvVar("SALESFORCE_CLIENT_SECRET"),
    api_version=dg.EnvVar("SALESFORCE_API_VERSION"),
    request_timeout=dg.EnvVar("SALESFORCE_REQUEST_TIMEOUT"),
    max_attempts=dg.EnvVar.int("SALESFORCE_MAX_ATTEMPTS"),
    retry_base_delay=dg.EnvVar("SALESFORCE_RETRY_BASE_DELAY"),
    retry_max_delay=dg.EnvVar("SALESFORCE_RETRY_MAX_DELAY"),
    quota_share=dg.EnvVar("SALESFORCE_QUOTA_SHARE"),
    run_call_cap=dg.EnvVar.int("SALESFORCE_RUN_CALL_CAP"),
    bulk_poll_seconds=dg.EnvVar("SALESFORCE_BULK_POLL_SECONDS"),
)


@pytest.fixture
def salesforce_env(monkeypatch, emulator, control):
    creds = emulator.credentials
    env = {"SALESFORCE_AUTH_METHOD": "client_credentials",
           "SALESFORCE_INSTANCE_URL": emulator.base_url,
           "SALESFORCE_CA_BUNDLE": str(emulator.ca_path),
           "SALESFORCE_CLIENT_ID": creds.client_id,
           "SALESFORCE_CLIENT_SECRET": creds.client_secret,
           "SALESFORCE_API_VERSION": "59.0", "SALESFORCE_REQUEST_TIMEOUT": "10",
           "SALESFORCE_MAX_ATTEMPTS": "4", "SALESFORCE_RETRY_BASE_DELAY": "0.01",
           "SALESFORCE_RETRY_MAX_DELAY": "0.05", "SALESFORCE_QUOTA_SHARE": "0.8",
           "SALESFORCE_RUN_CALL_CAP": "100", "SALESFORCE_BULK_POLL_SECONDS": "0.05"}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return env


@dg.asset
def accounts_extract(context: dg.AssetExecutionContext, salesforce: SalesforceResource):
    """What an extraction asset does: read pages, stop cleanly on QuotaStop, report the calls."""
    rows, stopped = 0, None
    with salesforce.client(log=context.log) as sf:
        try:
            for page in sf.query_pages("SELECT Id FROM Account", object="Account"):
                rows += len(page)
        except QuotaStop as stop:
            stopped = stop.reason
        return dg.MaterializeResult(metadata={
            "rows": rows, "quota_stop": str(stopped),
            "salesforce_api": dg.MetadataValue.json(sf.accounting())})


def materialization(result: dg.ExecuteInProcessResult) -> dict:
    [event] = result.get_asset_materialization_events()
    return event.materialization.metadata


def test_asset_reads_with_settings_from_env_vars(salesforce_env, emulator, control):
    live_accounts = sum(not deleted for (deleted,) in
                        emulator_rows(emulator, "Account", ["IsDeleted"]).values())
    result = dg.materialize([accounts_extract], resources={"salesforce": ENV_RESOURCE})
    assert result.success
    metadata = materialization(result)
    assert metadata["rows"].value == live_accounts > 0
    assert metadata["salesforce_api"].value["api_calls"] == control.counters()["api_calls"] == 1


def test_quota_stop_ends_the_asset_cleanly(salesforce_env, control, monkeypatch):
    control.limits(daily_max=100, used=100)
    result = dg.materialize([accounts_extract], resources={"salesforce": ENV_RESOURCE})
    assert result.success
    assert materialization(result)["quota_stop"].value == "limit_exceeded"


def test_invalid_auth_method_from_env_var_names_the_key(salesforce_env, monkeypatch):
    monkeypatch.setenv("SALESFORCE_AUTH_METHOD", "saml")
    with pytest.raises(dg.DagsterResourceFunctionError) as info:
        dg.materialize([accounts_extract], resources={"salesforce": ENV_RESOURCE})
    cause = str(info.value.__cause__)  # what the run log shows under RESOURCE_INIT_FAILURE
    assert "auth_method='saml' is not supported" in cause
    assert "client_credentials, jwt, refresh_token, password" in cause


def test_secrets_stay_out_of_logs_and_metadata(salesforce_env, emulator, caplog):
    result = dg.materialize([accounts_extract], resources={"salesforce": ENV_RESOURCE})
    secret = emulator.credentials.client_secret
    logged = "\n".join(str(event.message) for event in result.all_events) + caplog.text
    assert secret not in logged
    assert secret not in str(materialization(result)["salesforce_api"].value)
