"""The demo park's annual fees: most years paid, a few falling due, one or two patents at risk.

Fees depend on the day the demo is loaded (what is past is paid, what is ahead is not), so the
choices are made from each patent's number, not from the demo's random sequence — the published
figures, drawn from that sequence, stay exactly as they were. Fee records touch no figure the
statistics publish: valid items stay valid; at risk is counted beside them.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from registry.ip_deadlines import annual_fee, fee_due_on, grace_ends_on, payable_years

# One patent in this many leaves its latest fee unpaid while its grace runs (a late payer).
_LATE_PAYERS = 40
# How many patents leave a year unpaid past its grace: at risk of lapse.
AT_RISK = 2


def _dice(number: str) -> int:
    return zlib.crc32(number.encode())


def demo_fees(items: Iterable[Mapping[str, Any]], today: date) -> list[tuple[Mapping[str, Any], dict[str, Any]]]:
    """(item, fee record) for the paid years of the demo's patents as of `today`: each year due
    before today paid a few days early, except that a few patents leave the year now in its grace
    unpaid and the first AT_RISK patents that can leave one unpaid past its grace do."""
    fees = []
    at_risk = 0
    for item in items:
        years = payable_years(item["kind"], item["filed_on"], item["granted_on"])
        due = {year: fee_due_on(item["filed_on"], year) for year in years[1:]}
        past = [year for year, day in due.items() if day < today]
        skip = set()
        if past and today <= grace_ends_on(due[past[-1]]) and _dice(item["number"]) % _LATE_PAYERS == 0:
            skip.add(past[-1])
        elif at_risk < AT_RISK and past and grace_ends_on(due[past[-1]]) < today and past[-1] + 1 in due:
            skip.add(past[-1])
            at_risk += 1
        for year in past:
            if year in skip:
                continue
            paid = max(item["granted_on"], due[year] - timedelta(days=_dice(f"{item['number']}/{year}") % 25))
            fees.append((item, {"patent_year": year, "paid_on": paid, "amount": annual_fee(item["kind"], year)}))
    return fees


__all__ = ["AT_RISK", "demo_fees"]
