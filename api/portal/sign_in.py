"""/login and /logout: the API's throttled sign-in, a new session id at sign-in, sessions ended at sign-out."""

from __future__ import annotations

from litestar import Controller, Request, Response, get, post
from litestar.exceptions import HTTPException
from litestar.response import Template

from api.auth import sign_in
from api.portal.forms import read_form
from api.portal.page import (
    Form,
    begin_session,
    current_session,
    local_path,
    render,
    see_other,
    session_cookie,
    sessions,
)
from api.schemas import TokenRequest
from registry.errors import ValidationFailed


async def _login_page(
    request: Request, username: str = "", message: str | None = None, status_code: int = 200
) -> Template:
    session = current_session(request)
    response = render(
        request,
        "login.html",
        {
            "username": username,
            "message": message,
            "next": local_path(request.query_params.get("next")),
            # Sent here by a form posted after the session ended (api.portal._sign_in_first).
            "resume": request.query_params.get("resume") == "1",
        },
        status_code=status_code,
    )
    if session is None:  # the sign-in form's CSRF token lives in an anonymous session
        session = await sessions(request).start()
        request.state.portal_session = session
        response.context["csrf"] = session.csrf
        response.cookies.append(session_cookie(request, session))
    return response


class SignInController(Controller):
    path = "/"

    @get("/login", name="login")
    async def login_form(self, request: Request) -> Template | Response:
        session = current_session(request)
        if session is not None and session.username is not None:
            return see_other(local_path(request.query_params.get("next")))
        return await _login_page(request)

    @post("/login")
    async def login(self, request: Request, data: Form) -> Template | Response:
        username, password = data.get("username", "").strip(), data.get("password", "")
        try:
            # The API's sign-in body, read by the same typed layer: a NUL or a 5000-character password is a 422.
            read_form(TokenRequest, {"username": username, "password": password})
            actor, claims = await sign_in(request, username, password)
        except ValidationFailed as failed:
            return await _login_page(request, username, failed.errors[0].message, 422)
        except HTTPException as refused:
            return await _login_page(request, username, str(refused.detail), refused.status_code)
        response = see_other(local_path(request.query_params.get("next")))
        await begin_session(request, response, actor.username, claims)
        return response

    @get("/logout")
    async def logout_form(self, request: Request) -> Template:
        return render(request, "logout.html")

    @post("/logout")
    async def logout(self, request: Request) -> Response:
        session = current_session(request)
        await sessions(request).end(session.id if session else None)
        response = see_other("/login")
        response.cookies.append(session_cookie(request, None))
        return response
