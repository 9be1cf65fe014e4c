"""Crashes lose nothing half-done (SPEC §10): a `park serve` killed (SIGKILL) in the middle of applying an
import, writing a report, closing a year or closing a round leaves all of it or none of it. After a restart on the same
database the registry serves, the operation can be done again, and the audit trail matches the records.

How each kill is made to land mid-write, and known to have: tests/crashes.py.
"""

from __future__ import annotations

import asyncio
import io
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta

import httpx
from openpyxl import Workbook

from registry.ip_numbers import make_patent_number
from registry.uscc import make_demo_uscc
from tests.crashes import killed_during, killed_mid_write
from tests.processes import add_account, serving, started, token
from tests.records import assert_audit_matches_records, counts, execute, rows

PASSWORD = "crash-test-password-1"
TENANTS = 20
IP_ROWS = 20_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _bearer(url: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token(url, 'boss', PASSWORD)}"}


def _big_workbook() -> bytes:
    """Tenants and tens of thousands of patents for them: an import whose writing takes seconds."""
    book = Workbook(write_only=True)
    tenants = book.create_sheet("企业")
    tenants.append(["统一社会信用代码", "企业名称", "产业类别", "状态", "入驻日期"])
    usccs = [make_demo_uscc(9000 + n) for n in range(TENANTS)]
    for n, uscc in enumerate(usccs):
        tenants.append([uscc, f"崩溃测试企业{n:02d} (synthetic)", "电子信息", "在孵", date(2016, 3, 1)])
    ip = book.create_sheet("知识产权")
    ip.append(["统一社会信用代码", "知识产权类型", "申请号/登记号", "名称", "申请日", "授权日", "法律状态"])
    for n in range(IP_ROWS):
        filed = date(2012, 1, 1) + timedelta(days=n % 2000)
        kind, digit = ("发明专利", 8) if n % 2 else ("实用新型", 9)
        ip.append(
            [
                usccs[n % TENANTS],
                kind,
                make_patent_number(filed.year, digit, n),
                f"一种合成的测试装置{n}",
                filed,
                filed + timedelta(days=500),
                "有效",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


async def test_a_server_killed_while_applying_an_import_leaves_none_of_it(fresh_env, tmp_path):
    url_db = fresh_env["DATABASE_URL"]
    add_account(fresh_env, "boss", "admin", PASSWORD)
    content = _big_workbook()
    before = await counts(url_db)
    log = tmp_path / "serve.log"
    with started(fresh_env, log=log) as (url, process):
        headers = _bearer(url)

        def upload() -> httpx.Response:
            return httpx.post(
                url + "/api/v1/imports", files={"file": ("崩溃.xlsx", content, XLSX)}, headers=headers, timeout=300
            )

        # The server logs each tenth of the IP rows it has written, inside the import's one transaction.
        await killed_during(process, upload, lambda: ": ip " in log.read_text())
    assert "rows written (not yet committed)" in log.read_text()
    assert "applied and committed" not in log.read_text()

    with serving(fresh_env, log=tmp_path / "restarted.log") as url:
        assert await counts(url_db) == before  # not a tenant, item, deadline, batch or entry of it
        await assert_audit_matches_records(url_db)
        again = httpx.post(
            url + "/api/v1/imports", files={"file": ("崩溃.xlsx", content, XLSX)}, headers=_bearer(url), timeout=300
        )
        assert again.status_code == 201, again.text
        after = await counts(url_db)
        assert (after["tenant"], after["ip_item"], after["import_batch"]) == (TENANTS, IP_ROWS, 1)
        await assert_audit_matches_records(url_db)


async def test_a_server_killed_while_writing_a_report_leaves_none_of_it(fresh_env, tmp_path):
    url_db = fresh_env["DATABASE_URL"]
    add_account(fresh_env, "boss", "admin", PASSWORD)
    uscc = make_demo_uscc(9100)

    def prepare(url: str) -> dict[str, str]:
        headers = _bearer(url)
        made = httpx.post(
            url + "/api/v1/tenants",
            headers=headers,
            timeout=30,
            json={
                "uscc": uscc,
                "name": "报表崩溃测试企业 (synthetic)",
                "industry": "electronic_info",
                "status": "incubating",
                "moved_in_on": "2016-03-01",
            },
        )
        assert made.status_code == 201, made.text
        kept = httpx.put(
            f"{url}/api/v1/tenants/{uscc}/reports/2018",
            headers=headers,
            timeout=30,
            json={"revenue": "100.00", "employees": 3},
        )
        assert kept.status_code == 201, kept.text
        return headers

    def write(url: str, headers: dict[str, str]) -> httpx.Response:
        return httpx.put(
            f"{url}/api/v1/tenants/{uscc}/reports/2019H1",
            headers=headers,
            timeout=300,
            json={"revenue": "12345.67", "employees": 9},
        )

    before = await killed_mid_write(fresh_env, tmp_path / "serve.log", "period_report", prepare, write)

    with serving(fresh_env, log=tmp_path / "restarted.log") as url:
        assert await counts(url_db) == before
        await assert_audit_matches_records(url_db)
        headers = _bearer(url)
        report = f"{url}/api/v1/tenants/{uscc}/reports/2019H1"
        assert httpx.get(report, headers=headers, timeout=30).status_code == 404
        assert httpx.get(report.replace("2019H1", "2018"), headers=headers, timeout=30).json()["revenue"] == "100.00"
        assert write(url, headers).status_code == 201
        assert (await counts(url_db))["period_report"] == before["period_report"] + 1
        await assert_audit_matches_records(url_db)


async def test_a_server_killed_while_closing_a_year_leaves_it_open(fresh_env, tmp_path):
    url_db = fresh_env["DATABASE_URL"]
    add_account(fresh_env, "boss", "admin", PASSWORD)

    def close(url: str, headers: dict[str, str]) -> httpx.Response:
        return httpx.post(url + "/api/v1/periods/2019/close", headers=headers, timeout=300)

    before = await killed_mid_write(fresh_env, tmp_path / "serve.log", "closed_year", _bearer, close)

    with serving(fresh_env, log=tmp_path / "restarted.log") as url:
        assert await counts(url_db) == before
        assert await rows(url_db, "SELECT year FROM closed_year") == []
        await assert_audit_matches_records(url_db)
        closed = close(url, _bearer(url))
        assert closed.status_code == 200, closed.text
        assert [row["year"] for row in await rows(url_db, "SELECT year FROM closed_year")] == [2019]
        await assert_audit_matches_records(url_db)


async def test_the_audit_check_finds_a_record_without_its_entry_and_an_entry_without_its_record(fresh_env):
    url_db = fresh_env["DATABASE_URL"]
    add_account(fresh_env, "boss", "admin", PASSWORD)
    await assert_audit_matches_records(url_db)
    entry = (await rows(url_db, "SELECT id FROM audit_entry WHERE entity = 'account'"))[0]["id"]
    await execute(url_db, f"UPDATE audit_entry SET entity_key = 'nobody' WHERE id = {entry}")
    try:
        await assert_audit_matches_records(url_db)
    except AssertionError as error:
        assert "account: 1 records without their audit entry, e.g. ['boss']" in str(error)
        assert "account: 1 audit entries name records that are not there, e.g. ['nobody']" in str(error)
    else:
        raise AssertionError("the check passed a trail that names another account than the one there is")


def _run(coroutine) -> object:
    """An async call made from a synchronous step (a crash test's `prepare`) while the test's loop runs."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


async def test_a_server_killed_while_closing_a_round_leaves_it_open_and_nothing_frozen(fresh_env, tmp_path):
    url_db = fresh_env["DATABASE_URL"]
    add_account(fresh_env, "boss", "admin", PASSWORD)
    uscc = make_demo_uscc(9200)

    def prepare(url: str) -> dict[str, str]:
        headers = _bearer(url)
        made = httpx.post(
            url + "/api/v1/tenants",
            headers=headers,
            timeout=30,
            json={"uscc": uscc, "name": "轮次崩溃测试企业 (synthetic)", "industry": "other", "status": "incubating",
                  "moved_in_on": "2016-03-01"},
        )  # fmt: skip
        assert made.status_code == 201, made.text
        kept = httpx.put(f"{url}/api/v1/tenants/{uscc}/reports/2019Q1", headers=headers, timeout=30,
                         json={"revenue": "100.00"})  # fmt: skip
        assert kept.status_code == 201, kept.text
        # The round and its accepted return, as the rounds service leaves them (raw SQL: the server under test is killed).
        for sql in (
            "INSERT INTO report_round (period, year, title, opens_on, deadline, fields, state, remind_days_before, "
            "opened_by, opened_at, version) VALUES ('2019Q1', 2019, '崩溃测试轮次', '2019-04-01', '2019-04-20', '[]', "
            "'open', 3, 'boss', '2019-04-01 00:00:00+00:00', 1)",
            "INSERT INTO audit_entry (at, actor, source, action, entity, entity_key, uscc, before, after) VALUES "
            "('2019-04-01 00:00:00+00:00', 'boss', 'cli', 'create', 'round', "
            "(SELECT CAST(id AS TEXT) FROM report_round), NULL, NULL, '{}')",
            "INSERT INTO round_return (round, tenant, state, figures, warnings, field_reasons, version) VALUES "
            f"((SELECT id FROM report_round), (SELECT id FROM tenant WHERE uscc = '{uscc}'), 'accepted', '{{}}', "
            "'[]', '{}', 1)",
        ):
            _run(execute(url_db, sql))
        return headers

    def close(url: str, headers: dict[str, str]) -> httpx.Response:
        return httpx.post(url + "/api/v1/rounds/1/close", headers=headers, timeout=300)

    before = await killed_mid_write(fresh_env, tmp_path / "serve.log", "submitted_report", prepare, close)

    with serving(fresh_env, log=tmp_path / "restarted.log") as url:
        assert await counts(url_db) == before  # nothing frozen, no entry of the close
        assert [row["state"] for row in await rows(url_db, "SELECT state FROM report_round")] == ["open"]
        await assert_audit_matches_records(url_db)
        closed = close(url, _bearer(url))
        assert closed.status_code == 200, closed.text
        assert (await counts(url_db))["submitted_report"] == 1
        await assert_audit_matches_records(url_db)
