"""Accounts: people who log in, each with one role; a tenant account belongs to one tenant."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
from collections.abc import Mapping
from typing import Any

from piccolo.apps.user.tables import BaseUser

from registry import audit
from registry.actor import Actor
from registry.db import KeyedLookup, current, for_update, write_transaction
from registry.errors import Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from registry.permissions import ROLES, Action
from registry.services.listing import Page, apply_sort, filter_code, listing
from registry.services.versioning import IfMatch, check_version, write_change
from registry.tables import Account, Tenant
from registry.uscc import normalise_uscc
from registry.vocabulary import ROLE

SORTS = ("username", "role")
COLUMNS = [Account.username, Account.role, Account.tenant_uscc, Account.active, Account.email, Account.version]
_NOT_FOUND = "未找到该账号 / account not found"
# PBKDF2-SHA256 through Piccolo's BaseUser.hash_password, with the bound database's settings' count
# (Settings.pbkdf2_iterations, PARK_PBKDF2_ITERATIONS), else OWASP's figure for PBKDF2-SHA256 (600,000;
# Piccolo's own default too, which it keeps private). The count is stored in each hash, so lowering it
# for a test run never weakens accounts made with the default.
DEFAULT_ITERATIONS = 600_000
_KEYS = {"password", "role", "tenant_uscc", "active", "email"}
_USERNAME = re.compile(r"[\w.@-]+")  # \w takes Chinese characters too; no slash, space or control
# An address a mail server can be handed (reminders, SPEC §9): one @, a dotted domain, nothing blank or
# control; the mail server is the judge of the rest.
EMAIL = re.compile(r"[^@\s\x00-\x1f\x7f,;<>]+@[^@\s\x00-\x1f\x7f,;<>]+\.[^@\s\x00-\x1f\x7f,;<>.]+")
MAX_EMAIL = 200


# No password is longer (Piccolo refuses to hash one that is): a longer one typed at sign-in is simply wrong.
MAX_PASSWORD = 128


def _hash(password: str) -> str:
    return BaseUser.hash_password(password, iterations=current().settings.pbkdf2_iterations or DEFAULT_ITERATIONS)


def _verify(password: str, stored: str) -> bool:
    """Whether `password` is the one `stored` hashes; one longer than any password is not (hashed all the
    same, cut to length, so it takes as long as any wrong password)."""
    _, iterations, salt, _ = BaseUser.split_stored_password(stored)
    hashed = BaseUser.hash_password(password[:MAX_PASSWORD], salt, int(iterations))
    return len(password) <= MAX_PASSWORD and hmac.compare_digest(hashed, stored)


def _check_password(password: object) -> list[FieldError]:
    if not isinstance(password, str) or not 8 <= len(password) <= MAX_PASSWORD:
        return [FieldError("password", "length", "密码长度应为 8–128 / password must be 8–128 characters")]
    return []


def _check_email(email: object) -> list[FieldError]:
    if email is None:
        return []
    if not isinstance(email, str) or len(email) > MAX_EMAIL or not EMAIL.fullmatch(email):
        return [
            FieldError(
                "email", "format", "电子邮箱格式不正确（如 name@example.com）/ not an e-mail address (name@example.com)"
            )
        ]
    return []


def _email(data: Mapping[str, Any]) -> str | None:
    """The address as kept: trimmed, blank as none."""
    email = data.get("email")
    return (email.strip() or None) if isinstance(email, str) else email


_UNKNOWN_TENANT = FieldError(
    "tenant_uscc", "unknown_tenant", "企业账号须对应已登记企业 / tenant accounts need a registered tenant"
)


async def _tenant_registered(uscc: str, lock: bool = False) -> bool:
    """`lock` (inside a write) holds the tenant's row, so a tenant deleted at the same moment cannot be
    left with an account (delete_tenant refuses while accounts belong to the tenant)."""
    query = Tenant.select(Tenant.id).where(Tenant.uscc == normalise_uscc(uscc)).first()
    return await (for_update(query) if lock else query).run() is not None


async def _check_role(actor: Actor, role: object, tenant_uscc: object, lock: bool = False) -> list[FieldError]:
    if role not in ROLES:
        return [FieldError("role", "not_a_choice", f"可选 / one of: {', '.join(ROLES)}")]
    if role != "tenant" and not actor.may(Action.MANAGE_STAFF_ACCOUNTS):
        raise Forbidden("园区管理员只能管理企业账号 / managers manage tenant accounts only")
    if role == "tenant":
        if not isinstance(tenant_uscc, str) or not await _tenant_registered(tenant_uscc, lock):
            return [_UNKNOWN_TENANT]
    elif tenant_uscc is not None:
        return [
            FieldError("tenant_uscc", "not_allowed", "仅企业账号关联企业 / only tenant accounts belong to a tenant")
        ]
    return []


_fetch = KeyedLookup(Account, COLUMNS, Account.username)


# Actors that are no account: the operator at the machine (`park users add`), the demo loader, the system.
_NOT_ACCOUNTS = frozenset(("cli", "demo", "system"))


async def _still_entitled(actor: Actor, *others: str) -> None:
    """Inside an account write: lock the acting account's row with the rows it changes (in username
    order, so two admins changing each other at once wait instead of deadlocking) and check that it is
    still active in the role it acted in. Two admins demoting each other at once would otherwise each
    pass the check their token made, and leave the park without an admin."""
    names = sorted({actor.username, *others})
    rows = await for_update(
        Account.select(Account.username, Account.role, Account.active)
        .where(Account.username.is_in(names))
        .order_by(Account.username)
    ).run()
    mine = next((row for row in rows if row["username"] == actor.username), None)
    if mine is None and actor.source in _NOT_ACCOUNTS:
        return
    if mine is None or not mine["active"] or mine["role"] != actor.role:
        raise Forbidden(
            "您的账号刚被修改，无权执行此操作；请重新登录 / your account has just changed and may no "
            "longer do this; sign in again"
        )


async def _managed(actor: Actor, username: str, lock: bool = False) -> dict:
    actor.require(Action.MANAGE_ACCOUNTS)
    if lock:
        await _still_entitled(actor, username)
    row = await _fetch(username, lock)
    if row is None or (row["role"] != "tenant" and not actor.may(Action.MANAGE_STAFF_ACCOUNTS)):
        raise NotFound(_NOT_FOUND)
    return row


async def list_accounts(actor: Actor, page: Page, role: str | None = None) -> dict:
    actor.require(Action.MANAGE_ACCOUNTS)
    page.check()
    query, count = Account.select(*COLUMNS), Account.count()
    role = filter_code("role", role, ROLE)
    if not actor.may(Action.MANAGE_STAFF_ACCOUNTS):
        role = "tenant" if role in (None, "tenant") else "-"
    if role:
        query, count = query.where(Account.role == role), count.where(Account.role == role)
    query = apply_sort(query, Account, page.sort, SORTS, "username")
    return listing(await query.limit(page.limit).offset(page.offset).run(), await count.run(), page)


async def get_account(actor: Actor, username: str) -> dict:
    return await _managed(actor, username)


async def create_account(actor: Actor, data: Mapping[str, Any]) -> dict:
    actor.require(Action.MANAGE_ACCOUNTS)
    unknown = set(data) - _KEYS - {"username"}
    errors = [FieldError(k, "unknown_field", f"未知字段 / unknown field {k!r}") for k in sorted(unknown)]
    username = data.get("username")
    if not isinstance(username, str) or not 1 <= len(username.strip()) <= 100:
        errors.append(FieldError("username", "required", "必填，至多100字 / required, at most 100 characters"))
    elif not _USERNAME.fullmatch(username.strip()):
        errors.append(
            FieldError(
                "username",
                "format",
                "只能包含字母、数字、汉字和 . _ @ - / letters, digits, "
                "Chinese characters and . _ @ - only (it appears in /users/{username})",
            )
        )
    errors += _check_password(data.get("password"))
    errors += _check_email(_email(data))
    tenant_uscc = data.get("tenant_uscc")
    errors += await _check_role(actor, data.get("role"), tenant_uscc)
    if errors:
        raise ValidationFailed("账号信息无效 / invalid account", errors)
    username = username.strip()
    password_hash = await asyncio.to_thread(_hash, data["password"])
    record = {
        "username": username,
        "role": data["role"],
        "tenant_uscc": normalise_uscc(tenant_uscc) if tenant_uscc else None,
        "active": bool(data.get("active", True)),
        "email": _email(data),
    }
    async with write_transaction():
        await _still_entitled(actor)
        if await Account.exists().where(Account.username == username).run():
            raise Conflict(f"账号 {username} 已存在 / account {username} already exists")
        if record["tenant_uscc"] and not await _tenant_registered(record["tenant_uscc"], lock=True):
            raise ValidationFailed("账号信息无效 / invalid account", [_UNKNOWN_TENANT])
        await Account.insert(Account(password=password_hash, **record)).run()
        await audit.record(actor, "create", "account", username, record["tenant_uscc"], None, record)
    row = await _fetch(username)
    assert row is not None
    return row


async def update_account(
    actor: Actor, username: str, data: Mapping[str, Any], if_version: int | IfMatch | None = None
) -> dict:
    unknown = set(data) - _KEYS
    errors = [FieldError(k, "unknown_field", f"未知字段 / unknown field {k!r}") for k in sorted(unknown)]
    if "password" in data:
        errors += _check_password(data["password"])
    if "email" in data:
        errors += _check_email(_email(data))
    if username == actor.username and (data.get("active") is False or data.get("role", actor.role) != actor.role):
        raise Conflict(
            "不能停用自己的账号或更改自己的角色 / you cannot deactivate your own account or change "
            "your own role (ask another admin)"
        )
    async with write_transaction():
        before = await _managed(actor, username, lock=True)
        check_version(before["version"], if_version)
        role = data.get("role", before["role"])
        tenant_uscc = data.get("tenant_uscc", before["tenant_uscc"] if role == "tenant" else None)
        errors += await _check_role(actor, role, tenant_uscc, lock=True)
        if errors:
            raise ValidationFailed("账号信息无效 / invalid account", errors)
        diff: dict[str, Any] = {"role": role, "tenant_uscc": normalise_uscc(tenant_uscc) if tenant_uscc else None}
        if "active" in data:
            diff["active"] = bool(data["active"])
        if "email" in data:
            diff["email"] = _email(data)
        diff = {k: v for k, v in diff.items() if before[k] != v}
        await _write(actor, before, diff, data.get("password"))
        after = await _fetch(username)
    assert after is not None
    return after


async def _write(actor: Actor, before: Mapping[str, Any], diff: dict[str, Any], password: str | None) -> None:
    """Store the changes (inside the caller's write) and audit them; any change bumps the version,
    which ends every token and portal session the account had."""
    shown = dict(diff)
    if password is not None:
        diff = {**diff, "password": await asyncio.to_thread(_hash, password)}
        shown["password"] = "(changed)"
    if diff:
        username = before["username"]
        await write_change(Account._meta.tablename, before, diff, key="username")
        await audit.record(
            actor,
            "update",
            "account",
            username,
            diff.get("tenant_uscc", before["tenant_uscc"]),
            {k: before.get(k) for k in shown if k != "password"},
            shown,
        )


async def change_own_password(actor: Actor, current: str, new: str) -> tuple[Actor, dict[str, Any]]:
    """Anyone signed in changes their own password by proving the current one. Every other token and
    session of the account ends; the caller gets the claims to carry on with (see `_binding`)."""
    row = await _fetch_bound(actor.username)
    if row is None or not row["active"]:
        raise NotFound(_NOT_FOUND)
    errors = [FieldError("new_password", e.code, e.message) for e in _check_password(new)]
    if not isinstance(current, str) or not await asyncio.to_thread(_verify, current, row["password"]):
        errors.insert(
            0, FieldError("current_password", "wrong_password", "当前密码不正确 / the current password is wrong")
        )
    elif current == new:
        errors.append(FieldError("new_password", "unchanged", "新密码须与当前密码不同 / the new password must differ"))
    if errors:
        raise ValidationFailed("密码未修改 / password not changed", errors)
    async with write_transaction():
        before = await _fetch(actor.username, lock=True)
        if before is None or before["version"] != row["version"]:
            raise Conflict("账号刚被修改，请重新登录 / the account just changed; sign in again")
        await _write(actor, before, {}, new)
    found = await _fetch_bound(actor.username)
    assert found is not None
    return _bound_actor(found)


async def delete_account(actor: Actor, username: str, if_version: int | IfMatch | None = None) -> None:
    if username == actor.username:
        raise Conflict("不能删除自己的账号 / you cannot delete your own account")
    async with write_transaction():
        before = await _managed(actor, username, lock=True)
        check_version(before["version"], if_version)
        await Account.delete().where(Account.username == username).run()
        await audit.record(actor, "delete", "account", username, before["tenant_uscc"], before, None)


def _binding(row: Mapping[str, Any]) -> dict[str, Any]:
    """What a token carries to stay bound to the account as it is now. Every change to an account
    (password, role, tenant, active) bumps its version; the key is a digest of the stored password
    hash, whose random salt is new at every create and password change, so an account deleted and
    recreated under the same name (version 1 again) does not match its predecessor's tokens either."""
    return {"ver": row["version"], "key": hashlib.blake2b(row["password"].encode(), digest_size=12).hexdigest()}


async def authenticate(username: str, password: str) -> tuple[Actor, dict[str, Any]] | None:
    """The actor for good credentials of an active account and the claims binding a token to it, else
    None (and equally slow either way)."""
    row = await _fetch_bound(username)
    if row is None:
        await asyncio.to_thread(_hash, password[:MAX_PASSWORD])  # as slow as a wrong password: no user enumeration
        return None
    if not await asyncio.to_thread(_verify, password, row["password"]) or not row["active"]:
        return None
    return _bound_actor(row)


# Kept per worker only while the database announces every account change (PostgreSQL); else read each time.
_fetch_bound = KeyedLookup(Account, [Account.password, *COLUMNS], Account.username, cache="accounts")


def _bound_actor(row: Mapping[str, Any]) -> tuple[Actor, dict[str, Any]]:
    return Actor(username=row["username"], role=row["role"], tenant_uscc=row["tenant_uscc"]), _binding(row)


async def find_bound_actor(username: str) -> tuple[Actor, dict[str, Any]] | None:
    """An active account's actor and the claims its tokens must carry (see `_binding`), else None."""
    row = await _fetch_bound(username)
    if row is None or not row["active"]:
        return None
    return _bound_actor(row)


__all__ = [
    "authenticate",
    "change_own_password",
    "create_account",
    "delete_account",
    "find_bound_actor",
    "get_account",
    "list_accounts",
    "update_account",
]
