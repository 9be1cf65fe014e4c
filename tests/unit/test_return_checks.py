"""The checks on a return (registry/return_checks.py): each row of the table, found and not found."""

from __future__ import annotations

import pytest

from registry.errors import ValidationFailed
from registry.return_checks import CHECKS, Facts, findings, read_figures
from registry.services.reports import FIGURE_FIELDS, figure_fields

YUAN = 100  # fen


def facts(figures: dict, last_period: dict | None = None, last_year: dict | None = None, asked=FIGURE_FIELDS) -> Facts:
    return Facts(figures=figures, asked=asked, last_period=last_period or {}, last_year=last_year or {})


def codes(found) -> list[tuple[str, str]]:
    return [(f.code, f.field) for f in found]


def refused(data: dict, unit: str = "元") -> dict[str, str]:
    with pytest.raises(ValidationFailed) as caught:
        read_figures(figure_fields(unit), data)
    return {e.field: e.code for e in caught.value.errors}


def test_every_check_has_a_code_a_severity_and_both_languages():
    assert len({c.code for c in CHECKS}) == len(CHECKS)
    for check in CHECKS:
        assert check.severity in ("error", "warning")
        assert check.zh and check.en and check.zh != check.en


def test_a_figure_that_is_not_a_number_is_an_error_named_by_its_field():
    assert refused({"revenue": "about a million", "employees": "12.5"}) == {
        "revenue": "not_a_number",
        "employees": "not_a_number",
    }


def test_a_negative_count_is_an_error():
    assert refused({"employees": "-3"}) == {"employees": "negative_count"}


def test_a_negative_amount_is_an_error_but_a_net_loss_is_not():
    assert refused({"revenue": "-1"}) == {"revenue": "negative_amount"}
    assert read_figures(FIGURE_FIELDS, {"net_profit": "-1.50"})["net_profit"] == -150


def test_a_field_the_round_does_not_ask_is_refused():
    asked = tuple(f for f in FIGURE_FIELDS if f.key == "revenue")
    with pytest.raises(ValidationFailed) as caught:
        read_figures(asked, {"revenue": "1", "employees": 3})
    assert {e.field: e.code for e in caught.value.errors} == {"employees": "unknown_field"}


def test_money_is_read_in_the_unit_chosen():
    assert read_figures(figure_fields("万元"), {"revenue": "1.5"})["revenue"] == 15_000 * YUAN
    assert read_figures(figure_fields("千元"), {"revenue": "2"})["revenue"] == 2_000 * YUAN


def test_rd_staff_above_employees_is_an_error_and_equal_is_not():
    assert codes(findings(facts({"employees": 10, "rd_staff": 11}), "error")) == [
        ("rd_staff_above_employees", "rd_staff")
    ]
    assert findings(facts({"employees": 10, "rd_staff": 10}), "error") == []


def test_net_profit_above_revenue_is_an_error():
    found = findings(facts({"revenue": 100 * YUAN, "net_profit": 101 * YUAN}), "error")
    assert codes(found) == [("profit_above_revenue", "net_profit")]
    assert "101.00" in found[0].message and "net profit" in found[0].message
    assert findings(facts({"revenue": 100 * YUAN, "net_profit": 100 * YUAN}), "error") == []


def test_a_money_figure_off_by_more_than_half_against_last_year_is_a_warning():
    last_year = {"revenue": 1_000 * YUAN, "tax_paid": 100 * YUAN, "employees": 10}
    found = findings(
        facts({"revenue": 1_600 * YUAN, "tax_paid": 49 * YUAN, "employees": 30}, last_year=last_year), "warning"
    )
    assert codes(found) == [("change_vs_last_year", "revenue"), ("change_vs_last_year", "tax_paid")]
    assert "+60%" in found[0].message and "-51%" in found[1].message


def test_a_change_of_exactly_half_or_from_nothing_is_no_warning():
    last_year = {"revenue": 1_000 * YUAN, "exports": 0}
    now = {"revenue": 1_500 * YUAN, "exports": 500 * YUAN, "employees": 5}
    assert findings(facts(now, last_year=last_year), "warning") == []


def test_a_figure_about_a_thousand_times_its_previous_value_is_a_unit_slip():
    found = findings(
        facts({"revenue": 1_000_000 * YUAN, "employees": 5}, last_period={"revenue": 1_000 * YUAN}), "warning"
    )
    assert codes(found) == [("unit_slip", "revenue")]
    assert "1000" in found[0].message


def test_a_thousandth_of_the_previous_value_is_a_unit_slip_too_and_last_year_stands_in():
    found = findings(
        facts({"revenue": 1_000 * YUAN, "employees": 5}, last_year={"revenue": 1_000_000 * YUAN}), "warning"
    )
    assert ("unit_slip", "revenue") in codes(found)
    assert "1/1000" in next(f.message for f in found if f.code == "unit_slip")


def test_ten_times_the_previous_value_is_no_unit_slip():
    assert (
        findings(facts({"revenue": 10_000 * YUAN, "employees": 5}, last_period={"revenue": 1_000 * YUAN}), "warning")
        == []
    )


def test_revenue_with_no_employees_is_a_warning_unless_employees_are_not_asked():
    assert codes(findings(facts({"revenue": 5 * YUAN, "employees": 0}), "warning")) == [
        ("revenue_without_employees", "employees")
    ]
    assert codes(findings(facts({"revenue": 5 * YUAN}), "warning")) == [("revenue_without_employees", "employees")]
    revenue_only = tuple(f for f in FIGURE_FIELDS if f.key == "revenue")
    assert findings(facts({"revenue": 5 * YUAN}, asked=revenue_only), "warning") == []
    assert findings(facts({"revenue": 0, "employees": 0}), "warning") == []
