"""Dagster asset: write warehouse values to fields of existing Salesforce records.

Downstream of the deals and of every staged object it writes to, so a blocking check that fails
on them in the same run keeps it from running at all. Off until field_updates.enabled is true.
"""

import dagster as dg

from assets.keys import DEALS_KEY, FIELD_UPDATES_KEY, SYNC_BACK, object_key
from resources.salesforce import SalesforceResource
from resources.settings.field_updates import FieldUpdateSettings
from resources.warehouse import WarehouseResource

from .errors import FieldUpdateConfigError
from .metadata import dry_run_metadata, run_metadata
from .sink import AfterSend, FieldSink


def build_field_updates_asset(options: FieldUpdateSettings,
                              after_send: AfterSend | None = None) -> dg.AssetsDefinition:
    """`after_send` runs after each Salesforce PATCH and before its results are committed."""

    @dg.asset(key=FIELD_UPDATES_KEY, group_name=SYNC_BACK, kinds={"salesforce"},
              deps=[DEALS_KEY, *(object_key(o) for o in options.objects())],
              pool="salesforce_api",
              description="Writes changed warehouse values to Salesforce record fields "
                          "(field_updates.mappings), never over a newer Salesforce edit, and "
                          "logs each result in sync_back.field_update_log. Off until "
                          "field_updates.enabled is true.")
    def salesforce_field_updates(context: dg.AssetExecutionContext,
                                 salesforce: SalesforceResource, warehouse: WarehouseResource):
        if not options.enabled or not options.active():
            context.log.info("Field updates are off: set field_updates.enabled: true and add "
                             "field_updates.mappings (try field_updates.dry_run: true first).")
            return dg.MaterializeResult(metadata={"enabled": False, "api_calls": 0})
        sink = FieldSink(options, warehouse, context.run.run_id, context.log,
                         after_send=after_send)
        try:
            sink.plan()
            if not options.dry_run:
                sink.settle()
            accounting = {"api_calls": 0, "by_api": {}}
            if sink.pending():  # nothing changed: no login, no API call
                with salesforce.client(log=context.log) as client:
                    sink.check_org(client)
                    if options.dry_run:
                        sink.preview()
                    else:
                        sink.run(client)
                    accounting = client.accounting()
            elif options.dry_run:
                sink.preview()
        except FieldUpdateConfigError as exc:
            raise dg.Failure(description=str(exc)) from exc
        if options.dry_run:
            return dg.MaterializeResult(metadata=dry_run_metadata(sink, accounting))
        metadata = run_metadata(sink, accounting)
        context.log.info(f"Field updates: sent {sink.counts['sent']}, conflicts "
                         f"{sink.counts['conflict']}, failed {sink.counts['failed']}, retrying "
                         f"{sink.counts['retrying']} in {accounting['api_calls']} API calls")
        return dg.MaterializeResult(metadata=metadata)

    return salesforce_field_updates
