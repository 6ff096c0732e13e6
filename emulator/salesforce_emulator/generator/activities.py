"""Tasks, Events and EmailMessages: the activity history around deals.

Activity number n happens at a time that rises with n and concerns a deal created in the 120 days
before it (WhatId / RelatedToId), usually with a contact of that deal's account (WhoId). An
activity never predates its parents; an activity of a deleted deal or contact is deleted with it,
at the same moment (SystemModstamp = the parent's deletion time), as Salesforce cascades.
"""

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..org.store import Store
from .accounts import (
    LONG_DESCRIPTION,
    account_name_and_domain,
    contact_created,
    contact_deletion,
    contact_email,
    contact_names,
    contact_of,
    short_description,
)
from .deals import (
    opportunity_account,
    opportunity_created,
    opportunity_deletion,
    opportunity_name,
    opportunity_owner,
)
from .plan import Plan, insert_columns
from .random import (
    MS_PER_DAY,
    as_text,
    between,
    dates,
    join,
    lifecycle,
    mint_ids,
    null_where,
    spread_in_time,
    timestamps,
    where,
)
from .text import DESCRIPTIONS, EMOJI_SUBJECT, EVENT_SUBJECTS, LOCATIONS, TASK_SUBJECTS, long_text, take

TASK_DELETED_SHARE = 0.01
SUBTYPES = ["Task", "Email", "Call", "ListEmail", "Cadence", "LinkedIn"]
LONG_EMAIL_BODY = long_text(100_000)
ON_DEAL, ON_ACCOUNT, ON_NOTHING = 0, 1, 2


def _parents(plan: Plan, salt: str, n: np.ndarray, total: int, what_weights, who_share: float):
    """Deal, account and contact of each activity, its time, and how long its parents live."""
    rand, deals = plan.rand, plan.scale.opportunities
    moment = spread_in_time(rand, salt + ".at", n, total, plan.start_ms, plan.span_ms)
    newest = np.clip((plan.fraction_of_history(moment) * deals).astype(np.int64), 1, deals)
    oldest = np.maximum(newest - max(1, deals * 120 // (3 * 365)) + 1, 1)
    opp = oldest + rand.below(salt + ".deal", n, newest - oldest + 1)
    kind = rand.index(salt + ".what", n, what_weights)
    on_deal = kind == ON_DEAL
    opp_deleted, opp_until = opportunity_deletion(plan, opp)
    opp_until = np.where(on_deal, opp_until, plan.now_ms)
    moment = np.maximum(moment, np.where(on_deal, opportunity_created(plan, opp), 0))
    moment = np.minimum(moment, opp_until - 1)

    account = opportunity_account(plan, opp)
    contact = contact_of(plan, account, rand.below(salt + ".who_slot", n,
                                                   plan.scale.contacts_per_account - 1))
    contact_deleted, contact_until = contact_deletion(plan, contact)
    who = (rand.chance(salt + ".who", n, who_share) & (contact_created(plan, contact) <= moment)
           & (contact_until > moment))
    return {
        "n": n, "at": moment, "kind": kind, "opp": opp, "account": account, "contact": contact,
        "who": who, "until": np.minimum(opp_until, np.where(who, contact_until, plan.now_ms)),
        "deleted": (on_deal & opp_deleted) | (who & contact_deleted),
        "owner": np.where(on_deal, opportunity_owner(plan, opp),
                          plan.sales_users(salt + ".owner", n)),
    }


def _references(store: Store, p: dict) -> dict:
    """WhatId/WhoId/AccountId/OwnerId columns; AccountId derived as Store._account_of does."""
    prefix = {name: store.objects[name].key_prefix
              for name in ("Opportunity", "Account", "Contact", "User")}
    account = mint_ids(prefix["Account"], p["account"], null_mask=p["kind"] == ON_NOTHING)
    what = where(p["kind"] == ON_DEAL, mint_ids(prefix["Opportunity"], p["opp"]), account)
    owner = mint_ids(prefix["User"], p["owner"])
    return {"WhatId": what, "WhoId": mint_ids(prefix["Contact"], p["contact"], null_mask=~p["who"]),
            "AccountId": account, "OwnerId": owner, "CreatedById": owner, "LastModifiedById": owner}


def _system_fields(plan: Plan, salt: str, p: dict, created: np.ndarray) -> dict:
    modified, modstamp = lifecycle(plan.rand, salt, p["n"], created, p["until"], p["deleted"],
                                   plan.now_ms)
    return {"IsDeleted": pa.array(p["deleted"]), "CreatedDate": timestamps(created),
            "LastModifiedDate": timestamps(modified), "SystemModstamp": timestamps(modstamp)}


def _description(plan: Plan, salt: str, n: np.ndarray, share: float) -> pa.Array:
    return where(n % 2000 == 1000, LONG_DESCRIPTION, short_description(plan, salt, n, share))


def generate_tasks(store: Store, plan: Plan) -> int:
    rand, total, rows = plan.rand, plan.scale.tasks, 0
    for n in plan.chunks(total):
        p = _parents(plan, "task", n, total, [88, 8, 4], who_share=0.75)
        own = rand.chance("task.deleted", n, TASK_DELETED_SHARE) & ~p["deleted"]
        p["until"] = np.where(own, between(rand, "task.deleted_at", n, p["at"] + 1, p["until"]),
                              p["until"])
        p["deleted"] = p["deleted"] | own
        due = p["at"] // MS_PER_DAY - 3 + rand.below("task.due", n, 18)
        past = rand.pick("task.done", n, ["Completed", "In Progress", "Deferred"], [8, 1, 1])
        future = rand.pick("task.open", n, ["Not Started", "In Progress",
                                            "Waiting on someone else", "Deferred"], [12, 5, 2, 1])
        status = where(due < plan.today, past, future)
        completed = pc.equal(status, "Completed").to_numpy(zero_copy_only=False)
        priority = rand.pick("task.priority", n, ["High", "Normal", "Low"], [2, 7, 1])
        system = _system_fields(plan, "task", p, p["at"])
        subject = where(n % 101 == 0, EMOJI_SUBJECT,
                        take(TASK_SUBJECTS, rand.below("task.subject", n, len(TASK_SUBJECTS))))
        rows += insert_columns(store, "Task", {
            "Id": mint_ids(store.objects["Task"].key_prefix, n), **_references(store, p),
            "Subject": subject, "ActivityDate": dates(due), "Status": status, "Priority": priority,
            "IsHighPriority": pc.equal(priority, "High"), "IsClosed": pa.array(completed),
            "Description": _description(plan, "task.description", n, 0.15),
            "IsArchived": pa.array(np.zeros(len(n), bool)),
            "TaskSubtype": rand.pick("task.subtype", n, SUBTYPES, [45, 25, 25, 2, 2, 1]),
            "CompletedDateTime": null_where(~completed, system["LastModifiedDate"]), **system,
        })
    return rows


def generate_events(store: Store, plan: Plan) -> int:
    rand, total, rows = plan.rand, plan.scale.events, 0
    quarter_hour = 15 * 60_000
    for n in plan.chunks(total):
        p = _parents(plan, "event", n, total, [85, 10, 5], who_share=0.7)
        all_day = rand.chance("event.all_day", n, 0.03)
        start = p["at"] + rand.below("event.lead_time", n, 14 * MS_PER_DAY)
        start = np.where(all_day, start // MS_PER_DAY * MS_PER_DAY,
                         start // quarter_hour * quarter_hour)
        minutes = np.where(all_day, 1440, np.array([15, 30, 45, 60, 90, 120])[
            rand.index("event.duration", n, [1, 4, 1, 5, 2, 1])])
        rows += insert_columns(store, "Event", {
            "Id": mint_ids(store.objects["Event"].key_prefix, n), **_references(store, p),
            "Subject": take(EVENT_SUBJECTS, rand.below("event.subject", n, len(EVENT_SUBJECTS))),
            "Location": rand.pick("event.location", n, LOCATIONS),
            "IsAllDayEvent": pa.array(all_day), "ActivityDateTime": timestamps(start),
            "ActivityDate": dates(start // MS_PER_DAY), "DurationInMinutes": pa.array(minutes),
            "StartDateTime": timestamps(start), "EndDateTime": timestamps(start + minutes * 60_000),
            "Description": _description(plan, "event.description", n, 0.1),
            "ShowAs": rand.pick("event.show_as", n, ["Busy", "Free", "OutOfOffice"], [17, 2, 1]),
            "EventSubtype": pa.array(["Event"] * len(n)),
            "IsArchived": pa.array(np.zeros(len(n), bool)),
            **_system_fields(plan, "event", p, p["at"]),
        })
    return rows


def generate_emails(store: Store, plan: Plan) -> int:
    rand, total, rows = plan.rand, plan.scale.emails, 0
    for n in plan.chunks(total):
        p = _parents(plan, "email", n, total, [1], who_share=0.0)  # no WhoId on emails
        incoming = rand.chance("email.incoming", n, 0.4)
        first, _, last, _ = contact_names(plan, p["contact"])
        _, domain = account_name_and_domain(plan, p["account"])
        customer = pc.coalesce(contact_email(plan, p["contact"]), join("info@", domain))
        per = plan.scale.contacts_per_account
        colleague = contact_of(plan, p["account"], ((p["contact"] - 1) % per + 1) % (per - 1))
        colleague = pc.coalesce(contact_email(plan, colleague), join("sales@", domain))
        to_customer = where(rand.chance("email.two_recipients", n, 0.15),
                            join(customer, colleague, sep="; "), customer)
        seller = pc.take(plan.user_emails, pa.array(p["owner"]))
        seller_name = pc.take(plan.user_names, pa.array(p["owner"]))
        deal_name = opportunity_name(plan, p["opp"])
        subject = where(rand.chance("email.reply", n, 0.5), join("Re: ", deal_name),
                        join(deal_name, " – next steps"))
        body = join("Hi ", where(incoming, seller_name, first), ",\n\n",
                    take(DESCRIPTIONS, rand.below("email.body", n, len(DESCRIPTIONS))),
                    "\n\nBest regards,\n", where(incoming, join(first, last, sep=" "), seller_name))
        body = where(n % 2000 == 1000, LONG_EMAIL_BODY, body)
        status = where(incoming, rand.pick("email.in_status", n, ["0", "1", "2"], [3, 12, 5]),
                       rand.pick("email.out_status", n, ["3", "4", "5"], [17, 2, 1]))
        created = p["at"] + rand.below("email.saved", n, 5_000)
        rows += insert_columns(store, "EmailMessage", {
            "Id": mint_ids(store.objects["EmailMessage"].key_prefix, n),
            "Subject": where(n % 211 == 0, join("✉️ ", subject), subject),
            "TextBody": body,
            "HtmlBody": null_where(~rand.chance("email.html", n, 0.3),
                                   join("<html><body><p>", body, "</p></body></html>")),
            "FromName": where(incoming, join(first, last, sep=" "), seller_name),
            "FromAddress": where(incoming, customer, seller),
            "ToAddress": where(incoming, seller, to_customer),
            "Incoming": pa.array(incoming),
            "HasAttachment": pa.array(rand.chance("email.attachment", n, 0.1)),
            "Status": status, "MessageDate": timestamps(p["at"]),
            "RelatedToId": mint_ids(store.objects["Opportunity"].key_prefix, p["opp"]),
            "ThreadIdentifier": join("<deal-", as_text(p["opp"]), "@acme-demo.com>"),
            "CreatedById": mint_ids(store.objects["User"].key_prefix, p["owner"]),
            "LastModifiedById": mint_ids(store.objects["User"].key_prefix, p["owner"]),
            **_system_fields(plan, "email", p, np.minimum(created, p["until"])),
        })
    return rows
