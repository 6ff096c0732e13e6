"""Accounts and contacts of the demo org.

Contacts come in blocks: account a owns contacts (a-1)*k+1 .. a*k (k = contacts_per_account), so
any later step finds "a contact of this deal's account" by arithmetic. The last slot of a block
is sometimes an orphan contact (no AccountId) that no deal or activity points at.
The `account_*` / `contact_*` functions are pure, so children recompute their parents' facts.
"""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..org.store import Store
from .plan import Plan, insert_columns, values_of
from .random import (
    as_text,
    deletion,
    from_quantiles,
    join,
    lifecycle,
    mint_ids,
    null_where,
    timestamps,
    where,
)
from .setup import ACCOUNT_RECORD_TYPE
from .text import (
    CITIES,
    COMPANY_ROOTS,
    COMPANY_SECTORS,
    COMPANY_SUFFIXES,
    DEPARTMENTS,
    DESCRIPTIONS,
    FIRST_NAMES,
    LAST_NAMES,
    TITLES,
    TLDS,
    display_and_slug,
    long_text,
    take,
)

CONTACT_DELETED_SHARE = 0.01
LONG_DESCRIPTION = long_text(30_000)
REVENUES = [(0, 100_000), (0.5, 5_000_000), (0.9, 100_000_000), (1, 1_000_000_000)]


def _bucket_ms(plan: Plan) -> float:
    return plan.span_ms / plan.scale.accounts


def account_created(plan: Plan, a: np.ndarray) -> np.ndarray:
    """Early in the account's own time slot, leaving room for its contacts after it."""
    jitter = 0.1 * plan.rand.unit("account.created", a)
    return plan.start_ms + ((a - 1 + jitter) * _bucket_ms(plan)).astype(np.int64)


def account_city(plan: Plan, a: np.ndarray) -> np.ndarray:
    return plan.rand.below("account.city", a, len(CITIES))


def account_name_and_domain(plan: Plan, a: np.ndarray):
    rand = plan.rand
    root, root_slug = display_and_slug(rand, "account.root", a, COMPANY_ROOTS)
    sector, sector_slug = display_and_slug(rand, "account.sector", a, COMPANY_SECTORS)
    suffix = take(COMPANY_SUFFIXES, rand.below("account.suffix", a, len(COMPANY_SUFFIXES)))
    tld = take(TLDS, rand.below("account.tld", a, len(TLDS)))
    return join(root, sector, suffix, sep=" "), join(root_slug, sector_slug, ".", tld)


def contact_account(plan: Plan, j: np.ndarray):
    """(account number, slot in the account's block) of contact j."""
    per = plan.scale.contacts_per_account
    return (j - 1) // per + 1, (j - 1) % per


def contact_of(plan: Plan, account: np.ndarray, slot: np.ndarray) -> np.ndarray:
    """Contact number in an account's block; use slots below contacts_per_account - 1."""
    return (account - 1) * plan.scale.contacts_per_account + slot + 1


def contact_created(plan: Plan, j: np.ndarray) -> np.ndarray:
    a, slot = contact_account(plan, j)
    offset = slot + 0.1 + 0.8 * plan.rand.unit("contact.created", j)
    offset_ms = offset / plan.scale.contacts_per_account * 0.85 * _bucket_ms(plan)
    return account_created(plan, a) + offset_ms.astype(np.int64)


def contact_deletion(plan: Plan, j: np.ndarray):
    """(deleted?, alive-until ms); children of a deleted contact are deleted with it."""
    return deletion(plan.rand, "contact", j, CONTACT_DELETED_SHARE, contact_created(plan, j),
                    plan.now_ms)


def contact_names(plan: Plan, j: np.ndarray):
    first, first_slug = display_and_slug(plan.rand, "contact.first", j, FIRST_NAMES)
    last, last_slug = display_and_slug(plan.rand, "contact.last", j, LAST_NAMES)
    return first, first_slug, last, last_slug


def contact_email(plan: Plan, j: np.ndarray) -> pa.Array:
    """first.last@account-domain; ~3% in mixed case, ~5% missing."""
    _, first_slug, _, last_slug = contact_names(plan, j)
    a, _ = contact_account(plan, j)
    _, domain = account_name_and_domain(plan, a)
    email = join(first_slug, ".", last_slug, "@", domain)
    mixed = join(pc.utf8_capitalize(first_slug), ".", pc.utf8_capitalize(last_slug), "@", domain)
    email = where(plan.rand.chance("contact.email_case", j, 0.03), mixed, email)
    return null_where(plan.rand.chance("contact.email_missing", j, 0.05), email)


def short_description(plan: Plan, salt: str, numbers: np.ndarray, share: float) -> pa.Array:
    """A one-line Description on `share` of the records, NULL on the others."""
    text = take(DESCRIPTIONS, plan.rand.below(salt, numbers, len(DESCRIPTIONS)))
    return null_where(~plan.rand.chance(salt + ".present", numbers, share), text)


def _owner_ids(store: Store, plan: Plan, salt: str, numbers: np.ndarray) -> pa.Array:
    return mint_ids(store.objects["User"].key_prefix, plan.sales_users(salt, numbers))


def generate_accounts(store: Store, plan: Plan) -> int:
    rand, prefix, rows = plan.rand, store.objects["Account"].key_prefix, 0
    for a in plan.chunks(plan.scale.accounts):
        name, domain = account_name_and_domain(plan, a)
        city = account_city(plan, a)
        no_address = rand.chance("account.no_address", a, 0.05)
        has_parent = (a > 1) & rand.chance("account.has_parent", a, 0.05)
        suite = rand.chance("account.suite", a, 0.1)
        street = join(as_text(1 + rand.below("account.street_no", a, 400)),
                      take([c[6] for c in CITIES], city), sep=" ")
        street = where(suite, join(street, "\nSuite ", as_text(100 + a % 900)), street)
        created = account_created(plan, a)
        modified, modstamp = lifecycle(rand, "account", a, created, np.full(len(a), plan.now_ms),
                                       np.zeros(len(a), bool), plan.now_ms)
        lat = np.array([c[4] for c in CITIES])[city] + rand.unit("account.lat", a) * 0.05
        lon = np.array([c[5] for c in CITIES])[city] + rand.unit("account.lon", a) * 0.05
        long_description = a % 250 == 125
        description = short_description(plan, "account.description", a, 0.2)
        owner = _owner_ids(store, plan, "account.owner", a)
        rows += insert_columns(store, "Account", {
            "Id": mint_ids(prefix, a), "IsDeleted": pa.array(np.zeros(len(a), bool)),
            "Name": name,
            "Type": rand.pick("account.type", a, values_of("AccountType"), [10, 50, 20, 10, 10]),
            "RecordTypeId": mint_ids(store.objects["RecordType"].key_prefix,
                                     np.full(len(a), ACCOUNT_RECORD_TYPE)),
            "ParentId": mint_ids(prefix, 1 + rand.below("account.parent", a, np.maximum(a - 1, 1)),
                                 null_mask=~has_parent),
            "BillingStreet": null_where(no_address, street),
            "BillingCity": null_where(no_address, take([c[0] for c in CITIES], city)),
            "BillingState": null_where(no_address, take([c[1] for c in CITIES], city)),
            "BillingPostalCode": null_where(no_address, take([c[3] for c in CITIES], city)),
            "BillingCountry": null_where(no_address, take([c[2] for c in CITIES], city)),
            "BillingLatitude": pa.array(np.round(lat, 6), mask=no_address),
            "BillingLongitude": pa.array(np.round(lon, 6), mask=no_address),
            "BillingGeocodeAccuracy": null_where(no_address, pa.array(["Address"] * len(a))),
            "Phone": join("+1 555 ", as_text(1000 + rand.below("account.phone", a, 9000))),
            "Website": join("https://www.", domain),
            "Industry": rand.pick("account.industry", a, values_of("Industry")),
            "AnnualRevenue": pa.array(
                np.round(from_quantiles(rand, "account.revenue", a, REVENUES), -3)),
            "NumberOfEmployees": pa.array(5 + rand.below("account.employees", a, 20_000)),
            "Description": where(long_description, LONG_DESCRIPTION, description),
            "OwnerId": owner, "CreatedById": owner, "LastModifiedById": owner,
            "CreatedDate": timestamps(created), "LastModifiedDate": timestamps(modified),
            "SystemModstamp": timestamps(modstamp),
        })
    return rows


def generate_contacts(store: Store, plan: Plan) -> int:
    rand, rows = plan.rand, 0
    per = plan.scale.contacts_per_account
    for j in plan.chunks(plan.scale.contacts):
        a, slot = contact_account(plan, j)
        orphan = (slot == per - 1) & rand.chance("contact.orphan", j, 0.3)
        first, _, last, _ = contact_names(plan, j)
        created = contact_created(plan, j)
        deleted, until = contact_deletion(plan, j)
        modified, modstamp = lifecycle(rand, "contact", j, created, until, deleted, plan.now_ms)
        owner = _owner_ids(store, plan, "contact.owner", j)
        description = short_description(plan, "contact.description", j, 0.05)
        rows += insert_columns(store, "Contact", {
            "Id": mint_ids(store.objects["Contact"].key_prefix, j), "IsDeleted": pa.array(deleted),
            "AccountId": mint_ids(store.objects["Account"].key_prefix, a, null_mask=orphan),
            "FirstName": first, "LastName": last, "Name": join(first, last, sep=" "),
            "Salutation": rand.pick("contact.salutation", j, values_of("Salutation") + [None]),
            "Email": contact_email(plan, j),
            "Phone": join("+44 20 7946 ", as_text(1000 + rand.below("contact.phone", j, 9000))),
            "MobilePhone": null_where(rand.chance("contact.no_mobile", j, 0.6), join(
                "+49 151 ", as_text(rand.below("contact.mobile", j, 100_000_000)))),
            "Title": rand.pick("contact.title", j, TITLES),
            "Department": rand.pick("contact.department", j, DEPARTMENTS),
            "LeadSource": rand.pick("contact.lead_source", j, values_of("LeadSource") + [None]),
            "Description": where(j % 1000 == 500, LONG_DESCRIPTION, description),
            "OwnerId": owner, "CreatedById": owner, "LastModifiedById": owner,
            "CreatedDate": timestamps(created), "LastModifiedDate": timestamps(modified),
            "SystemModstamp": timestamps(modstamp),
        })
    return rows
