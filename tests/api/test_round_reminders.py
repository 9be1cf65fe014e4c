"""Reminders (SPEC §9): the office reminds the tenants whose returns are not submitted — by e-mail through a
real SMTP server on localhost and on the portal — at most once a day each; a server that refuses or is down
fails no request and loses no record."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta

import pytest

from registry.actor import SYSTEM
from registry.dates import in_words
from registry.housekeeping import Housekeeper
from registry.park_time import park_today
from registry.periods import Period
from registry.services import accounts, reminders
from registry.tables import AuditEntry, Reminder, Tenant
from tests.api.factories import assert_problem, close_round, make_tenant, new_uscc, open_round, return_in_state
from tests.conftest import SETTINGS
from tests.mail_server import free_port, mail_through, self_signed, smtp_server

TODAY = park_today(SETTINGS.zone)


@pytest.fixture
async def mailbox(database):
    with smtp_server() as (box, url), mail_through(database, url):
        yield box


@pytest.fixture
async def refusing(database):
    with smtp_server(refuse=True) as (box, url), mail_through(database, url):
        yield box


@pytest.fixture
async def down(database):
    with mail_through(database, f"smtp://office:pw@127.0.0.1:{free_port()}"):  # nothing listens there
        yield


@pytest.fixture
async def no_mail(database):
    with mail_through(database, None):
        yield


async def _tenant_with_mail(n: int) -> dict:
    tenant = await make_tenant(contact_email=f"contact{n}@tenant.example")
    await accounts.create_account(
        SYSTEM,
        {
            "username": f"clerk-{tenant['uscc']}",
            "password": "long-enough-1",
            "role": "tenant",
            "tenant_uscc": tenant["uscc"],
            "email": f"Clerk{n}@Tenant.example",
        },
    )
    return tenant


@pytest.fixture
async def round_due():
    """A round due in a week: A (not started, contact + account e-mail), B (draft, contact only), C returned,
    D submitted, E accepted."""
    row = await open_round(deadline=str(TODAY + timedelta(days=7)))
    a = await _tenant_with_mail(1)
    b = await make_tenant(contact_email="b@tenant.example")
    c = await make_tenant(contact_email="c@tenant.example")
    d = await make_tenant(contact_email="d@tenant.example")
    e = await make_tenant(contact_email="e@tenant.example")
    for tenant, state in ((a, "not_started"), (b, "draft"), (c, "returned"), (d, "submitted"), (e, "accepted")):
        await return_in_state(row["id"], tenant["uscc"], state)
    return row, {"a": a, "b": b, "c": c, "d": d, "e": e}


async def _rows(round_id: int) -> list[dict]:
    rows = (
        await Reminder.select(Reminder.all_columns(), Reminder.tenant.uscc.as_alias("uscc"))
        .where(Reminder.round == round_id)
        .order_by(Reminder.id)
        .run()
    )
    return [row | {"deliveries": json.loads(row["deliveries"])} for row in rows]


async def test_the_office_reminds_every_tenant_due_by_mail_in_chinese(statistician, mailbox, round_due):
    row, t = round_due
    answer = await statistician.post(f"/rounds/{row['id']}/remind")
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["reminded"] == 3 and sorted(body["uscc"]) == sorted(t[k]["uscc"] for k in "abc")
    assert body["channels"] == {"portal": 3, "email": 4}
    assert (
        body["email"]["configured"] and body["email"]["failed"] == 0 and "smtp://127.0.0.1" in body["email"]["server"]
    )
    assert "office" not in body["email"]["server"] and "s3cret" not in answer.text

    to_a = mailbox.to("contact1@tenant.example")
    assert len(to_a) == 1 and sorted(to_a[0].recipients) == ["Clerk1@Tenant.example", "contact1@tenant.example"]
    letter = to_a[0]
    assert letter.sender == "stats@park.example" and not letter.encrypted  # the server offered no STARTTLS
    deadline = in_words(row["deadline"])
    assert row["title"] in letter.message["subject"] and deadline in letter.message["subject"]
    assert (
        Period.parse(row["period"]).label("zh") in letter.body
        and deadline in letter.body
        and t["a"]["name"] in letter.body
    )
    assert "未填报" in letter.body
    assert [m.recipients for m in mailbox.to("b@tenant.example")] == [["b@tenant.example"]]
    assert not mailbox.to("d@tenant.example") and not mailbox.to("e@tenant.example")

    stored = {r["uscc"]: r for r in await _rows(row["id"])}
    assert set(stored) == {t[k]["uscc"] for k in "abc"}
    kept = stored[t["a"]["uscc"]]
    assert kept["day"] == TODAY and kept["kind"] == "manual" and not kept["pending"]
    assert kept["sent_by"] == statistician.username
    assert {(d["channel"], d["to"], d["delivered"]) for d in kept["deliveries"]} == {
        ("portal", t["a"]["uscc"], True),
        ("email", "contact1@tenant.example", True),
        ("email", "Clerk1@Tenant.example", True),
    }
    audited = (
        await AuditEntry.select().where((AuditEntry.entity == "reminder") & (AuditEntry.uscc == t["a"]["uscc"])).run()
    )
    assert [(e["action"], e["actor"]) for e in audited] == [("remind", statistician.username)]


async def test_at_most_one_reminder_a_day_per_tenant(manager, mailbox, round_due):
    row, t = round_due
    first = await manager.post(f"/rounds/{row['id']}/remind")
    again = await manager.post(f"/rounds/{row['id']}/remind", json={"uscc": [t["a"]["uscc"]]})
    assert first.json()["reminded"] == 3
    assert again.status_code == 200 and again.json()["reminded"] == 0
    assert again.json()["skipped"] == [{"uscc": t["a"]["uscc"], "reason": "reminded_today", "state": "not_started"}]
    assert len(mailbox.to("contact1@tenant.example")) == 1 and len(await _rows(row["id"])) == 3


async def test_named_tenants_only_and_those_not_due_are_left_out(statistician, mailbox, round_due):
    row, t = round_due
    answer = await statistician.post(f"/rounds/{row['id']}/remind", json={"uscc": [t["b"]["uscc"], t["d"]["uscc"]]})
    assert answer.status_code == 200, answer.text
    assert answer.json()["uscc"] == [t["b"]["uscc"]]
    assert answer.json()["skipped"] == [{"uscc": t["d"]["uscc"], "reason": "not_due", "state": "submitted"}]
    assert len(mailbox.received) == 1 and mailbox.received[0].recipients == ["b@tenant.example"]


async def test_a_tenant_not_in_the_round_is_named_and_nobody_is_reminded(statistician, mailbox, round_due):
    row, t = round_due
    stranger = (await make_tenant())["uscc"]
    answer = await statistician.post(f"/rounds/{row['id']}/remind", json={"uscc": [t["a"]["uscc"], stranger]})
    assert_problem(answer, 422)
    assert [(e["field"], e["code"]) for e in answer.json()["errors"]] == [("uscc", "not_in_round")]
    assert stranger in answer.json()["errors"][0]["message"]
    assert await _rows(row["id"]) == [] and mailbox.received == []


async def test_a_refusing_mail_server_fails_no_request_and_the_records_say_why(statistician, refusing, round_due):
    row, t = round_due
    answer = await statistician.post(f"/rounds/{row['id']}/remind")
    assert answer.status_code == 200, answer.text
    email = answer.json()["email"]
    assert (email["delivered"], email["failed"]) == (0, 4) and email["errors"][0].startswith("550")
    assert refusing.received == []
    stored = await _rows(row["id"])
    assert len(stored) == 3 and not any(r["pending"] for r in stored)
    for kept in stored:
        mails = [d for d in kept["deliveries"] if d["channel"] == "email"]
        portal = [d for d in kept["deliveries"] if d["channel"] == "portal"]
        assert mails and all(not d["delivered"] and "550" in d["error"] for d in mails)
        assert portal == [
            {"channel": "portal", "to": kept["uscc"], "delivered": True, "error": None, "at": portal[0]["at"]}
        ]


async def test_a_mail_server_that_is_down_fails_no_request_and_the_records_say_why(statistician, down, round_due):
    row, _ = round_due
    answer = await statistician.post(f"/rounds/{row['id']}/remind")
    assert answer.status_code == 200, answer.text
    assert answer.json()["email"]["failed"] == 4 and "unreachable" in answer.json()["email"]["errors"][0]
    stored = await _rows(row["id"])
    assert len(stored) == 3
    assert all("unreachable" in d["error"] for r in stored for d in r["deliveries"] if d["channel"] == "email")


async def test_without_a_mail_server_reminders_are_portal_notices_and_the_office_is_told(
    statistician, no_mail, round_due
):
    row, _ = round_due
    answer = await statistician.post(f"/rounds/{row['id']}/remind")
    body = answer.json()
    assert answer.status_code == 200 and body["reminded"] == 3
    assert body["email"]["configured"] is False and body["channels"] == {"portal": 3, "email": 0}
    assert "PARK_SMTP_URL" in body["note"] and "portal notices only" in body["note"]
    assert all(
        not r["pending"] and [d["channel"] for d in r["deliveries"]] == ["portal"] for r in await _rows(row["id"])
    )


async def test_reminders_left_pending_by_a_stopped_server_are_delivered_later(mailbox, round_due):
    row, t = round_due
    crashed = datetime.now(UTC) - timedelta(minutes=30)  # recorded, then the server was killed
    tenant_id = (await Tenant.select(Tenant.id).where(Tenant.uscc == t["a"]["uscc"]).first().run())["id"]
    await Reminder.insert(
        Reminder(round=row["id"], tenant=tenant_id, day=TODAY, kind="manual", sent_by="x", created_at=crashed)
    ).run()
    assert await reminders.deliver_pending() >= 1
    assert len(mailbox.to("contact1@tenant.example")) == 1
    (kept,) = await _rows(row["id"])
    assert not kept["pending"] and {d["channel"] for d in kept["deliveries"]} == {"portal", "email"}
    await reminders.deliver_pending()
    assert len(mailbox.to("contact1@tenant.example")) == 1  # delivered once, not again


async def test_rights_a_tenant_cannot_remind_and_a_missing_round_is_404(as_role, round_due, no_mail):
    row, t = round_due
    tenant = await as_role("tenant", t["a"]["uscc"])
    assert_problem(await tenant.post(f"/rounds/{row['id']}/remind"), 403)
    assert_problem(await (await as_role(None)).post(f"/rounds/{row['id']}/remind"), 401)
    manager = await as_role("manager")
    assert_problem(await manager.post("/rounds/999999/remind"), 404)
    # Past PostgreSQL's integer column: the same 404, not the database's overflow as a 500.
    assert_problem(await manager.post(f"/rounds/{2**31}/remind", json={"uscc": []}), 404)
    assert_problem(await manager.post(f"/rounds/{2**63}/remind"), 404)
    assert await _rows(row["id"]) == []


async def test_a_closed_round_is_not_reminded(statistician, no_mail):
    closed = await open_round(deadline=str(TODAY - timedelta(days=3)))
    tenant = await make_tenant()
    await return_in_state(closed["id"], tenant["uscc"])
    await close_round(closed["id"])
    assert_problem(await statistician.post(f"/rounds/{closed['id']}/remind"), 409)


# --- Automatic reminders -------------------------------------------------------------------------


async def test_automatic_reminders_before_and_after_the_deadline_once_each(no_mail):
    deadline = TODAY + timedelta(days=200)
    row = await open_round(deadline=str(deadline), opens_on=str(deadline - timedelta(days=19)), remind_days_before=3)
    due, done = await make_tenant(), await make_tenant()
    await return_in_state(row["id"], due["uscc"], "draft")
    await return_in_state(row["id"], done["uscc"], "submitted")

    async def remind_on(days: int) -> list[str]:
        day = deadline + timedelta(days=days)
        return [u for one in await reminders.remind_due(day) if one.round == row["id"] for u in one.uscc]

    assert await remind_on(-4) == []  # before the window
    assert await remind_on(-3) == [due["uscc"]]  # three days before
    assert await remind_on(-3) == []  # the same day again
    assert await remind_on(-1) == []  # the window's one is sent
    assert await remind_on(1) == [due["uscc"]]  # the day after the deadline
    assert await remind_on(2) == []
    kinds = [(r["day"], r["kind"]) for r in await _rows(row["id"])]
    assert kinds == [(deadline - timedelta(days=3), "before"), (deadline + timedelta(days=1), "after")]


async def test_a_missed_day_is_caught_up_when_the_server_comes_back(no_mail):
    deadline = TODAY + timedelta(days=250)
    row = await open_round(deadline=str(deadline), opens_on=str(deadline - timedelta(days=9)), remind_days_before=5)
    tenant = await make_tenant()
    await return_in_state(row["id"], tenant["uscc"])
    # Down from six days before the deadline to two before: the reminder due five days before goes out
    # two days before, the day it is back.
    back = deadline - timedelta(days=2)
    assert [u for one in await reminders.remind_due(back) if one.round == row["id"] for u in one.uscc] == [
        tenant["uscc"]
    ]
    # Down over the deadline until five days after: the one due the day after goes out then.
    later = await reminders.remind_due(deadline + timedelta(days=5))
    assert [one.uscc for one in later if one.round == row["id"]] == [[tenant["uscc"]]]
    assert [(r["day"], r["kind"]) for r in await _rows(row["id"])] == [
        (back, "before"),
        (deadline + timedelta(days=5), "after"),
    ]


async def test_a_manual_reminder_in_the_window_counts_as_its_automatic_one(statistician, no_mail):
    row = await open_round(deadline=str(TODAY + timedelta(days=2)), remind_days_before=3)
    tenant = await make_tenant()
    await return_in_state(row["id"], tenant["uscc"])
    assert (await statistician.post(f"/rounds/{row['id']}/remind")).json()["reminded"] == 1
    assert not [one for one in await reminders.remind_due(TODAY + timedelta(days=1)) if one.round == row["id"]]


async def test_automatic_reminders_are_run_by_exactly_one_of_two_workers(mailbox):
    row = await open_round(deadline=str(TODAY + timedelta(days=1)), remind_days_before=3)
    tenants = [await make_tenant(contact_email=f"race{n}-{new_uscc()}@tenant.example") for n in range(3)]
    for tenant in tenants:
        await return_in_state(row["id"], tenant["uscc"])
    # Each serving process runs a housekeeper (api.app); two race for the database's housekeeping.
    keepers = [Housekeeper(30, every=3600, retry=0.05, remind_every=0.05) for _ in range(2)]
    tasks = [asyncio.create_task(keeper.run()) for keeper in keepers]
    try:
        for _ in range(200):
            if any(keeper.reminder_runs >= 3 for keeper in keepers):
                break
            await asyncio.sleep(0.05)
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    runs = sorted(keeper.reminder_runs for keeper in keepers)
    assert runs[0] == 0 and runs[1] >= 3  # one ran the reminders again and again; the other never did
    stored = await _rows(row["id"])
    assert sorted(r["uscc"] for r in stored) == sorted(t["uscc"] for t in tenants)
    assert all(r["kind"] == "before" for r in stored)
    for tenant in tenants:
        assert len(mailbox.to(tenant["contact_email"])) == 1


async def test_metrics_count_reminders_delivered_and_failed(base_url, statistician, database, round_due):
    from tests.api.test_metrics import _count, _metrics, _samples

    row, _ = round_due
    before = _samples((await _metrics(base_url)).text)["park_reminders"]
    with smtp_server(refuse=True) as (_, url), mail_through(database, url):
        assert (await statistician.post(f"/rounds/{row['id']}/remind")).status_code == 200
    after = _samples((await _metrics(base_url)).text)["park_reminders"]
    for channel, outcome, more in (("portal", "delivered", 3), ("email", "failed", 4), ("email", "delivered", 0)):
        assert (
            _count(after, channel=channel, outcome=outcome) == _count(before, channel=channel, outcome=outcome) + more
        )


async def test_a_tenants_home_shows_its_own_reminders_only(base_url, round_due, no_mail, statistician):
    from tests.portal.conftest import make_account
    from tests.portal.pages import portal_client

    row, t = round_due
    assert (await statistician.post(f"/rounds/{row['id']}/remind", json={"uscc": [t["a"]["uscc"]]})).status_code == 200
    reminded = await portal_client(base_url, await make_account("tenant", t["a"]["uscc"]))
    other = await portal_client(base_url, await make_account("tenant", t["b"]["uscc"]))
    try:
        page = (await reminded.get("/me")).text
        assert "催报通知" in page and row["title"] in page and Period.parse(row["period"]).label("zh") in page
        assert str(row["deadline"]) in page and "尚未上报" in page
        english = (await reminded.get("/me?lang=en")).text
        assert "Reminders" in english and Period.parse(row["period"]).label("en") in english
        # The other tenant is asked in the same round (its home lists the round to file) but was not reminded.
        assert "催报通知" not in (await other.get("/me")).text
    finally:
        await reminded.aclose()
        await other.aclose()


async def test_park_rounds_remind_reminds_from_the_command_line(capsys, no_mail, round_due):
    from api.cli import main

    row, t = round_due
    # `park` reads the environment (the suite's database, no PARK_SMTP_URL) and runs its own event loop.
    assert await asyncio.to_thread(main, ["rounds", "remind", str(row["id"]), "--uscc", t["a"]["uscc"]]) == 0
    said = capsys.readouterr().out
    assert f"round {row['id']}" in said and "reminded 1 tenants" in said and "portal notices only" in said
    assert [r["sent_by"] for r in await _rows(row["id"])] == ["cli"]
    assert await asyncio.to_thread(main, ["rounds", "remind", str(row["id"]), "--uscc", t["a"]["uscc"]]) == 0
    assert "reminded 0 tenants (1 reminded today already)" in capsys.readouterr().out
    assert await asyncio.to_thread(main, ["rounds", "remind", "999999"]) == 1
    assert "round not found" in capsys.readouterr().err


# --- Settings and the mail URL -------------------------------------------------------------------


def test_the_mail_url_and_the_time_zone_are_read_checked_and_the_password_kept_out_of_sight(monkeypatch, tmp_path):
    from registry.mail import MailServer
    from registry.settings import as_environment, load_settings

    monkeypatch.setenv("PARK_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("PARK_SMTP_URL", "smtps://stats%40park.example:p%40ss@mail.park.example")
    monkeypatch.setenv("PARK_TIME_ZONE", "Asia/Urumqi")
    settings = load_settings()
    assert settings.park_time_zone == "Asia/Urumqi" and "p%40ss" not in repr(settings)
    assert as_environment(settings)["PARK_SMTP_URL"] == settings.smtp_url  # a worker process follows it
    server = MailServer.from_url(settings.smtp_url or "")
    assert (server.host, server.port, server.tls) == ("mail.park.example", 465, True)
    assert (server.username, server.password, server.sender) == ("stats@park.example", "p@ss", "stats@park.example")
    assert "p@ss" not in repr(server) and server.describe() == "smtps://mail.park.example:465"
    plain = MailServer.from_url("smtp://relay.park.example")
    assert (plain.port, plain.tls, plain.username, plain.sender) == (
        25,
        False,
        None,
        "park-registry@relay.park.example",
    )
    for bad, variable in (("http://x:y@mail.example", "PARK_SMTP_URL"), ("Mars/Olympus", "PARK_TIME_ZONE")):
        monkeypatch.setenv(variable, bad)
        with pytest.raises(ValueError, match=variable) as refused:
            load_settings()
        assert "y@mail" not in str(refused.value)
        monkeypatch.setenv("PARK_SMTP_URL", "smtp://mail.park.example")
    monkeypatch.delenv("PARK_SMTP_URL")
    monkeypatch.delenv("PARK_TIME_ZONE")
    assert (load_settings().smtp_url, load_settings().park_time_zone) == (None, "Asia/Shanghai")


async def test_a_wrong_mail_password_is_recorded_as_the_servers_refusal(statistician, database, round_due):
    row, _ = round_due
    with smtp_server() as (mailbox, url), mail_through(database, url.replace("s3cret-mail-pass", "wrong-pass")):
        answer = await statistician.post(f"/rounds/{row['id']}/remind")
    assert answer.status_code == 200 and mailbox.received == []
    assert answer.json()["email"]["failed"] == 4 and answer.json()["email"]["errors"][0].startswith("535")
    assert "wrong-pass" not in answer.text
    assert all(
        d["error"].startswith("535") for r in await _rows(row["id"]) for d in r["deliveries"] if d["channel"] == "email"
    )


@pytest.mark.parametrize("how", ["starttls", "tls"])
async def test_mail_goes_encrypted_with_starttls_when_offered_and_with_smtps(
    how, statistician, database, round_due, tmp_path, monkeypatch
):
    cert, context = self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))  # the system's trust store, as if the park's CA were in it
    row, _ = round_due
    with smtp_server(**{how: context}) as (mailbox, url), mail_through(database, url):
        answer = await statistician.post(f"/rounds/{row['id']}/remind")
    assert answer.status_code == 200 and answer.json()["email"]["delivered"] == 4, answer.text
    assert len(mailbox.received) == 3 and all(letter.encrypted for letter in mailbox.received)


async def test_a_mail_server_whose_certificate_is_not_trusted_gets_nothing(statistician, database, round_due, tmp_path):
    _, context = self_signed(tmp_path)
    row, _ = round_due
    with smtp_server(starttls=context) as (mailbox, url), mail_through(database, url):
        answer = await statistician.post(f"/rounds/{row['id']}/remind")
    assert answer.status_code == 200 and mailbox.received == []
    assert "CERTIFICATE_VERIFY_FAILED" in answer.json()["email"]["errors"][0]


async def test_reminders_left_pending_without_a_mail_server_become_portal_notices(no_mail, round_due):
    row, t = round_due
    tenant_id = (await Tenant.select(Tenant.id).where(Tenant.uscc == t["b"]["uscc"]).first().run())["id"]
    crashed = datetime.now(UTC) - timedelta(minutes=30)
    await Reminder.insert(
        Reminder(round=row["id"], tenant=tenant_id, day=TODAY, kind="after", sent_by="x", created_at=crashed)
    ).run()
    await reminders.deliver_pending()
    (kept,) = await _rows(row["id"])
    assert not kept["pending"] and [d["channel"] for d in kept["deliveries"]] == ["portal"]
