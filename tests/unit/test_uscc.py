import pytest

from registry.errors import InvalidValue
from registry.uscc import make_demo_uscc, make_uscc, org_code_check_char, validate_uscc

PUBLISHED = "91110000600037341L"


def test_published_code_is_valid_without_warnings():
    assert validate_uscc(PUBLISHED) == (PUBLISHED, [])


def test_code_is_normalised_from_fullwidth_spaces_and_lower_case():
    assert validate_uscc(" ９１１１ 0000 6000 37341l\t")[0] == PUBLISHED


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("91110000600037341M", "uscc_checksum"),
        ("91110000600037314L", "uscc_checksum"),
        ("9111000060003734L", "uscc_length"),
        ("911100006000373411L", "uscc_length"),
        ("", "uscc_length"),
        ("9111000060003734IL", "uscc_format"),
        ("911100A0600037341L", "uscc_format"),
        ("91110000-600037341", "uscc_format"),
    ],
)
def test_wrong_codes_are_rejected_with_a_machine_code(text, code):
    with pytest.raises(InvalidValue) as caught:
        validate_uscc(text)
    assert caught.value.code == code
    assert " / " in caught.value.message


def test_wrong_embedded_organisation_code_is_only_a_warning():
    code = make_uscc("91430211PARK00009")  # org check char for PARK0000 is 6, not 9
    normalised, warnings = validate_uscc(code)
    assert normalised == code
    assert len(warnings) == 1 and "GB 11714" in warnings[0]


def test_organisation_code_check_of_published_code():
    assert org_code_check_char("60003734") == "1"


def test_organisation_code_check_maps_ten_to_x_and_eleven_to_zero():
    checks = {org_code_check_char(f"{n:08d}") for n in range(200)}
    assert {"X", "0"} <= checks


def test_make_uscc_appends_the_check_character():
    assert make_uscc("91110000600037341") == PUBLISHED


def test_make_uscc_refuses_a_malformed_body():
    with pytest.raises(ValueError):
        make_uscc("9111000060003734")


def test_demo_codes_are_valid_distinct_and_deterministic():
    codes = [make_demo_uscc(n) for n in range(200)]
    assert len(set(codes)) == 200
    for code in codes:
        assert validate_uscc(code) == (code, [])
        assert code.startswith("91430211PARK")
    assert codes == [make_demo_uscc(n) for n in range(200)]
