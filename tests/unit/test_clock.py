"""Times written for Atom and OAI-PMH are UTC, whatever zone the server runs in."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone

import pytest

from chancery.services.clock import utc_stamp


def test_a_time_without_a_zone_is_utc_even_on_a_server_in_tokyo(monkeypatch: pytest.MonkeyPatch) -> None:
    """SQLite gives back UTC times without their zone; reading them as local time moved
    OAI-PMH datestamps by the server's offset."""
    monkeypatch.setenv("TZ", "Asia/Tokyo")
    time.tzset()
    try:
        assert utc_stamp(datetime(2026, 11, 25, 15, 8, 45, 494356)) == "2026-11-25T15:08:45Z"
        assert utc_stamp(datetime(2026, 11, 25, 15, 8, 45, tzinfo=UTC)) == "2026-11-25T15:08:45Z"
        tokyo = datetime(2026, 11, 26, 0, 8, 45, tzinfo=timezone(timedelta(hours=9)))
        assert utc_stamp(tokyo) == "2026-11-25T15:08:45Z"
    finally:
        monkeypatch.delenv("TZ")
        time.tzset()
