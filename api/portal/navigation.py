"""The portal's menu: one line per page, with the roles that see it (SPEC §7)."""

from __future__ import annotations

from dataclasses import dataclass

EVERYONE = ("admin", "manager", "statistician", "tenant")
STAFF = ("admin", "manager", "statistician")
WRITERS = ("admin", "manager")


@dataclass(frozen=True)
class Link:
    path: str
    zh: str
    en: str
    roles: tuple[str, ...]


NAVIGATION: tuple[Link, ...] = (
    Link("/", "首页", "Home", EVERYONE),
    Link("/tenants", "企业", "Tenants", STAFF),
    Link("/imports", "导入", "Imports", WRITERS),
    Link("/statistics", "统计", "Statistics", STAFF),
    Link("/me", "本企业", "My company", ("tenant",)),
    Link("/deadlines", "知识产权期限", "IP deadlines", EVERYONE),  # staff: the park's; a tenant: its own
    Link("/audit", "变更记录", "Audit trail", WRITERS),
    Link("/accounts", "账号管理", "Accounts", WRITERS),
    Link("/account", "我的账号", "My account", EVERYONE),
)


def links_for(role: str) -> list[Link]:
    return [link for link in NAVIGATION if role in link.roles]
