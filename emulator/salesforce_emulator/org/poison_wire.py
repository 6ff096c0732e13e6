"""Poison overrides applied to query results: REST JSON records and Bulk result tables."""

PLACEHOLDER = "\ue000poison{}\ue000"  # stands in for bytes DuckDB and Arrow cannot hold


def apply_records(poison, obj_name: str, records: list[dict]) -> None:
    """Put wire values into REST records (found by the Id in attributes.url)."""
    overrides = poison.of(obj_name)
    if not overrides:
        return
    for record in records:
        url = (record.get("attributes") or {}).get("url")
        rid = url.rsplit("/", 1)[-1] if url else None
        fields = overrides.get(rid)
        if not fields:
            continue
        for name, wire in fields.items():
            if name != "Id" and name in record:
                record[name] = wire
        if "Id" in fields:
            if "Id" in record:
                record["Id"] = fields["Id"]
            wire = fields["Id"]
            record["attributes"]["url"] = None if wire is None else url[: -len(rid)] + wire


def apply_table(poison, cur, table: str, header: list[str], obj_name: str) -> dict[bytes, bytes]:
    """Put wire values into a materialised Bulk result table (columns named like its CSV
    header); returns placeholder -> raw bytes swaps for the rendered CSV."""
    overrides = poison.of(obj_name)
    if not overrides or "Id" not in header:
        return {}
    types = dict(cur.execute("SELECT column_name, data_type FROM information_schema.columns "
                             "WHERE table_name = ?", [table]).fetchall())
    swaps: dict[bytes, bytes] = {}
    for rid, fields in overrides.items():
        for name, wire in sorted(fields.items(), key=lambda kv: kv[0] == "Id"):  # Id last
            if name not in header:
                continue
            if types.get(name) != "VARCHAR":
                cur.execute(f'ALTER TABLE "{table}" ALTER "{name}" TYPE VARCHAR USING '
                            f"regexp_replace(CAST(\"{name}\" AS VARCHAR), '\\.0$', '')")
                types[name] = "VARCHAR"
            text = wire
            if isinstance(wire, str) and ("\x00" in wire or any(0xD800 <= ord(c) <= 0xDFFF for c in wire)):
                text = PLACEHOLDER.format(len(swaps))
                swaps[text.encode()] = wire.encode("utf-8", "surrogatepass")
            cur.execute(f'UPDATE "{table}" SET "{name}" = ? WHERE "Id" = ?', [text, rid])
    return swaps


def swap_bytes(body: bytes, swaps: dict[bytes, bytes]) -> bytes:
    for placeholder, raw in swaps.items():
        body = body.replace(placeholder, raw)
    return body
