"""POST /imports, GET /imports/{id}, GET /imports/{id}/errors.xlsx as managers, admins and the rest see them."""

from __future__ import annotations

import asyncio
import io

import httpx
import msgspec
import pytest
from openpyxl import load_workbook

from importers import run_import
from registry.tables import AuditEntry
from tests.conftest import SETTINGS, make_tenant, new_uscc
from tests.importers.conftest import patent, registry_state, rezip, xls, xlsx
from tests.importers.real_layouts import CNIPA_HEADERS
from tests.importers.test_messy_files import TENANT_HEADERS
from tests.server import login

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
async def clients(import_api):
    opened: dict[str, httpx.AsyncClient] = {}

    async def client(role: str) -> httpx.AsyncClient:
        if role not in opened:
            opened[role] = await login(import_api, role)
        return opened[role]

    yield client
    for opened_client in opened.values():
        await opened_client.aclose()


def _upload(content: bytes, name: str = "企业.xlsx") -> dict:
    return {"file": (name, content, XLSX)}


async def test_manager_dry_runs_then_imports_and_reads_the_batch(clients):
    manager = await clients("manager")
    uscc = new_uscc()
    content = xlsx({"企业": [TENANT_HEADERS, [uscc, "接口企业", "电子信息", "在孵", "2017/3/5"]]})
    before = await registry_state()
    dry = await manager.post("/imports", params={"dry_run": "true"}, files=_upload(content))
    assert dry.status_code == 200, dry.text
    body = dry.json()
    assert body["status"] == "dry_run" and body["sheets"]["tenants"] == {
        "created": 1,
        "updated": 0,
        "unchanged": 0,
        "skipped": 0,
        "cleared": 0,
    }
    assert set(body) >= {"id", "status", "sheets", "errors", "warnings"}
    assert (await registry_state())["tenants"] == before["tenants"]

    applied = await manager.post("/imports", files=_upload(content))
    assert applied.status_code == 201 and applied.json()["status"] == "applied"
    batch_id = applied.json()["id"]
    assert applied.headers["location"] == f"/api/v1/imports/{batch_id}"
    fetched = await manager.get(f"/imports/{batch_id}")
    assert fetched.status_code == 200 and fetched.json()["file"]["name"] == "企业.xlsx"
    tenant = await manager.get(f"/tenants/{uscc}")
    assert tenant.status_code == 200 and tenant.json()["moved_in_on"] == "2017-03-05"
    sources = await AuditEntry.select(AuditEntry.source).where(AuditEntry.entity_key == uscc).run()
    assert sources == [{"source": f"import:{batch_id}"}]

    again = await manager.post("/imports", files=_upload(content))
    assert again.json()["sheets"]["tenants"] == {"created": 0, "updated": 0, "unchanged": 1, "skipped": 0, "cleared": 0}


async def test_a_file_with_errors_is_422_with_the_report_and_its_errors_workbook(clients):
    admin = await clients("admin")
    content = xlsx({"企业": [["企业名单"], TENANT_HEADERS, [new_uscc(), "错误企业", "采矿", "在孵", "2017-02-30"]]})
    response = await admin.post("/imports", files=_upload(content))
    assert response.status_code == 422
    body = response.json()
    assert body["status"] == "invalid"
    assert {(e["sheet"], e["row"], e["column"], e["code"]) for e in body["errors"]} == {
        ("企业", 3, "C", "not_a_choice"),
        ("企业", 3, "E", "date_format"),
    }
    workbook = await admin.get(f"/imports/{body['id']}/errors.xlsx")
    assert workbook.status_code == 200 and workbook.headers["content-type"].startswith(XLSX)
    sheet = load_workbook(io.BytesIO(workbook.content))["企业"]
    assert sheet["C3"].comment is not None and sheet["E3"].comment is not None


async def test_only_managers_and_admins_may_import(import_api, clients):
    content = xlsx({"企业": [TENANT_HEADERS, [new_uscc(), "越权", "其他", "在孵", None]]})
    statistician = await clients("statistician")
    assert (await statistician.post("/imports", files=_upload(content))).status_code == 403
    tenant = await login(import_api, "tenant", (await make_tenant())["uscc"])
    assert (await tenant.post("/imports", files=_upload(content))).status_code == 403
    await tenant.aclose()
    async with httpx.AsyncClient(base_url=import_api + "/api/v1") as anonymous:
        assert (await anonymous.post("/imports", files=_upload(content))).status_code == 401
    manager = await clients("manager")
    batch = (await manager.post("/imports", params={"dry_run": "true"}, files=_upload(content))).json()["id"]
    assert (await statistician.get(f"/imports/{batch}")).status_code == 403
    assert (await manager.get("/imports/999999999")).status_code == 404


async def test_hostile_files_are_problem_details_with_4xx(clients):
    manager = await clients("manager")
    good = xlsx({"企业": [TENANT_HEADERS, [new_uscc(), "宏", "其他", "在孵", None]]})
    before = await registry_state()
    macro = await manager.post("/imports", files=_upload(rezip(good, add={"xl/vbaProject.bin": b"x"})))
    assert macro.status_code == 415 and macro.headers["content-type"].startswith("application/problem+json")
    assert "macro" in macro.json()["detail"]
    bomb = await manager.post("/imports", files=_upload(rezip(good, add={"xl/zeros.bin": bytes(50 * 1024 * 1024)})))
    assert bomb.status_code == 413
    text = await manager.post("/imports", files=_upload(b"hello", "notes.txt"))
    assert text.status_code == 422
    missing = await manager.post("/imports", files={"other": ("x.xlsx", good, XLSX)})
    assert 400 <= missing.status_code < 500
    assert await registry_state() == before


async def test_an_upload_over_the_cap_is_refused_before_its_body_is_sent(import_api, clients):
    manager = await clients("manager")
    host, port = import_api.removeprefix("http://").split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    size = SETTINGS.import_max_bytes * 2
    writer.write(
        f"POST /api/v1/imports HTTP/1.1\r\nHost: {host}\r\nAuthorization: {manager.headers['authorization']}\r\n"
        f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {size}\r\n\r\n".encode()
    )
    await writer.drain()
    status_line = await asyncio.wait_for(reader.readline(), timeout=5)  # no body was sent, yet it answers
    writer.close()
    assert b" 413 " in status_line


async def test_a_tenant_never_reads_an_import_batch_or_its_errors_workbook(clients, import_api):
    """Batches hold other tenants' rows: a tenant's token gets neither the report nor errors.xlsx."""
    manager = await clients("manager")
    other = await make_tenant(name="别家企业保密")
    content = xlsx({"企业": [TENANT_HEADERS, [other["uscc"], "别家企业保密", "不存在的产业", "在孵", "2017/3/5"]]})
    batch = (await manager.post("/imports", files=_upload(content))).json()
    assert batch["status"] == "invalid"
    tenant = await login(import_api, "tenant", (await make_tenant())["uscc"])
    for path in (f"/imports/{batch['id']}", f"/imports/{batch['id']}/errors.xlsx"):
        response = await tenant.get(path)
        assert response.status_code in (403, 404), path
        assert other["uscc"] not in response.text and "别家企业保密" not in response.text
    await tenant.aclose()


async def test_both_doors_give_a_cnipa_export_the_same_plan_errors_and_warnings(clients, manager):
    owner = await make_tenant(name="接口示例科技有限公司")
    content = xls(
        {
            "Sheet1": [
                CNIPA_HEADERS,
                [
                    "发明申请",
                    "一种装置",
                    "实质审查的生效",
                    "20170301",
                    "2017.01.25",
                    "CN" + patent(2016, 1),
                    "2016.10.13",
                    owner["name"],
                    "张某",
                ],
                [
                    "实用新型",
                    "一种结构",
                    "授权",
                    "20160629",
                    "2016.06.29",
                    "CN" + patent(2015, 2),
                    "2015.12.08",
                    "不在园区的公司",
                    "李某",
                ],
            ]
        }
    )
    direct = msgspec.to_builtins((await run_import(manager, "专利.xls", content, dry_run=True)).answer())
    response = await (await clients("manager")).post(
        "/imports", params={"dry_run": "true"}, files={"file": ("专利.xls", content, "application/vnd.ms-excel")}
    )
    assert response.status_code == 422
    body = response.json()
    assert body["status"] == direct["status"] == "invalid"
    assert body["sheets"] == direct["sheets"] and body["errors"] == direct["errors"]
    assert body["warnings"] == direct["warnings"]
    assert [(e["row"], e["column"], e["code"]) for e in body["errors"]] == [(3, "H", "owner_not_found")]


async def test_an_unplaceable_file_is_refused_through_the_api_naming_its_headers(clients):
    response = await (await clients("manager")).post(
        "/imports", files=_upload(xlsx({"名单": [["公司", "信用代码号"], ["甲", "x"]]}), "名单.xlsx")
    )
    assert response.status_code == 422
    assert "信用代码号" in response.json()["detail"] and "统一社会信用代码" in response.json()["detail"]
