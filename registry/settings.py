"""Settings read from the environment once, at an entry point (`park ...`, the server's app factory), and
passed down from there: nothing here runs at import, and no module keeps settings of its own."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from registry.park_time import DEFAULT_ZONE, park_zone


@dataclass(frozen=True)
class Settings:
    database_url: str
    data_dir: Path
    jwt_secret: str
    calendar_secret: str
    token_ttl_seconds: int
    import_max_bytes: int
    login_max_failures: int
    login_window_seconds: int
    login_max_failures_per_address: int
    tenant_read_cache: bool
    session_idle_seconds: int
    # Where `park backup` / `park restore` take pg_dump and pg_restore from (PARK_PG_BIN); None: the
    # Debian directory of the server's major version, else PATH (registry/backup.py).
    postgres_tools: Path | None
    upload_retention_days: int = 30
    # PBKDF2 rounds for new password hashes (PARK_PBKDF2_ITERATIONS); None: Piccolo's default. The count
    # is stored in each hash, so a lowered count (a test run) never weakens accounts made with another.
    pbkdf2_iterations: int | None = None
    # The SMTP server reminders go out through (PARK_SMTP_URL, registry/mail.py); None: portal notices only.
    # Kept out of the settings' repr: it may carry the server's password.
    smtp_url: str | None = field(default=None, repr=False)
    # The zone every time is shown in, on pages and in workbooks (PARK_TIME_ZONE; registry.park_time).
    park_time_zone: str = DEFAULT_ZONE

    @property
    def zone(self) -> ZoneInfo:
        return park_zone(self.park_time_zone)

    @property
    def engine(self) -> str:
        return "postgres" if self.database_url.startswith("postgres") else "sqlite"


def sqlite_file(url: str) -> Path:
    """The file a `sqlite:///path` database URL names."""
    return Path(url.removeprefix("sqlite:///") if url.startswith("sqlite:///") else urlsplit(url).path)


def _secret(variable: str, data_dir: Path, filename: str) -> str:
    """A signing secret: from the environment, else one generated once and kept on disk."""
    if secret := os.environ.get(variable):
        return secret
    path = data_dir / filename
    if path.exists() and (kept := path.read_text().strip()):
        return kept
    data_dir.mkdir(parents=True, exist_ok=True)
    # Written whole under another name (mode 600 from the start), flushed to disk, then given its
    # name: a process killed meanwhile never leaves an empty or half-written secret to sign with,
    # and of two processes starting at once the first to name its file wins and both read that one.
    fresh = path.with_name(f".{filename}.{os.getpid()}")
    handle = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(handle, secrets.token_urlsafe(48).encode())
        os.fsync(handle)
    finally:
        os.close(handle)
    try:
        if path.exists():  # empty: left by a start killed while writing it (before this was atomic)
            os.replace(fresh, path)
        else:
            os.link(fresh, path)
    except FileExistsError:
        pass
    finally:
        fresh.unlink(missing_ok=True)
    return path.read_text().strip()


def _days(text: str) -> int:
    days = int(text)
    if days < 0:
        raise ValueError(f"PARK_UPLOAD_RETENTION_DAYS must be 0 or more, not {days}")
    return days


def _smtp_url(text: str | None) -> str | None:
    if not text:
        return None
    scheme = urlsplit(text).scheme
    if scheme not in ("smtp", "smtps") or not urlsplit(text).hostname:
        # The URL itself is not repeated: it may carry a password.
        raise ValueError("PARK_SMTP_URL must read smtp://user:pass@host:port or smtps://user:pass@host:port")
    return text


def load_settings() -> Settings:
    """The settings the environment names; generates the signing secrets it does not name, once, into
    the data folder."""
    data_dir = Path(os.environ.get("PARK_DATA_DIR", "var")).resolve()
    return Settings(
        database_url=os.environ.get("DATABASE_URL", f"sqlite:///{data_dir / 'park.sqlite'}"),
        data_dir=data_dir,
        jwt_secret=_secret("PARK_JWT_SECRET", data_dir, "jwt-secret"),
        # Signs the calendar subscription keys (registry.services.calendar_keys): not the token secret,
        # so either can be changed without the other (changing it ends every subscription URL).
        calendar_secret=_secret("PARK_CALENDAR_SECRET", data_dir, "calendar-secret"),
        token_ttl_seconds=int(os.environ.get("PARK_TOKEN_TTL", "3600")),
        import_max_bytes=int(os.environ.get("PARK_IMPORT_MAX_BYTES", str(20 * 1024 * 1024))),
        login_max_failures=int(os.environ.get("PARK_LOGIN_MAX_FAILURES", "5")),
        login_window_seconds=int(os.environ.get("PARK_LOGIN_WINDOW", "300")),
        login_max_failures_per_address=int(os.environ.get("PARK_LOGIN_MAX_FAILURES_PER_ADDRESS", "50")),
        tenant_read_cache=os.environ.get("PARK_TENANT_READ_CACHE", "on").lower() not in ("off", "0", "false", "no"),
        session_idle_seconds=int(os.environ.get("PARK_SESSION_IDLE", "1800")),
        postgres_tools=Path(tools) if (tools := os.environ.get("PARK_PG_BIN")) else None,
        # The stored file of an import batch never applied is deleted this many days after the upload
        # (registry.services.import_batches.purge_files); the batch and its audit entries stay.
        upload_retention_days=_days(os.environ.get("PARK_UPLOAD_RETENTION_DAYS", "30")),
        pbkdf2_iterations=int(rounds) if (rounds := os.environ.get("PARK_PBKDF2_ITERATIONS")) else None,
        smtp_url=_smtp_url(os.environ.get("PARK_SMTP_URL")),
        park_time_zone=park_zone(os.environ.get("PARK_TIME_ZONE", DEFAULT_ZONE)).key,
    )


def as_environment(settings: Settings) -> dict[str, str]:
    """The environment variables that `load_settings` reads back as `settings`: how a worker process
    (exports.registry_dump) follows the settings of the app that started it, not its own environment."""
    variables = {
        "DATABASE_URL": settings.database_url,
        "PARK_DATA_DIR": str(settings.data_dir),
        "PARK_JWT_SECRET": settings.jwt_secret,
        "PARK_CALENDAR_SECRET": settings.calendar_secret,
        "PARK_TOKEN_TTL": str(settings.token_ttl_seconds),
        "PARK_IMPORT_MAX_BYTES": str(settings.import_max_bytes),
        "PARK_LOGIN_MAX_FAILURES": str(settings.login_max_failures),
        "PARK_LOGIN_WINDOW": str(settings.login_window_seconds),
        "PARK_LOGIN_MAX_FAILURES_PER_ADDRESS": str(settings.login_max_failures_per_address),
        "PARK_TENANT_READ_CACHE": "on" if settings.tenant_read_cache else "off",
        "PARK_SESSION_IDLE": str(settings.session_idle_seconds),
        "PARK_UPLOAD_RETENTION_DAYS": str(settings.upload_retention_days),
        "PARK_TIME_ZONE": settings.park_time_zone,
    }
    if settings.smtp_url is not None:
        variables["PARK_SMTP_URL"] = settings.smtp_url
    if settings.postgres_tools is not None:
        variables["PARK_PG_BIN"] = str(settings.postgres_tools)
    if settings.pbkdf2_iterations is not None:
        variables["PARK_PBKDF2_ITERATIONS"] = str(settings.pbkdf2_iterations)
    return variables
