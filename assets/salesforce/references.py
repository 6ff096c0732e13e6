"""Complete deals: everything a staged deal refers to is staged too, whatever its age.

A backfill period decides which deals (and which activity) come in. Windows on SystemModstamp
alone would miss what those deals point at but nobody edited lately: an old Account, an old
contact role and its Contact. So after the windows of a run land, the missing ones are fetched
by Id (a few queries, five per /composite call) and landed like any other version:

1. contact roles of opportunities older than the contact roles' history (by OpportunityId);
2. Accounts and owner/creator Users of staged opportunities, and Contacts of staged contact
   roles, that are not staged.

What was asked for is remembered (staging.reference_fetches), so a later tick never asks twice:
in a steady state this costs no API call. Ids Salesforce does not return stay missing, and the
deals quality check names them.
"""


from resources.clock import utc_now
from resources.staging.naming import table_name
from transforms import sql

from .extractor import Extractor, ObjectRun

CONTACT_ROLE = "OpportunityContactRole"
# (child object, its reference column, the parent object)
PARENTS = [("Opportunity", "account_id", "Account"), ("Opportunity", "owner_id", "User"),
           ("Opportunity", "created_by_id", "User"), (CONTACT_ROLE, "contact_id", "Contact")]


class References:
    """Fetches what the staged deals refer to, for the objects this run extracted."""

    def __init__(self, client, extractor: Extractor, warehouse, run_id: str, log):
        self.client, self.extractor, self.warehouse = client, extractor, warehouse
        self.run_id, self.log = run_id, log

    def complete(self, runs: dict[str, ObjectRun], fields: dict[str, dict[str, str]]) -> dict:
        """Fetch and land the missing references; returns {object: records fetched}."""
        fetched: dict[str, int] = {}
        if "Opportunity" not in runs:
            return fetched
        if CONTACT_ROLE in runs:
            opportunities = self._contact_role_candidates()
            if opportunities:
                fetched[CONTACT_ROLE] = self.extractor.extract_ids(runs[CONTACT_ROLE], fields[CONTACT_ROLE],
                                                    "OpportunityId", opportunities)
                self._remember(CONTACT_ROLE, opportunities, found=set(opportunities))
        for child, column, parent in PARENTS:
            if child not in runs or parent not in runs:
                continue
            ids = self._missing(child, column, parent)
            if ids:
                fetched[parent] = fetched.get(parent, 0) + self.extractor.extract_ids(
                    runs[parent], fields[parent], "Id", ids)
                self._remember(parent, ids, found=self._staged(parent, ids))
        if fetched:
            self.log.info(f"Fetched by Id what the deals refer to: {fetched}")
        return fetched

    def _contact_role_candidates(self) -> list[str]:
        with self.warehouse.connection() as connection:
            start = connection.exec_driver_sql(
                "select history_start from staging.sync_status "
                f"where object = '{CONTACT_ROLE}'").scalar()
            if start is None:
                return []
            return [r["id"] for r in sql.rows(connection,
                                              "staging/references/contact_role_candidates",
                                              {"run_id": self.run_id, "history_start": start})]

    def _missing(self, child: str, column: str, parent: str) -> list[str]:
        with self.warehouse.connection() as connection:
            return [r["id"] for r in sql.rows(
                connection, "staging/references/missing_parents", {"parent_object": parent},
                child=table_name(child), column=column, parent=table_name(parent))]

    def _staged(self, parent: str, ids: list[str]) -> set[str]:
        rows = self.warehouse.query(f"select id from staging.{table_name(parent)} "
                                    "where id in (select unnest(:ids))", {"ids": ids})
        return {r["id"] for r in rows}

    def _remember(self, name: str, ids: list[str], found: set[str]) -> None:
        now = utc_now()
        with self.warehouse.connection() as connection:
            for is_found in (True, False):
                group = [i for i in ids if (i in found) == is_found]
                if group:
                    sql.execute(connection, "staging/references/record_fetches",
                                {"object": name, "ids": group, "found": is_found, "now": now})
