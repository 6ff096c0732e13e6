"""The reconciliation's comparison of staging with what Salesforce holds, record by record."""

from datetime import datetime

import pytest

from tests.staging.records import (
    compare_with_org,
    current_rows,
    land,
    opp_id,
    opportunity,
    table,
)

STAMP, LATER = datetime(2024, 1, 5), datetime(2024, 1, 20)


@pytest.fixture
def five_opportunities(warehouse):
    land(warehouse, table([opportunity(n, STAMP) for n in range(1, 5)] +
                          [opportunity(5, STAMP, IsDeleted=True)]))
    return warehouse


def state(number: int, stamp: datetime = STAMP, deleted: bool = False, **values) -> dict:
    return {"Id": opp_id(number), "SystemModstamp": stamp, "IsDeleted": deleted, **values}


def flags(warehouse) -> list[tuple[str, bool, bool]]:
    rows = warehouse.query("select id, is_deleted, _hard_deleted_at is not null as hard "
                           "from staging.opportunity order by id")
    return [(row["id"], row["is_deleted"], row["hard"]) for row in rows]


def test_records_salesforce_purged_are_marked_deleted_and_history_kept(five_opportunities):
    warehouse = five_opportunities
    diff = compare_with_org(warehouse, state(1), state(3), state(5, deleted=True))

    assert (diff.org_records, diff.purged, diff.read_again) == (3, 2, {})
    assert flags(warehouse) == [(opp_id(1), False, False), (opp_id(2), True, True),
                                (opp_id(3), False, False), (opp_id(4), True, True),
                                (opp_id(5), True, False)]  # 5 sits in the recycle bin
    assert warehouse.row_count("staging", "opportunity_versions") == 5
    assert compare_with_org(warehouse, state(1), state(3), state(5, deleted=True)).purged == 0


def test_what_differs_is_named_by_reason(five_opportunities):
    diff = compare_with_org(five_opportunities,
                            state(1), state(2, LATER), state(3, deleted=True), state(4),
                            state(5, deleted=False), state(6, LATER))

    assert diff.read_again == {"missing": [opp_id(6)], "older in staging": [opp_id(2)],
                               "deleted or undeleted": [opp_id(3), opp_id(5)]}
    assert diff.ids() == [opp_id(n) for n in (2, 3, 5, 6)] and diff.purged == 0


def test_records_older_than_the_synced_history_are_not_missing(five_opportunities):
    diff = compare_with_org(five_opportunities, *(state(n) for n in range(1, 5)),
                            state(5, deleted=True),
                            state(6, datetime(2023, 6, 1)), state(7, LATER),
                            history_start=datetime(2024, 1, 1))

    assert diff.read_again == {"missing": [opp_id(7)]}


def test_formula_values_are_compared_at_the_same_modstamp_only(five_opportunities):
    fields = {"Id": "id", "SystemModstamp": "datetime", "IsDeleted": "boolean",
              "Amount": "currency"}
    land(five_opportunities, table([opportunity(4, LATER, Amount=4000.0)]))
    diff = compare_with_org(five_opportunities,
                            state(1, Amount=1000.0), state(2, Amount=2.5), state(3, Amount=None),
                            state(4, Amount=9.0),  # staging already holds a newer version
                            state(5, deleted=True, Amount=5000.0), fields=fields)

    assert diff.read_again == {"formula values changed": [opp_id(2), opp_id(3)]}


def test_an_empty_answer_purges_nothing(five_opportunities):
    diff = compare_with_org(five_opportunities)

    assert (diff.org_records, diff.purged) == (0, 0)
    assert [hard for _, _, hard in flags(five_opportunities)] == [False] * 5


def test_org_state_streams_in_batches(five_opportunities):
    many = [state(n) for n in range(1, 6)] + [state(n, LATER) for n in range(1000, 3000)]

    diff = compare_with_org(five_opportunities, *many, batch=7)

    assert diff.org_records == 2005 and len(diff.read_again["missing"]) == 2000


def test_a_newer_version_revives_a_purged_row_but_a_rerun_does_not(five_opportunities):
    warehouse = five_opportunities
    compare_with_org(warehouse, state(1), state(3), state(4))

    land(warehouse, table([opportunity(2, STAMP)]), run_id="rerun-of-january")
    assert flags(warehouse)[1] == (opp_id(2), True, True)

    land(warehouse, table([opportunity(2, datetime(2024, 3, 1))]), run_id="later")
    assert flags(warehouse)[1] == (opp_id(2), False, False)
    assert current_rows(warehouse)[1]["amount"] == 2000.0


def test_an_object_never_landed_has_nothing_to_compare(warehouse):
    assert compare_with_org(warehouse, state(1)) is None
