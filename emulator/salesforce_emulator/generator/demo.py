"""Deterministic demo org: what tests, `make demo` and the benchmarks run against.

`generate_org(store, scale, seed, now)` fills an empty Store. The same seed and `now` give
byte-identical tables at any chunk size, because every value is a hash of (seed, field, record
number) - see random.py. Records are spread over the 3 years before `now`; IDs rise
with CreatedDate and use ids.mint numbering (1..n per object), so Store.new_id continues after.

Scales (users / accounts / contacts / opportunities / tasks + events + emails):
    small    50 /     500 /     5,000 /     5,000 /    12,500 +     7,500 +     5,000
    medium  200 /  10,000 /   100,000 /   100,000 /   250,000 +   150,000 +   100,000
    large 1,000 / 100,000 / 1,000,000 / 1,000,000 / 2,500,000 + 1,500,000 + 1,000,000
Contact roles (~1.6 per deal) and projects (~1 per 6 deals) follow from the deals.

The realistic cases a real org has, with their shares. "Positional" cases depend only on the
record number, so they exist at every seed and scale; the others are hashed shares.
Users (positional, by user number; user 1 is the admin, user 2 the VP Sales):
  - inactive users: number % 10 == 7 (10%); they still own deals and accounts.
  - email with surrounding whitespace: number % 10 == 3 (10%), e.g. "  ann.lee3@acme-demo.com ".
  - email in mixed case: number % 5 == 1 (~20%), e.g. "Ann.Lee6@ACME-DEMO.COM".
  - email outside COMPANY_DOMAIN (gmail.com, partner-agency.io, ...): number % 16 == 9 (~6%).
  - managers: number % 8 == 2 report to user 2; everyone else (but users 1, 2) to their manager.
  Username is always <local>@acme-demo.com; owner matching must trim and case-fold Email.
OpportunityStage: the 10 stages of a new org's sales process ("OpportunityStage" in the Object
  Reference for the Salesforce Platform,
  https://developer.salesforce.com/docs/platform/object-reference/references/standard-objects/object-opportunitystage.html)
  plus the INACTIVE "Legacy Discovery" (5%, Pipeline). RecordType: New Business, Renewal,
  Partner (Opportunity, 60/25/15% of deals) and Customer Account (Account).
Accounts: billing address in 16 cities (5% without address, 10% two-line street), 5% with a
  parent account, one in 250 (number % 250 == 125) with a 30,000-character Description.
Contacts: 10 per account in blocks; ~3% orphans without AccountId; 5% without email, ~3% with
  a mixed-case email; 1% deleted; number % 1000 == 500 has a 30,000-character Description.
Opportunities:
  - closed (Won 40% / Lost 60%) once past their close date, 8% of past-due deals stay open;
    ~1% (old, still open) sit in the inactive stage "Legacy Discovery".
  - Type: ~4% the inactive value "Renewal (legacy)" (first-year Renewal deals); 5% of
    non-renewals have no Type. Region__c from the account's city, 6% null, and the inactive
    value "ANZ" on first-year Sydney deals (~2%).
  - Amount null for 4%; ~17% are >= 100,000 (Is_Large_Deal__c); NextStep on ~70% of open deals.
    Account_Industry__c and Days_Open__c are formulas, computed when read (nothing generated).
  - IsClosed/IsWon/ForecastCategory*/Probability/ExpectedRevenue/Fiscal* as the stage implies.
  - CreatedDate <= LastStageChangeDate <= LastModifiedDate <= SystemModstamp <= now, in whole
    seconds as Salesforce stores datetimes; about one record in six (every object) has
    SystemModstamp > LastModifiedDate.
  - 1.5% deleted; number % 1000 == 500 has a 30,000-character Description; number % 97 == 0
    has an emoji in its Name. Names carry accents, apostrophes and CJK (word lists).
OpportunityContactRole: 0-4 per deal (15% none), on distinct contacts of the deal's account; the
  first role is primary for 80% of deals, so at most one primary per deal and some deals have
  roles but no primary.
Task (50% of activities) / Event (30%) / EmailMessage (20%): on a deal created within the prior
  120 days (Task: 88% deal, 8% account, 4% no WhatId; Event 85/10/5), WhoId a contact of that
  account (75% of tasks, 70% of events). Tasks: 1% deleted on their own (~3% with cascades);
  statuses, priorities and subtypes in realistic mixes; number % 101 == 0 has an emoji Subject;
  task/event number % 2000 == 1000 has a 30,000-character Description. Emails: 40% incoming,
  From/To are the contact's and the owner's (trimmed) addresses, 15% with two recipients,
  number % 2000 == 1000 has a 100,000-character TextBody, number % 211 == 0 an emoji Subject.
Deletion cascades: roles, tasks and events of a deleted deal or contact, and emails of a deleted
  deal, are deleted with it at the same moment. Every deleted row is also in _deleted_log
  (object, id, deleted_at = SystemModstamp).
Project__c: for ~half of the won, live deals; first-year ones 20% "Cancelled" (inactive value).
Not modelled: LastActivityDate stays NULL, IsArchived is always false, no Leads or Cases.
"""

from datetime import datetime

from ..org.store import DELETED_LOG, Store, quote, utcnow_s
from .accounts import generate_accounts, generate_contacts
from .activities import generate_emails, generate_events, generate_tasks
from .deals import generate_opportunities
from .plan import COMPANY_DOMAIN, SCALES, Plan, Scale, to_utc_ms
from .random import Random
from .setup import STAGES, generate_record_types, generate_stages, generate_users

__all__ = ["COMPANY_DOMAIN", "SCALES", "STAGES", "Scale", "generate_org"]


def generate_org(store: Store, scale: str | Scale = "small", seed: int = 7,
                 now: datetime | None = None) -> dict[str, int]:
    """Fill an empty store with the demo org; returns rows per object (deleted rows included).

    `now` (naive UTC or aware) is the end of the generated history. It defaults to the start of
    the current UTC day: recent data, identical for runs on the same day; pass it explicitly
    whenever data must be reproducible across days. `scale` may also be a custom Scale.
    """
    sizes = SCALES[scale] if isinstance(scale, str) else scale
    if sizes.contacts_per_account < 3:
        raise ValueError("contacts_per_account must be at least 3")
    now_ms = to_utc_ms(now or utcnow_s().replace(hour=0, minute=0, second=0))
    plan = Plan(scale=sizes, rand=Random(seed), now_ms=now_ms // 1000 * 1000)
    with store.lock:
        _require_empty(store)
        counts = {
            "User": generate_users(store, plan),
            "OpportunityStage": generate_stages(store, plan),
            "RecordType": generate_record_types(store, plan),
            "Account": generate_accounts(store, plan),
            "Contact": generate_contacts(store, plan),
            **generate_opportunities(store, plan),
            "Task": generate_tasks(store, plan),
            "Event": generate_events(store, plan),
            "EmailMessage": generate_emails(store, plan),
        }
        _log_deletions(store)
        store.sync_counters()
    return {name: counts.get(name, 0) for name in store.objects}


def _require_empty(store: Store) -> None:
    """Generated IDs start at 1; loading into a filled store would duplicate them."""
    filled = [name for name, obj in store.objects.items() if store.count(obj)]
    if filled:
        raise ValueError(f"generate_org needs an empty store; these objects have rows: {filled}")


def _log_deletions(store: Store) -> None:
    """What sobjects/X/deleted reports: one entry per deleted row, at its deletion time."""
    for name, obj in store.objects.items():
        if obj.has_is_deleted:
            store.con.execute(
                f"INSERT INTO {DELETED_LOG} SELECT ?, \"Id\", \"SystemModstamp\" "
                f"FROM {quote(name)} WHERE \"IsDeleted\" ORDER BY \"SystemModstamp\", \"Id\"",
                [name])
