"""The demo org is what every other test runs against: its documented cases must all be there."""

import re
from datetime import datetime, timedelta

import pytest
from salesforce_emulator.generator.demo import COMPANY_DOMAIN, SCALES, Scale, generate_org
from salesforce_emulator.org import ids
from salesforce_emulator.org.schema import PICKLISTS
from salesforce_emulator.org.store import DELETED_LOG, Store, quote

NOW = datetime(2025, 6, 30, 12, 0, 0, 123000)
TINY = Scale(users=20, accounts=40, opportunities=400, tasks=600, events=300, emails=200,
             chunk_rows=1_000)


def _generated(scale="small", seed=7) -> Store:
    store = Store()
    generate_org(store, scale, seed=seed, now=NOW)
    return store


@pytest.fixture(scope="module")
def org() -> Store:
    return _generated()


def _rows(store: Store, sql: str, params=None) -> list[tuple]:
    return store.con.execute(sql, params or []).fetchall()


def _value(store: Store, sql: str, params=None):
    return _rows(store, sql, params)[0][0]


def _contents(store: Store) -> dict[str, list[tuple]]:
    tables = [quote(name) for name in store.objects]
    return {t: _rows(store, f'SELECT * FROM {t} ORDER BY "Id"') for t in tables} | {
        DELETED_LOG: _rows(store, f"SELECT * FROM {DELETED_LOG} ORDER BY object, id")}


# ----- size, IDs, determinism -------------------------------------------------------------------
def test_small_scale_counts(org):
    counts = {name: org.count(obj) for name, obj in org.objects.items()}
    small = SCALES["small"]
    assert counts["User"] == small.users == 50
    assert counts["Opportunity"] == 5_000 and counts["Contact"] == 5_000
    assert counts["Account"] == 500 and counts["OpportunityStage"] == 11
    assert counts["Task"] + counts["Event"] + counts["EmailMessage"] == 25_000
    assert 6_000 <= counts["OpportunityContactRole"] <= 10_000
    assert 300 <= counts["Project__c"] <= 1_500


def test_ids_follow_the_store_numbering(org):
    for name, obj in org.objects.items():
        n = org.count(obj)
        found = [r[0] for r in _rows(org, f'SELECT "Id" FROM {quote(name)} ORDER BY "Id"')]
        assert found == sorted(ids.mint(obj.key_prefix, i) for i in range(1, n + 1)), name


def test_store_mints_after_the_generated_ids():
    store = _generated(TINY)
    opportunity = store.objects["Opportunity"]
    assert store.new_id(opportunity) == ids.mint(opportunity.key_prefix, TINY.opportunities + 1)


def test_same_seed_and_now_give_identical_tables(org):
    assert _contents(_generated()) == _contents(org)


def test_other_seed_gives_other_data(org):
    other = _generated(seed=8)
    assert _rows(other, 'SELECT "Name" FROM "Opportunity" ORDER BY "Id" LIMIT 50') != \
        _rows(org, 'SELECT "Name" FROM "Opportunity" ORDER BY "Id" LIMIT 50')


def test_chunk_size_does_not_change_the_data():
    coarse = _generated(TINY)
    fine = _generated(Scale(**{**TINY.__dict__, "chunk_rows": 37}))
    assert _contents(fine) == _contents(coarse)


def test_refuses_a_store_that_already_has_rows(org):
    with pytest.raises(ValueError, match="empty store"):
        generate_org(org, "small", now=NOW)


# ----- integrity --------------------------------------------------------------------------------
def test_no_dangling_references(org):
    for name, obj in org.objects.items():
        for f in obj.stored_fields():
            targets = [t for t in f.reference_to if t in org.objects]
            if not targets:
                continue
            known = " UNION ALL ".join(f'SELECT "Id" FROM {quote(t)}' for t in targets)
            dangling = _value(org, f"SELECT count(*) FROM {quote(name)} WHERE {quote(f.name)} "
                                   f"IS NOT NULL AND {quote(f.name)} NOT IN ({known})")
            assert dangling == 0, f"{name}.{f.name}"


def test_required_fields_and_booleans_are_filled(org):
    for name, obj in org.objects.items():
        for f in obj.stored_fields():
            if f.required or f.type == "boolean" or f.name in ("Id", "CreatedById", "OwnerId"):
                sql = f"SELECT count(*) FROM {quote(name)} WHERE {quote(f.name)} IS NULL"
                assert _value(org, sql) == 0, f"{name}.{f.name}"


def test_string_lengths_and_picklist_values_fit_the_schema(org):
    stages = [s for s, _ in org.stages()]
    for name, obj in org.objects.items():
        for f in obj.stored_fields():
            if f.length and f.type not in ("id", "reference"):
                longest = _value(org, f"SELECT max(length({quote(f.name)})) FROM {quote(name)}")
                assert longest is None or longest <= f.length, f"{name}.{f.name}"
            if f.type == "picklist":
                allowed = stages if f.picklist == "Stage" else [v for v, _ in PICKLISTS[f.picklist]]
                sql = f"SELECT DISTINCT {quote(f.name)} FROM {quote(name)}"
                used = {r[0] for r in _rows(org, sql)}
                assert used - {None} <= set(allowed), f"{name}.{f.name}"


def test_timestamps_are_ordered_whole_seconds_and_not_after_now(org):
    for name, obj in org.objects.items():
        if "CreatedDate" not in obj.fields:  # ContentDocumentLink carries SystemModstamp only
            continue
        bad = _value(org, f"""SELECT count(*) FROM {quote(name)} WHERE NOT (
            "CreatedDate" <= "LastModifiedDate" AND "LastModifiedDate" <= "SystemModstamp"
            AND "SystemModstamp" <= ? AND epoch_us("SystemModstamp") % 1000000 = 0
            AND epoch_us("CreatedDate") % 1000000 = 0
            AND epoch_us("LastModifiedDate") % 1000000 = 0)""", [NOW])
        assert bad == 0, name
    first = _value(org, 'SELECT min("CreatedDate") FROM "Opportunity"')
    assert first >= NOW - timedelta(days=3 * 365)
    assert _value(org, 'SELECT count(*) FROM "Opportunity" WHERE "LastStageChangeDate" NOT BETWEEN '
                       '"CreatedDate" AND "LastModifiedDate"') == 0
    assert _value(org, 'SELECT count(*) FROM "Opportunity" '
                       'WHERE "SystemModstamp" > "LastModifiedDate"') > 0


def test_opportunity_fields_agree_with_the_stage_table(org):
    assert _value(org, """SELECT count(*) FROM "Opportunity" o JOIN "OpportunityStage" s
        ON s."ApiName" = o."StageName" WHERE o."IsClosed" IS DISTINCT FROM s."IsClosed"
        OR o."IsWon" IS DISTINCT FROM s."IsWon"
        OR o."ForecastCategory" IS DISTINCT FROM s."ForecastCategory"
        OR o."ForecastCategoryName" IS DISTINCT FROM s."ForecastCategoryName"
        OR o."Probability" IS DISTINCT FROM s."DefaultProbability"
        OR o."ExpectedRevenue" IS DISTINCT FROM o."Amount" * o."Probability" / 100
        OR o."FiscalYear" IS DISTINCT FROM year(o."CloseDate")
        OR o."FiscalQuarter" IS DISTINCT FROM quarter(o."CloseDate")""") == 0
    cols = [f.name for f in org.objects["Opportunity"].stored_fields()]
    for row in _rows(org, 'SELECT * FROM "Opportunity" ORDER BY "Id" LIMIT 200'):
        stored = dict(zip(cols, row))
        derived = dict(stored)
        org._derive_opportunity(derived, None)
        derived["LastStageChangeDate"] = stored["LastStageChangeDate"]  # insert time, not history
        assert derived == stored


def test_default_stages_and_the_inactive_one(org):
    stages = _rows(org, 'SELECT "ApiName", "DefaultProbability", "IsClosed", "IsWon", "IsActive" '
                        'FROM "OpportunityStage" ORDER BY "SortOrder"')
    assert [(s[0], s[1]) for s in stages[:10]] == [
        ("Prospecting", 10), ("Qualification", 10), ("Needs Analysis", 20),
        ("Value Proposition", 50), ("Id. Decision Makers", 60), ("Perception Analysis", 70),
        ("Proposal/Price Quote", 75), ("Negotiation/Review", 90), ("Closed Won", 100),
        ("Closed Lost", 0)]
    assert stages[8][2:4] == (True, True) and stages[9][2:4] == (True, False)
    assert [s[0] for s in stages if not s[4]] == ["Legacy Discovery"]
    assert _value(org, """SELECT count(*) FROM "Opportunity" o JOIN "OpportunityStage" s
        ON s."ApiName" = o."StageName" WHERE NOT s."IsActive" """) > 10


# ----- documented cases -------------------------------------------------------------------------
def test_users_include_the_awkward_cases(org):
    users = _rows(org, 'SELECT "Id", "Email", "IsActive", "ManagerId" FROM "User"')
    emails = [u[1] for u in users]
    assert any(e != e.strip() for e in emails)
    assert any(e.strip() != e.strip().lower() for e in emails)
    assert sum(not e.strip().lower().endswith("@" + COMPANY_DOMAIN) for e in emails) >= 2
    assert 3 <= sum(not u[2] for u in users) <= 10
    managers = {u[3] for u in users} - {None}
    assert len(managers) >= 3 and sum(u[3] is not None for u in users) >= 40
    assert _value(org, 'SELECT count(*) FROM "Opportunity" o JOIN "User" u ON u."Id" = o."OwnerId" '
                       'WHERE NOT u."IsActive"') > 0


def test_record_types(org):
    kinds = _rows(org, 'SELECT "SobjectType", count(*) FROM "RecordType" GROUP BY 1 ORDER BY 1')
    assert kinds == [("Account", 1), ("Opportunity", 3)]
    assert _value(org, 'SELECT count(DISTINCT "RecordTypeId") FROM "Opportunity"') == 3


@pytest.mark.parametrize("table, column, value", [
    ("Opportunity", "Type", "Renewal (legacy)"),
    ("Opportunity", "Region__c", "ANZ"),
    ("Project__c", "Status__c", "Cancelled"),
])
def test_inactive_picklist_values_in_use(org, table, column, value):
    picklist = org.objects[table].fields[column].picklist
    assert (value, False) in PICKLISTS[picklist]
    assert _value(org, f'SELECT count(*) FROM "{table}" WHERE "{column}" = ?', [value]) > 5


def test_nulls_where_real_data_has_them(org):
    for column in ("Amount", "Region__c", "Type", "NextStep"):
        assert _value(org, f'SELECT count(*) FROM "Opportunity" WHERE "{column}" IS NULL') > 0
    assert _value(org, 'SELECT count(*) FROM "Account" WHERE "BillingStreet" LIKE \'%\n%\'') > 0
    assert _value(org, 'SELECT count(*) FROM "Contact" WHERE "AccountId" IS NULL') > 0


def test_deleted_rows_and_the_deleted_log(org):
    for name in ("Opportunity", "Contact", "Task"):
        share = _value(org, f'SELECT avg("IsDeleted"::int) FROM "{name}"')
        assert 0.005 < share < 0.05, name
    logged = set(_rows(org, f"SELECT object, id, deleted_at FROM {DELETED_LOG}"))
    deleted = set()
    for name, obj in org.objects.items():
        if obj.has_is_deleted:
            deleted |= {(name, *r) for r in _rows(
                org, f'SELECT "Id", "SystemModstamp" FROM {quote(name)} WHERE "IsDeleted"')}
    assert logged == deleted
    assert _value(org, """SELECT count(*) FROM "OpportunityContactRole" r JOIN "Opportunity" o
        ON o."Id" = r."OpportunityId" WHERE o."IsDeleted" AND NOT r."IsDeleted" """) == 0


def test_unicode_and_long_text(org):
    names = " ".join(r[0] for r in _rows(org, 'SELECT "Name" FROM "Opportunity" UNION ALL '
                                              'SELECT "Name" FROM "Contact"'))
    subjects = " ".join(r[0] for r in _rows(org, 'SELECT "Subject" FROM "Task"'))
    assert re.search("[À-ž]", names) and re.search("[\u4e00-\u9fff]", names)
    assert "🚀" in names and "📞" in subjects and "'" in names
    for table, column, minimum in (("Opportunity", "Description", 30_000),
                                   ("EmailMessage", "TextBody", 100_000)):
        assert _value(org, f'SELECT count(*) FROM "{table}" WHERE length("{column}") >= ?',
                      [minimum]) >= 3


def test_contact_roles(org):
    per_deal = _rows(org, """SELECT count(r."Id"), count(*) FILTER (WHERE r."IsPrimary")
        FROM "Opportunity" o LEFT JOIN "OpportunityContactRole" r ON r."OpportunityId" = o."Id"
        GROUP BY o."Id" """)
    assert max(primary for _, primary in per_deal) == 1
    assert any(n == 0 for n, _ in per_deal) and any(n > 1 for n, _ in per_deal)
    assert any(n > 0 and primary == 0 for n, primary in per_deal)
    assert _value(org, """SELECT count(*) FROM "OpportunityContactRole" r
        JOIN "Opportunity" o ON o."Id" = r."OpportunityId"
        JOIN "Contact" c ON c."Id" = r."ContactId"
        WHERE c."AccountId" IS DISTINCT FROM o."AccountId" """) == 0


def test_activities_point_at_deals_and_contacts(org):
    assert _value(org, """SELECT count(*) FROM "Task" t JOIN "Opportunity" o ON o."Id" = t."WhatId"
        WHERE t."AccountId" IS DISTINCT FROM o."AccountId" """) == 0
    assert _value(org, """SELECT count(*) FROM "Task" t JOIN "Opportunity" o ON o."Id" = t."WhatId"
        WHERE t."CreatedDate" < o."CreatedDate" """) == 0
    for table in ("Task", "Event"):
        kinds = {r[0] for r in _rows(org, f'SELECT left("WhatId", 3) FROM "{table}"')}
        assert kinds == {"006", "001", None}
        assert _value(org, f'SELECT count(*) FROM "{table}" WHERE "WhoId" IS NOT NULL') > 0
    emails = _rows(org, 'SELECT "Incoming", "FromAddress", "ToAddress", "Status" '
                        'FROM "EmailMessage"')
    assert {e[0] for e in emails} == {True, False}
    assert all(e[1] and e[2] and e[1] == e[1].strip() for e in emails)
    assert {e[3] for e in emails} == {"0", "1", "2", "3", "4", "5"}
    assert _value(org, 'SELECT count(*) FROM "Project__c" p JOIN "Opportunity" o '
                       'ON o."Id" = p."Opportunity__c" WHERE NOT o."IsWon"') == 0


def test_dates_stay_in_a_plausible_range(org):
    close_dates = _rows(org, 'SELECT min("CloseDate"), max("CloseDate") FROM "Opportunity"')[0]
    assert close_dates[0] >= (NOW - timedelta(days=3 * 365)).date()
    assert close_dates[1] <= (NOW + timedelta(days=260)).date()  # open deals close in the future
