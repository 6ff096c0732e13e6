"""All Salesforce I/O: login, retries, call metering and the quota guard, errors, Ids, REST and
Bulk 2.0 queries, /composite batches, and record writes (sObject Collections, Bulk 2.0 ingest).

Everything goes through the unmodified simple-salesforce client and its requests session.
"""

from .client import SalesforceClient
from .connection import SalesforceSettings
from .errors import (
                     BulkUnavailable,
                     QuotaStop,
                     SalesforceAuthError,
                     SalesforceCallError,
                     SalesforceConfigError,
                     SalesforceResourceError,
)
from .resource import SalesforceResource

__all__ = ["BulkUnavailable", "QuotaStop", "SalesforceAuthError", "SalesforceCallError",
           "SalesforceClient", "SalesforceConfigError", "SalesforceResource",
           "SalesforceResourceError", "SalesforceSettings"]
