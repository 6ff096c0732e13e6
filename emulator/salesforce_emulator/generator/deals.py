"""Opportunities with their contact roles and Project__c records.

A deal's life: created at a time that rises with its number, on an account that already existed,
closes `cycle` days later. Past its close date it is usually Closed Won/Lost; some stay open
(overdue), and old overdue ones still sit in the retired "Legacy Discovery" stage. The derived
fields (IsClosed, IsWon, ForecastCategory*, Probability, ExpectedRevenue, Fiscal*) are computed
from STAGES exactly as Store._derive_opportunity does.
"""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..org.store import Store
from .accounts import (
    LONG_DESCRIPTION,
    account_city,
    account_created,
    account_name_and_domain,
    contact_created,
    contact_deletion,
    contact_of,
    short_description,
)
from .plan import Plan, insert_columns, values_of
from .random import (
    MS_PER_DAY,
    between,
    dates,
    deletion,
    from_quantiles,
    join,
    lifecycle,
    mint_ids,
    null_where,
    spread_in_time,
    timestamps,
    where,
)
from .setup import CLOSED_LOST, CLOSED_WON, LEGACY_STAGE, PARTNER, RENEWAL, STAGES
from .text import CITIES, NEXT_STEPS, PRODUCTS, SYDNEY, take

OPPORTUNITY_DELETED_SHARE = 0.015
FIRST_YEAR_MS = 365 * MS_PER_DAY
# (share of deals, amount): median 25k, ~17% at or above 100k (Is_Large_Deal__c).
DEAL_SIZES = [(0, 2_000), (0.2, 8_000), (0.5, 25_000), (0.8, 80_000), (0.9, 150_000),
              (0.97, 400_000), (1, 900_000)]
_STAGE_COLUMNS = [np.array(column) for column in zip(*STAGES)]


def opportunity_account(plan: Plan, k: np.ndarray) -> np.ndarray:
    """An account created before the deal; older accounts collect more deals, as in real orgs."""
    raw = spread_in_time(plan.rand, "opp.created", k, plan.scale.opportunities,
                         plan.start_ms, plan.span_ms)
    existing = np.clip((plan.fraction_of_history(raw) * plan.scale.accounts).astype(np.int64),
                       1, plan.scale.accounts)
    return 1 + plan.rand.below("opp.account", k, existing)


def opportunity_created(plan: Plan, k: np.ndarray) -> np.ndarray:
    raw = spread_in_time(plan.rand, "opp.created", k, plan.scale.opportunities,
                         plan.start_ms, plan.span_ms)
    return np.maximum(raw, account_created(plan, opportunity_account(plan, k)) + 60_000)


def opportunity_deletion(plan: Plan, k: np.ndarray):
    """(deleted?, alive-until ms); the deal's roles and activities are deleted with it."""
    return deletion(plan.rand, "opp", k, OPPORTUNITY_DELETED_SHARE,
                    opportunity_created(plan, k), plan.now_ms)


def opportunity_name(plan: Plan, k: np.ndarray) -> pa.Array:
    account_name, _ = account_name_and_domain(plan, opportunity_account(plan, k))
    name = join(account_name, take(PRODUCTS, plan.rand.below("opp.product", k, len(PRODUCTS))),
                sep=" - ")
    return where(k % 97 == 0, join("🚀 ", name), name)


def opportunity_owner(plan: Plan, k: np.ndarray) -> np.ndarray:
    return plan.sales_users("opp.owner", k)


def _fiscal(close_days: np.ndarray):
    """Calendar fiscal year and quarter (the default fiscal year starts in January)."""
    day = close_days.astype("datetime64[D]")
    year = day.astype("datetime64[Y]").astype(np.int64) + 1970
    month = day.astype("datetime64[M]").astype(np.int64) % 12 + 1
    return year, (month - 1) // 3 + 1


def _opportunity_type(plan: Plan, k, record_type, first_year) -> pa.Array:
    rand = plan.rand
    renewal = rand.pick("opp.renewal_type", k, ["Existing Customer - Upgrade",
                                                "Existing Customer - Replacement",
                                                "Existing Customer - Downgrade"], [5, 3, 2])
    legacy = first_year & rand.chance("opp.legacy_type", k, 0.5)
    renewal = where(legacy, "Renewal (legacy)", renewal)
    partner = where(rand.chance("opp.partner_upgrade", k, 0.3), "Existing Customer - Upgrade",
                    "New Customer")
    kind = where(record_type == RENEWAL, renewal,
                 where(record_type == PARTNER, partner, pa.array(["New Customer"] * len(k))))
    return null_where((record_type != RENEWAL) & rand.chance("opp.no_type", k, 0.05), kind)


def generate_opportunities(store: Store, plan: Plan) -> dict[str, int]:
    """Opportunities chunk by chunk, each chunk followed by its contact roles and projects."""
    rows = {"Opportunity": 0, "OpportunityContactRole": 0, "Project__c": 0}
    for k in plan.chunks(plan.scale.opportunities):
        deal = _insert_opportunity_chunk(store, plan, k)
        rows["Opportunity"] += len(k)
        rows["OpportunityContactRole"] += _insert_contact_roles(
            store, plan, k, deal, rows["OpportunityContactRole"])
        rows["Project__c"] += _insert_projects(store, plan, k, deal, rows["Project__c"])
    return rows


def _insert_opportunity_chunk(store: Store, plan: Plan, k: np.ndarray) -> dict:
    rand, now = plan.rand, plan.now_ms
    account = opportunity_account(plan, k)
    created = opportunity_created(plan, k)
    deleted, until = opportunity_deletion(plan, k)
    first_year = created < plan.start_ms + FIRST_YEAR_MS
    record_type = 1 + rand.index("opp.record_type", k, [60, 25, 15])

    close_day = created // MS_PER_DAY + 14 + rand.below("opp.cycle", k, 240)
    past_due = close_day < plan.today
    stale = past_due & rand.chance("opp.stale", k, 0.08)
    closed = past_due & ~stale
    won = closed & rand.chance("opp.won", k, 0.4)
    legacy = stale & first_year & rand.chance("opp.legacy_stage", k, 0.4)
    open_stage = rand.index("opp.open_stage", k, [20, 15, 15, 12, 10, 10, 10, 8])
    stage = np.where(legacy, LEGACY_STAGE, np.where(won, CLOSED_WON,
                     np.where(closed, CLOSED_LOST, open_stage)))

    closed_at = np.clip(close_day * MS_PER_DAY + 8 * 3_600_000 + rand.below("opp.closed_at", k,
                        10 * 3_600_000), created, until)
    modified = np.where(closed, between(rand, "opp.after_close", k, closed_at, until, skew=4),
                        between(rand, "opp.modified", k, created, until, skew=2))
    modified, modstamp = lifecycle(rand, "opp", k, created, until, deleted, now, modified)
    stage_changed = np.where(closed, closed_at,
                             between(rand, "opp.stage_changed", k, created, modified))
    stage_changed = np.where(stage == 0, created, stage_changed)

    amount = np.round(from_quantiles(rand, "opp.amount", k, DEAL_SIZES), -2)
    no_amount = rand.chance("opp.no_amount", k, 0.04)
    probability = _STAGE_COLUMNS[1][stage].astype(np.float64)
    fiscal_year, fiscal_quarter = _fiscal(close_day)
    city = account_city(plan, account)
    region = take([c[7] for c in CITIES], city)
    region = where((city == SYDNEY) & first_year, "ANZ", region)
    owner = opportunity_owner(plan, k)
    user_prefix = store.objects["User"].key_prefix
    editor = np.where(rand.chance("opp.edited_by_admin", k, 0.2), 1, owner)
    description = short_description(plan, "opp.description", k, 0.25)
    insert_columns(store, "Opportunity", {
        "Id": mint_ids(store.objects["Opportunity"].key_prefix, k), "IsDeleted": pa.array(deleted),
        "AccountId": mint_ids(store.objects["Account"].key_prefix, account),
        "RecordTypeId": mint_ids(store.objects["RecordType"].key_prefix, record_type),
        "IsPrivate": pa.array(rand.chance("opp.private", k, 0.01)),
        "Name": opportunity_name(plan, k),
        "Description": where(k % 1000 == 500, LONG_DESCRIPTION, description),
        "StageName": take(_STAGE_COLUMNS[0].tolist(), stage),
        "Amount": pa.array(amount, mask=no_amount), "Probability": pa.array(probability),
        "ExpectedRevenue": pa.array(amount * probability / 100, mask=no_amount),
        "TotalOpportunityQuantity": pa.array((1 + rand.below("opp.quantity", k, 500)).astype(float),
                                             mask=rand.chance("opp.no_quantity", k, 0.5)),
        "CloseDate": dates(close_day),
        "Type": _opportunity_type(plan, k, record_type, first_year),
        "NextStep": null_where(closed | rand.chance("opp.no_next_step", k, 0.3),
                               take(NEXT_STEPS, rand.below("opp.next_step", k, len(NEXT_STEPS)))),
        "LeadSource": rand.pick("opp.lead_source", k, values_of("LeadSource") + [None]),
        "IsClosed": pa.array(_STAGE_COLUMNS[2][stage]), "IsWon": pa.array(_STAGE_COLUMNS[3][stage]),
        "ForecastCategoryName": take(_STAGE_COLUMNS[4].tolist(), stage),
        "ForecastCategory": take(_STAGE_COLUMNS[5].tolist(), stage),
        "OwnerId": mint_ids(user_prefix, owner), "CreatedById": mint_ids(user_prefix, owner),
        "LastModifiedById": mint_ids(user_prefix, editor),
        "LastStageChangeDate": timestamps(stage_changed),
        "FiscalYear": pa.array(fiscal_year), "FiscalQuarter": pa.array(fiscal_quarter),
        "Region__c": null_where(rand.chance("opp.no_region", k, 0.06), region),
        "CreatedDate": timestamps(created), "LastModifiedDate": timestamps(modified),
        "SystemModstamp": timestamps(modstamp),
    })
    return {"account": account, "created": created, "deleted": deleted, "until": until,
            "won": won, "closed_at": closed_at, "owner": owner, "first_year": first_year}


def _insert_contact_roles(store: Store, plan: Plan, k: np.ndarray, deal: dict, done: int) -> int:
    """0-4 roles per deal on distinct contacts of its account; the first is usually primary."""
    rand, per = plan.rand, plan.scale.contacts_per_account
    counts = rand.index("ocr.count", k, [15, 35, 30, 15, 5])
    of_deal = np.repeat(np.arange(len(k)), counts)
    position = np.arange(len(of_deal)) - np.repeat(np.cumsum(counts) - counts, counts)
    opp = k[of_deal]
    slot = (rand.below("ocr.first_slot", opp, per - 1) + position) % (per - 1)
    contact = contact_of(plan, deal["account"][of_deal], slot)
    contact_deleted, contact_until = contact_deletion(plan, contact)
    lower = np.maximum(deal["created"][of_deal], contact_created(plan, contact))
    window = np.minimum(30 * MS_PER_DAY, deal["until"][of_deal] - lower)
    created = lower + (rand.unit("ocr.created", opp * 8 + position) * window).astype(np.int64)
    until = np.minimum(deal["until"][of_deal], contact_until)
    keep = created < until  # a contact deleted before the role existed cannot hold it
    n = done + np.arange(1, keep.sum() + 1)
    opp, position, contact = opp[keep], position[keep], contact[keep]
    created, until = created[keep], until[keep]
    deleted = (deal["deleted"][of_deal] | contact_deleted)[keep]
    modified, modstamp = lifecycle(rand, "ocr", n, created, until, deleted, plan.now_ms)
    primary = (position == 0) & rand.chance("ocr.primary", opp, 0.8)
    owner = mint_ids(store.objects["User"].key_prefix, opportunity_owner(plan, opp))
    return insert_columns(store, "OpportunityContactRole", {
        "Id": mint_ids(store.objects["OpportunityContactRole"].key_prefix, n),
        "IsDeleted": pa.array(deleted),
        "OpportunityId": mint_ids(store.objects["Opportunity"].key_prefix, opp),
        "ContactId": mint_ids(store.objects["Contact"].key_prefix, contact),
        "Role": where(primary, rand.pick("ocr.primary_role", n, ["Decision Maker", "Economic Buyer",
                                                                 "Executive Sponsor"]),
                      rand.pick("ocr.role", n, values_of("ContactRole") + [None])),
        "IsPrimary": pa.array(primary),
        "CreatedById": owner, "LastModifiedById": owner,
        "CreatedDate": timestamps(created), "LastModifiedDate": timestamps(modified),
        "SystemModstamp": timestamps(modstamp),
    })


def _insert_projects(store: Store, plan: Plan, k: np.ndarray, deal: dict, done: int) -> int:
    """About half of the won, live deals get a delivery project after they close."""
    rand, now = plan.rand, plan.now_ms
    has_project = deal["won"] & ~deal["deleted"] & rand.chance("project.exists", k, 0.5)
    opp = k[has_project]
    n = done + np.arange(1, len(opp) + 1)
    created = np.minimum(deal["closed_at"][has_project] + rand.below("project.created", n,
                                                                     14 * MS_PER_DAY), now)
    modified, modstamp = lifecycle(rand, "project", n, created, np.full(len(n), now),
                                   np.zeros(len(n), bool), now)
    cancelled = deal["first_year"][has_project] & rand.chance("project.cancelled", n, 0.2)
    status = where(created < now - 120 * MS_PER_DAY, "Done",
                   rand.pick("project.status", n, ["Planned", "Active"], [3, 7]))
    account_name, _ = account_name_and_domain(plan, deal["account"][has_project])
    owner = mint_ids(store.objects["User"].key_prefix, deal["owner"][has_project])
    return insert_columns(store, "Project__c", {
        "Id": mint_ids(store.objects["Project__c"].key_prefix, n),
        "IsDeleted": pa.array(np.zeros(len(n), bool)),
        "Name": join(pc.utf8_slice_codeunits(account_name, 0, 60), " – Rollout"),
        "OwnerId": owner, "CreatedById": owner, "LastModifiedById": owner,
        "Opportunity__c": mint_ids(store.objects["Opportunity"].key_prefix, opp),
        "Status__c": where(cancelled, "Cancelled", status),
        "Hours__c": pa.array(np.round(rand.unit("project.hours", n) * 400, 1)),
        "CreatedDate": timestamps(created), "LastModifiedDate": timestamps(modified),
        "SystemModstamp": timestamps(modstamp),
    })
