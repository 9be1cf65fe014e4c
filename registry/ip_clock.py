"""When an IP item's protection ends, and whether it is in force on a day."""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

# The fourth amendment of the Patent Law lengthened design terms for filings from this day.
_DESIGN_15_YEARS_FROM = date(2021, 6, 1)

# kind -> (years of protection, counted from "filed" or "granted")
_TERMS: dict[str, tuple[int, str]] = {
    "invention": (20, "filed"),
    "utility_model": (10, "filed"),
    "trademark": (10, "granted"),
    "ic_layout": (10, "filed"),
    # 25 years for woody plants and vines; the registry does not know which a variety is.
    "plant_variety": (20, "granted"),
}


def expires_on(kind: str, filed_on: date | None, granted_on: date | None) -> date | None:
    """Last day of protection (inclusive), or None when the date it counts from is unknown.

    A term of N years from a day D runs through the day before D's N-th anniversary, as CNIPA
    and CTMO count it; a 29 February start ends on 28 February in a common year.

    Software copyright lasts to 31 December of the 50th year after first publication. The
    registry keeps no publication date, so `filed_on` stands for it (registration follows
    publication closely and the term is a whole-year one); `granted_on`, the registration
    date, is used when `filed_on` is missing. A trademark's renewals are not tracked: the
    answer is the end of the first ten-year term.
    """
    if kind == "software_copyright":
        start = filed_on or granted_on
        return None if start is None else date(start.year + 50, 12, 31)
    if kind == "design":
        if filed_on is None:
            return None
        return _term_end(filed_on, 15 if filed_on >= _DESIGN_15_YEARS_FROM else 10)
    if kind not in _TERMS:
        raise ValueError(f"unknown IP kind: {kind!r}")
    years, counted_from = _TERMS[kind]
    start = filed_on if counted_from == "filed" else granted_on
    return None if start is None else _term_end(start, years)


def in_force_on(granted_on: date | None, expires: date | None, day: date) -> bool:
    """Granted on or before `day` and not yet past its last day of protection.

    An item with no known expiry but a grant counts as in force: the registry cannot prove
    otherwise, and its status field records lapses.
    """
    if granted_on is None or granted_on > day:
        return False
    return expires is None or day <= expires


def _term_end(start: date, years: int) -> date:
    """The day before the anniversary. A term begun on a month's first day ends on the last day of the month
    before (29 February in a leap year); one begun on 29 February ends on 28 February."""
    last = start - timedelta(days=1)
    return last + relativedelta(years=years, day=31) if start.day == 1 else last + relativedelta(years=years)
