"""The signing secrets a first start generates are written whole or not at all, readable by the owner only."""

from __future__ import annotations

from registry.settings import load_settings


def test_a_secret_left_empty_by_a_killed_start_is_made_anew_kept_and_private(tmp_path, monkeypatch):
    for variable in ("PARK_JWT_SECRET", "PARK_CALENDAR_SECRET"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("PARK_DATA_DIR", str(tmp_path))
    (tmp_path / "jwt-secret").write_text("")  # a start killed between creating the file and writing it
    first = load_settings()
    assert len(first.jwt_secret) >= 64 and len(first.calendar_secret) >= 64
    assert first.jwt_secret != first.calendar_secret
    for name in ("jwt-secret", "calendar-secret"):
        assert (tmp_path / name).stat().st_mode & 0o777 == 0o600
    again = load_settings()
    assert (again.jwt_secret, again.calendar_secret) == (first.jwt_secret, first.calendar_secret)
    assert sorted(path.name for path in tmp_path.iterdir()) == ["calendar-secret", "jwt-secret"]  # no stray copies
