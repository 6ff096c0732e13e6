"""Salesforce record Ids: the 15-character form (case-sensitive, from UI URLs and report exports)
and the 18-character case-safe form the API returns (Salesforce Help, "What is a Salesforce
record ID?"; the checksum is the CASESAFEID() formula's)."""

import re

_CHECKSUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_ID = re.compile(r"^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$")


def _suffix(id15: str) -> str:
    """The three checksum characters: one per five characters, a bit per capital letter."""
    return "".join(
        _CHECKSUM[sum(1 << i for i, ch in enumerate(id15[chunk * 5:chunk * 5 + 5])
                      if "A" <= ch <= "Z")]
        for chunk in range(3))


def normalize_id(value: str | None) -> str | None:
    """18-character form of a 15/18-character Id; None or blank is None; else ValueError.

    Only the format is checked: a bad checksum or an Id of the wrong object is left for
    Salesforce to reject (MALFORMED_ID, FIELD_INTEGRITY_EXCEPTION), so its reason is logged."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    if not _ID.match(text):
        raise ValueError(f"{value!r} is not a Salesforce Id (15 or 18 letters and digits)")
    return text + _suffix(text) if len(text) == 15 else text


def checked_id(value: str) -> str | None:
    """The 18-character form of a 15- or 18-character Id whose checksum is right, else None
    (for ids typed by people, where a wrong character must not match another record)."""
    if not _ID.match(value):
        return None
    suffix = _suffix(value[:15])
    if len(value) == 18 and value[15:].upper() != suffix:
        return None
    return value[:15] + suffix
