"""Salesforce record Ids: 15-character (case-sensitive, from UI URLs and report exports) to the
18-character case-safe form the API returns (salesforce-api.md §10.1).

Only the format is checked here; a bad checksum or an Id of the wrong object is left for
Salesforce to reject (MALFORMED_ID, FIELD_INTEGRITY_EXCEPTION), so its reason lands in the log.
"""

import re

_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_ID = re.compile(r"^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$")


def to18(id15: str) -> str:
    suffix = ""
    for chunk in range(3):
        flags = 0
        for i, ch in enumerate(id15[chunk * 5:chunk * 5 + 5]):
            if "A" <= ch <= "Z":
                flags |= 1 << i
        suffix += _ALPHABET[flags]
    return id15 + suffix


def normalize_id(value: str | None) -> str | None:
    """18-character form of a 15/18-character Id; None or blank is None; else ValueError."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if not _ID.match(text):
        raise ValueError(f"{value!r} is not a Salesforce Id (15 or 18 letters and digits)")
    return to18(text) if len(text) == 15 else text
