"""The national industry classification (国民经济行业分类, GB/T 4754-2017) read into the park's groups
through the vocabulary's one table."""

import pytest

from registry.records import enum_code
from registry.vocabulary import INDUSTRY, NATIONAL_INDUSTRIES


def test_the_table_holds_every_section_and_division_once():
    sections = [code for code, _, _ in NATIONAL_INDUSTRIES if code.isalpha()]
    divisions = [code for code, _, _ in NATIONAL_INDUSTRIES if code.isdigit()]
    assert sections == [chr(c) for c in range(ord("A"), ord("T") + 1)]
    assert divisions == [f"{n:02d}" for n in range(1, 98)]
    assert {group for _, _, group in NATIONAL_INDUSTRIES} - {None} <= set(INDUSTRY.codes) - {"other"}


@pytest.mark.parametrize(
    "written, group",
    [
        ("软件和信息技术服务业", "electronic_info"),
        ("65", "electronic_info"),
        ("I65", "electronic_info"),
        ("i65 软件和信息技术服务业", "electronic_info"),
        ("软件和信息技术服务业（65）", "electronic_info"),
        ("汽车制造业", "automotive_nev"),
        ("C36", "automotive_nev"),
        ("铁路、船舶、航空航天和其他运输设备制造业", "rail_aviation"),
        ("37", "rail_aviation"),
        ("计算机、通信和其他电子设备制造业", "electronic_info"),
        ("信息传输、软件和信息技术服务业", "electronic_info"),
        ("I", "electronic_info"),
        ("研究和试验发展", "modern_services"),
        ("科技推广和应用服务业", "modern_services"),
        ("M", "modern_services"),
        ("有色金属冶炼和压延加工业", "new_materials"),
        ("电力、热力生产和供应业", "new_energy"),
        # Divisions the park's groups leave out or cut across: other, to be classified.
        ("专用设备制造业", "other"),
        ("通用设备制造业", "other"),
        ("电气机械和器材制造业", "other"),
        ("医药制造业", "other"),
        ("C27", "other"),
        ("制造业", "other"),
        # The park's own words still mean what they did.
        ("电子信息", "electronic_info"),
        ("modern services", "modern_services"),
        ("其他", "other"),
    ],
)
def test_a_trade_by_name_or_code_reads_as_a_park_group(written, group):
    assert enum_code(INDUSTRY, written) == group


def test_words_outside_the_classification_are_still_refused():
    with pytest.raises(ValueError):
        enum_code(INDUSTRY, "矿业")
