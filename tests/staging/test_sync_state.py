"""High-water marks and the sync health table users check."""

from datetime import datetime, timedelta, timezone

from resources.secrets import MAX_ERROR_CHARS, redact


def test_high_water_mark_only_moves_forward_unless_forced(warehouse):
    assert warehouse.get_high_water_mark("Opportunity") is None

    assert warehouse.set_high_water_mark("Opportunity", datetime(2024, 3, 1)) == datetime(2024, 3, 1)
    assert warehouse.set_high_water_mark("Opportunity", datetime(2024, 2, 1)) == datetime(2024, 3, 1)
    assert warehouse.set_high_water_mark("Opportunity", datetime(2024, 4, 1, 12)) == \
        datetime(2024, 4, 1, 12)
    assert warehouse.get_high_water_mark("Opportunity") == datetime(2024, 4, 1, 12)

    forced = warehouse.set_high_water_mark("Opportunity", datetime(2024, 1, 1), force=True)
    assert forced == datetime(2024, 1, 1)
    assert warehouse.get_high_water_mark("Account") is None


def test_aware_marks_are_stored_as_naive_utc(warehouse):
    cet = timezone(timedelta(hours=1))
    stored = warehouse.set_high_water_mark("Task", datetime(2024, 5, 1, 10, 30, tzinfo=cet))
    assert stored == datetime(2024, 5, 1, 9, 30)


def test_sync_status_shows_success_then_failure(warehouse):
    window = (datetime(2024, 1, 1), datetime(2024, 2, 1))
    warehouse.record_sync_success("Opportunity", record_count=120, run_id="r1",
                                  window_start=window[0], window_end=window[1], api="bulk2",
                                  api_calls=4)
    ok = warehouse.get_sync_status("Opportunity")
    assert (ok["status"], ok["record_count"], ok["api_calls_today"], ok["last_api"]) == \
        ("ok", 120, 4, "bulk2")
    assert (ok["last_window_start"], ok["last_window_end"]) == window
    assert ok["last_error"] is None and ok["consecutive_failures"] == 0

    warehouse.record_sync_failure("Opportunity", "REQUEST_LIMIT_EXCEEDED", run_id="r2",
                                  api_calls=1)
    warehouse.record_sync_failure("Opportunity", "REQUEST_LIMIT_EXCEEDED again", run_id="r3")
    failing = warehouse.get_sync_status("Opportunity")
    assert (failing["status"], failing["consecutive_failures"]) == ("failing", 2)
    assert failing["last_error"] == "REQUEST_LIMIT_EXCEEDED again"
    assert failing["last_success_at"] == ok["last_success_at"]  # the last good sync stays visible
    assert failing["record_count"] == 120
    assert failing["api_calls_today"] == 5

    warehouse.record_sync_success("Opportunity", record_count=3, api_calls=2)
    recovered = warehouse.get_sync_status("Opportunity")
    assert (recovered["status"], recovered["consecutive_failures"]) == ("ok", 0)
    assert recovered["api_calls_today"] == 7
    assert warehouse.get_sync_status("Contact") is None


def test_api_calls_today_restart_on_a_new_day(warehouse):
    warehouse.record_sync_success("Event", record_count=1, api_calls=50)
    warehouse.execute("update staging.sync_status set api_calls_date = :d where object = 'Event'",
                      {"d": datetime(2020, 1, 1).date()})

    warehouse.record_sync_success("Event", record_count=1, api_calls=3)

    assert warehouse.get_sync_status("Event")["api_calls_today"] == 3


def test_failure_text_is_stored_without_secrets(warehouse):
    error = ("login failed for postgresql://etl:hunter2@db.internal/warehouse; "
             "Authorization: Bearer 00Dxx0000001gPL!AR8AQJXg5oj8jXSgxJfA0lBog; "
             "token=abc123 password='p@ss word' session_id=XYZ " + "x" * 10_000)

    warehouse.record_sync_failure("Account", error)

    stored = warehouse.get_sync_status("Account")["last_error"]
    for secret in ("hunter2", "AR8AQJXg5oj8", "abc123", "p@ss word", "XYZ"):
        assert secret not in stored
    assert stored.startswith("login failed for postgresql://etl:***@db.internal/warehouse")
    assert len(stored) <= MAX_ERROR_CHARS


def test_redact_removes_the_configured_postgres_url():
    url = "postgresql+psycopg2://svc:Zx9-Long-Secret@10.0.0.5:5432/dw"
    text = f"could not connect using {url}; retrying"
    assert "Zx9-Long-Secret" not in redact(text, known_secrets=(url, "Zx9-Long-Secret"))
    assert redact("plain message") == "plain message"


def test_sync_tables_exist_after_first_use(warehouse):
    warehouse.get_high_water_mark("Opportunity")
    assert warehouse.table_exists("staging", "sync_state")
    assert warehouse.table_exists("staging", "sync_status")
    assert warehouse.row_count("staging", "sync_status") == 0
