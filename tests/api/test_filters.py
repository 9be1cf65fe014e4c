"""List filters say when they cannot match anything, and a search box takes text literally."""

from tests.api.factories import field_errors, make_ip, make_tenant


async def test_unknown_industry_or_status_filter_is_a_422_not_an_empty_list(manager):
    assert field_errors(await manager.get("/tenants", params={"industry": "mining"})) == {"industry": "not_a_choice"}
    assert field_errors(await manager.get("/tenants", params={"status": "bankrupt"})) == {"status": "not_a_choice"}


async def test_filters_accept_the_chinese_label(manager):
    tenant = await make_tenant(industry="new_energy", name="筛选新能源企业")
    response = await manager.get("/tenants", params={"industry": "新能源", "q": "筛选新能源"})
    assert [t["uscc"] for t in response.json()["items"]] == [tenant["uscc"]]


async def test_unknown_ip_kind_filter_is_a_422(manager):
    tenant = await make_tenant()
    response = await manager.get(f"/tenants/{tenant['uscc']}/ip", params={"kind": "patent-ish"})
    assert field_errors(response) == {"kind": "not_a_choice"}


async def test_search_treats_percent_and_underscore_literally(manager):
    plain = await make_tenant(name="普通企业甲")
    odd = await make_tenant(name="百分之百_100%企业")
    underscore = (await manager.get("/tenants", params={"q": "_", "limit": 500})).json()
    assert odd["uscc"] in [t["uscc"] for t in underscore["items"]]
    assert plain["uscc"] not in [t["uscc"] for t in underscore["items"]]
    percent = (await manager.get("/tenants", params={"q": "100%企", "limit": 500})).json()
    assert [t["uscc"] for t in percent["items"]] == [odd["uscc"]]


async def test_search_ignores_case_of_latin_letters(manager):
    tenant = await make_tenant(name_en="Power Valley Widgets Ltd")
    response = await manager.get("/tenants", params={"q": "power VALLEY widgets"})
    assert [t["uscc"] for t in response.json()["items"]] == [tenant["uscc"]]
    assert (await make_ip(tenant["uscc"]))["uscc"] == tenant["uscc"]


async def test_audit_shows_report_money_in_yuan_like_the_rest_of_the_api(manager):
    tenant = await make_tenant()
    await manager.put(f"/tenants/{tenant['uscc']}/reports/2016", json={"revenue": "1234.50"})
    entries = (await manager.get("/audit", params={"uscc": tenant["uscc"], "entity": "report"})).json()["items"]
    assert entries[0]["after"]["revenue"] == "1234.50"


async def test_a_username_that_could_not_be_reached_in_a_path_is_refused(admin):
    response = await admin.post("/users", json={"username": "a/b", "password": "long-enough-pw", "role": "manager"})
    assert field_errors(response) == {"username": "format"}
    chinese = await admin.post("/users", json={"username": "王.经理", "password": "long-enough-pw", "role": "manager"})
    assert chinese.status_code == 201


async def test_an_admin_cannot_lock_themselves_out(admin):
    me = (await admin.get("/me")).json()["username"]
    assert (await admin.patch(f"/users/{me}", json={"active": False})).status_code == 409
    assert (await admin.patch(f"/users/{me}", json={"role": "manager"})).status_code == 409
    assert (await admin.get("/me")).status_code == 200
