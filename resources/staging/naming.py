"""Warehouse names for Salesforce API names: one rule, used by every module and SQL file.

Snake case keeps hand-written SQL readable (`staging.opportunity_contact_role.contact_id`) and
portable: lowercase names mean the same thing quoted or unquoted on DuckDB and PostgreSQL.
`staging.user` works unquoted on both engines (tests/staging/test_naming.py); only an
*unqualified* `user` is special (PostgreSQL reads it as CURRENT_USER), so always schema-qualify.
"""

import re

SCHEMA = "staging"
# PostgreSQL silently truncates identifiers beyond 63 bytes; `_versions` and index suffixes
# must still fit, so table names are capped lower than column names.
MAX_TABLE_NAME = 50
MAX_COLUMN_NAME = 63

_LOWER_OR_DIGIT_THEN_UPPER = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_ACRONYM_THEN_WORD = re.compile(r"(?<=[A-Z])(?=[A-Z][a-z])")
_API_NAME = re.compile(r"^[A-Za-z][A-Za-z0-9_]*$")


def _snake(api_name: str, max_length: int) -> str:
    if not _API_NAME.match(api_name or ""):
        raise ValueError(f"{api_name!r} is not a Salesforce API name (letters, digits, underscores)")
    name = _ACRONYM_THEN_WORD.sub("_", _LOWER_OR_DIGIT_THEN_UPPER.sub("_", api_name)).lower()
    if len(name) > max_length:
        raise ValueError(f"warehouse name {name!r} for {api_name!r} is longer than {max_length} "
                         "characters; PostgreSQL would truncate it")
    return name


def table_name(object_name: str) -> str:
    """`OpportunityContactRole` -> `opportunity_contact_role`, `Project__c` -> `project__c`."""
    return _snake(object_name, MAX_TABLE_NAME)


def column_name(field_name: str) -> str:
    """`SystemModstamp` -> `system_modstamp`, `Region__c` -> `region__c`, `Id` -> `id`."""
    return _snake(field_name, MAX_COLUMN_NAME)


def quote(identifier: str) -> str:
    """Double-quote an identifier; generated SQL quotes every column so no field name is reserved."""
    return '"' + identifier.replace('"', '""') + '"'
