"""No portal input is a 5xx: every form of the portal (each POST row of tests/portal/pages.py) and every query
parameter of its pages, sent a word where a number goes, a number of forty digits, a control character, a
field five thousand characters long. Each answer is a page (or the redirect after a save), never a 500; a
bad version or a control character in a record's field is a 422 with the message on the page."""

from __future__ import annotations

import re
from dataclasses import replace
from urllib.parse import quote

import pytest

from api.app import create_app
from tests.api.factories import spoofed_address
from tests.portal.pages import ROWS, Row, call, form_of, page_routes, portal_as, route_of

BAD = {
    "word": "abc",
    "forty-digits": "9" * 40,
    "negative": "-1",
    "fraction": "1.5",
    "full-width-digits": "１２",
    "nul": "坏\x00值",
    "escape": "a\x1bb",
    "very-long": "长" * 5000,
}
CONTROL = ("nul", "escape")
# Fields a form reads by comparing with one word (a checkbox, the kind of change): anything else is "no".
YES_OR_NO = {"active", "renew"}
# Passwords are compared or hashed, never shown or stored as text: any characters may be in one.
PASSWORDS = {"password", "current_password", "new_password", "repeat_password"}
SIGNS_IN_OR_OUT = {"login", "logout", "change-own-password"}
FORMS = [row for row in ROWS if row.method == "POST"]
# Records' fields a form stores: a control character in one is refused beside the field.
STORED = re.compile(r"^(name|name_en|contact_\w+|website|description|title|number|hte_certificate_no|tech_sme_no)$")


def _role(row: Row) -> str:
    return next(role for role in ("manager", "admin", "statistician", "tenant", "anonymous") if role in row.allowed)


def _is_a_page(response) -> bool:
    if response.status_code == 303:
        return True
    return response.headers.get("content-type", "").startswith("text/html") and "<main" in response.text


@pytest.mark.parametrize("row", FORMS, ids=[r.id for r in FORMS])
async def test_bad_values_in_every_field_of_a_form_are_a_page_never_a_500(row, base_url, page_stage):
    role = _role(row)
    # The version first: a save with a good one (another field's try) moves the record on, or deletes it.
    fields = ["version", *sorted(set(form_of(row, page_stage)) - {"version"}), "unexpected"]
    failures = []
    client = await portal_as(base_url, role, page_stage["t"])
    for name in fields:
        for kind, value in BAD.items():
            if row.id in SIGNS_IN_OR_OUT:  # each try on a session of its own
                await client.aclose()
                client = await portal_as(base_url, role, page_stage["t"])
                # Failed sign-ins from an address of their own: the shared loopback stays unthrottled.
                client.headers.update(spoofed_address())
            response = await call(client, row, page_stage, {**form_of(row, page_stage), name: value})
            status = response.status_code
            if status >= 500 or not _is_a_page(response):
                failures.append((name, kind, status, response.text[:300]))
            elif kind in CONTROL and STORED.match(name) and status != 422:
                failures.append((name, kind, status, "a control character was not refused"))
            elif name == "version" and "version" in form_of(row, page_stage) and status != 422:
                failures.append((name, kind, status, "a bad version was not refused"))
            elif status == 422 and "aria-invalid" not in response.text and 'role="alert"' not in response.text:
                failures.append((name, kind, status, "no message on the page"))
    await client.aclose()
    assert failures == []


def _query_parameters(app, row: Row) -> set[str]:
    route = route_of(app, row.method, row.path)
    path_parameters = set(re.findall(r"{(\w+)}", route[1]))
    return page_routes(app)[route] - path_parameters - {"request", "actor", "data", "self", "file_path", "path"}


GETS = [row for row in ROWS if row.method == "GET" and not row.path.startswith(("/static", "/schema"))]


@pytest.mark.parametrize("row", GETS, ids=[r.id for r in GETS])
async def test_bad_values_in_every_query_parameter_of_a_page_are_a_page_never_a_500(row, base_url, page_stage):
    app = create_app()
    role = next(
        role
        for role in ("manager", "admin", "statistician", "tenant", "anonymous")
        if role in row.allowed or row.answer(role) == 200
    )
    failures = []
    client = await portal_as(base_url, role, page_stage["t"])
    try:
        # Every page reads `lang`; a workbook's download reads only its own parameters (and takes seconds).
        extra = set() if row.shows == "PK\x03\x04" else {"lang", "unexpected"}
        for name in sorted(_query_parameters(app, row) | extra):
            for kind, value in BAD.items():
                response = await client.get(row.path.split("?")[0].format_map(page_stage), params={name: value})
                if response.status_code >= 500:
                    failures.append((name, kind, response.status_code, response.text[:300]))
                elif response.status_code >= 400 and not _is_a_page(response):
                    failures.append((name, kind, response.status_code, "not a page: " + response.text[:300]))
    finally:
        await client.aclose()
    assert failures == []


NAMED = [row for row in ROWS if re.search(r"{\w+}", row.path.split("?")[0]) and not row.path.startswith("/schema")]


@pytest.mark.parametrize("row", NAMED, ids=[r.id for r in NAMED])
async def test_bad_values_in_the_address_of_a_page_are_a_page_never_a_500(row, base_url, page_stage):
    role = _role(row)
    path = row.path.split("?")[0]
    failures = []
    client = await portal_as(base_url, role, page_stage["t"])
    try:
        for name in re.findall(r"{(\w+)}", path):
            for kind, value in BAD.items():
                response = await call(client, replace(row, path=path), page_stage | {name: quote(value, safe="")})
                # A full-width number is a number to Litestar: /imports/１２ is batch 12, its page or its file.
                if response.status_code >= 500 or (response.status_code >= 400 and not _is_a_page(response)):
                    failures.append((name, kind, response.status_code, response.text[:300]))
    finally:
        await client.aclose()
    assert failures == []
