"""The sync settings (one YAML file, `DEALSYNC_CONFIG`), typed and validated at load.

The ground floor: assets and pipelines read settings; nothing here imports them. Each asset
factory takes the narrow part it uses (ExtractionSettings, SyncBackSettings, CheckSettings, ...).
"""

from .catalog import DEFAULT_OBJECTS, REQUIRED_OBJECTS, ObjectSpec
from .deal_rules import CustomFieldRule, Filters, LicensedUsers, WarehouseOptions
from .documents import DocumentRule, DocumentSettings
from .model import (
                    DEFAULT_PATH,
                    ExtractionSettings,
                    ObjectSettings,
                    Settings,
                    SettingsError,
                    cached_settings,
                    load_settings,
)
from .periods import BACKFILL_PERIODS, BackfillPeriod, history_start
from .sync_back import CheckSettings, FollowUpRule, SyncBackSettings

__all__ = ["BACKFILL_PERIODS", "BackfillPeriod", "CheckSettings", "CustomFieldRule", "DEFAULT_OBJECTS",
           "DocumentRule", "DocumentSettings",
           "DEFAULT_PATH", "ExtractionSettings", "Filters", "FollowUpRule", "LicensedUsers",
           "ObjectSettings", "ObjectSpec", "REQUIRED_OBJECTS", "Settings", "SettingsError",
           "SyncBackSettings", "WarehouseOptions", "cached_settings", "history_start", "load_settings"]
