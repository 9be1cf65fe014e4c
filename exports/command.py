"""`park export statistics|template|registry|deadlines`: write a workbook to a file (or `-` for stdout).

Exit status: 0 written, 2 unusable arguments (unknown kind or language, missing or impossible year
or period, an unreadable --as-of date, an output path that cannot be written).
"""

from __future__ import annotations

import os
import sys
from datetime import date
from pathlib import Path
from typing import BinaryIO
from zoneinfo import ZoneInfo

from registry.actor import SYSTEM
from registry.errors import InvalidValue, ValidationFailed
from registry.ip_deadlines import DEFAULT_WITHIN_DAYS, MAX_WITHIN_DAYS
from registry.periods import FIRST_YEAR, LAST_YEAR, Period
from registry.settings import Settings
from registry.vocabulary import LANGS

KINDS = ("statistics", "template", "registry", "deadlines")


def _usage_error(message: str) -> int:
    print(f"error: {message}", file=sys.stderr)
    return 2


def main_export(
    settings: Settings,
    kind: str,
    year: int | None,
    lang: str,
    out: str,
    period: str | None = None,
    as_of: str | None = None,
    within: int | None = None,
) -> int:
    if kind not in KINDS:
        return _usage_error(f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
    if lang not in LANGS:
        return _usage_error(f"--lang must be zh or en, not {lang!r}")
    if kind == "statistics" and year is None and period is None:
        return _usage_error("park export statistics needs --year YYYY or --period P (2016, 2017H1, 2017Q3)")
    if year is not None and period is not None:
        return _usage_error("give --year or --period, not both")
    if year is not None and not FIRST_YEAR <= year <= LAST_YEAR:
        return _usage_error(f"--year must be between {FIRST_YEAR} and {LAST_YEAR}, not {year}")
    try:
        statistics_period = Period.parse(period) if period is not None else Period(year) if year else None
    except InvalidValue as error:
        return _usage_error(f"--period: {error.message}")
    try:
        day = date.fromisoformat(as_of) if as_of is not None else None
    except ValueError:
        return _usage_error(f"--as-of must be a date YYYY-MM-DD, not {as_of!r}")
    if within is not None and not 0 <= within <= MAX_WITHIN_DAYS:
        return _usage_error(f"--within must be 0–{MAX_WITHIN_DAYS} days, not {within}")
    if out != "-" and not Path(out).resolve().parent.is_dir():
        return _usage_error(f"cannot write {out}: no such directory")

    from registry.migrate import run_on_database

    try:
        written = run_on_database(
            settings, lambda: _export(kind, statistics_period, lang, out, day, within, settings.zone)
        )
    except OSError as error:
        return _usage_error(f"cannot write {out}: {error.strerror or error}")
    except ValidationFailed as failure:  # e.g. statistics of 1900, which has no year before to compare with
        return _usage_error("; ".join(e.message for e in failure.errors) or failure.detail)
    what = f"{kind} {statistics_period} ({lang})" if kind == "statistics" else kind
    print(f"wrote {what} to {out} ({written:,} bytes)", file=sys.stderr)
    return 0


async def _export(
    kind: str,
    period: Period | None,
    lang: str,
    out: str,
    as_of: date | None,
    within: int | None = None,
    zone: ZoneInfo | None = None,
) -> int:
    if out == "-":
        return await _write(kind, period, lang, sys.stdout.buffer, as_of, within, zone)
    # Written beside the target and renamed, so a failed export never leaves half a workbook.
    partial = Path(f"{out}.part")
    try:
        with partial.open("wb") as file:
            written = await _write(kind, period, lang, file, as_of, within, zone)
        os.replace(partial, out)
    finally:
        partial.unlink(missing_ok=True)
    return written


async def _write(
    kind: str,
    period: Period | None,
    lang: str,
    file: BinaryIO,
    as_of: date | None,
    within: int | None = None,
    zone: ZoneInfo | None = None,
) -> int:
    start = file.tell() if file.seekable() else 0
    if kind == "statistics":
        from exports.statistics import write_statistics_workbook

        assert period is not None
        await write_statistics_workbook(SYSTEM, period, file, lang, as_of, zone=zone)
    elif kind == "template":
        from exports.template import template_workbook

        file.write(template_workbook(lang))
    elif kind == "deadlines":
        from exports.deadlines import deadlines_workbook

        file.write(await deadlines_workbook(SYSTEM, DEFAULT_WITHIN_DAYS if within is None else within, lang))
    else:
        from exports.registry_dump import write_registry_workbook

        await write_registry_workbook(SYSTEM, file)
    file.flush()
    return (file.tell() - start) if file.seekable() else 0


__all__ = ["main_export"]
