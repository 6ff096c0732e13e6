"""Daily reconciliation against the full Id list marks records purged from Salesforce."""

from datetime import datetime

import pytest

from tests.staging.records import land, opp_id, opportunity, table

STAMP = datetime(2024, 1, 5)


@pytest.fixture
def five_opportunities(warehouse):
    land(warehouse, table([opportunity(n, STAMP) for n in range(1, 5)] +
                          [opportunity(5, STAMP, IsDeleted=True)]))
    return warehouse


def flags(warehouse) -> list[tuple[str, bool, bool]]:
    rows = warehouse.query("select id, is_deleted, _hard_deleted_at is not null as hard "
                           "from staging.opportunity order by id")
    return [(row["id"], row["is_deleted"], row["hard"]) for row in rows]


def test_ids_missing_from_salesforce_are_marked_deleted(five_opportunities):
    warehouse = five_opportunities
    present = (opp_id(n) for n in (1, 3))  # streamed, as from a Bulk query

    assert warehouse.mark_hard_deleted("Opportunity", present) == 2

    assert flags(warehouse) == [(opp_id(1), False, False), (opp_id(2), True, True),
                                (opp_id(3), False, False), (opp_id(4), True, True),
                                (opp_id(5), True, False)]  # 5 was already soft-deleted
    assert warehouse.row_count("staging", "opportunity_versions") == 5  # history untouched
    assert warehouse.mark_hard_deleted("Opportunity", [opp_id(1), opp_id(3)]) == 0  # idempotent


def test_large_id_sets_are_loaded_in_chunks(five_opportunities):
    present = [opp_id(n) for n in range(1, 5)] + [opp_id(n) for n in range(1000, 3000)]

    marked = five_opportunities.mark_hard_deleted("Opportunity", iter(present), chunk_size=7)

    assert marked == 0
    assert [row[1] for row in flags(five_opportunities)] == [False, False, False, False, True]


def test_an_empty_id_set_is_refused_unless_allowed(five_opportunities):
    with pytest.raises(ValueError, match="would mark every row deleted"):
        five_opportunities.mark_hard_deleted("Opportunity", [])
    assert five_opportunities.mark_hard_deleted("Opportunity", [], allow_empty=True) == 4


def test_fifteen_character_ids_are_refused(five_opportunities):
    with pytest.raises(ValueError, match="18-character"):
        five_opportunities.mark_hard_deleted("Opportunity", [opp_id(1)[:15]])
    assert [row[1] for row in flags(five_opportunities)] == [False, False, False, False, True]


def test_a_newer_version_revives_a_hard_deleted_row_but_a_rerun_does_not(five_opportunities):
    warehouse = five_opportunities
    warehouse.mark_hard_deleted("Opportunity", [opp_id(n) for n in (1, 3, 4)])

    land(warehouse, table([opportunity(2, STAMP)]), run_id="rerun-of-january")
    assert flags(warehouse)[1] == (opp_id(2), True, True)

    land(warehouse, table([opportunity(2, datetime(2024, 3, 1))]), run_id="later")
    assert flags(warehouse)[1] == (opp_id(2), False, False)


def test_an_object_never_landed_has_nothing_to_mark(warehouse):
    assert warehouse.mark_hard_deleted("Contact", [opp_id(1)]) == 0
