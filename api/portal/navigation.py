"""The portal's menu: one line per page, with what one must be allowed to see it (SPEC §7)."""

from __future__ import annotations

from dataclasses import dataclass

from registry.permissions import Action, may


@dataclass(frozen=True)
class Link:
    path: str
    zh: str
    en: str
    action: Action  # the permission the page asks for (registry.permissions)


NAVIGATION: tuple[Link, ...] = (
    Link("/", "首页", "Home", Action.SIGN_IN),
    Link("/tenants", "企业", "Tenants", Action.READ_PARK),
    Link("/imports", "导入", "Imports", Action.IMPORT),
    Link("/statistics", "统计", "Statistics", Action.READ_PARK),
    Link("/rounds", "报送", "Report rounds", Action.REVIEW_RETURNS),
    Link("/me", "本企业", "My company", Action.KEEP_OWN_TENANT),
    Link("/returns", "我的报表", "My returns", Action.FILE_RETURN),
    Link("/deadlines", "知识产权期限", "IP deadlines", Action.SIGN_IN),  # staff: the park's; a tenant: its own
    Link("/audit", "变更记录", "Audit trail", Action.READ_AUDIT),
    Link("/accounts", "账号管理", "Accounts", Action.MANAGE_ACCOUNTS),
    Link("/account", "我的账号", "My account", Action.SIGN_IN),
)


def links_for(role: str) -> list[Link]:
    return [link for link in NAVIGATION if may(role, link.action)]
