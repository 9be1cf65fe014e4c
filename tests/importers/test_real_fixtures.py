"""Real files, as found, through the importer's three doors (SPEC §4, files as parks really have them):
what a manager sees — the records made, the defaults said, the owner each patent got by its name, every
error with its cell in one pass, and nothing changed by a second import. The files, where they come
from and what was trimmed or masked: `REAL_FILES.md`; where they are kept: `real_fixtures.py`."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import msgspec
import pytest
from openpyxl import load_workbook

from importers import ImportRefused, run_import
from registry.tables import IPItem
from tests.api.factories import assert_problem
from tests.conftest import make_tenant, new_uscc
from tests.importers.conftest import assert_only_the_batch_recorded, csv_bytes, registry_state
from tests.importers.real_fixtures import real_file

XLS = "application/vnd.ms-excel"
ROOT = Path(__file__).resolve().parents[2]


def _warnings(report: dict) -> dict[str, dict]:
    return {w["code"]: w for w in report["warnings"]}


async def _items(uscc: str) -> dict[str, dict]:
    rows = (
        await IPItem.select(IPItem.number, IPItem.kind, IPItem.status, IPItem.granted_on, IPItem.expires_on)
        .where(IPItem.tenant.uscc == uscc)
        .run()
    )
    return {row["number"]: row for row in rows}


async def _import(manager, path: Path, dry_run: bool) -> dict:
    return msgspec.to_builtins((await run_import(manager, path.name, path.read_bytes(), dry_run=dry_run)).answer())


# --- a CNIPA search export: 110 patents of 深圳大学, 2006–2017, as the office's tool saved it ---------------


async def test_cnipa_export_naming_no_tenant_stops_every_row_at_its_applicant_cell_in_one_pass(manager, empty_registry):
    path = real_file("cnipa-szu-110.xls")
    before = await registry_state()
    for dry_run in (True, False):
        report = await _import(manager, path, dry_run)
        assert report["status"] == "invalid"
        assert report["sheets"]["ip"] == {"created": 0, "updated": 0, "unchanged": 0, "skipped": 0, "cleared": 0}
        assert {(e["sheet"], e["column"], e["code"]) for e in report["errors"]} == {("Sheet1", "H", "owner_not_found")}
        assert [e["row"] for e in report["errors"]] == list(range(2, 112))
        assert "没有名为“深圳大学”的企业" in report["errors"][0]["message"]
    await assert_only_the_batch_recorded(before, batches=2)


async def test_cnipa_export_imports_its_110_patents_to_the_tenant_it_names(manager, empty_registry):
    path = real_file("cnipa-szu-110.xls")
    university = await make_tenant(name="深圳大学")
    dry = await _import(manager, path, dry_run=True)
    assert dry["status"] == "dry_run" and dry["sheets"]["ip"] == {
        "created": 110,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "cleared": 0,
    }
    assert await _items(university["uscc"]) == {}

    report = await _import(manager, path, dry_run=False)
    assert report["status"] == "applied", report["errors"]
    assert report["sheets"]["ip"] == {"created": 110, "updated": 0, "unchanged": 0, "skipped": 0, "cleared": 0}
    assert report["warnings"] == dry["warnings"]
    items = await _items(university["uscc"])
    assert len(items) == 110  # the co-applicant rows (深圳大学 ; 张会生 …) too
    assert Counter((i["kind"], i["status"]) for i in items.values()) == {
        ("invention", "pending"): 64,
        ("invention", "valid"): 21,
        ("invention", "withdrawn"): 4,
        ("invention", "lapsed"): 1,
        ("utility_model", "valid"): 15,
        ("utility_model", "lapsed"): 1,
        ("design", "valid"): 4,
    }
    # A granted invention's grant day is the day of its 发明专利权授予 status, not its publication day.
    assert (items["201510052687.8"]["status"], items["201510052687.8"]["granted_on"]) == ("valid", date(2017, 1, 25))
    # A utility model is published when granted: its 授权公告日 is its grant date, though it has lapsed since.
    assert (items["201220746928.0"]["status"], items["201220746928.0"]["granted_on"]) == ("lapsed", date(2013, 7, 17))
    # 专利权人的姓名或者名称、地址的变更 says nothing of the legal state (SPEC §4): read as not given, and said.
    assert (items["201110008026.7"]["status"], items["201110008026.7"]["granted_on"]) == ("pending", None)

    warnings = _warnings(report)
    assert "90 行" in warnings["kind_from_type_phrase"]["message"]
    assert "40 行" in warnings["granted_on_from_status_date"]["message"]
    assert "69 行" in warnings["publication_date_not_grant"]["message"]
    assert "第 66, 75, 80, 82–83, 104 行" in warnings["ip_status_from_dates_pending"]["message"]
    silent = {(w["row"], w["value"]) for w in report["warnings"] if w["code"] == "status_says_nothing"}
    assert silent == {
        (66, "著录事项变更"),
        (75, "无数据"),
        (80, "专利权人的姓名或者名称、地址的变更"),
        (83, "专利申请权、专利权的转移"),
    }
    assert warnings["columns_not_kept"]["value"] == "发明人 (I)"
    assert not [e for e in report["warnings"] if e["code"] == "unknown_column"]

    again = await _import(manager, path, dry_run=False)
    assert again["status"] == "applied" and again["sheets"]["ip"] == {
        "created": 0,
        "updated": 0,
        "unchanged": 110,
        "skipped": 0,
        "cleared": 0,
    }


async def test_a_co_applicant_that_is_a_tenant_too_stops_only_its_row(manager, empty_registry):
    path = real_file("cnipa-szu-110.xls")
    await make_tenant(name="深圳大学")
    await make_tenant(name="深圳市安保科技有限公司")
    before = await registry_state()
    report = await _import(manager, path, dry_run=False)
    assert report["status"] == "invalid"
    assert [(e["sheet"], e["row"], e["column"], e["code"]) for e in report["errors"]] == [
        ("Sheet1", 72, "H", "owner_ambiguous")
    ]
    assert report["errors"][0]["value"] == "深圳大学 ; 深圳市安保科技有限公司"
    await assert_only_the_batch_recorded(before)


# --- a CNIPA export of 北京科技大学's inventions (752 rows, trimmed to 40), through the API -----------------


async def test_cnipa_inventions_dry_run_then_apply_through_the_api(as_role, empty_registry):
    path = real_file("cnipa-ustb-inventions-40.xls")
    university = await make_tenant(name="北京科技大学")
    manager = await as_role("manager")
    upload = {"file": (path.name, path.read_bytes(), XLS)}

    dry = await manager.post("/imports", params={"dry_run": "true"}, files=upload)
    assert dry.status_code == 200, dry.text
    assert dry.json()["sheets"]["ip"] == {"created": 40, "updated": 0, "unchanged": 0, "skipped": 0, "cleared": 0}
    warnings = _warnings(dry.json())
    assert "第 34–36, 39–41 行" in warnings["granted_on_from_status_date"]["message"]
    assert "第 30–33 行" in warnings["ip_status_from_dates_pending"]["message"]

    applied = await manager.post(f"/imports/{dry.json()['id']}/apply")
    assert applied.status_code == 201, applied.text
    assert applied.json()["sheets"]["ip"] == {"created": 40, "updated": 0, "unchanged": 0, "skipped": 0, "cleared": 0}
    items = await _items(university["uscc"])
    assert Counter(i["status"] for i in items.values()) == {"pending": 32, "valid": 6, "withdrawn": 2}
    # 发明专利申请公布后的撤回, and a grant whose day is its status's day.
    assert items["201510944330.0"]["status"] == "withdrawn"
    assert (items["201610075220.X"]["status"], items["201610075220.X"]["granted_on"]) == ("valid", date(2017, 3, 15))
    # The export's title markup (row 5: Al<sub>7</sub>O<sub>3</sub>N<sub>5</sub>) is stored as plain text.
    title = await IPItem.select(IPItem.title).where(IPItem.number == "201710007248.4").first().run()
    assert title == {"title": "一种Al7O3N5结合刚玉质复合耐火材料的制备方法"}

    again = await manager.post("/imports", files=upload)
    assert again.status_code == 201 and again.json()["sheets"]["ip"] == {
        "created": 0,
        "updated": 0,
        "unchanged": 40,
        "skipped": 0,
        "cleared": 0,
    }


async def test_cnipa_inventions_with_co_applicants_in_the_park_answer_422_naming_each_row(as_role, empty_registry):
    path = real_file("cnipa-ustb-inventions-40.xls")
    for name in ("北京科技大学", "北京联力源科技有限公司", "唐山天物众强高科精密管业有限公司"):
        await make_tenant(name=name)
    manager = await as_role("manager")
    before = await registry_state()
    response = await manager.post("/imports", files={"file": (path.name, path.read_bytes(), XLS)})
    assert response.status_code == 422, response.text
    assert [(e["row"], e["column"], e["code"]) for e in response.json()["errors"]] == [
        (11, "H", "owner_ambiguous"),
        (21, "H", "owner_ambiguous"),
        (29, "H", "owner_ambiguous"),
    ]
    assert "several tenants match" in response.json()["errors"][0]["message"]
    await assert_only_the_batch_recorded(before)
    # errors.xlsx: the old-Excel file comes back as an .xlsx copy with the three cells marked.
    marked = await manager.get(f"/imports/{response.json()['id']}/errors.xlsx")
    assert marked.status_code == 200
    sheet = load_workbook(io.BytesIO(marked.content))["Sheet1"]
    assert [cell for cell in ("H11", "H21", "H29", "H12") if sheet[cell].comment] == ["H11", "H21", "H29"]
    assert sheet["H21"].value == "北京科技大学 ; 唐山天物众强高科精密管业有限公司"


# --- a CNIPA export of 5 designs, 14 columns, through `park import` ----------------------------------------


def _park_import(path: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "importers.command", str(path), *args],
        cwd=ROOT,
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=300,
    )


async def test_cnipa_designs_through_the_command_line(tmp_path, empty_registry):
    path = real_file("cnipa-ustb-designs-5.xls")
    refused = _park_import(path)
    assert refused.returncode == 1, refused.stderr
    assert all(f"Sheet1!I{row} 「北京科技大学」: [owner_not_found]" in refused.stdout for row in range(2, 7))
    assert "nothing was written" in refused.stdout and "would create       0" in refused.stdout

    tenants = tmp_path / "企业.csv"
    tenants.write_bytes(
        csv_bytes(
            [["统一社会信用代码", "企业名称", "产业类别", "状态"], [new_uscc(), "北京科技大学", "新材料", "在孵"]]
        )
    )
    assert _park_import(tenants).returncode == 0

    applied = _park_import(path)
    assert applied.returncode == 0, applied.stdout
    assert "ip       created       5" in applied.stdout
    assert "公布号 (E), 发明人 (J), IPC分类号 (K), 代理人 (L), 代理机构 (M), 外观设计洛迦诺分类号 (N)" in applied.stdout
    assert "[granted_on_from_status_date]" in applied.stdout
    again = _park_import(path)
    assert "unchanged       5" in again.stdout and "created       0" in again.stdout
    designs = await IPItem.select(IPItem.number, IPItem.status, IPItem.granted_on).where(IPItem.kind == "design").run()
    # Designs are announced only when granted: the 授权公告日 is the grant date, lapsed or not.
    assert {d["number"]: (d["status"], d["granted_on"]) for d in designs} == {
        "201430491695.9": ("lapsed", date(2015, 8, 26)),
        "201430073893.3": ("lapsed", date(2014, 7, 30)),
        "201430126102.9": ("valid", date(2014, 8, 20)),
        "201030150247.4": ("lapsed", date(2011, 3, 16)),
        "201430050243.7": ("lapsed", date(2014, 7, 2)),
    }


# --- a Qichacha-style enterprise export (a crawler's .xls of 51 Shenzhen companies, masked) ----------------


async def test_a_qichacha_export_without_uscc_is_refused_saying_only_what_it_lacks(manager, as_role, empty_registry):
    path = real_file("qichacha-shenzhen-51.xls")
    client = await as_role("manager")
    before = await registry_state()
    for dry_run in (True, False):
        with pytest.raises(ImportRefused) as refused:
            await run_import(manager, path.name, path.read_bytes(), dry_run=dry_run)
        assert refused.value.code == "no_sheets"
    detail = refused.value.detail
    assert (
        "“公司信息”的表头 / sheet '公司信息' headers: 公司名称, 公司法人, 注册资金, 成立时间, 联系邮箱, 联系电话, 更多电话, 公司地址"
        in detail
    )
    assert "企业表 / tenants: 缺 / lacks 统一社会信用代码 (USCC); 知识产权表" in detail  # nothing to rename

    response = await client.post("/imports", files={"file": (path.name, path.read_bytes(), XLS)})
    assert assert_problem(response, 422)["detail"] == detail
    assert await registry_state() == before
