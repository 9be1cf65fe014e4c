"""IP deadlines through the API: what falls due, paid fees, late fees in the grace, items at risk."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import count

from dateutil.relativedelta import relativedelta

from registry.actor import SYSTEM
from registry.periods import Period
from registry.stats import park_stats
from tests.api.factories import assert_problem, field_errors, fresh_patent_number, make_ip, make_tenant, new_uscc

_trademarks = count(61_000_000)


def _patent_due_in(days: int, kind: str = "invention", year: int = 3) -> dict:
    """Dates of a patent granted in its first year whose fee for `year` is due `days` from today."""
    due = date.today() + timedelta(days=days)
    filed = due - relativedelta(years=year - 1)
    return {
        "kind": kind,
        "number": fresh_patent_number(kind, filed.year),
        "filed_on": filed.isoformat(),
        "granted_on": (filed + timedelta(days=100)).isoformat(),
        "status": "valid",
    }


async def _paid_through(client, item: dict, last_year: int) -> None:
    """Record the fees of years 2..last_year as paid on their due days."""
    filed = date.fromisoformat(str(item["filed_on"]))
    for year in range(2, last_year + 1):
        paid = filed + relativedelta(years=year - 1)
        fee = {"invention": "900.00", "utility_model": "600.00", "design": "600.00"}[item["kind"]]
        response = await client.put(f"/ip/{item['id']}/fees/{year}", json={"paid_on": paid.isoformat(), "amount": fee})
        assert response.status_code == 201, response.text


async def test_deadlines_list_fees_due_soon_soonest_first_with_amounts(manager):
    tenant = await make_tenant()
    later = await make_ip(tenant["uscc"], **_patent_due_in(60))
    sooner = await make_ip(tenant["uscc"], **_patent_due_in(20, "utility_model"))
    for item in (later, sooner):
        await _paid_through(manager, item, 2)

    response = await manager.get(f"/deadlines?uscc={tenant['uscc']}")

    assert response.status_code == 200, response.text
    body = response.json()
    fees = [(d["ip_id"], d["patent_year"], d["due_on"], d["fee"], d["amount"], d["state"]) for d in body["items"]]
    assert fees == [
        (sooner["id"], 3, (date.today() + timedelta(days=20)).isoformat(), "600.00", "600.00", "due"),
        (later["id"], 3, (date.today() + timedelta(days=60)).isoformat(), "900.00", "900.00", "due"),
    ]
    assert body["total"] == 2
    first = body["items"][0]
    assert first["uscc"] == tenant["uscc"] and first["number"] == sooner["number"]
    assert first["deadline"] == "annual_fee" and first["late_fee"] == "0.00"
    assert first["grace_ends_on"] == (date.today() + timedelta(days=20) + relativedelta(months=6)).isoformat()

    only_inventions = (await manager.get(f"/deadlines?uscc={tenant['uscc']}&kind=invention")).json()
    assert [d["ip_id"] for d in only_inventions["items"]] == [later["id"]]
    beyond_a_month = (await manager.get(f"/deadlines?uscc={tenant['uscc']}&within=30")).json()
    assert [d["ip_id"] for d in beyond_a_month["items"]] == [sooner["id"]]


async def test_a_trademark_shows_its_renewal_window_and_expiry(manager):
    tenant = await make_tenant()
    expires = date.today() + timedelta(days=40)
    registered = expires + timedelta(days=1)
    registered = registered.replace(year=registered.year - 10)
    item = await make_ip(
        tenant["uscc"],
        kind="trademark",
        number=str(next(_trademarks)),
        filed_on=(registered - timedelta(days=300)).isoformat(),
        granted_on=registered.isoformat(),
    )
    assert item["expires_on"] == expires

    body = (await manager.get(f"/deadlines?uscc={tenant['uscc']}")).json()

    # Same day: the expiry (nothing more to do) before the renewal, whose grace runs on.
    assert [(d["deadline"], d["due_on"]) for d in body["items"]] == [
        ("expiry", expires.isoformat()),
        ("renewal", expires.isoformat()),
    ]
    renewal = body["items"][1]
    assert renewal["window_opens_on"] == (expires - relativedelta(years=1)).isoformat()
    assert renewal["grace_ends_on"] == (expires + relativedelta(months=6)).isoformat()
    assert renewal["amount"] is None


async def test_a_late_payment_inside_the_grace_costs_five_percent_and_keeps_the_patent(manager):
    tenant = await make_tenant()
    item = await make_ip(tenant["uscc"], **_patent_due_in(-45))
    await _paid_through(manager, item, 2)

    (overdue,) = (await manager.get(f"/deadlines?uscc={tenant['uscc']}&kind=invention")).json()["items"]
    assert (overdue["patent_year"], overdue["state"]) == (3, "grace")
    assert (overdue["fee"], overdue["late_fee"], overdue["amount"]) == ("900.00", "45.00", "945.00")
    assert (await manager.get(f"/ip/{item['id']}")).json()["at_risk"] is False

    paid = await manager.put(f"/ip/{item['id']}/fees/3", json={"paid_on": date.today().isoformat(), "amount": "945.00"})

    assert paid.status_code == 201, paid.text
    assert paid.json() | {"version": 1} == {
        "ip_id": item["id"],
        "uscc": tenant["uscc"],
        "patent_year": 3,
        "paid_on": date.today().isoformat(),
        "amount": "945.00",
        "due_on": overdue["due_on"],
        "scheduled_fee": "900.00",
        "late_fee": "45.00",
        "version": 1,
    }
    after = (await manager.get(f"/deadlines?uscc={tenant['uscc']}&kind=invention&within=400")).json()["items"]
    assert [d["patent_year"] for d in after] == [4]
    assert (await manager.get(f"/ip/{item['id']}")).json()["at_risk"] is False


async def test_an_unpaid_year_past_its_grace_puts_the_item_at_risk_and_in_the_statistics(manager):
    today = date.today()
    tenant = await make_tenant(moved_in_on="2016-03-01")
    before = (await park_stats(SYSTEM, Period(today.year), as_of=today)).ip

    item = await make_ip(tenant["uscc"], **_patent_due_in(-45 - 365))  # year 3 was due 13½ months ago
    await _paid_through(manager, item, 2)

    shown = (await manager.get(f"/ip/{item['id']}")).json()
    assert shown["at_risk"] is True and shown["status"] == "valid"
    listed = (await manager.get(f"/tenants/{tenant['uscc']}/ip")).json()["items"]
    assert [i["at_risk"] for i in listed] == [True]
    counts = (await park_stats(SYSTEM, Period(today.year), as_of=today)).ip
    assert counts.at_risk_at_end == before.at_risk_at_end + 1
    assert counts.valid_at_end == before.valid_at_end + 1  # still counted as valid
    stats = (await manager.get(f"/stats/{today.year}")).json()
    assert stats["ip"]["at_risk_at_end"] >= 1 and "at_risk_at_end" in stats["ip_by_kind"]["invention"]

    # Year 3's grace has passed: the patent lapsed from its due day, so year 4 (due 45 days ago) is
    # not owed and nothing is in the window of what falls due; year 3 is what the item is at risk for.
    window = (await manager.get(f"/deadlines?uscc={tenant['uscc']}&kind=invention")).json()["items"]
    assert [(d["patent_year"], d["state"]) for d in window] == []

    restored = await manager.put(
        f"/ip/{item['id']}/fees/3", json={"paid_on": (today - timedelta(days=1)).isoformat(), "amount": "1125.00"}
    )
    assert restored.status_code == 201 and restored.json()["late_fee"] == "225.00"
    assert (await manager.get(f"/ip/{item['id']}")).json()["at_risk"] is False
    # Restored, it owes year 4 again, in its grace.
    window = (await manager.get(f"/deadlines?uscc={tenant['uscc']}&kind=invention")).json()["items"]
    assert [(d["patent_year"], d["state"]) for d in window] == [(4, "grace")]
    assert (await park_stats(SYSTEM, Period(today.year), as_of=today)).ip.at_risk_at_end == before.at_risk_at_end


async def test_recording_a_fee_again_corrects_it_and_both_are_audited(manager):
    tenant = await make_tenant()
    item = await make_ip(tenant["uscc"], **_patent_due_in(30))
    url = f"/ip/{item['id']}/fees/2"
    paid_on = (date.fromisoformat(str(item["filed_on"])) + relativedelta(years=1)).isoformat()
    first = await manager.put(url, json={"paid_on": paid_on, "amount": "900"})
    assert first.status_code == 201 and first.headers["ETag"] == '"v1"'

    corrected = await manager.put(url, json={"paid_on": paid_on, "amount": "765.00"}, headers={"If-Match": '"v1"'})
    stale = await manager.put(url, json={"paid_on": paid_on, "amount": "700.00"}, headers={"If-Match": '"v1"'})

    assert corrected.status_code == 200 and corrected.json()["amount"] == "765.00"
    assert corrected.json()["version"] == 2
    assert_problem(stale, 412)
    fees = (await manager.get(f"/ip/{item['id']}/fees")).json()
    assert [(f["patent_year"], f["paid_on"], f["amount"]) for f in fees] == [(2, paid_on, "765.00")]
    trail = (await manager.get(f"/audit?entity=ip_fee&uscc={tenant['uscc']}")).json()["items"]
    assert [(e["action"], e["entity_key"], (e["after"] or {}).get("amount")) for e in trail] == [
        ("update", f"invention:{item['number']}:2", "765.00"),
        ("create", f"invention:{item['number']}:2", "900.00"),
    ]


async def test_a_bad_fee_record_is_refused_field_by_field_and_nothing_is_stored(manager):
    tenant = await make_tenant()
    item = await make_ip(tenant["uscc"], **_patent_due_in(30))
    mark = await make_ip(
        tenant["uscc"], kind="trademark", number=str(next(_trademarks)), filed_on="2016-01-04", granted_on="2017-02-01"
    )
    tomorrow = (date.today() + timedelta(days=1)).isoformat()

    assert field_errors(await manager.put(f"/ip/{item['id']}/fees/21", json={"paid_on": tomorrow, "amount": "0"})) == {
        "patent_year": "out_of_range",
        "paid_on": "in_future",
        "amount": "out_of_range",
    }
    assert field_errors(
        await manager.put(f"/ip/{item['id']}/fees/0", json={"paid_on": "2001-02-03", "amount": "900.001"})
    ) == {"patent_year": "out_of_range", "paid_on": "before_filing", "amount": "money_fraction"}
    assert "paid_on" in field_errors(
        await manager.put(f"/ip/{item['id']}/fees/2", json={"paid_on": "2019-02-30", "amount": "900"})
    )
    assert field_errors(await manager.put(f"/ip/{item['id']}/fees/3", json={})) == {
        "paid_on": "required",
        "amount": "required",
    }
    assert "amount" in field_errors(
        await manager.put(f"/ip/{item['id']}/fees/3", json={"paid_on": "2020-01-01", "amount": 900.5})
    )
    assert field_errors(
        await manager.put(f"/ip/{mark['id']}/fees/2", json={"paid_on": "2020-01-01", "amount": "500.00"})
    ) == {"patent_year": "not_a_patent"}
    assert_problem(await manager.put("/ip/999999999/fees/2", json={"paid_on": "2020-01-01", "amount": "1.00"}), 404)
    assert (await manager.get(f"/ip/{item['id']}/fees")).json() == []


async def test_the_window_is_checked(manager):
    assert "within" in field_errors(await manager.get("/deadlines?within=-1"))
    assert "kind" in field_errors(await manager.get("/deadlines?kind=patent"))
    assert_problem(await manager.get(f"/deadlines?uscc={new_uscc()}"), 404)


async def test_a_tenant_sees_only_its_own_deadlines(tenant_pair, manager):
    a, b, client = tenant_pair
    own = await make_ip(a["uscc"], **_patent_due_in(10))
    theirs = await make_ip(b["uscc"], **_patent_due_in(11))
    for item in (own, theirs):
        await _paid_through(manager, item, 2)

    mine = (await client.get("/deadlines?within=365")).json()["items"]
    park = (await manager.get("/deadlines?within=365&limit=500")).json()

    assert {d["uscc"] for d in mine} == {a["uscc"]}
    assert own["id"] in {d["ip_id"] for d in mine}
    assert theirs["number"] not in (await client.get("/deadlines?within=365")).text
    assert {own["id"], theirs["id"]} <= {d["ip_id"] for d in park["items"]} or park["total"] > 500
    refused = await client.get(f"/deadlines?uscc={b['uscc']}")
    absent = await client.get(f"/deadlines?uscc={new_uscc()}")
    assert_problem(refused, 404)
    assert refused.json() == absent.json()
    assert (await client.get(f"/deadlines?uscc={a['uscc']}")).status_code == 200
