"""The fee calendar: CNIPA's dates and amounts, 29 February and month ends, late fees, renewals."""

from datetime import date

import pytest

from registry.ip_deadlines import (
    ANNUAL_FEE,
    EXPIRY,
    RENEWAL,
    annual_fee,
    deadlines_of,
    fee_due_on,
    grace_ends_on,
    late_fee,
    patent_year_on,
    payable_years,
)


def _fees(deadlines):
    return [(d.patent_year, d.due_on, d.last_day, d.fee) for d in deadlines if d.deadline == ANNUAL_FEE]


def test_month_arithmetic_falls_back_to_the_months_last_day():
    assert fee_due_on(date(2016, 2, 29), 2) == date(2017, 2, 28)
    assert fee_due_on(date(2016, 2, 29), 5) == date(2020, 2, 29)
    assert grace_ends_on(date(2021, 8, 31)) == date(2022, 2, 28)
    assert grace_ends_on(date(2023, 8, 31)) == date(2024, 2, 29)
    assert grace_ends_on(date(2020, 3, 15)) == date(2020, 9, 15)


def test_invention_filed_on_29_february_granted_in_its_fourth_year():
    filed, granted = date(2016, 2, 29), date(2019, 5, 10)
    assert patent_year_on(filed, granted) == 4  # year 4 began on 2019-02-28
    assert payable_years("invention", filed, granted) == range(4, 21)

    fees = _fees(deadlines_of("invention", "valid", filed, granted))

    # Year 4's fee went with the grant registration; the owner pays years 5 to 20.
    assert [year for year, *_ in fees] == list(range(5, 21))
    assert fees[0] == (5, date(2020, 2, 29), date(2020, 8, 29), 1_200_00)  # a leap year keeps the 29th
    assert fees[1] == (6, date(2021, 2, 28), date(2021, 8, 28), 1_200_00)  # a common year: the 28th
    assert fees[2][3] == 2_000_00 and fees[5][3] == 4_000_00 and fees[8][3] == 6_000_00
    assert fees[-1] == (20, date(2035, 2, 28), date(2035, 8, 28), 8_000_00)
    expiry = [d for d in deadlines_of("invention", "valid", filed, granted) if d.deadline == EXPIRY]
    assert [(d.due_on, d.last_day) for d in expiry] == [(date(2036, 2, 28), date(2036, 2, 28))]


def test_paid_years_are_no_longer_deadlines():
    filed, granted = date(2016, 2, 29), date(2019, 5, 10)
    fees = _fees(deadlines_of("invention", "valid", filed, granted, paid_years={5, 6, 7}))
    assert [year for year, *_ in fees] == list(range(8, 21))


def test_only_the_next_unpaid_year_is_owed():
    filed, granted = date(2016, 2, 29), date(2019, 5, 10)
    # Year 5 unpaid: it is the fee owed. Year 6 is not due before year 5's grace ends (2020-08-29 is
    # before 2021-02-28), and if that grace ends unpaid the patent has lapsed and owes no year 6.
    owed = deadlines_of("invention", "valid", filed, granted, next_fee_only=True)
    assert [(d.deadline, d.patent_year) for d in owed] == [(ANNUAL_FEE, 5), (EXPIRY, None)]
    assert owed[0].last_day < fee_due_on(filed, 6)
    # Paid through year 6 (and year 8 ahead of time): year 7 is next.
    owed = deadlines_of("invention", "valid", filed, granted, {5, 6, 8}, next_fee_only=True)
    assert _fees(owed) == [(7, date(2022, 2, 28), date(2022, 8, 28), 2_000_00)]
    # Every year paid: only the expiry is left.
    owed = deadlines_of("invention", "valid", filed, granted, set(range(5, 21)), next_fee_only=True)
    assert [d.deadline for d in owed] == [EXPIRY]


def test_utility_model_fees_over_its_ten_years():
    filed, granted = date(2017, 8, 31), date(2018, 1, 20)
    fees = _fees(deadlines_of("utility_model", "valid", filed, granted))
    assert [year for year, *_ in fees] == list(range(2, 11))
    assert fees[0] == (2, date(2018, 8, 31), date(2019, 2, 28), 600_00)  # 31 August + 6 months
    assert [fee for *_, fee in fees] == [
        600_00,
        600_00,
        900_00,
        900_00,
        1_200_00,
        1_200_00,
        1_200_00,
        2_000_00,
        2_000_00,
    ]
    assert fees[-1][1] == date(2026, 8, 31)


def test_design_filed_after_june_2021_pays_fifteen_years():
    filed, granted = date(2021, 6, 1), date(2021, 11, 5)
    deadlines = deadlines_of("design", "valid", filed, granted)
    fees = _fees(deadlines)
    assert [year for year, *_ in fees] == list(range(2, 16))
    assert fees[-1] == (15, date(2035, 6, 1), date(2035, 12, 1), 3_000_00)
    assert [fee for year, *_, fee in fees if year >= 11] == [3_000_00] * 5
    assert [d.due_on for d in deadlines if d.deadline == EXPIRY] == [date(2036, 5, 31)]
    # A design filed the day before keeps the ten-year term and so ten fee years.
    assert payable_years("design", date(2021, 5, 31), granted)[-1] == 10


def test_trademark_renewal_window_and_grace():
    registered = date(2016, 8, 31)
    deadlines = deadlines_of("trademark", "valid", date(2015, 4, 1), registered)
    renewal = next(d for d in deadlines if d.deadline == RENEWAL)
    assert renewal.due_on == date(2026, 8, 30)  # the registration's last day
    assert renewal.opens_on == date(2025, 8, 30)  # twelve months before
    assert renewal.last_day == date(2027, 2, 28)  # six months' grace, to the end of February
    assert renewal.fee is None
    assert not _fees(deadlines)


@pytest.mark.parametrize(
    ("paid_on", "percent"),
    [
        (date(2020, 2, 29), 0),  # on the day
        (date(2020, 3, 29), 0),  # within the first month: no late fee
        (date(2020, 3, 30), 5),  # into the second month
        (date(2020, 4, 29), 5),
        (date(2020, 4, 30), 10),
        (date(2020, 7, 30), 25),
        (date(2020, 8, 29), 25),  # the grace's last day
    ],
)
def test_late_fee_is_five_percent_for_each_month_after_the_first(paid_on, percent):
    assert late_fee(1_200_00, date(2020, 2, 29), paid_on) == 1_200_00 * percent // 100


def test_grace_ends_six_months_after_the_due_day():
    assert grace_ends_on(date(2020, 2, 29)) == date(2020, 8, 29)
    assert grace_ends_on(date(2019, 8, 31)) == date(2020, 2, 29)


def test_items_not_in_force_owe_nothing():
    for status in ("pending", "lapsed", "expired", "withdrawn"):
        assert deadlines_of("invention", status, date(2016, 2, 29), date(2019, 5, 10)) == []


def test_every_kind_has_its_expiry():
    filed, granted = date(2017, 3, 5), date(2019, 8, 20)
    for kind in ("software_copyright", "ic_layout", "plant_variety"):
        (only,) = deadlines_of(kind, "valid", filed, granted)
        assert only.deadline == EXPIRY


def test_schedule_amounts():
    assert [annual_fee("invention", y) // 100 for y in (1, 3, 4, 6, 7, 9, 10, 12, 13, 15, 16, 20)] == [
        900,
        900,
        1200,
        1200,
        2000,
        2000,
        4000,
        4000,
        6000,
        6000,
        8000,
        8000,
    ]
    assert [annual_fee("utility_model", y) // 100 for y in (3, 4, 5, 6, 8, 9, 10)] == [
        600,
        900,
        900,
        1200,
        1200,
        2000,
        2000,
    ]
    with pytest.raises(ValueError):
        annual_fee("utility_model", 11)
    assert fee_due_on(date(2016, 2, 29), 1) == date(2016, 2, 29)


def test_a_ten_year_term_from_29_february_has_ten_fee_years():
    filed, granted = date(2008, 2, 29), date(2008, 9, 1)
    assert payable_years("utility_model", filed, granted) == range(1, 11)
    assert payable_years("invention", date(2016, 2, 29), date(2019, 5, 10))[-1] == 20
