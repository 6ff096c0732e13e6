"""Pages with records that cannot land: the good rows become the table, each bad one a reject
naming the Id, the field, an excerpt and the fix. REST JSON and Bulk CSV alike."""

from assets.salesforce.quarantine import csv_page, rest_page

FIELDS = {"Id": "id", "SystemModstamp": "datetime", "Amount": "currency", "CloseDate": "date",
          "IsWon": "boolean", "Name": "string"}
STAMP = "2026-11-30T10:00:00.000+0000"


def _record(n: int, **values) -> dict:
    return {"Id": f"006000000000{n:03d}AAA", "SystemModstamp": STAMP, "Amount": 10.0,
            "CloseDate": "2026-12-31", "IsWon": False, "Name": f"Deal {n}", **values}


def test_a_clean_page_takes_the_fast_path_and_rejects_nothing():
    rejects = []
    table = rest_page([_record(1), _record(2)], FIELDS, "Opportunity", rejects)
    assert table.num_rows == 2 and rejects == []


def test_bad_records_are_set_aside_and_the_rest_of_the_page_lands():
    rejects = []
    page = [_record(1), _record(2, Id=None), _record(3, Id="006XX0000BAD!"),
            _record(4, Amount="12,5"), _record(5, CloseDate="31/12/2026"),
            _record(6, IsWon="yes"), _record(7, Name="half \ud800 a pair"),
            _record(8, SystemModstamp=None), _record(9, Name="with a \x00 NUL")]
    table = rest_page(page, FIELDS, "Opportunity", rejects)

    assert table.column("Id").to_pylist() == [_record(1)["Id"], _record(9)["Id"]]
    found = {(r.record_id, r.field) for r in rejects}
    assert found == {(None, "Id"), ("006XX0000BAD!", "Id"), (_record(4)["Id"], "Amount"),
                     (_record(5)["Id"], "CloseDate"), (_record(6)["Id"], "IsWon"),
                     (_record(7)["Id"], "Name"), (_record(8)["Id"], "SystemModstamp")}
    amount = next(r for r in rejects if r.field == "Amount")
    assert amount.value_excerpt == "12,5" and "currency" in amount.error
    assert "Salesforce" in amount.fix and amount.object_name == "Opportunity"
    assert next(r for r in rejects if r.field == "Name").value_excerpt == "half \\ud800 a pair"


def test_a_bulk_page_with_bytes_that_are_not_utf8_keeps_its_other_rows():
    header = "Id,SystemModstamp,Amount,CloseDate,IsWon,Name\n"
    good = "006000000000001AAA,2026-11-30T10:00:00.000Z,10,2026-12-31,false,Fine\n"
    bad = b"006000000000002AAA,2026-11-30T10:00:00.000Z,10,2026-12-31,false,Bad \xed\xa0\x80\n"
    rejects = []
    table = csv_page((header + good).encode() + bad, FIELDS, "Opportunity", rejects)

    assert table.column("Id").to_pylist() == ["006000000000001AAA"]
    assert [(r.record_id, r.field) for r in rejects] == [("006000000000002AAA", "Name")]
    assert "cannot be stored" in rejects[0].error
