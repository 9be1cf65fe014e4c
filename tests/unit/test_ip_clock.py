from datetime import date

import pytest

from registry.ip_clock import expires_on, in_force_on

FILED = date(2017, 3, 5)
GRANTED = date(2019, 8, 20)


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        ("invention", date(2037, 3, 4)),
        ("utility_model", date(2027, 3, 4)),
        ("design", date(2027, 3, 4)),
        ("ic_layout", date(2027, 3, 4)),
        ("trademark", date(2029, 8, 19)),
        ("plant_variety", date(2039, 8, 19)),
        ("software_copyright", date(2067, 12, 31)),
    ],
)
def test_terms_end_the_day_before_the_anniversary(kind, expected):
    assert expires_on(kind, FILED, GRANTED) == expected


def test_design_term_grew_to_fifteen_years_for_filings_from_june_2021():
    assert expires_on("design", date(2021, 5, 31), None) == date(2031, 5, 30)
    assert expires_on("design", date(2021, 6, 1), None) == date(2036, 5, 31)


def test_leap_day_filing_ends_on_the_last_day_of_february():
    assert expires_on("utility_model", date(2020, 2, 29), None) == date(2030, 2, 28)
    assert expires_on("invention", date(2020, 2, 29), None) == date(2040, 2, 28)


def test_a_term_begun_on_a_months_first_day_ends_on_the_last_day_of_the_month_before():
    assert expires_on("design", date(2021, 3, 1), None) == date(2031, 2, 28)
    assert expires_on("design", date(2021, 7, 1), None) == date(2036, 6, 30)
    assert expires_on("design", date(2025, 3, 1), None) == date(2040, 2, 29)
    assert expires_on("invention", date(2021, 1, 1), None) == date(2040, 12, 31)


@pytest.mark.parametrize(
    ("kind", "filed", "granted"),
    [
        ("invention", None, GRANTED),
        ("design", None, GRANTED),
        ("trademark", FILED, None),
        ("plant_variety", FILED, None),
        ("software_copyright", None, None),
    ],
)
def test_missing_starting_date_gives_no_expiry(kind, filed, granted):
    assert expires_on(kind, filed, granted) is None


def test_software_copyright_falls_back_to_its_registration_date():
    assert expires_on("software_copyright", None, date(2018, 1, 2)) == date(2068, 12, 31)


def test_unknown_kind_is_a_programming_error():
    with pytest.raises(ValueError):
        expires_on("patent", FILED, GRANTED)


def test_in_force_from_grant_through_the_last_day():
    expires = date(2027, 3, 4)
    assert not in_force_on(GRANTED, expires, date(2019, 8, 19))
    assert in_force_on(GRANTED, expires, GRANTED)
    assert in_force_on(GRANTED, expires, expires)
    assert not in_force_on(GRANTED, expires, date(2027, 3, 5))


def test_never_granted_is_never_in_force():
    assert not in_force_on(None, date(2037, 3, 4), date(2020, 1, 1))


def test_unknown_expiry_after_grant_counts_as_in_force():
    assert in_force_on(GRANTED, None, date(2090, 1, 1))
