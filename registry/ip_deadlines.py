"""The dates that cost a tenant its rights if missed: patent annual fees, trademark renewals, expiries.

Annual fees (CNIPA, 专利收费标准 and 专利法实施细则 — docs/deadlines.md cites the schedule and the day it
was checked): patent year n runs from the n-1-th anniversary of the filing date; its fee is due by
that anniversary, except the fee of the year the patent is granted in, which is paid with the grant
registration (no grant without it). A fee not paid by its day may still be paid within six months,
with a late fee: nothing in the first month, then 5 % of that year's full fee for each further month
begun (5 % … 25 %). Unpaid after that, the patent lapses from the due day: the item is at risk.

Periods counted in months or years end on the corresponding day of the last month, or on that
month's last day when it has none (实施细则 §5): 29 February + 1 year is 28 February, 31 August +
6 months is the end of February.

Trademarks (商标法 §40): renewal may be filed in the 12 months before the registration expires, or
in the six months' grace after it.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from registry.ip_clock import expires_on
from registry.ip_numbers import PATENT_TYPE_DIGITS

PATENT_KINDS = tuple(PATENT_TYPE_DIGITS)
GRACE_MONTHS = 6
# The longest a deadline's last day can follow its due day (six months' grace, the longest months).
LONGEST_GRACE_DAYS = 184
LATE_FEE_PERCENT_PER_MONTH = 5
# The window of what falls due, in days from today: by default, and at most.
DEFAULT_WITHIN_DAYS = 90
MAX_WITHIN_DAYS = 366 * 20
_FEN_PER_YUAN = 100

# Annual fee in yuan by patent year: (first year, last year, fee) — CNIPA's schedule.
_FEES: dict[str, tuple[tuple[int, int, int], ...]] = {
    "invention": ((1, 3, 900), (4, 6, 1_200), (7, 9, 2_000), (10, 12, 4_000), (13, 15, 6_000), (16, 20, 8_000)),
    "utility_model": ((1, 3, 600), (4, 5, 900), (6, 8, 1_200), (9, 10, 2_000)),
    "design": ((1, 3, 600), (4, 5, 900), (6, 8, 1_200), (9, 10, 2_000), (11, 15, 3_000)),
}

ANNUAL_FEE = "annual_fee"
RENEWAL = "renewal"
EXPIRY = "expiry"


def annual_fee(kind: str, patent_year: int) -> int:
    """The schedule's fee for `patent_year` of a patent of `kind`, in fen."""
    for first, last, yuan in _FEES[kind]:
        if first <= patent_year <= last:
            return yuan * _FEN_PER_YUAN
    raise ValueError(f"{kind} has no patent year {patent_year}")


def fee_due_on(filed_on: date, patent_year: int) -> date:
    """The day the fee of `patent_year` is due by: the start of that year."""
    return filed_on + relativedelta(years=patent_year - 1)


def patent_year_on(filed_on: date, day: date) -> int:
    """The patent year `day` falls in (year 1 begins on the filing date)."""
    years = day.year - filed_on.year
    if fee_due_on(filed_on, years + 1) > day:
        years -= 1
    return years + 1


def grace_ends_on(due_on: date) -> date:
    return due_on + relativedelta(months=GRACE_MONTHS)


def late_fee(fee: int, due_on: date, paid_on: date) -> int:
    """The late fee, in fen, for paying `fee` due on `due_on` on `paid_on` (0 when on time or in the
    first month; after the grace the full 25 % of the last month, as CNIPA would still ask it on a
    restoration)."""
    months = next((m for m in range(GRACE_MONTHS + 1) if paid_on <= due_on + relativedelta(months=m)), GRACE_MONTHS)
    return fee * LATE_FEE_PERCENT_PER_MONTH * max(months - 1, 0) // 100


def state_on(due_on: date, last_day: date, today: date) -> str:
    """Where a deadline stands on `today` (registry.vocabulary.DEADLINE_STATE): due, in its grace, or
    past its last day — for an annual fee year, what puts the patent at risk of lapse (`PAST_GRACE`)."""
    return "at_risk" if last_day < today else "grace" if due_on < today else "due"


# The same rule over the rows of `ip_deadline AS d` (registry.services.deadline_table) on the day
# `:today`: the annual fee years unpaid past their grace, the items at risk. due_on < today is implied
# by last_day < today; said, it makes the read an index range.
PAST_GRACE = f"d.deadline = '{ANNUAL_FEE}' AND d.due_on < :today AND d.last_day < :today"


@dataclass(frozen=True)
class Deadline:
    """One date an item's owner must act by. `last_day` ends the grace (the due day when there is
    none); `opens_on` is when a renewal may first be filed; `fee` is the schedule's, in fen."""

    deadline: str
    due_on: date
    last_day: date
    patent_year: int | None = None
    opens_on: date | None = None
    fee: int | None = None


def payable_years(kind: str, filed_on: date | None, granted_on: date | None) -> range:
    """The patent years a fee is paid for: from the year the patent was granted in (its fee paid with
    the grant registration) to the last year of its term. Empty for other kinds or missing dates."""
    if kind not in PATENT_KINDS or filed_on is None or granted_on is None:
        return range(0)
    expires = expires_on(kind, filed_on, granted_on)
    assert expires is not None
    # The last year is the one running on the day before the last day of protection: a term from
    # 29 February ends on 28 February, the day an eleventh "year" would begin by the month-end rule.
    return range(patent_year_on(filed_on, granted_on), patent_year_on(filed_on, expires - timedelta(days=1)) + 1)


def deadlines_of(
    kind: str,
    status: str,
    filed_on: date | None,
    granted_on: date | None,
    paid_years: Collection[int] = (),
    *,
    next_fee_only: bool = False,
) -> list[Deadline]:
    """Every deadline of an item in force: each unpaid annual fee year, a trademark's renewal, the
    expiry. Items not in force (pending, lapsed, withdrawn, expired) owe nothing and have none.

    With `next_fee_only`, only the first unpaid fee year: the one fee owed at any moment. A later
    year is never due while an earlier one is still payable (the grace, six months, ends before the
    next anniversary), and once the earlier one's grace has ended unpaid the patent has lapsed and
    CNIPA asks no later fee of it, unless it is restored by paying that year. So what the registry
    keeps does not depend on the day it is computed."""
    if status != "valid":
        return []
    expires = expires_on(kind, filed_on, granted_on)
    found = []
    if filed_on is not None:
        for year in payable_years(kind, filed_on, granted_on)[1:]:
            if year not in paid_years:
                due = fee_due_on(filed_on, year)
                found.append(Deadline(ANNUAL_FEE, due, grace_ends_on(due), year, None, annual_fee(kind, year)))
                if next_fee_only:
                    break
    if expires is not None:
        if kind == "trademark":
            found.append(Deadline(RENEWAL, expires, grace_ends_on(expires), None, expires - relativedelta(years=1)))
        found.append(Deadline(EXPIRY, expires, expires))
    return found


__all__ = [
    "ANNUAL_FEE",
    "DEFAULT_WITHIN_DAYS",
    "EXPIRY",
    "MAX_WITHIN_DAYS",
    "LONGEST_GRACE_DAYS",
    "PAST_GRACE",
    "PATENT_KINDS",
    "RENEWAL",
    "Deadline",
    "annual_fee",
    "deadlines_of",
    "fee_due_on",
    "payable_years",
    "grace_ends_on",
    "late_fee",
    "patent_year_on",
    "state_on",
]
