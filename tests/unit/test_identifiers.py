from registry.errors import InvalidValue
from registry.identifiers import to_halfwidth


def test_halfwidth_folds_fullwidth_letters_digits_and_ideographic_space():
    assert to_halfwidth("ＣＮ２０１７　ｓｒ．") == "CN2017 sr."


def test_halfwidth_leaves_chinese_and_ascii_alone():
    assert to_halfwidth("营业收入(万元) abc") == "营业收入(万元) abc"


def test_invalid_identifier_carries_code_and_message():
    error = InvalidValue("uscc_length", "长度错误 / wrong length")
    assert isinstance(error, ValueError)
    assert (error.code, error.message, str(error)) == (
        "uscc_length",
        "长度错误 / wrong length",
        "长度错误 / wrong length",
    )
