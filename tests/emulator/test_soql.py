"""The SOQL engine against a real in-memory DuckDB store: rows returned, record shapes, errors."""

import time
from datetime import date, datetime, timedelta, timezone

import pytest
from salesforce_emulator.org.store import Store
from salesforce_emulator.soql.dates import relative_range
from salesforce_emulator.soql.engine import SoqlError, compile_soql
from salesforce_emulator.soql.lexer import unescape
from simple_salesforce.format import format_soql

NOW = datetime(2024, 2, 15, 12, 0, tzinfo=timezone.utc)  # a Thursday
URL = "/services/data/v59.0/sobjects/"


@pytest.fixture(scope="module")
def org():
    """A small org: 2 users, 3 accounts, 5 opportunities (one deleted), 3 tasks."""
    s = Store()
    o = s.objects
    ids = {}
    for order, (stage, closed, won) in enumerate([("Prospecting", False, False),
                                                   ("Negotiation", False, False),
                                                   ("Closed Won", True, True)]):
        s.insert(o["OpportunityStage"], {"ApiName": stage, "MasterLabel": stage, "SortOrder": order,
                                         "IsActive": True, "IsClosed": closed, "IsWon": won})
    for key, last, email in [("u1", "Smith", "smith@example.com"), ("u2", "Jones", None)]:
        ids[key] = s.insert(o["User"], {"Username": f"{key}@x", "LastName": last, "Email": email,
                                        "Alias": key, "TimeZoneSidKey": "Europe/London"})
    ids["rt"] = s.insert(o["RecordType"], {"Name": "Enterprise", "DeveloperName": "Enterprise",
                                           "SobjectType": "Opportunity"})
    ids["acme"] = s.insert(o["Account"], {"Name": "Acme", "OwnerId": ids["u1"],
                                          "BillingCity": "Paris", "BillingLatitude": 48.85,
                                          "Type": "Customer - Direct"})
    ids["globex"] = s.insert(o["Account"], {"Name": "globex", "OwnerId": ids["u2"],
                                            "ParentId": ids["acme"]})
    ids["quote"] = s.insert(o["Account"], {"Name": "O'Brien \\ \"Co\"\n", "OwnerId": ids["u2"]})
    opps = [
        ("o1", "Big Deal", 250000.0, "Negotiation", date(2024, 1, 31), "acme", "u1", "EMEA",
         datetime(2024, 1, 1, 10)),
        ("o2", "alpha", 5000.0, "Prospecting", date(2024, 2, 15), None, "u2", None,
         datetime(2024, 1, 1, 23, 59, 59, 999000)),
        ("o3", "Zeta 100%_off", None, "Closed Won", date(2023, 12, 1), "globex", "u1", "AMER",
         datetime(2024, 1, 2)),
        ("o4", "gone", 10.0, "Prospecting", date(2024, 1, 5), "acme", "u1", "EMEA",
         datetime(2024, 1, 1, 12)),
        ("o5", "Beta", 100000.0, "Prospecting", date(2025, 6, 30), None, "u2", "APAC",
         datetime(2024, 1, 3)),
    ]
    for key, name, amount, stage, close, account, owner, region, stamp in opps:
        ids[key] = s.insert(o["Opportunity"], {
            "Name": name, "Amount": amount, "StageName": stage, "CloseDate": close,
            "AccountId": ids.get(account), "OwnerId": ids[owner], "Region__c": region,
            "RecordTypeId": ids["rt"] if key == "o1" else None}, stamp=stamp)
    s.delete(o["Opportunity"], ids["o4"], stamp=datetime(2024, 1, 1, 13))
    ids["t1"] = s.insert(o["Task"], {"Subject": "Call", "Status": "Completed", "Priority": "High",
                                     "WhatId": ids["o1"]})
    ids["t2"] = s.insert(o["Task"], {"Subject": "Email", "Status": "Not Started",
                                     "Priority": "Normal", "WhatId": ids["acme"]})
    ids["t3"] = s.insert(o["Task"], {"Subject": "Other", "Status": "Not Started",
                                     "Priority": "Low"})
    return s, ids


def run(org, soql, **kw):
    """Execute like the server: rows of `sql`, records via to_record, totalSize via count_sql."""
    store, _ = org
    q = compile_soql(soql, store.objects, now=NOW, **kw)
    rows = store.con.cursor().execute(q.sql, q.params).fetchall()
    total = store.con.cursor().execute(q.count_sql, q.params).fetchone()[0]
    assert total == len(rows)
    return rows if kw.get("for_bulk") else [q.to_record(r) for r in rows]


def names(org, soql, **kw):
    return [r["Name"] for r in run(org, soql, **kw)]


def error(org, soql, **kw) -> SoqlError:
    with pytest.raises(SoqlError) as info:
        compile_soql(soql, org[0].objects, now=NOW, **kw)
    assert info.value.status == 400
    return info.value


# ----- the queries an ELT sends -------------------------------------------------------------------
def test_incremental_window_query_returns_exact_records(org):
    _, ids = org
    recs = run(org, "SELECT Id, Name, StageName, Owner.Email, SystemModstamp, IsDeleted "
                    "FROM Opportunity WHERE SystemModstamp >= 2024-01-01T00:00:00Z AND "
                    "SystemModstamp < 2024-01-02T00:00:00.000+00:00 ORDER BY SystemModstamp ASC")
    assert recs == [
        {"attributes": {"type": "Opportunity", "url": f"{URL}Opportunity/{ids['o1']}"},
         "Id": ids["o1"], "Name": "Big Deal", "StageName": "Negotiation",
         "Owner": {"attributes": {"type": "User", "url": f"{URL}User/{ids['u1']}"},
                   "Email": "smith@example.com"},
         "SystemModstamp": "2024-01-01T10:00:00.000+0000", "IsDeleted": False},
        {"attributes": {"type": "Opportunity", "url": f"{URL}Opportunity/{ids['o2']}"},
         "Id": ids["o2"], "Name": "alpha", "StageName": "Prospecting",
         "Owner": {"attributes": {"type": "User", "url": f"{URL}User/{ids['u2']}"}, "Email": None},
         "SystemModstamp": "2024-01-01T23:59:59.000+0000", "IsDeleted": False},
    ]


def test_query_all_returns_deleted_rows_and_query_hides_them(org):
    soql = "SELECT Name, IsDeleted FROM Opportunity WHERE Name = 'gone'"
    assert run(org, soql) == []
    assert [r["IsDeleted"] for r in run(org, soql, include_deleted=True)] == [True]
    count = "SELECT COUNT() FROM Opportunity"
    store = org[0]
    for deleted, expected in ((False, 4), (True, 5)):
        q = compile_soql(count, store.objects, include_deleted=deleted)
        assert q.is_count and q.columns == []
        assert store.con.execute(q.count_sql, q.params).fetchone()[0] == expected


def test_format_soql_output_is_understood(org):
    stamp = datetime(2023, 12, 31, 19, 0, tzinfo=timezone(timedelta(hours=-5)))
    soql = format_soql("SELECT Name FROM Opportunity WHERE SystemModstamp >= {} AND Name != {} "
                       "AND Amount > {} AND IsPrivate = {} AND Region__c IN {}",
                       stamp, "x", 1000, False, ["emea", "AMER", None])
    assert "2024-01-01T00:00:00+00:00" in soql
    assert names(org, soql + " ORDER BY Name") == ["alpha", "Big Deal"]
    like = format_soql("SELECT Name FROM Opportunity WHERE Name LIKE '{:like}%'", "zeta 100%_")
    assert names(org, like) == ["Zeta 100%_off"]
    quoted = format_soql("SELECT Name FROM Account WHERE Name = {}", "O'Brien \\ \"Co\"\n")
    assert names(org, quoted) == ["O'Brien \\ \"Co\"\n"]


# ----- SELECT shapes ------------------------------------------------------------------------------
def test_parent_paths_nest_in_select_order_with_describe_spelling(org):
    _, ids = org
    [rec] = run(org, "select owner.EMAIL, account.owner.lastname, NAME, Owner.LastName, "
                     "recordtype.developername from OPPORTUNITY where name = 'big deal'")
    assert list(rec) == ["attributes", "Owner", "Account", "Name", "RecordType"]
    assert rec["Owner"] == {"attributes": {"type": "User", "url": f"{URL}User/{ids['u1']}"},
                            "Email": "smith@example.com", "LastName": "Smith"}
    assert rec["Account"]["Owner"]["LastName"] == "Smith"
    assert rec["Account"]["attributes"] == {"type": "Account", "url": f"{URL}Account/{ids['acme']}"}
    assert rec["RecordType"]["DeveloperName"] == "Enterprise"


def test_empty_lookup_is_null_and_url_needs_no_selected_id(org):
    _, ids = org
    [rec] = run(org, "SELECT Account.Name, RecordType.Name FROM Opportunity WHERE Name = 'alpha'")
    assert rec == {"attributes": {"type": "Opportunity", "url": f"{URL}Opportunity/{ids['o2']}"},
                   "Account": None, "RecordType": None}


def test_five_relationship_levels_allowed_six_refused(org):
    five = ("SELECT Account.Parent.Parent.Parent.Owner.Name FROM Opportunity "
            "WHERE Name = 'Zeta 100%_off'")
    [rec] = run(org, five)
    assert rec["Account"]["Parent"]["Parent"] is None
    assert error(org, five.replace("Owner.Name", "Owner.Manager.Name")).code == "MALFORMED_QUERY"


def test_polymorphic_what_id_name_type(org):
    _, ids = org
    recs = run(org, "SELECT Subject, What.Id, What.Name, What.Type FROM Task ORDER BY Subject")
    assert recs[0]["What"] == {
        "attributes": {"type": "Name", "url": f"{URL}Opportunity/{ids['o1']}"},
        "Id": ids["o1"], "Name": "Big Deal", "Type": "Opportunity"}
    assert recs[1]["What"]["Type"] == "Account" and recs[1]["What"]["Name"] == "Acme"
    assert recs[2]["What"] is None
    accounts = run(org, "SELECT Subject FROM Task WHERE What.Type = 'account'")
    assert [r["Subject"] for r in accounts] == ["Email"]
    assert error(org, "SELECT What.Amount FROM Task").code == "INVALID_FIELD"


def test_formula_field_selected_and_filtered(org):
    recs = run(org, "SELECT Name, Is_Large_Deal__c FROM Opportunity ORDER BY Name")
    assert {r["Name"]: r["Is_Large_Deal__c"] for r in recs} == {
        "alpha": False, "Beta": True, "Big Deal": True, "Zeta 100%_off": False}
    assert names(org, "SELECT Name FROM Opportunity WHERE Is_Large_Deal__c = true "
                      "ORDER BY Name") == ["Beta", "Big Deal"]


def test_address_compound_object_or_null(org):
    recs = run(org, "SELECT Name, BillingAddress FROM Account ORDER BY Name")
    assert recs[0]["BillingAddress"] == {"city": "Paris", "country": None, "geocodeAccuracy": None,
                                         "latitude": 48.85, "longitude": None, "postalCode": None,
                                         "state": None, "street": None}
    assert recs[1]["BillingAddress"] is None


def test_values_are_json_natives(org):
    [rec] = run(org, "SELECT Amount, CloseDate, IsPrivate, Region__c FROM Opportunity "
                     "WHERE Name = 'alpha'")
    assert rec["Amount"] == 5000.0 and rec["CloseDate"] == "2024-02-15"
    assert rec["IsPrivate"] is False and rec["Region__c"] is None


def test_duplicate_field_refused(org):
    err = error(org, "SELECT Id, Name, id FROM Account")
    assert (err.code, err.message) == ("INVALID_FIELD", "duplicate field selected: Id")


# ----- WHERE semantics ----------------------------------------------------------------------------
@pytest.mark.parametrize("where, expected", [
    ("Region__c = null", ["alpha"]),
    ("Region__c != null", ["Beta", "Big Deal", "Zeta 100%_off"]),
    ("Region__c = ''", ["alpha"]),
    ("Region__c != ''", ["Beta", "Big Deal", "Zeta 100%_off"]),
    ("Region__c NOT IN ('', 'EMEA')", ["Beta", "Zeta 100%_off"]),
    ("Region__c != 'emea'", ["alpha", "Beta", "Zeta 100%_off"]),
    ("Region__c <> 'EMEA'", ["alpha", "Beta", "Zeta 100%_off"]),
    ("Region__c NOT IN ('EMEA', 'apac')", ["alpha", "Zeta 100%_off"]),
    ("Region__c NOT IN ('EMEA', null)", ["Beta", "Zeta 100%_off"]),
    ("Region__c IN ('emea', null)", ["alpha", "Big Deal"]),
    ("Name = 'BIG DEAL'", ["Big Deal"]),
    ("Name LIKE 'b%'", ["Beta", "Big Deal"]),
    ("Name LIKE '_eta'", ["Beta"]),
    ("Name LIKE '%100\\%\\_%'", ["Zeta 100%_off"]),
    ("Name LIKE '%0_\\_%'", ["Zeta 100%_off"]),
    ("Amount > 5000", ["Beta", "Big Deal"]),
    ("Amount >= 5000", ["alpha", "Beta", "Big Deal"]),
    ("Amount < 100000", ["alpha"]),
    ("Amount <= 100000.0", ["alpha", "Beta"]),
    ("NOT Amount > 5000", ["alpha", "Zeta 100%_off"]),
    ("NOT (Region__c = 'EMEA' OR Amount < 10000)", ["Beta", "Zeta 100%_off"]),
    ("(Amount > 200000 OR Amount < 10000) AND Region__c != null", ["Big Deal"]),
    ("Account.Name = null", ["alpha", "Beta"]),
    ("Account.Owner.Email = 'SMITH@example.com'", ["Big Deal"]),
    ("IsPrivate = false AND StageName IN ('prospecting', 'Closed Won')",
     ["alpha", "Beta", "Zeta 100%_off"]),
    ("CloseDate = 2024-01-31", ["Big Deal"]),
    ("CloseDate > 2024-01-31", ["alpha", "Beta"]),
    ("SystemModstamp > 2024-01-01T20:00:00-05:00", ["Beta"]),
    ("SystemModstamp = 2024-01-01T23:59:59Z", ["alpha"]),  # stored .999: seconds compare
    ("SystemModstamp > 2024-01-01T23:59:59.500Z", ["Zeta 100%_off", "Beta"]),
    ("StageName > 'NEGOTIATION'", ["alpha", "Beta"]),
])
def test_where(org, where, expected):
    assert sorted(names(org, f"SELECT Name FROM Opportunity WHERE {where}")) == sorted(expected)


def test_ids_accept_15_and_18_characters(org):
    _, ids = org
    o1, u1 = ids["o1"], ids["u1"]
    assert names(org, f"SELECT Name FROM Opportunity WHERE Id = '{o1[:15]}'") == ["Big Deal"]
    assert names(org, f"SELECT Name FROM Opportunity WHERE Id = '{o1}'") == ["Big Deal"]
    owned = f"SELECT Name FROM Opportunity WHERE OwnerId IN ('{u1[:15]}') ORDER BY Name"
    assert names(org, owned) == ["Big Deal", "Zeta 100%_off"]
    assert names(org, f"SELECT Name FROM Opportunity WHERE Id != '{o1[:15]}' AND Amount > 0 "
                      "ORDER BY Name") == ["alpha", "Beta"]
    err = error(org, "SELECT Name FROM Opportunity WHERE Id = 'nope'")
    assert err.code == "INVALID_QUERY_FILTER_OPERATOR" and "invalid ID field: nope" in err.message


@pytest.mark.parametrize("literal, expected", [
    ("TODAY", ["alpha"]),
    ("YESTERDAY", []),
    ("THIS_MONTH", ["alpha"]),
    ("LAST_MONTH", ["Big Deal"]),
    ("LAST_N_DAYS:15", ["alpha", "Big Deal"]),
    ("NEXT_N_DAYS:30", []),
    ("THIS_YEAR", ["alpha", "Big Deal"]),
    ("LAST_YEAR", ["Zeta 100%_off"]),
    ("NEXT_YEAR", ["Beta"]),
    ("LAST_N_MONTHS:3", ["Big Deal", "Zeta 100%_off"]),
])
def test_relative_date_literals_on_date_field(org, literal, expected):
    got = names(org, f"SELECT Name FROM Opportunity WHERE CloseDate = {literal}")
    assert sorted(got) == sorted(expected)


def test_relative_date_literals_compare_with_range_ends(org):
    assert sorted(names(org, "SELECT Name FROM Opportunity WHERE CloseDate < THIS_MONTH")) == \
        ["Big Deal", "Zeta 100%_off"]
    assert names(org, "SELECT Name FROM Opportunity WHERE CloseDate > THIS_YEAR") == ["Beta"]
    assert sorted(names(org, "SELECT Name FROM Opportunity WHERE CloseDate != THIS_YEAR")) == \
        ["Beta", "Zeta 100%_off"]
    stamps = "SELECT Name FROM Opportunity WHERE SystemModstamp = LAST_N_DAYS:{}"
    assert len(names(org, stamps.format(45))) == 4  # since 2023-12-31T00:00:00Z
    assert names(org, stamps.format(30)) == []  # since 2024-01-16


def test_relative_range_units():
    thursday = date(2024, 2, 15)
    assert relative_range("THIS_WEEK", None, thursday) == (date(2024, 2, 11), date(2024, 2, 18))
    assert relative_range("LAST_QUARTER", None, thursday) == (date(2023, 10, 1), date(2024, 1, 1))
    assert relative_range("NEXT_N_MONTHS", 2, thursday) == (date(2024, 3, 1), date(2024, 5, 1))
    assert relative_range("N_DAYS_AGO", 3, thursday) == (date(2024, 2, 12), date(2024, 2, 13))
    assert relative_range("LAST_90_DAYS", None, thursday) == (date(2023, 11, 17), date(2024, 2, 16))


# ----- ORDER BY, LIMIT, OFFSET --------------------------------------------------------------------
def test_order_by_is_case_insensitive_with_salesforce_null_placement(org):
    assert names(org, "SELECT Name FROM Opportunity ORDER BY Name") == \
        ["alpha", "Beta", "Big Deal", "Zeta 100%_off"]
    assert names(org, "SELECT Name FROM Opportunity ORDER BY Amount") == \
        ["Zeta 100%_off", "alpha", "Beta", "Big Deal"]
    assert names(org, "SELECT Name FROM Opportunity ORDER BY Amount DESC") == \
        ["Big Deal", "Beta", "alpha", "Zeta 100%_off"]
    assert names(org, "SELECT Name FROM Opportunity ORDER BY Amount DESC NULLS FIRST") == \
        ["Zeta 100%_off", "Big Deal", "Beta", "alpha"]
    assert names(org, "SELECT Name FROM Opportunity ORDER BY Amount ASC NULLS LAST") == \
        ["alpha", "Beta", "Big Deal", "Zeta 100%_off"]


def test_order_by_parent_path_and_several_keys(org):
    assert names(org, "SELECT Name FROM Opportunity ORDER BY Account.Name, Name DESC") == \
        ["Beta", "alpha", "Big Deal", "Zeta 100%_off"]
    assert names(org, "SELECT Name FROM Opportunity ORDER BY Owner.LastName DESC, CloseDate") == \
        ["Zeta 100%_off", "Big Deal", "alpha", "Beta"]


def test_picklists_sort_in_definition_order(org):
    assert names(org, "SELECT Name FROM Opportunity ORDER BY StageName, Name") == \
        ["alpha", "Beta", "Big Deal", "Zeta 100%_off"]
    assert names(org, "SELECT Name FROM Opportunity ORDER BY StageName DESC, Name") == \
        ["Zeta 100%_off", "Big Deal", "alpha", "Beta"]
    assert names(org, "SELECT Name FROM Account ORDER BY Type DESC, Name") == \
        ["Acme", "globex", "O'Brien \\ \"Co\"\n"]


def test_limit_offset_and_total_size(org):
    soql = "SELECT Name FROM Opportunity ORDER BY Name LIMIT 2 OFFSET 1"
    assert names(org, soql) == ["Beta", "Big Deal"]
    assert names(org, "SELECT Name FROM Opportunity ORDER BY Name OFFSET 3") == ["Zeta 100%_off"]
    store = org[0]
    q = compile_soql("SELECT COUNT() FROM Opportunity WHERE Amount > 0 LIMIT 2", store.objects)
    assert store.con.execute(q.sql, q.params).fetchone()[0] == 2
    err = error(org, "SELECT Name FROM Opportunity OFFSET 2001")
    assert (err.code, err.message) == ("NUMBER_OUTSIDE_VALID_RANGE",
                                       "Maximum SOQL offset allowed is 2000")


def test_sql_is_deterministic_for_paging(org):
    q = compile_soql("SELECT Name FROM Opportunity ORDER BY StageName", org[0].objects)
    assert q.sql.split("ORDER BY")[1].rstrip().endswith("t0.rowid")


# ----- aggregates ---------------------------------------------------------------------------------
def test_aggregates_with_group_by(org):
    recs = run(org, "SELECT StageName, COUNT(Id), SUM(Amount) total, MAX(CloseDate) FROM "
                    "Opportunity GROUP BY StageName ORDER BY StageName")
    assert recs[0] == {"attributes": {"type": "AggregateResult"}, "StageName": "Prospecting",
                       "expr0": 2, "total": 105000.0, "expr1": "2025-06-30"}
    assert [r["StageName"] for r in recs] == ["Prospecting", "Negotiation", "Closed Won"]
    by_count = run(org, "SELECT StageName, COUNT(Id) FROM Opportunity GROUP BY StageName "
                        "ORDER BY COUNT(Id) DESC, StageName DESC LIMIT 2")
    assert [(r["StageName"], r["expr0"]) for r in by_count] == [("Prospecting", 2),
                                                                 ("Closed Won", 1)]
    grouped_parent = run(org, "SELECT Owner.LastName, COUNT_DISTINCT(AccountId) FROM Opportunity "
                              "GROUP BY Owner.LastName ORDER BY Owner.LastName")
    assert [list(r.items())[1:] for r in grouped_parent] == [
        [("LastName", "Jones"), ("expr0", 0)], [("LastName", "Smith"), ("expr0", 2)]]
    [one] = run(org, "SELECT COUNT(Id) n, AVG(Amount) FROM Opportunity WHERE Account.Name = 'acme'")
    assert one == {"attributes": {"type": "AggregateResult"}, "n": 1, "expr0": 250000.0}
    assert error(org, "SELECT Name, COUNT(Id) FROM Opportunity GROUP BY StageName").code == \
        "MALFORMED_QUERY"
    assert error(org, "SELECT SUM(Name) FROM Opportunity").code == "MALFORMED_QUERY"
    assert error(org, "SELECT COUNT(BillingAddress) FROM Account").code == "MALFORMED_QUERY"
    assert error(org, "SELECT COUNT(Id) FROM Opportunity GROUP BY Amount").code == "INVALID_FIELD"


# ----- Bulk 2.0 -----------------------------------------------------------------------------------
def test_bulk_rows_are_csv_ready(org):
    store = org[0]
    soql = ("SELECT Name, Owner.Email, Account.Name, CloseDate, IsPrivate, SystemModstamp, Amount "
            "FROM Opportunity ORDER BY Name LIMIT 2")
    q = compile_soql(soql, store.objects, for_bulk=True)
    assert q.csv_header() == ["Name", "Owner.Email", "Account.Name", "CloseDate", "IsPrivate",
                              "SystemModstamp", "Amount"]
    store.con.execute(f"CREATE TEMP TABLE bulk_result AS {q.sql}", q.params)
    columns = [row[0] for row in store.con.execute("DESCRIBE bulk_result").fetchall()]
    assert columns == q.csv_header()
    assert run(org, soql, for_bulk=True) == [
        ("alpha", None, None, "2024-02-15", "false", "2024-01-01T23:59:59.000Z", 5000.0),
        ("Beta", None, None, "2025-06-30", "false", "2024-01-03T00:00:00.000Z", 100000.0)]


@pytest.mark.parametrize("soql, code", [
    ("SELECT BillingAddress FROM Account", "API_ERROR"),
    ("SELECT COUNT() FROM Account", "MALFORMED_QUERY"),
    ("SELECT Name FROM Account OFFSET 5", "MALFORMED_QUERY"),
    ("SELECT Type, COUNT(Id) FROM Account GROUP BY Type", "MALFORMED_QUERY"),
    ("SELECT Name, (SELECT Name FROM Contacts) FROM Account", "MALFORMED_QUERY"),
])
def test_bulk_refuses_what_bulk_cannot_do(org, soql, code):
    err = error(org, soql, for_bulk=True)
    assert err.code == code
    if code == "API_ERROR":
        assert err.message == "Selecting compound data not supported in Bulk Query"


# ----- errors -------------------------------------------------------------------------------------
def test_unknown_object_message_matches_salesforce(org):
    err = error(org, "select count() from XYZZY")
    assert err.code == "INVALID_TYPE"
    assert err.message == (
        "\nselect count() from XYZZY\n                    ^\nERROR at Row:1:Column:21\n"
        "sObject type 'XYZZY' is not supported. If you are attempting to use a custom object, be "
        "sure to append the '__c' after the entity name. Please reference your WSDL or the "
        "describe call for the appropriate names.")


def test_unknown_field_message_points_at_row_and_column(org):
    err = error(org, "SELECT Id,\n  SF_date__c FROM Opportunity")
    assert err.code == "INVALID_FIELD"
    assert err.message.startswith("\n  SF_date__c FROM Opportunity\n  ^\nERROR at Row:2:Column:3\n"
                                  "No such column 'SF_date__c' on entity 'Opportunity'. If you")
    bad_relationship = error(org, "SELECT Ownr.Name FROM Task")
    assert "Didn't understand relationship 'Ownr'" in bad_relationship.message


@pytest.mark.parametrize("soql, message", [
    ("SELECT Id FRM Account", "unexpected token: 'FRM'"),
    ("SELECT Id FROM Account WHERE Name = 'a' AND Type = 'b' OR Type = 'c'",
     "unexpected token: 'OR'"),
    ("SELECT Id FROM Account WHERE Name = \"a\"", "unexpected token: '\"'"),
    ("SELECT Id FROM Account WHERE Name = 'a\\d'", "Illegal character sequence '\\d'"),
    ("SELECT Id FROM Account WHERE Name = '50\\%'", "Illegal character sequence '\\%'"),
    ("SELECT Id FROM Account WHERE Name = 'open", "unexpected token: '''"),
    ("SELECT Id, (SELECT Id FROM Contacts) FROM Account", "subqueries are not supported"),
    ("SELECT TYPEOF What WHEN Account THEN Name END FROM Task", "TYPEOF is not supported"),
    ("SELECT Id FROM Account WHERE Id IN (SELECT AccountId FROM Contact)", "semi-join"),
    ("SELECT Type, COUNT(Id) FROM Account GROUP BY Type HAVING COUNT(Id) > 1", "HAVING"),
    ("SELECT COUNT(), Id FROM Account", "unexpected token: ','"),
    ("SELECT Id, COUNT() FROM Account", "unexpected token: 'COUNT'"),
    ("SELECT COUNT() FROM Account GROUP BY Type", "COUNT() cannot be used with GROUP BY"),
    ("SELECT Id FROM Account WHERE CreatedDate = LAST_N_DAYS", "unexpected token: 'LAST_N_DAYS'"),
    ("SELECT Id FROM Account WHERE CreatedDate = SOMEDAY", "unexpected token: 'SOMEDAY'"),
    ("SELECT Id FROM Account WHERE CreatedDate > 2024-01-01T00:00:00", "unexpected token"),
    ("SELECT Id FROM Account WHERE Name = 'a' LIMIT 5 garbage", "unexpected token: 'garbage'"),
    ("SELECT Id FROM Account WHERE AnnualRevenue > null", "null can only be compared"),
    ("SELECT FORMAT(Name) FROM Account", "function FORMAT() is not supported"),
    ("SELECT Id FROM Account WHERE Name INCLUDES ('a')", "INCLUDES is not supported"),
    ("SELECT Id FROM Account WITH SECURITY_ENFORCED", "WITH clauses are not supported"),
    ("SELECT Id FROM Account WHERE", "unexpected token: '<EOF>'"),
])
def test_malformed_queries(org, soql, message):
    err = error(org, soql)
    assert err.code == "MALFORMED_QUERY"
    assert message in err.message


@pytest.mark.parametrize("soql, message", [
    ("SELECT Id FROM Opportunity WHERE CloseDate = 2024-01-01T00:00:00Z",
     "value of filter criterion for field 'CloseDate' must be of type date and should not be "
     "enclosed in quotes"),
    ("SELECT Id FROM Opportunity WHERE SystemModstamp >= 2024-01-01",
     "field 'SystemModstamp' must be of type dateTime"),
    ("SELECT Id FROM Opportunity WHERE IsDeleted = 'true'", "must be of type boolean"),
    ("SELECT Id FROM Opportunity WHERE Name = true", "must be of type string and should be "
                                                     "enclosed in quotes"),
    ("SELECT Id FROM Opportunity WHERE Amount = '5'", "must be of type double"),
    ("SELECT Id FROM Opportunity WHERE Name = TODAY", "must be of type string"),
    ("SELECT Id FROM Opportunity WHERE Description = 'x'", "can not be filtered"),
    ("SELECT Id FROM Opportunity ORDER BY Description", "can not be sorted"),
    ("SELECT Id FROM Opportunity WHERE Amount LIKE '5%'", "LIKE needs a text field"),
])
def test_type_mismatches_are_invalid_field(org, soql, message):
    err = error(org, soql)
    assert err.code == "INVALID_FIELD"
    assert message in err.message


def test_string_escapes():
    assert unescape("a\\nb\\'c\\\\d\\u00e9\\T", like=False) == "a\nb'c\\d\u00e9\t"
    assert unescape("100\\%_\\_\\\\", like=True) == "100\\%_\\_\\\\"
    with pytest.raises(ValueError):
        unescape("\\_", like=False)


# ----- speed --------------------------------------------------------------------------------------
def test_to_record_is_cheap(org):
    """2,000 rows x 20 columns (two parent objects) must map well under 10 ms."""
    store = org[0]
    fields = ["Id", "Name", "StageName", "Amount", "Probability", "CloseDate", "Type",
              "LeadSource", "IsClosed", "IsWon", "ForecastCategoryName", "Region__c",
              "CreatedDate", "LastModifiedDate", "SystemModstamp", "IsDeleted", "Owner.Email",
              "Owner.Name", "Account.Name", "Account.Type"]
    q = compile_soql(f"SELECT {', '.join(fields)} FROM Opportunity WHERE Name = 'Big Deal'",
                     store.objects)
    rows = store.con.execute(q.sql, q.params).fetchall() * 2000
    best = min(_timed(q.to_record, rows) for _ in range(5))
    print(f"to_record: {best * 1000:.2f} ms for 2000 rows x 20 columns")
    assert best < 0.010


def _timed(fn, rows) -> float:
    start = time.perf_counter()
    for row in rows:
        fn(row)
    return time.perf_counter() - start
