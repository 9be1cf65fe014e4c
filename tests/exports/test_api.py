"""The export endpoints: who may download what, and that the workbook holds the API's numbers."""

from decimal import Decimal
from io import BytesIO
from itertools import count

import pytest
from openpyxl import load_workbook

from tests.conftest import make_tenant
from tests.exports.conftest import make_report

PASSWORD = "correct-horse-battery"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_users = count(1)
# The dump is written by a low-priority worker process: on a machine busy with other work it waits.
DUMP_TIMEOUT = 300


@pytest.fixture
async def tenant(empty_registry):
    row = await make_tenant(moved_in_on="2016-01-01")
    await make_report(row["uscc"], "2016", revenue="3600000000.00", employees="10")
    return row


WHO_MAY = {
    "/exports/statistics/2016.xlsx": {"admin", "manager", "statistician"},
    "/exports/statistics/2016H1.xlsx?as_of=2016-05-31": {"admin", "manager", "statistician"},
    "/exports/statistics/2016Q3.xlsx?lang=en": {"admin", "manager", "statistician"},
    "/exports/registry.xlsx": {"admin", "manager"},
    "/exports/template.xlsx": {"admin", "manager", "statistician", "tenant"},
    "/exports/deadlines.xlsx?within=365&lang=en": {"admin", "manager", "statistician"},
}


@pytest.mark.parametrize("path", list(WHO_MAY))
@pytest.mark.parametrize("role", ["admin", "manager", "statistician", "tenant"])
async def test_roles_get_the_exports_they_may_have(as_role, tenant, path, role):
    client = await as_role(role, tenant["uscc"] if role == "tenant" else None)
    response = await client.get(path, timeout=DUMP_TIMEOUT)
    if role in WHO_MAY[path]:
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith(XLSX)
        assert "attachment" in response.headers["content-disposition"]
        load_workbook(BytesIO(response.content))
    else:
        assert response.status_code == 403
        assert response.headers["content-type"].startswith("application/problem+json")


@pytest.mark.parametrize("path", list(WHO_MAY))
async def test_no_token_is_401(as_role, path):
    assert (await (await as_role(None)).get(path)).status_code == 401


async def test_statistics_workbook_holds_the_numbers_of_the_stats_endpoint(as_role, tenant):
    client = await as_role("statistician")
    api = (await client.get("/stats/2016")).json()
    response = await client.get("/exports/statistics/2016.xlsx", params={"lang": "en"})
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames[0] == "Summary"
    rows = list(book["Tenants"].iter_rows(min_row=4, values_only=True))
    total = dict(zip(rows[0], rows[-1], strict=True))
    revenue = Decimal(str(total["Revenue (k yuan)"]))
    assert revenue == Decimal(api["figures"]["revenue"]["value"]) / 1000 == Decimal(3_600_000)
    assert total["Employees (persons)"] == api["figures"]["employees"]["value"]


async def test_a_half_year_workbook_as_of_a_day_holds_the_numbers_of_the_stats_endpoint(as_role, tenant):
    client = await as_role("statistician")
    await make_report(tenant["uscc"], "2016Q1", revenue="1000.00", employees="9")
    api = (await client.get("/stats/2016H1", params={"as_of": "2016-03-31"})).json()
    assert api["as_of"] == "2016-03-31" and list(api["sub_periods"]) == ["2016Q1"]
    response = await client.get("/exports/statistics/2016H1.xlsx", params={"as_of": "2016-03-31"})
    assert response.status_code == 200
    assert 'filename="park-statistics-2016H1-zh.xlsx"' in response.headers["content-disposition"]
    book = load_workbook(BytesIO(response.content))
    rows = list(book["按期间"].iter_rows(min_row=4, values_only=True))
    assert rows[0][2:] == ("2016H1（截至2016-03-31）", "2016Q1")  # the half taken before its end says so
    quarter = next(row for row in rows if row[0] == "营业收入")[3]
    assert Decimal(str(quarter)) * 1000 == Decimal(api["sub_periods"]["2016Q1"]["figures"]["revenue"]) == 1000


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/exports/statistics/2016.xlsx?lang=fr", 422),
        ("/exports/statistics/20016.xlsx", 422),
        ("/exports/statistics/2017H3.xlsx", 422),
        ("/exports/statistics/0999.xlsx", 422),
        ("/exports/statistics/2016.csv", 404),
        ("/exports/template.xlsx?lang=de", 422),
        ("/exports/statistics/2016.xlsx?as_of=2016-13-01", 422),
        ("/stats/2016?as_of=yesterday", 422),
    ],
)
async def test_bad_requests_are_problems(as_role, tenant, path, status):
    response = await (await as_role("admin")).get(path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")


async def test_registry_dump_download_holds_the_tenant(as_role, tenant):
    response = await (await as_role("manager")).get("/exports/registry.xlsx", timeout=DUMP_TIMEOUT)
    assert response.headers["cache-control"] == "no-store"
    assert load_workbook(BytesIO(response.content))["企业"]["A2"].value == tenant["uscc"]


async def test_the_deadlines_workbook_download_is_the_commands_and_refuses_a_bad_window(as_role, tenant):
    client = await as_role("manager")
    response = await client.get("/exports/deadlines.xlsx", params={"within": 30})
    assert response.status_code == 200, response.text
    book = load_workbook(BytesIO(response.content))
    assert book.sheetnames == ["期限清单", "宽限期已过"] and book["期限清单"].print_title_rows == "$2:$2"
    for within, lang in ((-1, "zh"), (366 * 20 + 1, "zh"), (30, "fr")):
        refused = await client.get("/exports/deadlines.xlsx", params={"within": within, "lang": lang})
        assert refused.status_code == 422 and refused.headers["content-type"].startswith("application/problem+json")
