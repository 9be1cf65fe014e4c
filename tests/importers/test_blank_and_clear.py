"""A blank cell changes nothing; `（清空）` / `<clear>` clears (SPEC §4). The dry run lists every change,
field by field, clears first, and applying it changes exactly what it listed.

The case that made the rule: a manager filled one row of the park's own template — USCC, name, a new
phone number — and the import cleared fifteen fields of the tenant, its move-in date among them, so it
fell out of the park's statistics.
"""

from __future__ import annotations

import io
from datetime import date

import msgspec
import pytest
from openpyxl import load_workbook

from exports.template import template_workbook
from importers import apply_dry_run, batch_changes, run_import
from importers.changes import shown
from registry.services import tenants
from registry.services.listing import Page
from registry.tables import AuditEntry, IPItem, PeriodReport
from registry.vocabulary import SHEETS
from tests.conftest import make_tenant
from tests.importers.conftest import patent, registry_state, xlsx

FULL_TENANT = {
    "name_en": "Full Record Co.",
    "founded_on": "2012-04-01",
    "moved_in_on": "2014-05-06",
    "hte_certificate_no": "GR201643000999",
    "hte_certified_on": "2016-12-06",
    "platform_level": "municipal",
    "platform_level_since": "2015-01-01",
    "founder_type": "scientist",
    "tech_sme_no": "201743021100000999",
    "listing": "neeq",
    "contact_name": "李四",
    "contact_phone": "0731-1111111",
    "contact_email": "li@example.com",
    "website": "https://full.example.com",
    "description": "一家每个字段都有值的企业",
}


def _shown(change, lang: str = "zh") -> dict:
    """A kept change as the API sends it."""
    return msgspec.to_builtins(shown(change, lang))


def _template_with(kind: str, values: dict[str, object], lang: str = "zh") -> bytes:
    """The park's own import template with one row filled below its sample row (cells by field key)."""
    book = load_workbook(io.BytesIO(template_workbook(lang)))
    zh, en, fields = SHEETS[kind]
    sheet = book[zh if lang == "zh" else en]
    for column, field in enumerate(fields, 1):
        if field.key in values:
            sheet.cell(3, column, values[field.key])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.fixture
async def full_tenant():
    return await make_tenant(**FULL_TENANT)


async def test_one_row_of_the_template_changes_only_what_it_says(manager, full_tenant):
    before = await tenants.fetch(full_tenant["uscc"])
    content = _template_with(
        "tenants", {"uscc": before["uscc"], "name": before["name"], "contact_phone": "0731-2222222"}
    )
    dry = await run_import(manager, "one-row.xlsx", content, dry_run=True)
    assert dry.status == "dry_run" and not dry.errors
    # The template's sample row is passed over.
    assert dry.sheets["tenants"] == {"created": 0, "updated": 1, "unchanged": 0, "skipped": 1, "cleared": 0}
    assert [_shown(change) for change in dry.changes] == [
        {
            "sheet": "企业",
            "row": 3,
            "kind": "tenants",
            "key": before["uscc"],
            "name": before["name"],
            "fields": [
                {
                    "field": "contact_phone",
                    "label": "联系电话",
                    "before": "0731-1111111",
                    "after": "0731-2222222",
                    "cleared": False,
                }
            ],
        }
    ]
    applied = await run_import(manager, "one-row.xlsx", content, dry_run=False)
    assert applied.status == "applied"
    after = await tenants.fetch(before["uscc"])
    assert after["contact_phone"] == "0731-2222222"
    assert {k: v for k, v in after.items() if k not in ("contact_phone", "version")} == {
        k: v for k, v in before.items() if k not in ("contact_phone", "version")
    }


@pytest.mark.parametrize(("lang", "word"), [("zh", "（清空）"), ("zh", "(清空)"), ("en", "<clear>"), ("en", "<CLEAR>")])
async def test_the_clear_word_clears_and_the_dry_run_lists_clears_first(manager, full_tenant, lang, word):
    uscc = full_tenant["uscc"]
    content = _template_with(
        "tenants", {"uscc": uscc, "contact_phone": "0731-3333333", "website": word, "description": word}, lang
    )
    dry = await run_import(manager, "clear.xlsx", content, dry_run=True)
    assert dry.status == "dry_run" and not dry.errors, dry.errors
    assert dry.sheets["tenants"] == {"created": 0, "updated": 1, "unchanged": 0, "skipped": 1, "cleared": 2}
    [change] = [_shown(change, lang) for change in dry.changes]
    assert [(f["field"], f["cleared"]) for f in change["fields"]] == [
        ("website", True),
        ("description", True),
        ("contact_phone", False),
    ]
    if lang == "en":
        assert change["fields"][0] == {
            "field": "website",
            "label": "Website",
            "before": "https://full.example.com",
            "after": None,
            "cleared": True,
        }
    applied = await run_import(manager, "clear.xlsx", content, dry_run=False)
    assert applied.sheets["tenants"]["cleared"] == 2
    after = await tenants.fetch(uscc)
    assert after["website"] is None and after["description"] is None and after["contact_phone"] == "0731-3333333"
    assert after["moved_in_on"] == date(2014, 5, 6) and after["hte_certificate_no"] == "GR201643000999"


async def test_a_required_field_cannot_be_cleared_and_nothing_is_written(manager, full_tenant):
    state = await registry_state()
    content = xlsx(
        {"企业": [["统一社会信用代码", "企业名称", "入驻日期"], [full_tenant["uscc"], "（清空）", "<clear>"]]}
    )
    report = await run_import(manager, "wipe.xlsx", content, dry_run=False)
    assert report.status == "invalid"
    assert [(e["column"], e["code"]) for e in report.errors] == [("B", "cannot_clear")]
    assert "不能清空" in report.errors[0]["message"] and "cannot be cleared" in report.errors[0]["message"]
    assert (await registry_state())["tenants"] == state["tenants"]


async def test_clearing_the_platform_level_means_no_platform(manager, full_tenant):
    content = xlsx({"企业": [["统一社会信用代码", "研发平台级别"], [full_tenant["uscc"], "（清空）"]]})
    report = await run_import(manager, "level.xlsx", content, dry_run=False)
    assert report.status == "applied", report.errors
    assert (await tenants.fetch(full_tenant["uscc"]))["platform_level"] == "none"


async def test_blank_figures_keep_a_report_and_the_clear_word_clears_one(manager, full_tenant):
    uscc = full_tenant["uscc"]
    headers = ["统一社会信用代码", "报告期", "营业收入(元)", "净利润(元)", "从业人员(人)"]
    first = xlsx({"经营数据": [headers, [uscc, "2016", "1000.50", "200", 30]]})
    assert (await run_import(manager, "r1.xlsx", first, dry_run=False)).status == "applied"
    second = xlsx({"经营数据": [headers, [uscc, "2016", None, "<clear>", 31]]})
    dry = await run_import(manager, "r2.xlsx", second, dry_run=True)
    assert dry.sheets["reports"] == {"created": 0, "updated": 1, "unchanged": 0, "skipped": 0, "cleared": 1}
    [change] = [_shown(c) for c in dry.changes]
    assert change["key"] == f"{uscc}:2016" and change["name"] == full_tenant["name"]
    assert [(f["field"], f["before"], f["after"]) for f in change["fields"]] == [
        ("net_profit", "200.00", None),
        ("employees", "30", "31"),
    ]
    assert (await run_import(manager, "r2.xlsx", second, dry_run=False)).status == "applied"
    report = (
        await PeriodReport.select()
        .where((PeriodReport.tenant.uscc == uscc) & (PeriodReport.period == "2016"))
        .first()
        .run()
    )
    assert (report["revenue"], report["net_profit"], report["employees"]) == (100_050, None, 31)


async def test_a_blank_grant_date_keeps_an_items_dates_and_its_expiry(manager, full_tenant):
    number = patent(2014, 1)
    headers = ["统一社会信用代码", "知识产权类型", "申请号/登记号", "名称", "申请日", "授权日", "法律状态"]
    first = xlsx(
        {"知识产权": [headers, [full_tenant["uscc"], "发明专利", number, "旧名称", "2014-03-01", "2016-08-02", "有效"]]}
    )
    assert (await run_import(manager, "ip1.xlsx", first, dry_run=False)).status == "applied"
    stored = await IPItem.select().where(IPItem.number == number).first().run()
    second = xlsx({"知识产权": [headers, [full_tenant["uscc"], "发明专利", number, "新名称", None, None, None]]})
    dry = await run_import(manager, "ip2.xlsx", second, dry_run=True)
    assert dry.sheets["ip"] == {"created": 0, "updated": 1, "unchanged": 0, "skipped": 0, "cleared": 0}
    [change] = [_shown(c, "en") for c in dry.changes]
    assert change["name"] == "旧名称" and [(f["label"], f["before"], f["after"]) for f in change["fields"]] == [
        ("Title", "旧名称", "新名称")
    ]
    assert (await run_import(manager, "ip2.xlsx", second, dry_run=False)).status == "applied"
    after = await IPItem.select().where(IPItem.number == number).first().run()
    assert {k: after[k] for k in ("filed_on", "granted_on", "status", "expires_on")} == {
        k: stored[k] for k in ("filed_on", "granted_on", "status", "expires_on")
    }


async def test_applying_changes_exactly_what_the_dry_run_listed(manager):
    rows = [await make_tenant(**FULL_TENANT) for _ in range(3)]
    content = xlsx(
        {
            "企业": [
                ["统一社会信用代码", "网址", "联系人", "企业简介"],
                [rows[0]["uscc"], None, "王五", None],
                [rows[1]["uscc"], "<clear>", None, "（清空）"],
                [rows[2]["uscc"], None, None, None],
            ]
        }
    )
    dry = await run_import(manager, "three.xlsx", content, dry_run=True)
    assert dry.sheets["tenants"] == {"created": 0, "updated": 2, "unchanged": 1, "skipped": 0, "cleared": 2}
    kept = [_shown(c) for c in dry.changes]
    assert [c["key"] for c in kept] == [rows[1]["uscc"], rows[0]["uscc"]]  # the clears first
    listed = {
        (c["key"], f["field"]): (before, after)
        for c, raw in zip(kept, dry.changes, strict=True)
        for f, (_, before, after) in zip(c["fields"], raw[5], strict=True)
    }
    applied = await apply_dry_run(manager, dry.id)
    entries = await AuditEntry.select().where(AuditEntry.source == f"import:{applied.id}").output(load_json=True).run()
    done = {
        (e["entity_key"], key): (e["before"][key], e["after"][key])
        for e in entries
        if e["entity"] == "tenant"
        for key in e["after"]
    }
    assert done == listed
    assert applied.changes == dry.changes


async def test_the_change_list_is_paged(manager):
    rows = [await make_tenant(contact_name="甲") for _ in range(5)]
    content = xlsx({"企业": [["统一社会信用代码", "联系人"], *[[row["uscc"], "乙"] for row in rows]]})
    dry = await run_import(manager, "five.xlsx", content, dry_run=True)
    assert dry.changes_total == 5
    page = await batch_changes(manager, dry.id, Page(2, 2))
    assert page["total"] == 5 and page["limit"] == 2 and page["offset"] == 2
    assert [_shown(c)["row"] for c in page["items"]] == [4, 5]


async def test_a_long_change_list_is_kept_a_page_a_row_and_read_across_rows(manager):
    from datetime import UTC, datetime

    from registry.services import import_batches

    changes = [("企业", n + 2, "tenants", f"key{n}", None, [["contact_name", "甲", f"乙{n}"]]) for n in range(250)]
    batch_id = await import_batches.record_batch(
        manager,
        created_at=datetime.now(UTC),
        filename="long.xlsx",
        sha256="0" * 64,
        size=1,
        dry_run=True,
        status="dry_run",
        counts={},
        errors=[],
        warnings=[],
        changes=changes,
        content=None,
        plan_digest="0" * 64,
    )
    for offset, limit in ((0, 100), (95, 10), (199, 2), (200, 100), (240, 500), (250, 5)):
        page = await import_batches.batch_changes(batch_id, Page(limit, offset))
        assert [change[3] for change in page] == [f"key{n}" for n in range(offset, min(offset + limit, 250))]
