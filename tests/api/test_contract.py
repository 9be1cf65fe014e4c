"""Where the OpenAPI document and the server once disagreed (issue 19, point 5): each now holds on both
engines, by the server's answers and by what the document says."""

from __future__ import annotations

import asyncio

import msgspec
import pytest

from importers import run_import
from registry.actor import SYSTEM
from registry.errors import ValidationFailed
from registry.records import clean
from registry.services import deadlines
from registry.vocabulary import MONEY_KEYS, REPORT_FIELDS, TENANT_FIELDS
from tests.api.factories import (
    assert_problem,
    field_errors,
    fresh_patent_number,
    make_ip,
    make_report,
    make_tenant,
    new_uscc,
)
from tests.conftest import SETTINGS, engines_only
from tests.importers.conftest import xlsx

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NOT_NEGATIVE = [key for key in MONEY_KEYS if key != "net_profit"]


async def _document(anonymous) -> dict:
    response = await anonymous.get(str(anonymous.base_url).removesuffix("/api/v1/") + "/schema/openapi.json")
    return response.json()


# --- If-Match, RFC 9110 §13.1.1 ------------------------------------------------------------------


async def test_a_weak_tag_never_matches_and_a_list_holding_the_current_tag_does(manager):
    tenant = await make_tenant()
    path = f"/tenants/{tenant['uscc']}"
    current = (await manager.get(path)).headers["ETag"]
    assert current == '"v1"'

    weak = await manager.patch(path, json={"website": "https://weak.example"}, headers={"If-Match": 'W/"v1"'})
    assert_problem(weak, 412)
    stale_list = await manager.patch(path, json={"website": "https://x.example"}, headers={"If-Match": '"v7", "v9"'})
    assert_problem(stale_list, 412)
    listed = await manager.patch(
        path, json={"website": "https://list.example"}, headers={"If-Match": '"v9", W/"v1",  "v1" ,"abc"'}
    )
    assert listed.status_code == 200, listed.text
    assert listed.headers["ETag"] == '"v2"'
    anything = await manager.patch(path, json={"website": "https://star.example"}, headers={"If-Match": "*"})
    assert anything.status_code == 200 and anything.json()["website"] == "https://star.example"


@pytest.mark.parametrize("header", ["v1", '"v1', "v1, v2", '"v1" "v2"', '"v 1"', '*, "v1"', '"v1"' * 400])
async def test_a_malformed_if_match_is_a_400_and_nothing_is_written(manager, header):
    tenant = await make_tenant()
    path = f"/tenants/{tenant['uscc']}"
    response = await manager.patch(path, json={"website": "https://bad.example"}, headers={"If-Match": header})
    assert "If-Match" in assert_problem(response, 400)["detail"]
    assert (await manager.get(path)).json()["version"] == 1


async def test_if_match_star_or_a_tag_on_a_record_not_there_is_412_and_creates_nothing(manager):
    tenant = await make_tenant()
    path = f"/tenants/{tenant['uscc']}/reports/2016"
    for header in ("*", '"v1"'):
        assert_problem(await manager.put(path, json={"revenue": "1.00"}, headers={"If-Match": header}), 412)
    assert (await manager.get(path)).status_code == 404
    created = await manager.put(path, json={"revenue": "1.00"})
    assert created.status_code == 201
    replaced = await manager.put(path, json={"revenue": "2.00"}, headers={"If-Match": "*"})
    assert replaced.status_code == 200 and replaced.json()["revenue"] == "2.00"


async def test_a_fee_put_creating_the_year_answers_201_and_honours_if_match(manager):
    tenant = await make_tenant()
    item = await make_ip(tenant["uscc"])
    path = f"/ip/{item['id']}/fees/2"
    body = {"paid_on": "2019-03-01", "amount": "900.00"}
    assert_problem(await manager.put(path, json=body, headers={"If-Match": '"v1"'}), 412)
    created = await manager.put(path, json=body)
    assert created.status_code == 201, created.text
    assert (await manager.put(path, json=body, headers={"If-Match": created.headers["ETag"]})).status_code == 200


# --- Integer ids in the path --------------------------------------------------------------------


@pytest.mark.parametrize("spelling", ["0{id}", "+{id}", "{head}_{tail}", " {id}", "{fullwidth}", "{arabic_indic}"])
async def test_an_id_not_in_plain_ascii_digits_names_no_record(manager, spelling):
    tenant = await make_tenant()
    item = await make_ip(tenant["uscc"])
    number = str(item["id"])
    assert (await manager.get(f"/ip/{number}")).status_code == 200
    written = spelling.format(
        id=number,
        head=number[:1],
        tail=number[1:] or "0",
        fullwidth="".join(chr(ord(c) - ord("0") + ord("０")) for c in number),
        arabic_indic="".join(chr(ord(c) - ord("0") + 0x0660) for c in number),
    )
    assert_problem(await manager.get(f"/ip/{written}"), 404)
    assert_problem(await manager.delete(f"/ip/{written}"), 404)
    assert (await manager.get(f"/ip/{number}")).status_code == 200  # nothing deleted


async def test_a_patent_year_and_a_batch_id_are_plain_digits_too(manager):
    tenant = await make_tenant()
    item = await make_ip(tenant["uscc"])
    assert_problem(
        await manager.put(f"/ip/{item['id']}/fees/02", json={"paid_on": "2019-03-01", "amount": "9.00"}), 404
    )
    assert await deadlines.list_fees(SYSTEM, item["id"]) == []
    assert_problem(await manager.get("/imports/01"), 404)


# --- Names show something, and never turn the text around --------------------------------------


@pytest.mark.parametrize("name", ["\u200b", "\u200b\u200c\u200d\ufeff", "\u3000\u00a0", "\u2060\u180e"])
async def test_a_name_showing_nothing_is_refused_by_the_api(manager, name):
    uscc = new_uscc()
    response = await manager.post(
        "/tenants", json={"uscc": uscc, "name": name, "industry": "other", "status": "incubating"}
    )
    assert field_errors(response) == {"name": "required"}
    assert (await manager.get(f"/tenants/{uscc}")).status_code == 404
    tenant = await make_tenant()
    title = await manager.post(
        f"/tenants/{tenant['uscc']}/ip",
        json={"kind": "invention", "number": fresh_patent_number(), "title": name, "status": "pending"},
    )
    assert field_errors(title) == {"title": "required"}


@pytest.mark.parametrize(
    "override", ["\u202a", "\u202b", "\u202c", "\u202d", "\u202e", "\u2066", "\u2067", "\u2068", "\u2069"]
)
async def test_bidi_overrides_and_isolates_are_refused_like_control_characters(manager, override):
    tenant = await make_tenant()
    response = await manager.patch(f"/tenants/{tenant['uscc']}", json={"name": f"正常{override}moc.elgoog"})
    assert field_errors(response) == {"name": "format"}
    assert (await manager.get(f"/tenants/{tenant['uscc']}")).json()["name"] == tenant["name"]


def test_the_registry_rule_is_the_one_imports_and_the_portal_use():
    fields = TENANT_FIELDS
    base = {"uscc": "91430211PARK999078", "industry": "other", "status": "incubating"}
    with pytest.raises(ValidationFailed) as blank:
        clean(fields, {**base, "name": "\u200b\u2060"})
    assert [(e.field, e.code) for e in blank.value.errors] == [("name", "required")]
    with pytest.raises(ValidationFailed) as turned:
        clean(fields, {**base, "name": "\u202e企业"})
    assert [(e.field, e.code) for e in turned.value.errors] == [("name", "control_character")]
    assert clean(fields, {**base, "name": "\u200b企业"}, partial=True)["name"] == "\u200b企业"


# --- Money that cannot be negative; R&D staff among the employees ------------------------------


@pytest.mark.parametrize("key", NOT_NEGATIVE)
async def test_a_negative_amount_is_refused_where_the_figure_cannot_be_negative(manager, key):
    tenant = await make_tenant()
    path = f"/tenants/{tenant['uscc']}/reports/2016"
    assert field_errors(await manager.put(path, json={key: "-1.00"})) == {key: "money_negative"}
    assert (await manager.get(path)).status_code == 404


async def test_a_net_loss_is_a_negative_net_profit(manager):
    tenant = await make_tenant()
    response = await manager.put(f"/tenants/{tenant['uscc']}/reports/2016", json={"net_profit": "-1234.50"})
    assert response.status_code == 201 and response.json()["net_profit"] == "-1234.50"


async def test_a_negative_fee_is_refused(manager):
    tenant = await make_tenant()
    item = await make_ip(tenant["uscc"])
    response = await manager.put(f"/ip/{item['id']}/fees/2", json={"paid_on": "2019-03-01", "amount": "-900.00"})
    assert field_errors(response) == {"amount": "money_negative"}


async def test_more_rd_staff_than_employees_is_refused_in_one_put_and_against_the_stored_report(manager):
    tenant = await make_tenant()
    path = f"/tenants/{tenant['uscc']}/reports/2016"
    assert field_errors(await manager.put(path, json={"employees": 10, "rd_staff": 11})) == {
        "rd_staff": "above_employees"
    }
    assert (await manager.get(path)).status_code == 404
    assert (await manager.put(path, json={"employees": 10, "rd_staff": 10})).status_code == 201
    assert (await manager.put(path, json={"rd_staff": 3})).status_code == 200  # employees cleared: no rule to break


async def test_an_import_refuses_negative_figures_and_rd_staff_above_employees():
    tenant = await make_tenant()
    content = xlsx(
        {
            "经营数据": [
                ["统一社会信用代码", "报告期", "营业收入(元)", "净利润(元)", "从业人员", "研发人员"],
                [tenant["uscc"], "2016", "-5.00", "-7.00", 10, 3],
                [tenant["uscc"], "2017", "5.00", "1.00", 10, 12],
            ]
        }
    )
    report = msgspec.to_builtins((await run_import(SYSTEM, "经营数据.xlsx", content, dry_run=True)).answer())
    codes = {(issue["row"], issue["code"]) for issue in report["errors"]}
    assert codes == {(2, "money_negative"), (3, "above_employees")}, report["errors"]


async def test_a_stored_report_keeps_its_rule_when_the_import_changes_one_figure():
    tenant = await make_tenant()
    await make_report(tenant["uscc"], "2016", employees=10, rd_staff=5)
    content = xlsx({"经营数据": [["统一社会信用代码", "报告期", "研发人员"], [tenant["uscc"], "2016", 11]]})
    report = msgspec.to_builtins((await run_import(SYSTEM, "经营数据.xlsx", content, dry_run=True)).answer())
    assert [issue["code"] for issue in report["errors"]] == ["above_employees"]


# --- Bounds the server enforces, stated by the document ----------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"year": 3000}, "year"),
        ({"year": 1899}, "year"),
        ({"year": "null"}, "year"),
        ({"sort": "revenue"}, "sort"),
    ],
)
async def test_a_report_list_refuses_what_the_document_does_not_allow(manager, query, field):
    tenant = await make_tenant()
    assert field in field_errors(await manager.get(f"/tenants/{tenant['uscc']}/reports", params=query))


async def test_deadlines_within_is_0_to_7320_days(manager):
    for within in (-1, 7321):
        assert "within" in field_errors(await manager.get("/deadlines", params={"within": within}))
    for within in (0, 7320):
        assert (await manager.get("/deadlines", params={"within": within})).status_code == 200


async def test_statistics_start_in_1901_as_the_document_says(statistician, anonymous):
    assert "period" in field_errors(await statistician.get("/stats/1900"))
    assert (await statistician.get("/stats/1901")).status_code == 200
    parameters = (await _document(anonymous))["paths"]["/api/v1/stats/{period}"]["get"]["parameters"]
    pattern = next(p for p in parameters if p["name"] == "period")["schema"]["pattern"]
    assert pattern.startswith("^(190[1-9]")


async def test_an_unknown_role_filter_is_a_422_not_an_empty_list(admin):
    assert field_errors(await admin.get("/users", params={"role": "nobody"})) == {"role": "not_a_choice"}


async def test_the_document_states_the_bounds_the_server_enforces(anonymous):
    document = await _document(anonymous)
    paths, schemas = document["paths"], document["components"]["schemas"]

    def parameter(path: str, method: str, name: str) -> dict:
        return next(p for p in paths[path][method]["parameters"] if p["name"] == name)["schema"]

    assert (
        parameter("/api/v1/deadlines", "get", "within")["minimum"],
        parameter("/api/v1/deadlines", "get", "within")["maximum"],
    ) == (0, 7320)
    assert parameter("/api/v1/exports/deadlines.xlsx", "get", "within")["maximum"] == 7320
    assert set(parameter("/api/v1/tenants", "get", "sort")["enum"]) >= {"uscc", "-uscc", "name", "-moved_in_on", ""}
    assert parameter("/api/v1/tenants/{uscc}/reports", "get", "sort")["enum"] == ["", "period", "-period"]
    assert parameter("/api/v1/users", "get", "role")["enum"][0] == ""
    year = parameter("/api/v1/tenants/{uscc}/reports", "get", "year")
    assert (year["minimum"], year["maximum"]) == (1900, 2999)
    assert parameter("/api/v1/tenants/{uscc}", "get", "uscc")["pattern"].startswith("^[^\\x00")
    for component, key in (
        ("TenantCreate", "name"),
        ("TenantCreate", "uscc"),
        ("IPItemCreate", "number"),
        ("IPItemCreate", "title"),
        ("TenantUpdate", "name"),
    ):
        assert schemas[component]["properties"][key]["minLength"] == 1, (component, key)
    put = paths["/api/v1/ip/{item_id}/fees/{patent_year}"]["put"]["responses"]
    assert {"200", "201"} <= set(put)


async def test_money_patterns_allow_a_minus_sign_only_where_the_vocabulary_does(anonymous):
    import re

    schemas = (await _document(anonymous))["components"]["schemas"]
    signed = {f.key for f in REPORT_FIELDS if f.type == "money" and f.signed}
    assert signed == {"net_profit"}
    for key in MONEY_KEYS:
        pattern = schemas["ReportPut"]["properties"][key]["pattern"]
        assert re.fullmatch(pattern, "1234.50") and re.fullmatch(pattern, ".5")
        assert bool(re.fullmatch(pattern, "-1.00")) is (key in signed), key
        assert not re.fullmatch(pattern, "12345678901234")  # past ten trillion yuan
    assert not re.fullmatch(schemas["FeePayment"]["properties"]["amount"]["pattern"], "-1")


# --- OPTIONS ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "allow"),
    [
        ("/ip/1", "DELETE, GET, OPTIONS, PATCH"),
        ("/tenants/91430211PARK999078", "DELETE, GET, OPTIONS, PATCH"),
        ("/imports", "GET, OPTIONS, POST"),
        ("/tenants", "GET, OPTIONS, POST"),
        ("/tenants/91430211PARK999078/reports/2016", "DELETE, GET, OPTIONS, PUT"),
    ],
)
async def test_options_names_every_method_of_the_path(anonymous, path, allow):
    response = await anonymous.options(path)
    assert response.status_code == 204
    assert response.headers["Allow"] == allow


# --- Applying a dry run that loses a race --------------------------------------------------------


@engines_only("postgres")
async def test_an_apply_losing_a_key_to_another_writer_is_a_409_problem_and_the_dry_run_stays(manager):
    """PostgreSQL: another connection registers the file's tenant after the apply planned (its insert waits
    on that writer's uncommitted row, then finds the key taken). SQLite's one writer cannot interleave so."""
    import asyncpg

    uscc = new_uscc()
    content = xlsx(
        {"企业": [["统一社会信用代码", "企业名称", "产业类别", "状态"], [uscc, "抢先企业", "电子信息", "在孵"]]}
    )
    dry = await manager.post("/imports", params={"dry_run": "true"}, files={"file": ("企业.xlsx", content, XLSX)})
    assert dry.status_code == 200, dry.text
    other = await asyncpg.connect(SETTINGS.database_url)
    try:
        writer = other.transaction()
        await writer.start()
        await other.execute(
            "INSERT INTO tenant (uscc, name, industry, status, platform_level, version) "
            "VALUES ($1, '另一写入者', 'other', 'incubating', 'none', 1)",
            uscc,
        )
        apply = asyncio.create_task(manager.post(f"/imports/{dry.json()['id']}/apply"))
        await asyncio.sleep(1.0)  # the apply has planned and waits on the uncommitted row
        assert not apply.done()
        await writer.commit()
        response = await apply
    finally:
        await other.close()
    problem = assert_problem(response, 409)
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "registry changed" in problem["detail"]
    assert (await manager.get(f"/imports/{dry.json()['id']}")).json()["applied_as"] is None
    assert (await manager.get(f"/tenants/{uscc}")).json()["name"] == "另一写入者"
