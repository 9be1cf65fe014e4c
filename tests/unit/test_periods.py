from datetime import date

import pytest

from registry.errors import InvalidValue
from registry.periods import Period

Y2017 = Period(2017)
H1, H2 = Period(2017, half=1), Period(2017, half=2)
Q1, Q2, Q3, Q4 = (Period(2017, quarter=q) for q in (1, 2, 3, 4))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2016", Period(2016)),
        (" 2016 ", Period(2016)),
        ("２０１６", Period(2016)),
        ("2016年", Period(2016)),
        ("2016年度", Period(2016)),
        ("2017H1", H1),
        ("2017h2", H2),
        ("2017 H2", H2),
        ("2017-H1", H1),
        ("2017上半年", H1),
        ("2017年下半年", H2),
        ("2017Q1", Q1),
        ("2017q4", Q4),
        ("２０１７Ｑ３", Q3),
        ("2017年第一季度", Q1),
        ("2017年第四季度", Q4),
        ("2017年2季度", Q2),
        ("2017年三季度", Q3),
    ],
)
def test_parse_accepts_canonical_and_chinese_forms(text, expected):
    assert Period.parse(text) == expected


@pytest.mark.parametrize("text", ["", "17", "2017H3", "2017Q5", "2017Q0", "H1", "2017年第五季度"])
def test_parse_rejects_other_text_with_a_bilingual_message(text):
    with pytest.raises(InvalidValue) as caught:
        Period.parse(text)
    assert " / " in caught.value.message
    assert caught.value.code == "period_format"


def test_impossible_periods_cannot_be_built():
    with pytest.raises(InvalidValue):
        Period(2017, half=1, quarter=1)
    with pytest.raises(InvalidValue):
        Period(17)


@pytest.mark.parametrize("text", ["2016", "2017H1", "2017H2", "2017Q3"])
def test_str_is_canonical_and_round_trips(text):
    assert str(Period.parse(text)) == text


@pytest.mark.parametrize(
    ("period", "kind", "start", "end"),
    [
        (Y2017, "year", date(2017, 1, 1), date(2017, 12, 31)),
        (H1, "half", date(2017, 1, 1), date(2017, 6, 30)),
        (H2, "half", date(2017, 7, 1), date(2017, 12, 31)),
        (Q1, "quarter", date(2017, 1, 1), date(2017, 3, 31)),
        (Q2, "quarter", date(2017, 4, 1), date(2017, 6, 30)),
        (Q4, "quarter", date(2017, 10, 1), date(2017, 12, 31)),
    ],
)
def test_kind_and_bounds(period, kind, start, end):
    assert (period.kind, period.start, period.end) == (kind, start, end)


def test_same_period_last_year():
    assert H1.same_period_last_year() == Period(2016, half=1)
    assert Y2017.same_period_last_year() == Period(2016)


def test_parts_are_the_complete_decompositions():
    assert Y2017.parts() == [[H1, H2], [Q1, Q2, Q3, Q4]]
    assert H1.parts() == [[Q1, Q2]]
    assert H2.parts() == [[Q3, Q4]]
    assert Q2.parts() == []


def test_contains():
    assert Y2017.contains(Q3) and Y2017.contains(Y2017) and H2.contains(Q4)
    assert not H1.contains(Q3)
    assert not Q1.contains(H1)
    assert not Y2017.contains(Period(2016, quarter=4))


def test_periods_sort_by_start_longest_first_and_hash():
    shuffled = [Q4, H2, Period(2016), Q1, Y2017, H1, Q3, Q2]
    assert sorted(shuffled) == [Period(2016), Y2017, H1, Q1, Q2, H2, Q3, Q4]
    assert len({Period.parse("2017h1"), H1}) == 1
