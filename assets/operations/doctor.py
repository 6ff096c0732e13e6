"""Is this org ready for a first sync? Each check says what it found and, when something is
missing, exactly what to change: in the org (a permission, Enhanced Email, a picklist value)
or in the settings (the key to set).

One global describe and the describes of the synced objects and Task, in /composite calls of
25: two or three API calls in all. FAIL means the sync (or the sink) would not work; WARN means
it works without something (a curated field the org lacks is left out).
"""

from dataclasses import dataclass

from resources.salesforce.errors import SalesforceCallError
from resources.settings import Settings

from ..sync_back.payload import TASK_FIELDS

OK, WARN, FAIL = "ok", "warn", "fail"
SUBREQUESTS_PER_CALL = 25
RULE_PICKLISTS = {"status": "Status", "priority": "Priority", "task_subtype": "TaskSubtype"}


@dataclass(frozen=True)
class Finding:
    level: str
    check: str
    message: str


def examine(client, settings: Settings) -> list[Finding]:
    """Every check, against the org the client is logged in to."""
    try:
        objects = {o["name"]: o for o in client.global_describe()["sobjects"]}
    except SalesforceCallError as exc:
        return [Finding(FAIL, "API access", f"{exc}")]
    findings = [Finding(OK, "API access", "the integration user can call the REST API")]
    wanted = [s for s in settings.object_specs()]
    names = [s.name for s in wanted if s.name in objects] + (["Task"] if "Task" in objects else [])
    describes = _describes(client, sorted(set(names)))
    for spec in wanted:
        findings += _object(spec, objects.get(spec.name), describes.get(spec.name))
    if settings.sync_back.enabled or settings.sync_back.rules:
        findings += _task_writes(settings, describes.get("Task"), settings.sync_back.enabled)
    return findings


def _describes(client, names: list[str]) -> dict[str, dict]:
    version = client.settings.api_version
    out = {}
    for start in range(0, len(names), SUBREQUESTS_PER_CALL):
        batch = names[start:start + SUBREQUESTS_PER_CALL]
        responses = client.composite(
            [{"method": "GET", "referenceId": f"d{i}",
              "url": f"/services/data/v{version}/sobjects/{name}/describe"}
             for i, name in enumerate(batch)], objects=batch)
        out.update({name: r["body"] for name, r in zip(batch, responses)
                    if r["httpStatusCode"] == 200})
    return out


def _object(spec, listed: dict | None, describe: dict | None) -> list[Finding]:
    check = f"read {spec.name}"
    if listed is None or describe is None:
        if spec.name == "EmailMessage":
            fix = ("turn on Enhanced Email (Setup > Enhanced Email), or set "
                   "objects.EmailMessage.enabled: false in the settings")
        elif spec.required:
            fix = f"give the integration user read access to {spec.name} (it is required)"
        else:
            fix = (f"give the integration user read access to {spec.name}, or set "
                   f"objects.{spec.name}.enabled: false")
        return [Finding(FAIL, check, f"{spec.name} is not available to the integration user. "
                                     f"Fix: {fix}")]
    if not describe.get("queryable", True):
        return [Finding(FAIL, check, f"{spec.name} is not queryable by the integration user. "
                                     f"Fix: give its profile read access to {spec.name}")]
    fields = {f["name"] for f in describe["fields"]}
    missing = [f for f in (spec.fields or ()) if f not in fields]
    for key in ("Id", "SystemModstamp"):
        if key not in fields:
            return [Finding(FAIL, check, f"{spec.name}.{key} is not readable; dealsync needs it")]
    if not missing:
        return [Finding(OK, check, f"every field dealsync reads on {spec.name} is readable")]
    return [Finding(WARN, check, f"{spec.name} fields not readable, left out: "
                                 f"{', '.join(missing)}. Fix, if you need them: create them, or "
                                 "grant the integration user read access (field-level security)")]


def _task_writes(settings: Settings, task: dict | None, enabled: bool) -> list[Finding]:
    """Can the sink create the Tasks the rules describe, and keep its keys where told? With
    sync-back off these are warnings, for the day it is switched on."""
    level = FAIL if enabled else WARN
    findings = _task_findings(settings, task, level)
    if enabled:
        return findings
    return [Finding(f.level, f.check, f"{f.message} (sync-back is off; this matters once "
                                      "sync_back.enabled is true)" if f.level == WARN
                    else f.message) for f in findings]


def _task_findings(settings: Settings, task: dict | None, level: str) -> list[Finding]:
    if task is None:
        return [Finding(level, "write Task", "Task is not available to the integration user. "
                                             "Fix: give it read and create access to Task")]
    fields = {f["name"]: f for f in task["fields"]}
    findings = []
    if not task.get("createable"):
        findings.append(Finding(level, "write Task", "the integration user cannot create "
                                "Tasks. Fix: give its profile or a permission set Create on Task"))
    else:
        locked = [n for n in TASK_FIELDS.values() if n in fields and not fields[n]["createable"]]
        findings.append(Finding(level if locked else OK, "write Task", (
            f"Task fields not writable: {', '.join(locked)}. Fix: grant field-level edit access"
            if locked else "the integration user can create Tasks with every field it sets")))
    findings += _picklists(settings, fields, level)
    findings.append(_key_field(settings, fields))
    return findings


def _picklists(settings: Settings, fields: dict, level: str) -> list[Finding]:
    findings = []
    for index, rule in enumerate(r for r in settings.sync_back.rules if r.enabled):
        for attribute, field in RULE_PICKLISTS.items():
            value = getattr(rule, attribute)
            entries = fields.get(field, {}).get("picklistValues") or []
            active = [e["value"] for e in entries if e.get("active")]
            if entries and value not in active:
                findings.append(Finding(level, "Task picklists", (
                    f"sync_back.rules.{index}.{attribute} ({rule.name}): {value!r} is not an "
                    f"active Task {field} value (active: {', '.join(active)}). Fix: activate "
                    f"it in Setup > Object Manager > Task > {field}, or change the rule")))
    return findings or [Finding(OK, "Task picklists", "every picklist value the rules use is "
                                                      "active on Task")]


def _key_field(settings: Settings, fields: dict) -> Finding:
    options = settings.sync_back
    if options.key_field is None:
        return Finding(OK, "sync key", "each Task keeps its sync key in its Description: no "
                                       "custom field needed. Optional faster path: a Task text "
                                       "field marked External ID, named in "
                                       "sync_back.external_id_field")
    field = fields.get(options.key_field)
    setting = "sync_back.external_id_field" if options.upsert else "sync_back.key_field"
    if field is None:
        return Finding(FAIL, "sync key", f"Task has no field {options.key_field} readable by "
                                         f"the integration user. Fix: create it (Text, 255), or "
                                         f"remove {setting} to keep the key in the Description")
    if options.upsert and not field.get("externalId"):
        return Finding(FAIL, "sync key", f"Task.{options.key_field} is not an External ID. Fix: "
                                         "mark it External ID, or set it as sync_back.key_field "
                                         "instead of external_id_field")
    return Finding(OK, "sync key", f"each Task keeps its sync key in Task.{options.key_field}")
