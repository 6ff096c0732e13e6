"""Setup data of the demo org: users (with their awkward cases), stages and record types.

Users' special cases sit at fixed positions (user number modulo 5, 10 or 16) so that every seed
and every scale has them in the same shares; names still vary with the seed.
"""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..org.schema import PICKLISTS
from ..org.store import Store
from .plan import COMPANY_DOMAIN, Plan, insert_columns
from .random import MS_PER_DAY, as_text, between, join, mint_ids, timestamps, where
from .text import FIRST_NAMES, LAST_NAMES, display_and_slug

# (ApiName, DefaultProbability, IsClosed, IsWon, ForecastCategoryName, ForecastCategory, active)
STAGES = [
    ("Prospecting", 10, False, False, "Pipeline", "Pipeline", True),
    ("Qualification", 10, False, False, "Pipeline", "Pipeline", True),
    ("Needs Analysis", 20, False, False, "Pipeline", "Pipeline", True),
    ("Value Proposition", 50, False, False, "Pipeline", "Pipeline", True),
    ("Id. Decision Makers", 60, False, False, "Pipeline", "Pipeline", True),
    ("Perception Analysis", 70, False, False, "Best Case", "BestCase", True),
    ("Proposal/Price Quote", 75, False, False, "Best Case", "BestCase", True),
    ("Negotiation/Review", 90, False, False, "Commit", "Forecast", True),
    ("Closed Won", 100, True, True, "Closed", "Closed", True),
    ("Closed Lost", 0, True, False, "Omitted", "Omitted", True),
    ("Legacy Discovery", 5, False, False, "Pipeline", "Pipeline", False),
]
OPEN_STAGES = list(range(8))           # indices into STAGES
CLOSED_WON, CLOSED_LOST, LEGACY_STAGE = 8, 9, 10

# (Name, DeveloperName, SobjectType, Description); numbers 1..3 are the opportunity ones.
RECORD_TYPES = [
    ("New Business", "New_Business", "Opportunity", "First deal with a new customer"),
    ("Renewal", "Renewal", "Opportunity", "Renewal or expansion of an existing contract"),
    ("Partner", "Partner", "Opportunity", "Deal sourced or resold by a partner"),
    ("Customer Account", "Customer_Account", "Account", "Companies we sell to"),
]
NEW_BUSINESS, RENEWAL, PARTNER, ACCOUNT_RECORD_TYPE = 1, 2, 3, 4

EXTERNAL_DOMAINS = ["gmail.com", "partner-agency.io", "contractor.example.net"]


def user_roles(numbers: np.ndarray) -> dict[str, np.ndarray]:
    """The positional user cases (see the generator module docstring for their shares)."""
    return {
        "inactive": numbers % 10 == 7,
        "padded_email": numbers % 10 == 3,
        "mixed_case_email": (numbers % 5 == 1) & (numbers > 1),
        "external_domain": numbers % 16 == 9,
        "manager": (numbers % 8 == 2),
    }


def generate_users(store: Store, plan: Plan) -> int:
    n = np.arange(1, plan.scale.users + 1, dtype=np.int64)
    rand, roles = plan.rand, user_roles(n)
    first, first_slug = display_and_slug(rand, "user.first", n, FIRST_NAMES)
    last, last_slug = display_and_slug(rand, "user.last", n, LAST_NAMES)
    local = join(first_slug, ".", last_slug, as_text(n))
    domain = pc.take(pa.array(EXTERNAL_DOMAINS), pa.array(n % len(EXTERNAL_DOMAINS)))
    domain = where(roles["external_domain"], domain, COMPANY_DOMAIN)
    email = join(local, "@", domain)
    mixed = join(pc.utf8_capitalize(first_slug), ".", pc.utf8_capitalize(last_slug), as_text(n),
                 "@", pc.utf8_upper(domain))
    stored_email = where(roles["mixed_case_email"], mixed, email)
    stored_email = where(roles["padded_email"], join("  ", stored_email, " "), stored_email)
    plan.user_emails = pa.array([None] + [e.strip() for e in stored_email.to_pylist()])
    plan.user_names = pa.array([None] + join(first, last, sep=" ").to_pylist())

    manager = np.where(roles["manager"], 2, np.maximum(2 + 8 * ((n - 2) // 8), 1))
    no_manager = (n <= 2)
    titles = np.array(["Account Executive", "Sales Development Rep", "Solutions Engineer"])
    title = np.where(roles["manager"], "Sales Manager", titles[n % 3])
    title = np.where(n == 2, "VP Sales", np.where(n == 1, "Salesforce Administrator", title))
    created = plan.start_ms - (plan.scale.users - n + 30) * MS_PER_DAY
    deactivated = between(rand, "user.deactivated", n, plan.start_ms, plan.now_ms)
    modified = np.where(roles["inactive"], deactivated, plan.start_ms)
    last_login = np.where(roles["inactive"],
                          deactivated - rand.below("user.login", n, 30 * MS_PER_DAY),
                          plan.now_ms - rand.below("user.login", n, 7 * MS_PER_DAY))
    user_ids = mint_ids(store.objects["User"].key_prefix, n)
    admin_id = mint_ids(store.objects["User"].key_prefix, np.ones(len(n), np.int64))
    return insert_columns(store, "User", {
        "Id": user_ids, "Username": join(local, "@", COMPANY_DOMAIN),
        "FirstName": first, "LastName": last, "Name": join(first, last, sep=" "),
        "Email": stored_email, "Alias": pc.utf8_slice_codeunits(join(first_slug, last_slug), 0, 8),
        "IsActive": pa.array(~roles["inactive"]), "Title": pa.array(title),
        "Department": pa.array(np.where(n == 1, "Sales Operations", "Sales")),
        "UserType": pa.array(["Standard"] * len(n)),
        "TimeZoneSidKey": rand.pick("user.tz", n, [v for v, _ in PICKLISTS["TimeZone"]]),
        "ManagerId": mint_ids(store.objects["User"].key_prefix, manager, null_mask=no_manager),
        "LastLoginDate": timestamps(last_login),
        "CreatedDate": timestamps(created), "CreatedById": admin_id,
        "LastModifiedDate": timestamps(np.maximum(modified, created)),
        "LastModifiedById": admin_id, "SystemModstamp": timestamps(np.maximum(modified, created)),
    })


def _setup_system_fields(store: Store, plan: Plan, count: int) -> dict:
    """Setup records were created, and last touched, by the admin before the history starts."""
    admin = mint_ids(store.objects["User"].key_prefix, np.ones(count, np.int64))
    stamp = timestamps(np.full(count, plan.start_ms - 20 * MS_PER_DAY))
    return {"CreatedDate": stamp, "LastModifiedDate": stamp, "SystemModstamp": stamp,
            "CreatedById": admin, "LastModifiedById": admin}


def generate_stages(store: Store, plan: Plan) -> int:
    n = np.arange(1, len(STAGES) + 1, dtype=np.int64)
    name, probability, closed, won, category_name, category, active = map(list, zip(*STAGES))
    return insert_columns(store, "OpportunityStage", {
        "Id": mint_ids(store.objects["OpportunityStage"].key_prefix, n),
        "MasterLabel": pa.array(name), "ApiName": pa.array(name), "IsActive": pa.array(active),
        "SortOrder": pa.array(n), "IsClosed": pa.array(closed), "IsWon": pa.array(won),
        "ForecastCategory": pa.array(category), "ForecastCategoryName": pa.array(category_name),
        "DefaultProbability": pa.array(probability, pa.float64()),
        "Description": pa.array([None if a else "Retired in the 2023 sales-process redesign"
                                 for a in active], pa.string()),
        **_setup_system_fields(store, plan, len(n)),
    })


def generate_record_types(store: Store, plan: Plan) -> int:
    n = np.arange(1, len(RECORD_TYPES) + 1, dtype=np.int64)
    name, developer_name, sobject, description = map(list, zip(*RECORD_TYPES))
    return insert_columns(store, "RecordType", {
        "Id": mint_ids(store.objects["RecordType"].key_prefix, n),
        "Name": pa.array(name), "DeveloperName": pa.array(developer_name),
        "SobjectType": pa.array(sobject), "Description": pa.array(description),
        "IsActive": pa.array([True] * len(n)),
        **_setup_system_fields(store, plan, len(n)),
    })
