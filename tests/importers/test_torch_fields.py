"""The Torch incubator-tenant form's fields, imported under the form's own wording."""

from __future__ import annotations

from datetime import date

from importers import run_import
from registry.services import tenants
from registry.tables import PeriodReport
from tests.conftest import new_uscc
from tests.importers.conftest import xlsx


async def test_a_sheet_in_the_torch_forms_wording_imports_every_torch_field(manager):
    uscc = new_uscc()
    content = xlsx(
        {
            "企业": [
                ["统一社会信用代码", "企业名称", "产业类别", "状态", "入驻日期", "企业负责人类型",
                 "科技型中小企业入库登记编号", "上市/挂牌情况", "研发平台级别", "研发平台认定日期"],
                [uscc, "示例企业丙", "电子信息", "在孵", "2016-03-01", "留学人员", "201743021100000123", "新三板挂牌",
                 "省级", "2017-03-01"],
            ],
            "经营数据": [
                ["2016年度在孵企业经营情况"],
                ["统一社会信用代码", "报告期", "在孵企业总收入（千元）", "营业收入（千元）", "其中：大专以上人员",
                 "留学归国人员", "当年获得投融资（千元）", "获得财政资助（千元）", "从业人员"],
                [uscc, "2016", 1234.5, 1200, 80, 3, 5000, "12.34", 100],
            ],
        }
    )  # fmt: skip

    report = await run_import(manager, "火炬统计.xlsx", content, dry_run=False)

    assert report.status == "applied", report.errors
    assert not [w for w in report.warnings if w["code"] == "unknown_column"]
    tenant = await tenants.fetch(uscc)
    assert (tenant["founder_type"], tenant["tech_sme_no"], tenant["listing"]) == (
        "returnee", "201743021100000123", "neeq",
    )  # fmt: skip
    assert (tenant["platform_level"], tenant["platform_level_since"]) == ("provincial", date(2017, 3, 1))
    row = await PeriodReport.select().where(PeriodReport.tenant.uscc == uscc).first().run()
    assert row["total_income"] == 123_450_000 and row["revenue"] == 120_000_000  # fen, exact
    assert (row["college_staff"], row["returnee_staff"], row["employees"]) == (80, 3, 100)
    assert row["financing"] == 500_000_000 and row["grants"] == 1_234_000
