"""A tenant's calendar subscription URL: the feed opened by `?key=` without a bearer token (SPEC §8),
one tenant's key opening only that tenant's feed, a wrong key the same 404 as an unknown tenant."""

from __future__ import annotations

import os
import stat
from datetime import date, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
import icalendar
from dateutil.relativedelta import relativedelta

from registry.settings import _secret
from tests.api.factories import assert_problem, fresh_patent_number, make_ip, make_tenant, new_uscc


async def _tenant_with_a_patent() -> tuple[dict, dict]:
    tenant = await make_tenant()
    filed = date.today() + timedelta(days=25) - relativedelta(years=1)
    item = await make_ip(tenant["uscc"], number=fresh_patent_number("invention", filed.year),
                         filed_on=filed.isoformat(), granted_on=(filed + timedelta(days=90)).isoformat())  # fmt: skip
    return tenant, item


def _path(url: str) -> str:
    """The feed URL relative to the API root, as the test clients ask for it."""
    parts = urlsplit(url)
    return parts.path.removeprefix("/api/v1") + "?" + parts.query


async def test_the_tenant_gets_its_subscription_url_and_the_feed_opens_with_its_key_alone(as_role, anonymous):
    tenant, item = await _tenant_with_a_patent()
    own = await as_role("tenant", tenant["uscc"])

    answer = await own.get(f"/tenants/{tenant['uscc']}/deadlines/subscription")

    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["uscc"] == tenant["uscc"] and body["issued_at"]
    url = urlsplit(body["url"])
    assert url.scheme == "http" and url.path == f"/api/v1/tenants/{tenant['uscc']}/deadlines.ics"
    assert parse_qs(url.query) == {"key": [body["key"]]} and len(body["key"]) >= 32
    assert body["webcal_url"] == "webcal" + body["url"].removeprefix("http")

    feed = await anonymous.get(_path(body["url"]))  # no token: what a calendar app sends
    assert feed.status_code == 200, feed.text
    assert feed.headers["content-type"].startswith("text/calendar")
    events = list(icalendar.Calendar.from_ical(feed.content).walk("VEVENT"))
    assert len(events) == 2 and item["number"] in str(events[0]["description"])  # the next fee year, the expiry


async def test_a_manager_is_handed_the_same_url_a_statistician_none(as_role):
    tenant, _ = await _tenant_with_a_patent()
    own, manager, statistician = (await as_role("tenant", tenant["uscc"]), await as_role("manager"),
                                  await as_role("statistician"))  # fmt: skip
    path = f"/tenants/{tenant['uscc']}/deadlines/subscription"

    assert (await manager.get(path)).json()["url"] == (await own.get(path)).json()["url"]
    assert_problem(await statistician.get(path), 403)
    assert_problem(await statistician.post(path), 403)


async def test_a_wrong_key_is_the_same_404_as_an_unknown_tenant(manager, anonymous):
    tenant, item = await _tenant_with_a_patent()
    key = (await manager.get(f"/tenants/{tenant['uscc']}/deadlines/subscription")).json()["key"]

    wrong = await anonymous.get(
        f"/tenants/{tenant['uscc']}/deadlines.ics", params={"key": key[:-1] + ("B" if key.endswith("A") else "A")}
    )
    empty = await anonymous.get(f"/tenants/{tenant['uscc']}/deadlines.ics", params={"key": ""})
    unknown = await anonymous.get(f"/tenants/{new_uscc()}/deadlines.ics", params={"key": key})
    lower = await anonymous.get(f"/tenants/{tenant['uscc'].lower()}/deadlines.ics", params={"key": key})

    for refused in (wrong, empty):
        assert assert_problem(refused, 404) == assert_problem(unknown, 404)
        assert item["number"] not in refused.text
    assert lower.status_code == 200  # the USCC is read as the API reads it anywhere
    # Neither a token nor a key: the token check's 401, as on every other route.
    assert_problem(await anonymous.get(f"/tenants/{tenant['uscc']}/deadlines.ics"), 401)


async def test_one_tenants_key_never_opens_anothers_feed_nor_anything_else(as_role, anonymous):
    a, a_item = await _tenant_with_a_patent()
    b, b_item = await _tenant_with_a_patent()
    a_key = (await (await as_role("tenant", a["uscc"])).get(f"/tenants/{a['uscc']}/deadlines/subscription")).json()[
        "key"
    ]

    theirs = await anonymous.get(f"/tenants/{b['uscc']}/deadlines.ics", params={"key": a_key})
    absent = await anonymous.get(f"/tenants/{new_uscc()}/deadlines.ics", params={"key": a_key})

    assert assert_problem(theirs, 404) == assert_problem(absent, 404)
    assert b_item["number"] not in theirs.text
    # The key opens the feed only: every other route still asks for a token.
    for path in (f"/tenants/{a['uscc']}", f"/tenants/{a['uscc']}/deadlines/subscription", "/deadlines"):
        assert_problem(await anonymous.get(path, params={"key": a_key}), 401)
    # A tenant cannot be handed another tenant's URL: the same 404 as for no such tenant.
    own = await as_role("tenant", a["uscc"])
    refused = await own.get(f"/tenants/{b['uscc']}/deadlines/subscription")
    assert assert_problem(refused, 404) == assert_problem(
        await own.get(f"/tenants/{new_uscc()}/deadlines/subscription"), 404
    )
    assert_problem(await own.post(f"/tenants/{b['uscc']}/deadlines/subscription"), 404)


async def test_the_bearer_token_still_opens_the_feed_and_rules_over_a_key(as_role):
    a, _ = await _tenant_with_a_patent()
    b, _ = await _tenant_with_a_patent()
    manager = await as_role("manager")
    b_key = (await manager.get(f"/tenants/{b['uscc']}/deadlines/subscription")).json()["key"]
    tenant_a = await as_role("tenant", a["uscc"])

    assert (await manager.get(f"/tenants/{a['uscc']}/deadlines.ics", params={"key": "wrong"})).status_code == 200
    # A's token with B's key: the token decides, and B's feed is not A's to read.
    assert_problem(await tenant_a.get(f"/tenants/{b['uscc']}/deadlines.ics", params={"key": b_key}), 404)


async def test_renewing_the_key_ends_every_url_handed_out_before_and_is_audited(as_role, anonymous):
    tenant, _ = await _tenant_with_a_patent()
    own, admin = await as_role("tenant", tenant["uscc"]), await as_role("admin")
    path = f"/tenants/{tenant['uscc']}/deadlines/subscription"
    old = (await own.get(path)).json()

    renewed = await own.post(path)
    again = await admin.post(path)

    assert renewed.status_code == 200, renewed.text
    assert len({old["key"], renewed.json()["key"], again.json()["key"]}) == 3
    assert (await own.get(path)).json() == again.json()
    for stale in (old, renewed.json()):
        assert_problem(await anonymous.get(_path(stale["url"])), 404)
    assert (await anonymous.get(_path(again.json()["url"]))).status_code == 200
    entries = (await admin.get("/audit", params={"entity": "calendar_key", "uscc": tenant["uscc"]})).json()["items"]
    issued = [datetime.fromisoformat(a["issued_at"]) for a in (old, renewed.json(), again.json())]

    def when(snapshot: dict | None) -> datetime | None:
        return datetime.fromisoformat(snapshot["issued_at"]) if snapshot else None

    assert [(e["action"], e["actor"], when(e["before"]), when(e["after"])) for e in entries] == [
        ("update", admin.username, issued[1], issued[2]),
        ("update", own.username, issued[0], issued[1]),
        ("create", own.username, None, issued[0]),
    ]
    assert all(old["key"] not in str(e) and again.json()["key"] not in str(e) for e in entries)


async def test_a_tenant_registered_again_under_the_same_uscc_does_not_inherit_the_old_key(manager, anonymous):
    tenant = await make_tenant()
    path = f"/tenants/{tenant['uscc']}/deadlines/subscription"
    old = (await manager.get(path)).json()
    assert (await anonymous.get(_path(old["url"]))).status_code == 200

    assert (await manager.delete(f"/tenants/{tenant['uscc']}")).status_code == 204
    again = await make_tenant(uscc=tenant["uscc"])

    assert again["uscc"] == tenant["uscc"]
    assert_problem(await anonymous.get(_path(old["url"])), 404)
    assert (await manager.get(path)).json()["key"] != old["key"]


async def test_the_openapi_document_names_the_key_beside_the_bearer_token(base_url):
    async with httpx.AsyncClient(base_url=base_url) as client:
        document = (await client.get("/schema/openapi.json")).json()
    operation = document["paths"]["/api/v1/tenants/{uscc}/deadlines.ics"]["get"]
    assert operation["security"] == [{"BearerToken": []}, {"CalendarKey": []}]
    assert document["components"]["securitySchemes"]["CalendarKey"] == {
        "type": "apiKey", "name": "key", "in": "query",
        "description": document["components"]["securitySchemes"]["CalendarKey"]["description"],
    }  # fmt: skip
    key = next(p for p in operation["parameters"] if p["name"] == "key")
    assert key["in"] == "query" and not key.get("required") and "404" in key["description"]
    assert {"200", "401", "404"} <= operation["responses"].keys()


def test_the_calendar_secret_is_generated_once_into_the_data_folder_unless_set(tmp_path, monkeypatch):
    monkeypatch.delenv("PARK_CALENDAR_SECRET", raising=False)
    first = _secret("PARK_CALENDAR_SECRET", tmp_path, "calendar-secret")
    stored = tmp_path / "calendar-secret"
    assert stat.S_IMODE(os.stat(stored).st_mode) == 0o600 and len(first) >= 48
    assert _secret("PARK_CALENDAR_SECRET", tmp_path, "calendar-secret") == first
    monkeypatch.setenv("PARK_CALENDAR_SECRET", "set-by-the-operator")
    assert _secret("PARK_CALENDAR_SECRET", tmp_path, "calendar-secret") == "set-by-the-operator"
