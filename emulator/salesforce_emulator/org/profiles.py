"""Org profiles: orgs that lack things a full org has, for checks like `dealsync doctor`.

A profile changes what the API user sees, never the stored data: the generator and fixtures
fill every table as usual, and the REST, Bulk and describe resources read the org through
`Profiles.view`, a filtered copy of the schema. Several profiles combine. Names:

  plain                      no custom fields and no custom objects (a new org)
  no_enhanced_email          EmailMessage is absent (Enhanced Email is off)
  restricted_task_picklists  Task Priority `High` and Status `Not Started` are inactive values
  read_only_user             the user may read Tasks but not create, edit or delete them
  hidden_fields              field-level security hides fields (default: Opportunity.NextStep,
                             Contact.Email; configurable per object)
  no_api                     the user lacks "API Enabled": every data call is refused
  no_api_org                 the org has no API access (an edition without it)

Salesforce's answers: an object or field the user cannot see does not exist for the API
(describe leaves it out, SOQL answers INVALID_TYPE / INVALID_FIELD, writes INVALID_FIELD); an
inactive value of a restricted picklist is INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST; a write
without the object permission is INSUFFICIENT_ACCESS_OR_READONLY (status codes in "Core Data
Types Used in API Calls",
https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/sforce_api_calls_concepts_core_data_objects.htm).
An org without API access answers API_DISABLED_FOR_ORG ("Supported Editions and Required
Permissions", https://developer.salesforce.com/docs/platform/api-rest/guide/intro-rest-compatible-editions.html)
and a user without "API Enabled" API_CURRENTLY_DISABLED, both with 403 (refused, "Status Codes
and Error Responses",
https://developer.salesforce.com/docs/atlas.en-us.api_rest.meta/api_rest/errorcodes.htm).
"""

import threading
from dataclasses import replace

from .errors import ApiError
from .schema import ObjectDef

PROFILES = ("plain", "no_enhanced_email", "restricted_task_picklists", "read_only_user",
            "hidden_fields", "no_api", "no_api_org")
DEFAULT_HIDDEN = {"Opportunity": ["NextStep"], "Contact": ["Email"]}
DEFAULT_INACTIVE = {"Task": {"Priority": ["High"], "Status": ["Not Started"]}}
READ_ONLY_OBJECTS = ("Task",)
GATES = {
    "no_api": ApiError(403, "API_CURRENTLY_DISABLED", "API is disabled for this User"),
    "no_api_org": ApiError(403, "API_DISABLED_FOR_ORG",
                           "API is not enabled for this Organization or Partner"),
}


def parse_names(values) -> list[str]:
    """`["plain,hidden_fields", "no_api"]` or `"plain"` -> checked profile names."""
    if isinstance(values, str):
        values = [values]
    names = [n.strip() for v in values or [] for n in str(v).split(",") if n.strip()]
    unknown = [n for n in names if n not in PROFILES]
    if unknown:
        raise ValueError(f"unknown org profile {', '.join(unknown)}; known: {', '.join(PROFILES)}")
    return names


class Profiles:
    """The active profiles and their settings; `view()` is the schema the API user sees."""

    def __init__(self, names=()):
        self._lock = threading.Lock()
        self.set(names)

    def set(self, names, hidden: dict | None = None, inactive: dict | None = None) -> None:
        active = frozenset(parse_names(names))
        with self._lock:
            self.active = active
            self.hidden = {k: list(v) for k, v in (hidden or DEFAULT_HIDDEN).items()}
            self.inactive = {o: {f: list(v) for f, v in fields.items()}
                             for o, fields in (inactive or DEFAULT_INACTIVE).items()}

    def snapshot(self) -> dict:
        with self._lock:
            return {"profiles": sorted(self.active), "hidden_fields": self.hidden,
                    "inactive_picklist_values": self.inactive}

    def gate_error(self) -> ApiError | None:
        """The error every data call gets, when the org or user has no API access."""
        for name in ("no_api_org", "no_api"):
            if name in self.active:
                return GATES[name]
        return None

    def view(self, objects: dict[str, ObjectDef]) -> dict[str, ObjectDef]:
        """The objects and fields the API user sees; the store's own dict when nothing is off."""
        active = self.active - set(GATES)
        if not active:
            return objects
        return {name: v for name, obj in objects.items()
                if (v := self._object(obj, active)) is not None}

    def _object(self, obj: ObjectDef, active: frozenset) -> ObjectDef | None:
        if "plain" in active and obj.custom or \
                "no_enhanced_email" in active and obj.name == "EmailMessage":
            return None
        read_only = "read_only_user" in active and obj.name in READ_ONLY_OBJECTS
        hidden = set(self.hidden.get(obj.name, ())) if "hidden_fields" in active else set()
        inactive = self.inactive.get(obj.name, {}) if "restricted_task_picklists" in active else {}
        fields = {}
        for name, f in obj.fields.items():
            if "plain" in active and f.custom or name in hidden:
                continue
            if name in inactive:
                f = replace(f, inactive=tuple(inactive[name]))
            if read_only:
                f = replace(f, createable=False, updateable=False)
            fields[name] = f
        return ObjectDef(obj.name, obj.key_prefix, obj.label, obj.label_plural, fields,
                         custom=obj.custom, createable=obj.createable and not read_only,
                         deletable=obj.deletable and not read_only, access_denied=read_only)
