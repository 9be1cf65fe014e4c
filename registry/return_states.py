"""How a return (报表) moves from state to state (SPEC §9), and who may move it: one table.

Each row is (from state, move, to state, the right that may make it). A move an actor's role has no
row for is a 403; a move the role may make, but not from the return's state, is a 409 naming both. A
tenant moves only its own return: that is the services' business (another tenant's return is a 404),
as everywhere. Every move is audited with the move's name as the audit action (AUDIT_ACTION).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from registry.actor import Actor
from registry.errors import Conflict, Forbidden
from registry.permissions import Action
from registry.vocabulary import RETURN_STATE


class Move(StrEnum):
    ADD = "create"  # ask a tenant (again): a return for a tenant not asked at the opening, or one excused
    SAVE = "save"  # keep figures and come back: the office does not count a draft
    SUBMIT = "submit"  # hand the figures in: the checks run, the period report takes them
    ACCEPT = "accept"
    SEND_BACK = "send_back"  # with a reason, overall and per field
    EXCUSE = "excuse"  # 免报, with a reason


NOT_STARTED, DRAFT, SUBMITTED, ACCEPTED, RETURNED, EXCUSED = RETURN_STATE.codes
# A return the tenant (or a manager for it, 代填) may still fill in.
FILLABLE = (NOT_STARTED, DRAFT, RETURNED)


@dataclass(frozen=True)
class Transition:
    before: str | None  # None: the tenant has no return in the round yet
    move: Move
    after: str
    right: Action


_T = Transition
TRANSITIONS: tuple[Transition, ...] = (
    # asking a tenant the opening did not (moved in later), or asking an excused one again
    _T(None,        Move.ADD,       NOT_STARTED, Action.MANAGE_RETURNS),
    _T(EXCUSED,     Move.ADD,       NOT_STARTED, Action.MANAGE_RETURNS),
    # the tenant fills its own
    _T(NOT_STARTED, Move.SAVE,      DRAFT,       Action.FILE_RETURN),
    _T(DRAFT,       Move.SAVE,      DRAFT,       Action.FILE_RETURN),
    _T(RETURNED,    Move.SAVE,      RETURNED,    Action.FILE_RETURN),  # still returned until submitted again
    _T(NOT_STARTED, Move.SUBMIT,    SUBMITTED,   Action.FILE_RETURN),
    _T(DRAFT,       Move.SUBMIT,    SUBMITTED,   Action.FILE_RETURN),
    _T(RETURNED,    Move.SUBMIT,    SUBMITTED,   Action.FILE_RETURN),
    # a manager fills it on the tenant's behalf (代填)
    _T(NOT_STARTED, Move.SAVE,      DRAFT,       Action.MANAGE_RETURNS),
    _T(DRAFT,       Move.SAVE,      DRAFT,       Action.MANAGE_RETURNS),
    _T(RETURNED,    Move.SAVE,      RETURNED,    Action.MANAGE_RETURNS),
    _T(NOT_STARTED, Move.SUBMIT,    SUBMITTED,   Action.MANAGE_RETURNS),
    _T(DRAFT,       Move.SUBMIT,    SUBMITTED,   Action.MANAGE_RETURNS),
    _T(RETURNED,    Move.SUBMIT,    SUBMITTED,   Action.MANAGE_RETURNS),
    # the office reviews what was handed in; an accepted return may still be sent back before the close
    _T(SUBMITTED,   Move.ACCEPT,    ACCEPTED,    Action.REVIEW_RETURNS),
    _T(SUBMITTED,   Move.SEND_BACK, RETURNED,    Action.REVIEW_RETURNS),
    _T(ACCEPTED,    Move.SEND_BACK, RETURNED,    Action.REVIEW_RETURNS),
    # 免报: a tenant that owes nothing this round (it left, it is dormant), before it handed anything in
    _T(NOT_STARTED, Move.EXCUSE,    EXCUSED,     Action.MANAGE_RETURNS),
    _T(DRAFT,       Move.EXCUSE,    EXCUSED,     Action.MANAGE_RETURNS),
    _T(RETURNED,    Move.EXCUSE,    EXCUSED,     Action.MANAGE_RETURNS),
)  # fmt: skip


def rights_for(move: Move) -> tuple[Action, ...]:
    """The rights any of which lets a role make `move` from some state."""
    return tuple(dict.fromkeys(t.right for t in TRANSITIONS if t.move == move))


def may_move(actor: Actor, move: Move) -> bool:
    return any(actor.may(right) for right in rights_for(move))


def next_state(actor: Actor, before: str | None, move: Move) -> str:
    """The state `move` takes a return in `before` to, for `actor`: 403 when the role may never make
    the move, 409 when it may but not from `before`."""
    if not may_move(actor, move):
        raise Forbidden(f"角色 {actor.role} 无权执行此操作 / role {actor.role} may not {move.value} a return")
    for transition in TRANSITIONS:
        if transition.before == before and transition.move == move and actor.may(transition.right):
            return transition.after
    shown = RETURN_STATE.label(before, "zh") if before else "未要求填报"
    shown_en = RETURN_STATE.label(before, "en") if before else "not asked"
    raise Conflict(
        f"报表当前状态为“{shown}”，不能执行此操作 / a return that is {shown_en.lower()} cannot be moved by {move.value}"
    )


def _check_table() -> None:
    """Every state named is the vocabulary's, and no (state, move, right) is listed twice."""
    seen = set()
    for t in TRANSITIONS:
        if t.before not in (None, *RETURN_STATE.codes) or t.after not in RETURN_STATE.codes:
            raise ValueError(f"unknown return state in {t}")
        key = (t.before, t.move, t.right)
        if key in seen:
            raise ValueError(f"transition listed twice: {t}")
        seen.add(key)


_check_table()

__all__ = ["FILLABLE", "TRANSITIONS", "Move", "Transition", "may_move", "next_state", "rights_for"]
