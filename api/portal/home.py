"""`/`: the home page for the role."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.response import Redirect, Template

from api.portal.page import render, see_other
from registry.actor import Actor


class HomeController(Controller):
    path = "/"

    @get("/")
    async def home(self, request: Request, actor: Actor) -> Template | Redirect:
        if actor.role == "tenant":
            return see_other("/me")
        return render(request, "home.html", actor=actor)
