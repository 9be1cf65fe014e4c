"""Times in the park's zone (PARK_TIME_ZONE): one function for pages and workbooks, the zone named."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from registry.park_time import park_time, park_zone
from registry.settings import load_settings

NOON_UTC = datetime(2026, 12, 8, 4, 0, tzinfo=UTC)


def test_a_utc_time_reads_as_beijing_time_by_default(monkeypatch, tmp_path):
    monkeypatch.setenv("PARK_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("PARK_TIME_ZONE", raising=False)
    zone = load_settings().zone
    assert park_time(NOON_UTC, zone) == "2026-12-08 12:00 北京时间"
    assert park_time("2026-12-08T04:00:00+00:00", zone, "en", seconds=True) == "2026-12-08 12:00:00 Beijing time"


def test_another_zone_is_named_by_its_name_and_offset(monkeypatch, tmp_path):
    monkeypatch.setenv("PARK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PARK_TIME_ZONE", "Asia/Urumqi")
    zone = load_settings().zone
    assert park_time(NOON_UTC, zone) == "2026-12-08 10:00 Asia/Urumqi (UTC+06:00)"


def test_an_unknown_zone_stops_the_start(monkeypatch, tmp_path):
    monkeypatch.setenv("PARK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PARK_TIME_ZONE", "Mars/Olympus")
    with pytest.raises(ValueError, match="PARK_TIME_ZONE"):
        load_settings()


def test_a_naive_time_is_taken_as_utc():
    assert park_time(datetime(2026, 12, 8, 4, 0), park_zone("Asia/Shanghai")).startswith("2026-12-08 12:00")
