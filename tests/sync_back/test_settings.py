"""Sync-back settings: safe defaults, the documented section of dealsync.yaml, and errors that
name the key and the fix."""

from pathlib import Path

import pytest
import yaml

from resources.settings import SettingsError, load_settings
from resources.settings.sync_back import SyncBackSettings

ROOT = Path(__file__).resolve().parents[2]


def _documented_section() -> dict:
    """The commented `sync_back:` block of dealsync.yaml, uncommented and parsed."""
    lines = (ROOT / "dealsync.yaml").read_text().splitlines()
    start = lines.index("# sync_back:")
    end = next(i for i in range(start, len(lines)) if lines[i].startswith("# -----"))
    block = [line[2:] for line in lines[start:end] if line.startswith("# ")]
    return yaml.safe_load("\n".join(block))["sync_back"]


def test_defaults_are_safe_and_match_the_documented_section():
    defaults = SyncBackSettings()
    assert (defaults.enabled, defaults.dry_run) == (False, False)
    assert SyncBackSettings.model_validate(_documented_section()) == defaults


def _load(tmp_path, text: str):
    path = tmp_path / "settings.yaml"
    path.write_text(text)
    return load_settings(path)


@pytest.mark.parametrize("text, expected", [
    ("sync_back: {external_id_field: Dealsync_Key__c, key_field: Other__c}",
     "sync_back: key_field (Other__c) must equal external_id_field"),
    ("sync_back: {rules: [{name: Stale Deal, when: 'true', subject: x}]}",
     "sync_back.rules.0.name"),
    ("sync_back: {rules: [{name: a, when: 'true; drop table x', subject: x}]}",
     "sync_back.rules.0.when"),
    ("sync_back: {rules: [{name: a, when: 'true', subject: 'Call {opportunity name}'}]}",
     "sync_back.rules.0.subject"),
    ("sync_back: {rules: [{name: a, when: 'true', subject: x}, "
     "{name: a, when: 'true', subject: y}]}", "rule names must be unique"),
    ("sync_back: {batch_size: 500}", "sync_back.batch_size"),
    ("sync_back: {enabeld: true}", "sync_back.enabeld"),
])
def test_bad_settings_name_the_key(tmp_path, text, expected):
    with pytest.raises(SettingsError) as error:
        _load(tmp_path, text)
    assert expected in str(error.value)


def test_by_default_the_key_goes_in_the_task_description_and_needs_no_custom_field(tmp_path):
    settings = _load(tmp_path, "sync_back: {enabled: true}")
    assert (settings.sync_back.key_field, settings.sync_back.external_id_field) == (None, None)
    upsert = _load(tmp_path, "sync_back: {external_id_field: Dealsync_Key__c}")
    assert upsert.sync_back.key_field == "Dealsync_Key__c" and upsert.sync_back.upsert


def test_lookup_path_needs_only_a_key_field(tmp_path):
    settings = _load(tmp_path, "sync_back: {enabled: true, external_id_field: null, "
                               "key_field: Followup_Key__c}")
    assert settings.sync_back.upsert is False
    assert settings.sync_back.key_field == "Followup_Key__c"
