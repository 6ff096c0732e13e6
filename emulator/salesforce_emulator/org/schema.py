"""The emulated org's object model: field types and storage, picklists, formulas, and the
Field / ObjectDef classes built from the object tables in objects.py.
"""

from dataclasses import dataclass
from dataclasses import field as dc_field

from .objects import MODSTAMP_ONLY, OBJECT_LINES, SYSTEM_FIELDS

STORAGE_TYPES = {
    "id": "VARCHAR", "reference": "VARCHAR", "string": "VARCHAR", "picklist": "VARCHAR",
    "multipicklist": "VARCHAR", "combobox": "VARCHAR", "textarea": "VARCHAR", "email": "VARCHAR",
    "phone": "VARCHAR", "url": "VARCHAR", "boolean": "BOOLEAN", "int": "BIGINT", "double": "DOUBLE",
    "currency": "DOUBLE", "percent": "DOUBLE", "date": "DATE", "datetime": "TIMESTAMP",
    "base64": "BLOB",
}

# (value, active). Inactive values stay in describe and on old records, as in a real org.
PICKLISTS: dict[str, list[tuple[str, bool]]] = {
    "OpportunityType": [
        ("New Customer", True), ("Existing Customer - Upgrade", True),
        ("Existing Customer - Replacement", True), ("Existing Customer - Downgrade", True),
        ("Renewal (legacy)", False),
    ],
    "LeadSource": [("Web", True), ("Phone Inquiry", True), ("Partner Referral", True),
                   ("Purchased List", True), ("Other", True)],
    "ForecastCategoryName": [("Omitted", True), ("Pipeline", True), ("Best Case", True),
                             ("Commit", True), ("Closed", True)],
    "ForecastCategory": [("Omitted", True), ("Pipeline", True), ("BestCase", True),
                         ("MostLikely", True), ("Forecast", True), ("Closed", True)],
    "Region": [("AMER", True), ("EMEA", True), ("APAC", True), ("LATAM", True), ("ANZ", False)],
    "AccountType": [("Prospect", True), ("Customer - Direct", True), ("Customer - Channel", True),
                    ("Partner", True), ("Other", True)],
    "Industry": [("Technology", True), ("Finance", True), ("Healthcare", True), ("Retail", True),
                 ("Manufacturing", True), ("Education", True)],
    "GeocodeAccuracy": [("Address", True), ("Street", True), ("City", True), ("Zip", True)],
    "Salutation": [("Mr.", True), ("Ms.", True), ("Mrs.", True), ("Dr.", True), ("Prof.", True)],
    "TaskStatus": [("Not Started", True), ("In Progress", True), ("Completed", True),
                   ("Waiting on someone else", True), ("Deferred", True)],
    "TaskPriority": [("High", True), ("Normal", True), ("Low", True)],
    "TaskSubtype": [("Task", True), ("Email", True), ("ListEmail", True), ("Cadence", True),
                    ("Call", True), ("LinkedIn", True)],
    "ActivitySubject": [("Call", True), ("Email", True), ("Meeting", True),
                        ("Send Letter/Quote", True), ("Other", True)],
    "ShowAs": [("Busy", True), ("OutOfOffice", True), ("Free", True)],
    "EventSubtype": [("Event", True)],
    "EmailStatus": [("0", True), ("1", True), ("2", True), ("3", True), ("4", True), ("5", True)],
    "ContactRole": [("Business User", True), ("Decision Maker", True), ("Economic Buyer", True),
                    ("Economic Decision Maker", True), ("Evaluator", True),
                    ("Executive Sponsor", True), ("Influencer", True), ("Technical Buyer", True),
                    ("Other", True)],
    "UserType": [("Standard", True), ("PowerPartner", True), ("CsnOnly", True)],
    "TimeZone": [("America/Los_Angeles", True), ("America/New_York", True),
                 ("Europe/London", True), ("Europe/Berlin", True), ("Asia/Tokyo", True),
                 ("Australia/Sydney", True)],
    "SobjectType": [("Account", True), ("Opportunity", True), ("Contact", True)],
    "ProjectStatus": [("Planned", True), ("Active", True), ("Done", True), ("Cancelled", False)],
    # Files: ContentVersion.ContentLocation (S = Salesforce, E = external, L = social), the
    # PublishStatus codes, and ContentDocumentLink's ShareType (Viewer, Collaborator, Inferred).
    "ContentLocation": [("S", True), ("E", True), ("L", True)],
    "PublishStatus": [("U", True), ("P", True), ("R", True)],
    "ShareType": [("V", True), ("C", True), ("I", True)],
    "LinkVisibility": [("AllUsers", True), ("InternalUsers", True), ("SharedUsers", True)],
    # Opportunity.StageName values come from the OpportunityStage records; see stage_picklist().
}

# Formula fields: the DuckDB SQL that computes them at query time ({t} is the row's table alias,
# {today} the org's today as a DATE literal) and the formula text describe shows. Salesforce
# computes formulas when they are read, not on save, so a value changes while SystemModstamp
# (moved only by writes to the record: "System Fields",
# https://developer.salesforce.com/docs/atlas.en-us.api.meta/api/system_fields.htm) stays put:
# a cross-object formula when its parent changes, a TODAY() formula every day.
FORMULAS = {
    ("Opportunity", "Is_Large_Deal__c"): ('coalesce({t}."Amount" >= 100000, false)',
                                          "Amount >= 100000"),
    ("Opportunity", "Account_Industry__c"): (
        '(SELECT a."Industry" FROM "Account" a WHERE a."Id" = {t}."AccountId")',
        "TEXT(Account.Industry)"),
    ("Opportunity", "Days_Open__c"): ("CAST(date_diff('day', CAST({t}.\"CreatedDate\" AS DATE), "
                                      "{today}) AS DOUBLE)", "TODAY() - DATEVALUE(CreatedDate)"),
}


@dataclass(frozen=True)
class Field:
    name: str
    type: str
    length: int = 0
    required: bool = False
    createable: bool = True
    updateable: bool = True
    reference_to: tuple[str, ...] = ()
    relationship_name: str | None = None
    picklist: str | None = None
    restricted: bool = False
    external_id: bool = False
    custom: bool = False
    compound_field_name: str | None = None
    formula: str | None = None
    inactive: tuple[str, ...] = ()  # picklist values deactivated in this org (profiles.py)

    @property
    def nillable(self) -> bool:
        return not self.required and self.type not in ("id", "boolean")

    @property
    def stored(self) -> bool:
        """Compound address fields and formulas are computed, not stored."""
        return self.type != "address" and self.formula is None

    @property
    def polymorphic(self) -> bool:
        return len(self.reference_to) > 1


@dataclass
class ObjectDef:
    name: str
    key_prefix: str
    label: str
    label_plural: str
    fields: dict[str, Field] = dc_field(default_factory=dict)
    custom: bool = False
    createable: bool = True
    deletable: bool = True
    access_denied: bool = False  # the user may read but not write it (profiles.py)

    def field(self, name: str) -> Field | None:
        """Case-insensitive field lookup, as SOQL and the REST API do it."""
        return self._by_lower().get(name.lower())

    def relationship(self, name: str) -> Field | None:
        """The reference field behind a relationship name (`Owner` -> OwnerId), case-insensitive."""
        for f in self.fields.values():
            if f.relationship_name and f.relationship_name.lower() == name.lower():
                return f
        return None

    @property
    def has_is_deleted(self) -> bool:
        return "IsDeleted" in self.fields

    def stored_fields(self) -> list[Field]:
        return [f for f in self.fields.values() if f.stored]

    def _by_lower(self) -> dict[str, Field]:
        cache = self.__dict__.get("_lower")
        if cache is None or len(cache) != len(self.fields):
            cache = {k.lower(): v for k, v in self.fields.items()}
            self.__dict__["_lower"] = cache
        return cache


def _parse_field(obj_name: str, line: str) -> Field:
    name, ftype, *flags = line.split()
    kw: dict = {}
    for flag in flags:
        key, _, value = flag.partition("=")
        if key == "ro":
            kw.update(createable=False, updateable=False)
        elif key == "co":
            kw["updateable"] = False
        elif key == "req":
            kw["required"] = True
        elif key == "len":
            kw["length"] = int(value)
        elif key == "ref":
            kw["reference_to"] = tuple(value.split(","))
        elif key == "rel":
            kw["relationship_name"] = value
        elif key == "pick":
            kw["picklist"] = value
        elif key == "restricted":
            kw["restricted"] = True
        elif key == "ext":
            kw["external_id"] = True
        elif key == "custom":
            kw["custom"] = True
        elif key == "compound":
            kw["compound_field_name"] = value
        elif key == "formula":
            kw["formula"] = FORMULAS[(obj_name, name)][0]
        else:
            raise ValueError(f"unknown schema flag {flag!r} on {obj_name}.{name}")
    if ftype in ("id", "reference"):
        kw.setdefault("length", 18)
    return Field(name=name, type=ftype, **kw)


def build_objects() -> dict[str, ObjectDef]:
    """Parse OBJECT_LINES into ObjectDefs. A fresh dict each call, so an org can add fields."""
    objects = {}
    for name, (prefix, label, plural, lines) in OBJECT_LINES.items():
        obj = ObjectDef(name=name, key_prefix=prefix, label=label, label_plural=plural,
                        custom=name.endswith("__c"))
        system = "SystemModstamp datetime ro" if name in MODSTAMP_ONLY else SYSTEM_FIELDS
        for line in filter(str.strip, (lines + system).splitlines()):
            f = _parse_field(name, line)
            obj.fields[f.name] = f
        if name in ("User",):
            obj.deletable = False
        if name in ("OpportunityStage",):
            obj.createable = obj.deletable = False
        if name == "ContentDocument":  # created by inserting a ContentVersion, never directly
            obj.createable = False
        objects[name] = obj
    return objects


def picklist_values(obj: ObjectDef, f: Field, stages: list[tuple[str, bool]] | None = None):
    """(value, active) pairs for a picklist field; StageName's come from OpportunityStage rows."""
    values = (stages or []) if f.picklist == "Stage" else PICKLISTS.get(f.picklist or "", [])
    if f.inactive:
        values = [(v, active and v not in f.inactive) for v, active in values]
    return values
