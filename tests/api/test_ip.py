"""IP items over HTTP: numbers normalised, terms derived, one owner per number, filters, ETags."""

from __future__ import annotations

import pytest

from tests.api.factories import assert_problem, field_errors, fresh_patent_number, make_ip, make_tenant, new_uscc


def _spaced(number: str) -> str:
    """`201873000012.X` as people paste it: `CN 2018 7300 0012.X`."""
    digits, check = number.split(".")
    return f"CN {digits[:4]} {digits[4:8]} {digits[8:]}.{check}"


def _item(**overrides) -> dict:
    return {
        "kind": "invention",
        "number": fresh_patent_number(),
        "title": "一种电池管理方法",
        "status": "pending",
        "filed_on": "2018-03-01",
    } | overrides


async def test_create_answers_201_with_the_normalised_number_and_an_etag(manager):
    tenant = await make_tenant()
    number = fresh_patent_number()
    response = await manager.post(f"/tenants/{tenant['uscc']}/ip", json=_item(number=_spaced(number)))
    assert response.status_code == 201, response.text
    assert response.headers["ETag"] == '"v1"'
    body = response.json()
    assert body["number"] == number and body["uscc"] == tenant["uscc"]
    fetched = await manager.get(f"/ip/{body['id']}")
    assert fetched.json() == body


@pytest.mark.parametrize("spelling", ["zl{digits}.{check}", "CN{digits}{check}", "ＣＮ　{digits}.{check}"])
async def test_number_spellings_people_paste_are_normalised(manager, spelling):
    tenant = await make_tenant()
    number = fresh_patent_number()
    digits, check = number.split(".")
    if spelling.startswith("ＣＮ"):
        digits = digits.translate({ord(c): ord(c) + 0xFEE0 for c in "0123456789"})
    response = await manager.post(
        f"/tenants/{tenant['uscc']}/ip", json=_item(number=spelling.format(digits=digits, check=check))
    )
    assert response.status_code == 201, response.text
    assert response.json()["number"] == number


@pytest.mark.parametrize(
    "kind, filed_on, expires_on",
    [
        ("design", "2021-06-01", "2036-05-31"),
        ("design", "2021-05-31", "2031-05-30"),
        ("invention", "2018-03-01", "2038-02-28"),
        ("utility_model", "2016-02-29", "2026-02-28"),
    ],
)
async def test_expiry_is_derived_from_kind_and_filing_date(manager, kind, filed_on, expires_on):
    tenant = await make_tenant()
    response = await manager.post(
        f"/tenants/{tenant['uscc']}/ip",
        json=_item(kind=kind, number=fresh_patent_number(kind, year=int(filed_on[:4])), filed_on=filed_on),
    )
    assert response.status_code == 201, response.text
    assert response.json()["expires_on"] == expires_on


async def test_expiry_cannot_be_sent(manager):
    tenant = await make_tenant()
    response = await manager.post(f"/tenants/{tenant['uscc']}/ip", json=_item(expires_on="2099-01-01"))
    assert field_errors(response) == {"expires_on": "unknown_field"}


async def test_other_kinds_normalise_their_numbers(manager):
    tenant = await make_tenant()
    path = f"/tenants/{tenant['uscc']}/ip"
    cases = [
        ("software_copyright", "2017sr 730012", "2017SR730012"),
        ("ic_layout", "bs 173000123", "BS.173000123"),
        ("trademark", "7300 1234", "73001234"),
    ]
    for kind, given, stored in cases:
        response = await manager.post(path, json=_item(kind=kind, number=given))
        assert response.status_code == 201, response.text
        assert response.json()["number"] == stored


async def test_same_number_under_another_tenant_is_409_without_naming_the_owner(manager, as_role):
    owner = await make_tenant(name="原权利人企业")
    other = await make_tenant()
    item = await make_ip(owner["uscc"])
    client = await as_role("tenant", other["uscc"])
    for who in (client, manager):
        response = await who.post(f"/tenants/{other['uscc']}/ip", json=_item(number=_spaced(item["number"])))
        body = assert_problem(response, 409)
        assert owner["uscc"] not in response.text and owner["name"] not in response.text
        assert body["errors"] == [{"field": "number", "code": "duplicate", "message": body["errors"][0]["message"]}]
    assert (await manager.get(f"/tenants/{other['uscc']}/ip")).json()["total"] == 0


async def test_same_number_of_a_different_kind_is_another_item(manager):
    tenant = await make_tenant()
    await make_ip(tenant["uscc"], kind="trademark", number="73009876", granted_on="2019-01-01")
    response = await manager.post(f"/tenants/{tenant['uscc']}/ip", json=_item(kind="plant_variety", number="73009876"))
    assert response.status_code == 201, response.text


async def test_valid_item_needs_its_grant_date(manager):
    tenant = await make_tenant()
    response = await manager.post(f"/tenants/{tenant['uscc']}/ip", json=_item(status="valid"))
    assert field_errors(response) == {"granted_on": "required"}


async def test_grant_before_filing_is_refused(manager):
    tenant = await make_tenant()
    response = await manager.post(f"/tenants/{tenant['uscc']}/ip", json=_item(granted_on="2017-01-01"))
    assert field_errors(response) == {"granted_on": "before_filing"}


async def test_ip_for_an_unknown_tenant_is_404(manager):
    assert_problem(await manager.post(f"/tenants/{new_uscc()}/ip", json=_item()), 404)
    assert_problem(await manager.get(f"/tenants/{new_uscc()}/ip"), 404)


async def test_list_filters_by_kind_status_and_expiry(manager):
    tenant = await make_tenant()
    uscc = tenant["uscc"]
    old = await make_ip(
        uscc,
        kind="utility_model",
        number=fresh_patent_number("utility_model", 2012),
        filed_on="2012-01-10",
        granted_on="2012-08-01",
        status="valid",
    )
    pending = await make_ip(uscc, status="pending", granted_on=None, filed_on="2019-05-05")
    valid = await make_ip(uscc, status="valid", filed_on="2016-01-01", granted_on="2018-01-01")

    async def numbers(**query) -> tuple[list[str], int]:
        body = (await manager.get(f"/tenants/{uscc}/ip", params=query)).json()
        return sorted(i["number"] for i in body["items"]), body["total"]

    assert await numbers() == (sorted([old["number"], pending["number"], valid["number"]]), 3)
    assert await numbers(kind="invention") == (sorted([pending["number"], valid["number"]]), 2)
    assert await numbers(status="valid") == (sorted([old["number"], valid["number"]]), 2)
    assert await numbers(kind="invention", status="valid") == ([valid["number"]], 1)
    assert await numbers(expiring_before="2025-01-01") == ([old["number"]], 1)
    assert await numbers(expiring_before="2040-01-01") == (
        sorted([old["number"], pending["number"], valid["number"]]),
        3,
    )


async def test_list_sorts_and_pages(manager):
    tenant = await make_tenant()
    for filed in ("2017-02-01", "2015-02-01", "2016-02-01"):
        await make_ip(tenant["uscc"], filed_on=filed, granted_on=None, status="pending")
    body = (await manager.get(f"/tenants/{tenant['uscc']}/ip", params={"sort": "-filed_on", "limit": 2})).json()
    assert [i["filed_on"] for i in body["items"]] == ["2017-02-01", "2016-02-01"]
    assert (body["total"], body["limit"], body["offset"]) == (3, 2, 0)


async def test_bad_expiring_before_is_refused(manager):
    tenant = await make_tenant()
    response = await manager.get(f"/tenants/{tenant['uscc']}/ip", params={"expiring_before": "soon"})
    assert response.status_code in (400, 422)
    assert_problem(response, response.status_code)


async def test_patch_recomputes_expiry_and_moves_the_etag(manager):
    tenant = await make_tenant()
    item = await make_ip(
        tenant["uscc"],
        kind="design",
        number=fresh_patent_number("design", 2021),
        filed_on="2021-05-31",
        granted_on=None,
        status="pending",
    )
    path = f"/ip/{item['id']}"
    etag = (await manager.get(path)).headers["ETag"]
    response = await manager.patch(path, json={"filed_on": "2021-06-01"}, headers={"If-Match": etag})
    assert response.status_code == 200, response.text
    assert response.json()["expires_on"] == "2036-05-31"
    assert response.headers["ETag"] != etag


async def test_patch_with_a_stale_etag_is_412_and_changes_nothing(manager):
    tenant = await make_tenant()
    item = await make_ip(tenant["uscc"])
    path = f"/ip/{item['id']}"
    etag = (await manager.get(path)).headers["ETag"]
    await manager.patch(path, json={"title": "第一次"})
    assert_problem(await manager.patch(path, json={"title": "第二次"}, headers={"If-Match": etag}), 412)
    assert (await manager.get(path)).json()["title"] == "第一次"


async def test_patch_to_a_number_already_registered_is_409(manager):
    tenant = await make_tenant()
    first, second = await make_ip(tenant["uscc"]), await make_ip(tenant["uscc"])
    response = await manager.patch(f"/ip/{second['id']}", json={"number": first["number"]})
    assert_problem(response, 409)
    assert (await manager.get(f"/ip/{second['id']}")).json()["number"] == second["number"]


async def test_patch_with_a_bad_number_is_refused(manager):
    tenant = await make_tenant()
    item = await make_ip(tenant["uscc"])
    response = await manager.patch(f"/ip/{item['id']}", json={"number": "201710601862.4"})
    assert field_errors(response) == {"number": "ip_number_checksum"}


async def test_delete_with_a_stale_etag_is_412_then_fresh_is_204(manager):
    tenant = await make_tenant()
    item = await make_ip(tenant["uscc"])
    path = f"/ip/{item['id']}"
    etag = (await manager.get(path)).headers["ETag"]
    await manager.patch(path, json={"title": "改过了"})
    assert_problem(await manager.delete(path, headers={"If-Match": etag}), 412)
    fresh = (await manager.get(path)).headers["ETag"]
    assert (await manager.delete(path, headers={"If-Match": fresh})).status_code == 204
    assert_problem(await manager.get(path), 404)


async def test_deleted_number_can_be_registered_again(manager):
    tenant = await make_tenant()
    item = await make_ip(tenant["uscc"])
    await manager.delete(f"/ip/{item['id']}")
    again = await manager.post(f"/tenants/{tenant['uscc']}/ip", json=_item(number=item["number"]))
    assert again.status_code == 201, again.text


async def test_tenant_keeps_its_own_ip(tenant_pair):
    a, _, client = tenant_pair
    created = await client.post(f"/tenants/{a['uscc']}/ip", json=_item())
    assert created.status_code == 201, created.text
    item_id = created.json()["id"]
    assert (await client.get(f"/tenants/{a['uscc']}/ip")).json()["total"] == 1
    patched = await client.patch(f"/ip/{item_id}", json={"status": "withdrawn"})
    assert patched.status_code == 200 and patched.json()["status"] == "withdrawn"
    assert (await client.delete(f"/ip/{item_id}")).status_code == 204


async def test_statistician_reads_but_cannot_write_ip(statistician):
    tenant = await make_tenant()
    item = await make_ip(tenant["uscc"])
    assert (await statistician.get(f"/ip/{item['id']}")).status_code == 200
    assert_problem(await statistician.post(f"/tenants/{tenant['uscc']}/ip", json=_item()), 403)
    assert_problem(await statistician.patch(f"/ip/{item['id']}", json={"title": "统计改"}), 403)
    assert_problem(await statistician.delete(f"/ip/{item['id']}"), 403)
    assert (await statistician.get(f"/ip/{item['id']}")).json()["title"] == item["title"]


async def test_unknown_item_is_404(manager):
    assert_problem(await manager.get("/ip/987654321"), 404)


async def test_the_specs_worked_example_is_normalised(empty_registry, manager):
    tenant = await make_tenant()
    response = await manager.post(
        f"/tenants/{tenant['uscc']}/ip", json=_item(number="CN 2017 1060 1862.3", filed_on="2017-06-01")
    )
    assert response.status_code == 201, response.text
    assert response.json()["number"] == "201710601862.3"
    assert response.json()["expires_on"] == "2037-05-31"
