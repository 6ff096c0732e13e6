"""`dealsync doctor` against orgs that lack things, run as a user runs it: each finding names
what is missing and the fix, and the exit status says whether the first sync can start."""

import json
import os
import subprocess

import pytest
import yaml
from salesforce_emulator import Emulator

from .support import DEALSYNC, ROOT

pytestmark = pytest.mark.slow


def doctor(tmp_path, profiles: str, settings: dict | None = None):
    tmp_path.mkdir(parents=True, exist_ok=True)
    path = tmp_path / "settings.yaml"
    path.write_text(yaml.safe_dump(settings or {}))
    with Emulator(org="demo", scale="small", seed=7, state_dir=tmp_path / "emulator",
                  profiles=profiles) as emu:
        env = {**os.environ, "SALESFORCE_INSTANCE_URL": emu.base_url,
               "SALESFORCE_CA_BUNDLE": str(emu.ca_path),
               "SALESFORCE_CLIENT_ID": emu.credentials.client_id,
               "SALESFORCE_CLIENT_SECRET": emu.credentials.client_secret,
               "DEALSYNC_CONFIG": str(path)}
        text = subprocess.run([str(DEALSYNC), "doctor"], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=120)
        as_json = subprocess.run([str(DEALSYNC), "doctor", "--json"], cwd=ROOT, env=env,
                                 capture_output=True, text=True, timeout=120)
    findings = json.loads(as_json.stdout)["findings"] if as_json.stdout else []
    return text, {(f["level"], f["check"]): f["message"] for f in findings}


SYNC_BACK_ON = {"sync_back": {"enabled": True}}


def test_a_full_org_is_ready(tmp_path):
    done, findings = doctor(tmp_path, "", SYNC_BACK_ON)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Ready for the first sync." in done.stdout
    assert {level for level, _ in findings} == {"ok"}
    assert "no custom field needed" in findings[("ok", "sync key")]


def test_an_org_without_custom_fields_syncs_and_writes_back(tmp_path):
    done, findings = doctor(tmp_path, "plain", SYNC_BACK_ON)
    assert done.returncode == 0, done.stdout
    assert "Region__c" in findings[("warn", "read Opportunity")]
    assert ("ok", "write Task") in findings and ("ok", "sync key") in findings


def test_an_external_id_field_the_org_lacks_is_named_with_the_fix(tmp_path):
    done, findings = doctor(tmp_path, "plain", {"sync_back": {
        "enabled": True, "external_id_field": "Dealsync_Key__c"}})
    assert done.returncode == 1
    message = findings[("fail", "sync key")]
    assert "Task has no field Dealsync_Key__c" in message
    assert "remove sync_back.external_id_field to keep the key in the Description" in message


def test_no_enhanced_email_says_to_turn_it_on_or_switch_the_object_off(tmp_path):
    done, findings = doctor(tmp_path, "no_enhanced_email")
    assert done.returncode == 1 and "1 thing(s) to fix" in done.stdout
    message = findings[("fail", "read EmailMessage")]
    assert "turn on Enhanced Email" in message and "objects.EmailMessage.enabled: false" in message


def test_inactive_task_picklist_values_the_rules_use_are_named(tmp_path):
    done, findings = doctor(tmp_path, "restricted_task_picklists", SYNC_BACK_ON)
    assert done.returncode == 1
    failures = [m for (level, check), m in findings.items() if check == "Task picklists"]
    assert any("'High' is not an active Task Priority value" in m for m in failures)
    assert "sync_back.rules.1.priority (close_date_passed)" in done.stdout


def test_a_user_who_cannot_create_tasks_fails_only_once_sync_back_is_on(tmp_path):
    done, findings = doctor(tmp_path, "read_only_user", SYNC_BACK_ON)
    assert done.returncode == 1
    assert "cannot create Tasks" in findings[("fail", "write Task")]
    done, findings = doctor(tmp_path / "off", "read_only_user")
    assert done.returncode == 0
    assert "sync-back is off" in findings[("warn", "write Task")]


def test_fields_hidden_by_field_level_security_are_listed(tmp_path):
    done, findings = doctor(tmp_path, "hidden_fields")
    assert done.returncode == 0
    assert "NextStep" in findings[("warn", "read Opportunity")]
    assert "Email" in findings[("warn", "read Contact")]
    assert "field-level security" in findings[("warn", "read Contact")]


def test_no_api_access_is_the_first_and_only_finding(tmp_path):
    done, findings = doctor(tmp_path, "no_api")
    assert done.returncode == 1
    (message,) = findings.values()
    assert "API_CURRENTLY_DISABLED" in message and "'API Enabled' permission" in message
