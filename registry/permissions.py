"""Who may do what: one table of roles × actions (SPEC §3), read by the API's guards, the registry's
services and the portal's pages and menu.

A role missing from an action's row may not do it (403). Which records an allowed role reaches is
the services' business, not this table's: a tenant writes only its own tenant's records, a manager
manages tenant accounts only (`registry.actor.Actor.require_read`, `services.accounts`).
"""

from __future__ import annotations

from enum import StrEnum

from registry.vocabulary import ROLE

ROLES: tuple[str, ...] = ROLE.codes


class Action(StrEnum):
    SIGN_IN = "sign_in"  # use the API and the portal at all; take the import template
    READ_PARK = "read_park"  # read every tenant's records, IP deadlines and the park statistics
    WRITE_PARK = "write_park"  # register and delete tenants, change manager-owned fields, dump the registry
    WRITE_RECORDS = "write_records"  # change IP items, fees and reports (a tenant: its own)
    KEEP_OWN_TENANT = "keep_own_tenant"  # a tenant's own company page (the portal's /me)
    IMPORT = "import"  # upload spreadsheets, apply dry runs, read import batches
    MANAGE_ACCOUNTS = "manage_accounts"  # tenant accounts
    MANAGE_STAFF_ACCOUNTS = "manage_staff_accounts"  # accounts of every role
    READ_AUDIT = "read_audit"
    CLOSE_YEAR = "close_year"
    # be handed a tenant's calendar subscription key, or renew it (a tenant: its own); a key is a
    # lasting credential, so the statistics office reads the feed with its token instead
    HOLD_CALENDAR_KEY = "hold_calendar_key"
    REOPEN_YEAR = "reopen_year"
    READ_METRICS = "read_metrics"  # GET /metrics from afar (the server's own host may always read it)
    # Report rounds (SPEC §9)
    RUN_ROUNDS = "run_rounds"  # open, change and close a round; hand in its signed summary
    REVIEW_RETURNS = "review_returns"  # list and read every return, accept or send back, remind, progress
    MANAGE_RETURNS = "manage_returns"  # add or excuse a tenant; fill and submit a return on its behalf (代填)
    FILE_RETURN = "file_return"  # fill and submit the tenant's own return


_ = None  # a blank cell of the table: the role may not
PERMISSIONS: dict[Action, tuple[str | None, ...]] = {
    #                              admin     manager    statistician    tenant
    Action.SIGN_IN:               ("admin", "manager", "statistician", "tenant"),
    Action.READ_PARK:             ("admin", "manager", "statistician", _),
    Action.WRITE_PARK:            ("admin", "manager", _,              _),
    Action.WRITE_RECORDS:         ("admin", "manager", _,              "tenant"),
    Action.KEEP_OWN_TENANT:       (_,       _,         _,              "tenant"),
    Action.IMPORT:                ("admin", "manager", _,              _),
    Action.MANAGE_ACCOUNTS:       ("admin", "manager", _,              _),
    Action.MANAGE_STAFF_ACCOUNTS: ("admin", _,         _,              _),
    Action.READ_AUDIT:            ("admin", "manager", _,              _),
    Action.CLOSE_YEAR:            ("admin", _,         "statistician", _),
    Action.HOLD_CALENDAR_KEY:     ("admin", "manager", _,              "tenant"),
    Action.REOPEN_YEAR:           ("admin", _,         _,              _),
    Action.READ_METRICS:          ("admin", _,         _,              _),
    Action.RUN_ROUNDS:            ("admin", _,         "statistician", _),
    Action.REVIEW_RETURNS:        ("admin", "manager", "statistician", _),
    Action.MANAGE_RETURNS:        ("admin", "manager", _,              _),
    Action.FILE_RETURN:           (_,       _,         _,              "tenant"),
}  # fmt: skip


def roles_that(action: Action) -> tuple[str, ...]:
    """The roles allowed `action`, in the vocabulary's order."""
    return tuple(role for role in PERMISSIONS[action] if role is not None)


def may(role: str, action: Action) -> bool:
    return role in PERMISSIONS[action]


def actions_of(role: str) -> frozenset[Action]:
    return frozenset(action for action in Action if may(role, action))


def _check_table() -> None:
    """Each row names the roles in their columns: a role in the wrong column is a typo, not a grant."""
    for action in Action:
        row = PERMISSIONS[action]
        if len(row) != len(ROLES) or any(cell not in (None, role) for cell, role in zip(row, ROLES, strict=False)):
            raise ValueError(f"permission row {action} does not follow the roles {ROLES}: {row}")


_check_table()

__all__ = ["PERMISSIONS", "ROLES", "Action", "actions_of", "may", "roles_that"]
