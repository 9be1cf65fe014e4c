"""What every page shares: the signed-in actor, the language, rendering, CSRF and the safety headers."""

from __future__ import annotations

import hmac
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from litestar import Request, Response
from litestar.connection import ASGIConnection
from litestar.datastructures import Cookie
from litestar.di import NamedDependency
from litestar.handlers.base import BaseRouteHandler
from litestar.params import URLEncodedBody
from litestar.response import Redirect, Template

from api.auth import bound_actor
from api.portal.navigation import links_for
from api.portal.sessions import Session, Sessions
from api.request_log import request_id_of
from exports.import_format import header, sheet_name
from registry.actor import Actor
from registry.park_time import DEFAULT_ZONE, park_time, park_zone
from registry.periods import Period
from registry.vocabulary import IMPORT_STATUS, LANGS, Enumeration, Field, deadline_label, file_size, in_lang

SESSION_COOKIE = "park_session"
LANG_COOKIE = "park_lang"
CSRF_FIELD = "_csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

# No inline script or style anywhere: every script and stylesheet is a file the app serves.
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
        "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
    ),
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


# What a page handler declares to get the signed-in actor (provided by `page_actor`) and a posted form.
PageActor = NamedDependency[Actor]
Form = URLEncodedBody[dict[str, str]]


class SignInRequired(Exception):
    """No live, signed-in session: the browser is sent to /login and brought back afterwards."""


def sessions(connection: ASGIConnection) -> Sessions:
    return connection.app.state.portal_sessions


async def load_session(connection: ASGIConnection) -> Session | None:
    """Look the request's session up (once per request: every page's guard, `check_csrf`, does it first)."""
    state = connection.state
    if "portal_session" not in state:
        state.portal_session = await sessions(connection).find(connection.cookies.get(SESSION_COOKIE))
    return state.portal_session


def current_session(connection: ASGIConnection) -> Session | None:
    """The request's session as `load_session` found it (None before, as on an address no page serves)."""
    return connection.state.get("portal_session")


def session_cookie(connection: ASGIConnection, session: Session | None) -> Cookie:
    """The cookie naming `session`; with None, one that makes the browser forget it."""
    secure = connection.url.scheme == "https"
    if session is None:
        return Cookie(key=SESSION_COOKIE, value="", max_age=0, path="/", httponly=True, samesite="lax", secure=secure)
    return Cookie(key=SESSION_COOKIE, value=session.id, path="/", httponly=True, samesite="lax", secure=secure)


async def begin_session(request: Request, response: Response, username: str, claims: dict[str, Any]) -> None:
    """Sign `username` in on this browser under a new session id (the old session, if any, ends): at
    sign-in, and after a change to one's own account (a new password retires the old session)."""
    old = current_session(request)
    await sessions(request).end(old.id if old else None)
    response.cookies.append(session_cookie(request, await sessions(request).start(username, claims)))


async def page_actor(request: Request) -> Actor:
    """The signed-in actor of a page, checked against the account on every request (as bearer tokens
    are): a changed, deactivated or deleted account ends the session."""
    session = current_session(request)
    if session is None or session.username is None:
        raise SignInRequired
    actor = await bound_actor(session.username, session.claims, request_id_of(request))
    if actor is None:
        await sessions(request).end(session.id)
        raise SignInRequired
    # A change made on a page is the web's (网页 in the audit), not the API's; the request id stays.
    actor = replace(actor, source=f"web:{request_id_of(request)}")
    request.state.actor = actor
    return actor


def park_zone_of(connection: ASGIConnection) -> ZoneInfo:
    """The park's time zone (PARK_TIME_ZONE), as the app's settings name it."""
    return connection.app.state.settings.zone


def lang_of(connection: ASGIConnection) -> str:
    asked = connection.query_params.get("lang")
    if asked in LANGS:
        return asked
    remembered = connection.cookies.get(LANG_COOKIE)
    return remembered if remembered in LANGS else "zh"


def url_with(request: Request, **changes: Any) -> str:
    """This page's address with some query parameters changed (None removes one)."""
    params = {k: v for k, v in request.query_params.items()}
    params.update({k: v for k, v in changes.items()})
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")})
    return request.url.path + (f"?{query}" if query else "")


# Where a registry message's Chinese ends and its English begins: the first " / " after Chinese words.
_BILINGUAL = re.compile(r"(?<=[\u3000-\u9fff\uff00-\uffef”’）】》])\s*/\s+|\s+/\s+")


class Words:
    """The page's language: `T("企业", "Tenants")`, and the vocabulary's labels for fields and codes."""

    def __init__(self, lang: str, zone: ZoneInfo | None = None) -> None:
        self.lang, self.zone = lang, zone or park_zone(DEFAULT_ZONE)

    def __call__(self, zh: str, en: str) -> str:
        return in_lang(self.lang, zh, en)

    def say(self, message: str | None) -> str:
        """A registry message ("中文 / English", or "…（…）/ English") in the page's language; a message
        that is not in two languages as it is."""
        if not message:
            return ""
        parts = _BILINGUAL.split(message, maxsplit=1)
        return self(*parts) if len(parts) == 2 else message

    def batch_status(self, status: str) -> str:
        return IMPORT_STATUS.label(status, self.lang) if status in IMPORT_STATUS.codes else status

    def when(self, at: datetime | str | None, seconds: bool = False) -> str:
        """A time in the park's zone, the zone named (registry.park_time): 2026-12-08 11:35 北京时间."""
        return park_time(at, self.zone, self.lang, seconds=seconds)

    def period(self, period: object) -> str:
        """A period in words (registry.periods): 2017年上半年 / 2017 H1; as it is if it is not one."""
        try:
            return Period.parse(str(period)).label(self.lang)
        except ValueError:
            return str(period)

    def rows(self, count: int, runs: list[list[int]]) -> str:
        """The rows a group of errors is on: 3 alone; 110 行：第 2–111 行 / 110 rows: 2–111."""
        spans = [str(a) if a == b else f"{a}–{b}" for a, b in runs]
        if count == 1:
            return spans[0] if spans else ""
        return self(f"{count} 行：第 {'、'.join(spans)} 行", f"{count} rows: {', '.join(spans)}")

    def size(self, size: int | None) -> str:
        return file_size(size, self.lang)

    def sheet_name(self, kind: str) -> str:
        return sheet_name(kind, self.lang)

    def deadline(self, row: Mapping[str, Any]) -> str:
        """What a deadline asks: 第3年年费 / Annual fee, year 3."""
        return deadline_label(row["deadline"], row["patent_year"], self.lang)

    def header(self, field: Field) -> str:
        """A column's label with its unit, as the workbooks head it: 应缴(元) / To pay (yuan)."""
        return header(field, self.lang)

    def label(self, what: Field | Enumeration, code: str | None = None) -> str:
        """A field's label, or the label of a value of an enumeration; a value that is none of its codes
        (what someone typed, shown back beside the message that refuses it) as it is."""
        if isinstance(what, Enumeration):
            if not code:
                return ""
            return what.label(code, self.lang) if code in what.codes else code
        return what.label(self.lang)

    def labels(self, enumeration: Enumeration) -> dict[str, str]:
        """Every code's label, for a list that labels each row: `{% set kinds = labels(IP_KIND) %}` then
        `kinds[code]` looks up a dict where `label(IP_KIND, code)` would be a call per row."""
        return enumeration.labels(self.lang)


def page_context(request: Request, actor: Actor | None) -> dict[str, Any]:
    """What every template gets: language and labels, the navigation for the role, the CSRF token."""
    lang = lang_of(request)
    session = current_session(request)
    words = Words(lang, park_zone_of(request))
    return {
        "when": words.when,
        "size": words.size,
        "period_label": words.period,
        "rows_of": words.rows,
        "lang": lang,
        "T": words,
        "label": words.label,
        "labels": words.labels,
        "say": words.say,
        "batch_status": words.batch_status,
        "sheet_name": words.sheet_name,
        "deadline_label": words.deadline,
        "header": words.header,
        "actor": actor,
        "nav": links_for(actor.role) if actor else [],
        "path": request.url.path,
        "csrf": session.csrf if session else "",
        "csrf_field": CSRF_FIELD,
        "lang_switch": url_with(request, lang="en" if lang == "zh" else "zh"),
        "url_with": lambda **changes: url_with(request, **changes),
    }


def remember_lang(request: Request, response: Response | Template) -> None:
    if (asked := request.query_params.get("lang")) in LANGS:
        response.cookies.append(
            Cookie(key=LANG_COOKIE, value=asked, path="/", max_age=365 * 86400, samesite="lax", httponly=True)
        )


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    status_code: int = 200,
    actor: Actor | None = None,
) -> Template:
    """A page in the request's language (a `?lang=` is remembered in a cookie)."""
    response = Template(
        template_name=template, context={**page_context(request, actor), **(context or {})}, status_code=status_code
    )
    remember_lang(request, response)
    return response


def render_now(
    request: Request, template: str, context: Mapping[str, Any], status_code: int, actor: Actor | None = None
) -> Response:
    """A page rendered to a plain response (exception handlers must answer with one)."""
    html = request.app.template_engine.get_template(template).render(**page_context(request, actor), **context)
    response = Response(html, status_code=status_code, media_type="text/html")
    remember_lang(request, response)
    return add_security_headers(response)


def see_other(path: str) -> Redirect:
    """After a form: go to the page that shows its outcome (a reload does not post again)."""
    return Redirect(path, status_code=303)


def local_path(target: str | None, default: str = "/") -> str:
    """A redirect target from the query string, only if it is a path on this site."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


async def check_csrf(connection: ASGIConnection, _: BaseRouteHandler) -> None:
    """Every state-changing request carries the session's CSRF token, as a form field or (htmx) a header."""
    session = await load_session(connection)
    if connection.scope.get("method", "GET") in SAFE_METHODS:
        return
    if (session is None or session.username is None) and connection.url.path not in SIGN_IN_PATHS:
        # The session ended while someone typed (idle timeout, sign-out elsewhere): nothing is done with
        # the post; sign in and come back to the form, where keep_typed.js puts back what was typed.
        raise SessionEnded
    sent = connection.headers.get(CSRF_HEADER)
    if sent is None and isinstance(connection, Request):
        sent = (await connection.form()).get(CSRF_FIELD)
    if session is None or not isinstance(sent, str) or not hmac.compare_digest(sent, session.csrf):
        raise CSRFRefused


# The forms that work without a signed-in session: a post to any other page needs one.
SIGN_IN_PATHS = frozenset(("/login", "/logout"))


class SessionEnded(Exception):
    """A form posted after its session ended: nothing is done; the browser signs in and goes back to
    the page the form was on."""


class CSRFRefused(Exception):
    """A state-changing request without its session's CSRF token: refused (403), nothing changed."""


def add_security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response


async def security_headers_hook(response: Response) -> Response:
    """`add_security_headers` as the pages' after-request hook: a coroutine runs on the event loop,
    where Litestar would send a plain function to a worker thread on every request."""
    return add_security_headers(response)
