"""The web portal (SPEC §7): server-rendered pages beside the JSON API, calling the same services.

`portal_routes()` gives the app its page router and the static files; `TEMPLATES` its Jinja2 setup.
A page is a controller in this package, listed in `PAGES`, with its template in `templates/` (see
docs/portal.md, "Adding a portal page").
"""

from __future__ import annotations

import logging
from pathlib import Path
from urllib.parse import quote, urlsplit

from jinja2 import Environment, FileSystemLoader, select_autoescape
from litestar import Request, Response, Router
from litestar.di import Provide
from litestar.exceptions import (
    HTTPException,
    NotAuthorizedException,
    NotFoundException,
    PermissionDeniedException,
    ValidationException,
)
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template.config import TemplateConfig

from api.controllers.imports import upload_router
from api.portal.account import AccountPage
from api.portal.accounts import AccountPages
from api.portal.audit import AuditPage
from api.portal.deadlines import DeadlinePages
from api.portal.figures import FILTERS, per_tenant
from api.portal.home import HomeController
from api.portal.imports import ImportPages
from api.portal.me import MePages
from api.portal.page import (
    CSRFRefused,
    SessionEnded,
    SignInRequired,
    add_security_headers,
    check_csrf,
    local_path,
    page_actor,
    remember_lang,
    render_now,
    security_headers_hook,
    see_other,
)
from api.portal.round_close import RoundClosePages, round_close_router
from api.portal.rounds import ReturnPages
from api.portal.sign_in import SignInController
from api.portal.statistics import DownloadController, StatisticsController
from api.portal.tenants import TenantPages
from registry import vocabulary
from registry.errors import Forbidden, NotFound, RegistryError

log = logging.getLogger("park.portal")
HERE = Path(__file__).parent
STATIC = HERE / "static"

PAGES: list[type] = [
    SignInController,
    HomeController,
    TenantPages,
    ImportPages,
    StatisticsController,
    DownloadController,
    MePages,
    DeadlinePages,
    AccountPage,
    AccountPages,
    AuditPage,
    ReturnPages,
    RoundClosePages,
]

_ENVIRONMENT = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
# The vocabulary, for labels in every template: label(INDUSTRY, code), label(field).
_ENVIRONMENT.globals.update({name: getattr(vocabulary, name) for name in vocabulary.__all__ if name.isupper()})
_ENVIRONMENT.filters.update(FILTERS)
_ENVIRONMENT.globals["per_tenant"] = per_tenant
TEMPLATES = TemplateConfig(engine=JinjaTemplateEngine.from_environment(_ENVIRONMENT))


def _form_page(request: Request) -> str:
    """The page a posted form was on (its Referer, on this site only), to come back to after sign-in."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc and referer.netloc != request.url.netloc:
        return "/"
    return local_path(referer.path + (f"?{referer.query}" if referer.query else ""))


def _sign_in_first(request: Request, error: Exception) -> Response:
    if isinstance(error, SessionEnded) or request.method not in ("GET", "HEAD"):
        # A form posted after the session ended: back to its page after sign-in, told why (`resume`).
        target = _form_page(request)
        response = see_other(f"/login?next={quote(target, safe='/')}&resume=1")
    else:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        response = see_other(f"/login?next={quote(target, safe='/')}" if target != "/" else "/login")
    remember_lang(request, response)
    if request.headers.get("hx-request"):
        response.headers["HX-Redirect"] = response.url  # type: ignore[attr-defined]
    return add_security_headers(response)


def _page_status(request: Request, status: int, message: str | None = None) -> Response:
    """The error page; a 404 says the same whether the record is another tenant's or does not exist."""
    template = {404: "not_found.html", 403: "forbidden.html"}.get(status, "error.html")
    actor = request.state.get("actor")
    return render_now(request, template, {"status": status, "message": message}, status, actor)


def _not_found(request: Request, _: Exception) -> Response:
    return _page_status(request, 404)


def _forbidden(request: Request, _: Exception) -> Response:
    return _page_status(request, 403)


def _csrf_refused(request: Request, _: Exception) -> Response:
    return _page_status(
        request,
        403,
        "表单已过期或来源不明，请刷新页面后重试 / the form has expired or did not come "
        "from this site; reload the page and try again",
    )


def _bad_address(request: Request, _: Exception) -> Response:
    """A query or path parameter the page cannot read (`?page=abc`): the error page, not the API's JSON."""
    return _page_status(request, 400, "网址中的参数无效 / the address carries a parameter that cannot be read")


def _refused(request: Request, error: HTTPException) -> Response:
    """Anything else the app refuses before a page runs (a control character in the address, a body too
    large): the error page with the refusal's status and words, not the API's JSON."""
    if error.status_code >= 500:
        return _unexpected(request, error)
    return _page_status(request, error.status_code, str(error.detail))


def _registry_error(request: Request, error: RegistryError) -> Response:
    return _page_status(request, error.status, error.detail)


def _unexpected(request: Request, error: Exception) -> Response:
    log.exception("portal page %s failed", request.url.path, exc_info=error)
    return _page_status(request, 500)


PAGE_ERRORS = {
    SignInRequired: _sign_in_first,
    SessionEnded: _sign_in_first,
    NotAuthorizedException: _sign_in_first,
    CSRFRefused: _csrf_refused,
    NotFound: _not_found,
    NotFoundException: _not_found,
    Forbidden: _forbidden,
    PermissionDeniedException: _forbidden,
    ValidationException: _bad_address,
    HTTPException: _refused,
    RegistryError: _registry_error,
    Exception: _unexpected,
}


def not_found_anywhere(request: Request, error: NotFoundException) -> Response:
    """An address no route serves: the portal's 404 page for a browser, problem details under /api."""
    from api.problems import http_error

    if request.url.path.startswith(("/api/", "/schema")):
        return http_error(request, error)
    return _page_status(request, 404)


def portal_routes(import_max_bytes: int) -> list:
    """The pages; the upload page takes bodies up to the upload cap, the others Litestar's default."""
    pages = Router(
        path="/",
        route_handlers=[
            *(page for page in PAGES if page not in (ImportPages, RoundClosePages)),
            upload_router([ImportPages], import_max_bytes),
            round_close_router(),
        ],
        dependencies={"actor": Provide(page_actor)},
        guards=[check_csrf],
        exception_handlers=PAGE_ERRORS,  # type: ignore[arg-type]
        after_request=security_headers_hook,
        opt={"exclude_from_auth": True},
        include_in_schema=False,
    )
    static = create_static_files_router(
        path="/static",
        directories=[STATIC],
        opt={"exclude_from_auth": True},
        include_in_schema=False,
        cache_control=None,
    )
    return [pages, static]


__all__ = ["PAGES", "TEMPLATES", "not_found_anywhere", "portal_routes"]
