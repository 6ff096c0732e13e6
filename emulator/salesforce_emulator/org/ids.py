"""Salesforce record IDs: key prefixes, 15 -> 18 character case-safe IDs, and ID minting.

A real ID is a 3-character key prefix, 2 pod characters, 1 reserved character and a 9-character
base-62 record number, as real IDs show (only the key prefix is documented). The 18-character,
case-safe form appends a 3-character checksum of the upper-case positions (the ID field type,
under "Salesforce Fields" > "Field Types" in the Object Reference for the Salesforce Platform:
https://developer.salesforce.com/docs/platform/object-reference/guide/object-ref-fields-intro.html).

Independent of dealsync's own Id code (resources/salesforce_ids.py) on purpose: the emulator
plays Salesforce, so a bug in the pipeline's Id handling must not be mirrored by the org it is
tested against, and the emulator must not import the product.
"""

import re

_CHECKSUM_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
_BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
_ID_PATTERN = re.compile(r"^[a-zA-Z0-9]{15}([A-Z0-5]{3})?$")
POD = "5g"  # the instance characters every emulator ID carries


def to18(id15: str) -> str:
    """Append the case-safe checksum to a 15-character ID (an 18-character ID is returned as is)."""
    if len(id15) == 18:
        return id15
    suffix = ""
    for chunk in range(3):
        flags = 0
        for i, ch in enumerate(id15[chunk * 5 : chunk * 5 + 5]):
            if "A" <= ch <= "Z":
                flags |= 1 << i
        suffix += _CHECKSUM_ALPHABET[flags]
    return id15 + suffix


def normalize(value: str) -> str | None:
    """Return the 18-character form of a 15- or 18-character ID, or None when it is not an ID.

    An 18-character ID whose checksum does not match its first 15 characters is rejected, as
    Salesforce does: the checksum is what makes a case-insensitive copy recoverable.
    """
    if not isinstance(value, str) or not _ID_PATTERN.match(value):
        return None
    full = to18(value[:15])
    if len(value) == 18 and value[15:].upper() != full[15:]:
        return None
    return full


def mint(key_prefix: str, number: int) -> str:
    """Build the 18-character ID of record `number` for an object with `key_prefix`."""
    digits = ""
    for _ in range(9):
        number, rem = divmod(number, 62)
        digits = _BASE62[rem] + digits
    if number:
        raise ValueError("record number does not fit in 9 base-62 digits")
    return to18(f"{key_prefix}{POD}0{digits}")


def decode_number(digits: str) -> int:
    """Inverse of the record-number part of mint(): base-62 digits -> int."""
    n = 0
    for ch in digits:
        n = n * 62 + _BASE62.index(ch)
    return n
