from decimal import Decimal

import pytest

from registry.errors import InvalidValue
from registry.money import (
    UNIT_YUAN,
    format_yuan,
    in_unit,
    parse_count,
    parse_money,
    unit_yuan,
    whole_units,
)


def test_park_revenue_in_hundred_millions_is_exact_fen():
    assert parse_money("36", "亿元") == 360_000_000_000
    assert format_yuan(parse_money("78", "亿元")) == "7800000000.00"


@pytest.mark.parametrize(
    ("value", "unit", "fen"),
    [
        ("1,234.5", "元", 123_450),
        ("１２３", "元", 12_300),
        ("  ¥12.34 ", "元", 1_234),
        ("￥1,000,000", "元", 100_000_000),
        ("-0.05", "元", -5),
        ("－３", "元", -300),
        ("−3", "元", -300),
        (".5", "元", 50),
        ("+2", "元", 200),
        ("1.23456", "千元", 123_456),
        ("0.000001", "万元", 1),
        (12, "万元", 12_000_000),
        (Decimal("0.01"), "元", 1),
        ("7", "10k yuan", 7_000_000),
        ("7", "Thousand  Yuan", 700_000),
    ],
)
def test_parse_money_accepts_what_spreadsheets_hold(value, unit, fen):
    assert parse_money(value, unit) == fen


@pytest.mark.parametrize("value", ["", "abc", "1,5", "12,34.5", "1.2.3", "1e3", "NaN", "12元"])
def test_parse_money_rejects_text_that_is_not_a_number(value):
    with pytest.raises(InvalidValue) as caught:
        parse_money(value)
    assert caught.value.code == "money_format"
    assert " / " in caught.value.message


@pytest.mark.parametrize(("value", "unit"), [("0.001", "元"), (Decimal("0.0000001"), "万元")])
def test_parse_money_rejects_fractions_of_a_fen(value, unit):
    with pytest.raises(InvalidValue) as caught:
        parse_money(value, unit)
    assert caught.value.code == "money_fraction"


def test_parse_money_refuses_floats_and_bools():
    with pytest.raises(TypeError):
        parse_money(0.1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        parse_money(True)


def test_parse_money_rejects_non_finite_decimals_and_unknown_units():
    with pytest.raises(InvalidValue):
        parse_money(Decimal("Infinity"))
    with pytest.raises(InvalidValue) as caught:
        parse_money("1", "美元")
    assert caught.value.code == "money_unit"


def test_units_and_aliases():
    assert {unit: unit_yuan(unit) for unit in UNIT_YUAN} == UNIT_YUAN
    assert unit_yuan("yuan") == 1 and unit_yuan("100m yuan") == 100_000_000


@pytest.mark.parametrize(
    ("fen", "text"),
    [(360_000_000_000, "3600000000.00"), (-5, "-0.05"), (0, "0.00"), (-123_456, "-1234.56")],
)
def test_format_yuan(fen, text):
    assert format_yuan(fen) == text


@pytest.mark.parametrize("fen", [0, 1, -5, 123_456_789, 360_000_000_000])
def test_round_trips_through_yuan_text_and_every_unit(fen):
    assert parse_money(format_yuan(fen)) == fen
    for unit in UNIT_YUAN:
        assert parse_money(in_unit(fen, unit), unit) == fen


def test_in_unit_is_exact():
    assert in_unit(123_456, "千元") == Decimal("1.23456")
    assert in_unit(360_000_000_000, "亿元") == Decimal(36)
    assert in_unit(-5, "元") == Decimal("-0.05")


@pytest.mark.parametrize(
    ("value", "count"),
    [("12", 12), ("１,２００", 1_200), (" 0 ", 0), (7, 7), (Decimal("12.0"), 12), ("12.00", 12)],
)
def test_parse_count(value, count):
    assert parse_count(value) == count


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("-1", "count_negative"),
        ("1.5", "count_fraction"),
        ("many", "count_format"),
        ("", "count_format"),
    ],
)
def test_parse_count_rejects(value, code):
    with pytest.raises(InvalidValue) as caught:
        parse_count(value)
    assert caught.value.code == code


def test_parse_count_refuses_floats():
    with pytest.raises(TypeError):
        parse_count(3.0)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fen", "thousands"),
    [(0, 0), (49_999, 0), (50_000, 1), (149_999, 1), (150_000, 2), (-150_000, -2), (-149_999, -1),
     (360_000_000_000, 3_600_000)],
)  # fmt: skip
def test_whole_thousands_round_half_away_from_zero_exactly(fen, thousands):
    assert whole_units(fen, "千元") == thousands
