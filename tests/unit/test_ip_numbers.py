import pytest

from registry.errors import InvalidValue
from registry.identifiers import refuse_scientific
from registry.ip_numbers import (
    cnipa_check_char,
    kind_of_patent_number,
    make_patent_number,
    normalise_ip_number,
    with_check_char,
)
from registry.records import enum_code, says_nothing
from registry.uscc import validate_uscc
from registry.vocabulary import IP_KIND, IP_STATUS


def test_worked_checks_from_the_spec():
    assert cnipa_check_char("201710601862") == "3"
    assert cnipa_check_char("95115608") == "X"


@pytest.mark.parametrize(
    "text",
    [
        "201710601862.3",
        "2017106018623",
        "CN201710601862.3",
        "ZL201710601862.3",
        "ZL 2017 1 0601862.3",
        "zl２０１７１０６０１８６２．３",
        "CN ZL 201710601862.3 ",
    ],
)
def test_invention_numbers_normalise_to_one_spelling(text):
    assert normalise_ip_number("invention", text) == "201710601862.3"


def test_pre_2003_number_with_lower_case_x():
    assert normalise_ip_number("invention", "95115608.x") == "95115608.X"
    assert normalise_ip_number("invention", "ZL95115608X") == "95115608.X"


@pytest.mark.parametrize(
    ("kind", "type_digit"),
    [("invention", 8), ("utility_model", 2), ("utility_model", 9), ("design", 3)],
)
def test_each_patent_kind_accepts_its_type_digits(kind, type_digit):
    number = make_patent_number(2019, type_digit, 1234)
    assert normalise_ip_number(kind, number) == number


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("utility_model", "201710601862.3"),
        ("design", make_patent_number(2019, 2, 1)),
        ("invention", make_patent_number(2019, 3, 1)),
        ("design", "95115608.X"),
    ],
)
def test_type_digit_of_another_kind_is_rejected(kind, text):
    with pytest.raises(InvalidValue) as caught:
        normalise_ip_number(kind, text)
    assert caught.value.code == "ip_number_kind"


@pytest.mark.parametrize("text", ["201710601862.4", "201710601862X", "95115608.0"])
def test_wrong_check_character_is_rejected(text):
    with pytest.raises(InvalidValue) as caught:
        normalise_ip_number("invention", text)
    assert caught.value.code == "ip_number_checksum"


@pytest.mark.parametrize(
    "text", ["201710601862", "201710601862.", "95115608", "2017106018.3", "", "专利201710601862.3"]
)
def test_malformed_or_unchecked_patent_numbers_are_rejected(text):
    with pytest.raises(InvalidValue) as caught:
        normalise_ip_number("invention", text)
    assert caught.value.code == "ip_number_format"


def test_missing_check_character_is_named_in_the_message():
    with pytest.raises(InvalidValue, match="check character"):
        normalise_ip_number("invention", "201710601862")


def test_make_patent_number_pads_the_serial():
    assert make_patent_number(2017, 1, 601862) == "201710601862.3"
    with pytest.raises(ValueError):
        make_patent_number(2017, 1, 10_000_000)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2017SR123456", "2017SR123456"), (" 2018sr1234567", "2018SR1234567")],
)
def test_software_copyright_numbers(text, expected):
    assert normalise_ip_number("software_copyright", text) == expected


@pytest.mark.parametrize("text", ["2017SR12345", "2017SR12345678", "17SR123456", "2017RS123456"])
def test_malformed_software_copyright_numbers(text):
    with pytest.raises(InvalidValue, match="2017SR123456"):
        normalise_ip_number("software_copyright", text)


def test_trademark_numbers_are_seven_to_nine_digits():
    assert normalise_ip_number("trademark", "１２３ ４５６７") == "1234567"
    assert normalise_ip_number("trademark", "123456789") == "123456789"
    for text in ("123456", "1234567890", "12345A7"):
        with pytest.raises(InvalidValue):
            normalise_ip_number("trademark", text)


@pytest.mark.parametrize("text", ["BS.175500123", "bs175500123", "BS. 175500123"])
def test_ic_layout_numbers_get_their_dot(text):
    assert normalise_ip_number("ic_layout", text) == "BS.175500123"


def test_malformed_ic_layout_number():
    with pytest.raises(InvalidValue):
        normalise_ip_number("ic_layout", "BS.17550012")


def test_plant_variety_numbers_are_kept_as_issued():
    assert normalise_ip_number("plant_variety", "  cna20150123.4 ") == "CNA20150123.4"
    for text in ("   ", "X" * 41):
        with pytest.raises(InvalidValue):
            normalise_ip_number("plant_variety", text)


def test_unknown_kind_is_rejected():
    with pytest.raises(InvalidValue) as caught:
        normalise_ip_number("patent", "201710601862.3")
    assert caught.value.code == "ip_kind_unknown"


def test_numbers_filed_before_1989_carry_no_check_character():
    assert normalise_ip_number("invention", "CN85102475") == "85102475"
    assert normalise_ip_number("utility_model", "ZL 8720 3112") == "87203112"
    with pytest.raises(InvalidValue) as caught:
        normalise_ip_number("design", "CN85102475")
    assert caught.value.code == "ip_number_kind"
    with pytest.raises(InvalidValue):  # from 1989 on the check character is required
        normalise_ip_number("invention", "95115608")


@pytest.mark.parametrize(
    ("number", "kind"),
    [
        ("CN201610895413.X", "invention"),
        ("201480012345.6", "invention"),
        ("CN201620490797.2", "utility_model"),
        ("CN201430491695.9", "design"),
        ("85102475", "invention"),
        ("2017SR123456", None),
        ("12345678", None),
    ],
)
def test_a_patent_kind_is_read_from_the_type_digit(number, kind):
    assert kind_of_patent_number(number) == kind


@pytest.mark.parametrize(
    ("phrase", "status"),
    [
        ("实质审查的生效", "pending"),
        ("发明专利申请公布", "pending"),
        ("公开", "pending"),
        ("审查中", "pending"),
        ("授权", "valid"),
        ("发明专利权授予", "valid"),
        ("专利权维持", "valid"),
        ("已授权", "valid"),
        ("专利权的终止", "lapsed"),
        ("未缴年费专利权终止", "lapsed"),
        ("已失效", "lapsed"),
        ("视为撤回", "withdrawn"),
        ("驳回", "withdrawn"),
        ("发明专利申请公布后的驳回", "withdrawn"),
        ("期限届满", "expired"),
    ],
)
def test_cnipa_legal_status_phrases_and_everyday_words_name_a_status(phrase, status):
    assert enum_code(IP_STATUS, phrase) == status


def test_phrases_of_a_change_of_particulars_say_nothing_of_the_legal_state():
    for phrase in ("著录事项变更", "专利申请权、专利权的转移", "专利权人的姓名或者名称、地址的变更", "无数据"):
        assert says_nothing(IP_STATUS, phrase)
    assert not says_nothing(IP_STATUS, "授权")
    assert [enum_code(IP_KIND, word) for word in ("发明申请", "发明授权", "实用新型", "外观设计")] == [
        "invention",
        "invention",
        "utility_model",
        "design",
    ]


# Numbers as they come (SPEC §4): CNIPA's data-service forms, numbers without their check character,
# numbers Excel turned into scientific notation.


@pytest.mark.parametrize(
    "text", ["CN:201710601862:A", "CN201710601862A", "cn 201710601862 a", "ＣＮ２０１７１０６０１８６２Ａ"]
)
def test_cnipa_data_service_forms_are_read_with_their_check_character_computed(text):
    assert normalise_ip_number("invention", text) == "201710601862.3"
    assert kind_of_patent_number(text) == "invention"
    assert with_check_char(text) == "201710601862.3"


def test_data_service_forms_of_other_kinds_and_times():
    utility = make_patent_number(2016, 2, 345678)
    assert normalise_ip_number("utility_model", f"CN:{utility[:12]}:U") == utility
    assert normalise_ip_number("invention", "CN95115608A") == "95115608.X"
    # Filed before 1989: no check character then, none now.
    assert normalise_ip_number("invention", "CN85102475A") == "85102475"
    assert with_check_char("CN85102475A") is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("201710601862", "201710601862.3"),  # 12 digits: October 2003 on
        ("CN201710601862", "201710601862.3"),
        ("201710601862.", "201710601862.3"),
        ("95115608", "95115608.X"),  # 8 digits filed 1989-2003
        ("ZL 0312 3456", f"03123456.{cnipa_check_char('03123456')}"),
    ],
)
def test_a_number_without_its_check_character_has_it_computed_for_the_importer(text, expected):
    assert with_check_char(text) == expected
    assert kind_of_patent_number(text) == kind_of_patent_number(expected)
    # The API asks for the number as issued.
    with pytest.raises(InvalidValue, match="check character"):
        normalise_ip_number("invention" if expected[4 if len(expected) > 10 else 2] in "18" else "utility_model", text)


@pytest.mark.parametrize(
    "text",
    [
        "201710601862.3",  # carries its check character
        "85102475",  # filed before 1989: none to compute
        "199910601862",  # a 12-digit number from before October 2003 is no number
        "88123456",  # 8 digits of 1988: before check characters
        "20171060186",  # 11 digits
        "201750601862",  # type digit 5 names no patent kind
        "2.0121E+12",
        "1234567",  # a trademark
    ],
)
def test_what_needs_no_check_character_or_is_no_application_number_gets_none(text):
    assert with_check_char(text) is None


@pytest.mark.parametrize("text", ["2.0121E+12", "2.01711E+12", "２．０１２１Ｅ＋１２", " 2.0121e+12 ", "9.14302E+17"])
def test_a_number_excel_turned_into_scientific_notation_is_refused_saying_so(text):
    for kind in ("invention", "utility_model", "trademark"):
        with pytest.raises(InvalidValue) as caught:
            normalise_ip_number(kind, text)
        assert caught.value.code == "excel_scientific"
        assert "Excel" in caught.value.message and "文本" in caught.value.message and "as Text" in caught.value.message
    with pytest.raises(InvalidValue) as caught:
        validate_uscc(text)
    assert caught.value.code == "excel_scientific"


def test_identifiers_with_an_e_but_no_exponent_sign_are_not_taken_for_scientific_notation():
    refuse_scientific("2017SR123456")
    refuse_scientific("91430211E1234567X")  # not a USCC either, but not Excel's doing
    refuse_scientific("CNA20150123.4")
