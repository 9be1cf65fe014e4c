"""A tenant's deadlines as an iCalendar feed: parsed back by icalendar and by vobject."""

from __future__ import annotations

from datetime import date, timedelta

import icalendar
import vobject
from dateutil.relativedelta import relativedelta

from tests.api.factories import assert_problem, fresh_patent_number, make_ip, make_tenant, new_uscc


async def _tenant_with_a_patent() -> tuple[dict, dict]:
    """A tenant with an invention granted in its first year: year 2, the next fee, due in 25 days."""
    tenant = await make_tenant()
    due = date.today() + timedelta(days=25)
    filed = due - relativedelta(years=1)
    item = await make_ip(
        tenant["uscc"],
        number=fresh_patent_number("invention", filed.year),
        filed_on=filed.isoformat(),
        granted_on=(filed + timedelta(days=90)).isoformat(),
    )
    return tenant, item


def _events(feed: bytes) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(feed)
    return list(calendar.walk("VEVENT"))


async def test_the_feed_has_one_event_per_deadline_each_with_an_alarm(manager):
    tenant, item = await _tenant_with_a_patent()

    response = await manager.get(f"/tenants/{tenant['uscc']}/deadlines.ics")

    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    events = _events(response.content)
    assert len(events) == 1 + 1  # the next fee year (year 2; none after it is due before it is paid) and the expiry
    first = events[0]
    assert first.decoded("dtstart") == date.today() + timedelta(days=25)
    assert "第2年年费" in str(first["summary"]) and "900.00" in str(first["summary"])
    assert item["number"] in str(first["description"])
    for event in events:
        (alarm,) = event.walk("VALARM")
        assert alarm["action"] == "DISPLAY"
        assert alarm.decoded("trigger") == -timedelta(days=30)
    assert events[-1].decoded("dtstart") == item["expires_on"]


async def test_a_second_parser_reads_the_same_events(manager):
    tenant, item = await _tenant_with_a_patent()
    feed = (await manager.get(f"/tenants/{tenant['uscc']}/deadlines.ics")).text

    parsed = vobject.readOne(feed)

    ours = [(str(e["uid"]), e.decoded("dtstart"), str(e["summary"])) for e in _events(feed.encode())]
    theirs = [(e.uid.value, e.dtstart.value, e.summary.value) for e in parsed.vevent_list]
    assert theirs == ours
    assert all(len(e.valarm_list) == 1 for e in parsed.vevent_list)


async def test_uids_are_stable_so_a_calendar_updates_instead_of_duplicating(manager):
    tenant, item = await _tenant_with_a_patent()
    url = f"/tenants/{tenant['uscc']}/deadlines.ics"
    before = {str(e["uid"]): e for e in _events((await manager.get(url)).content)}
    assert len(before) == 2  # unique
    again = {str(e["uid"]): e for e in _events((await manager.get(url)).content)}
    assert set(again) == set(before)

    paid = await manager.put(f"/ip/{item['id']}/fees/2", json={"paid_on": date.today().isoformat(), "amount": "900"})
    assert paid.status_code == 201
    after = {str(e["uid"]): e for e in _events((await manager.get(url)).content)}

    # Year 2 paid: its event goes, year 3's comes, the expiry keeps its uid and day.
    year2 = next(uid for uid in before if uid.endswith("-y2@park-registry"))
    (year3,) = set(after) - set(before)
    assert set(after) - {year3} == set(before) - {year2} and year3.endswith("-y3@park-registry")
    assert all(after[uid].decoded("dtstart") == before[uid].decoded("dtstart") for uid in set(after) & set(before))


async def test_a_tenant_reads_its_own_feed_but_not_anothers(tenant_pair):
    a, b, client = tenant_pair
    theirs = await make_ip(b["uscc"])

    own = await client.get(f"/tenants/{a['uscc']}/deadlines.ics")
    refused = await client.get(f"/tenants/{b['uscc']}/deadlines.ics")
    absent = await client.get(f"/tenants/{new_uscc()}/deadlines.ics")

    assert own.status_code == 200 and _events(own.content) == []
    assert_problem(refused, 404)
    assert refused.json() == absent.json()
    assert theirs["number"] not in refused.text
