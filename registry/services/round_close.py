"""Closing a report round (SPEC §9 "Closing freezes") and handing in its signed summary.

Closing copies, for each accepted return, the tenant's period report as it stands at that moment into
`submitted_report`: the round's **submitted dataset**, never changed afterwards. A report written for
the period after that is a correction (registry.services.reports: `correction_round`). The signed
summary's scan (PDF, PNG or JPEG, told by its bytes, at most SIGNED_MAX_BYTES) is kept on the round.
"""

from __future__ import annotations

import json
import os
from datetime import UTC, date, datetime
from typing import Any

from registry import audit, park_time
from registry.actor import Actor
from registry.db import current, engine, fetch, hold_year, write_transaction
from registry.errors import Conflict, FieldError, NotFound, RegistryError, ValidationFailed
from registry.identifiers import is_row_id
from registry.permissions import Action
from registry.tables import ReportRound, SubmittedReport
from registry.vocabulary import COUNT_KEYS, MONEY_KEYS

FIGURES = (*MONEY_KEYS, *COUNT_KEYS)


def asked_keys(stored: list[str] | str | None) -> frozenset[str]:
    """The report figures a round asks, from its stored `fields`: [] (or none) means every one."""
    keys = json.loads(stored) if isinstance(stored, str) else stored
    return frozenset(keys or FIGURES)


_NOT_FOUND = "未找到该报送轮次 / report round not found"
# A scanned A4 page at 300 dpi is 1–3 MB as JPEG or PDF; 10 MB leaves room for a colour scan.
SIGNED_MAX_BYTES = 10 * 1024 * 1024
# What a scan may be, told by its first bytes (never by its name or the type the browser claims).
_SIGNATURES = (
    (b"%PDF-", "application/pdf", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "image/png", "png"),
    (b"\xff\xd8\xff", "image/jpeg", "jpg"),
)


class UnsupportedScan(RegistryError):
    status = 415
    title = "Unsupported media type"


def park_day(at: datetime) -> date:
    """The park's calendar day of an instant (PARK_TIME_ZONE of the bound database's settings)."""
    return park_time.park_day(at, current().settings.zone)


def round_key(round_id: int) -> str:
    return str(round_id)


async def round_row(round_id: int) -> dict[str, Any]:
    if not is_row_id(round_id):
        raise NotFound(_NOT_FOUND)
    columns = [c for c in ReportRound._meta.columns if c._meta.name != "signed_content"]
    query = ReportRound.select(*columns).where(ReportRound.id == round_id).first()
    row = await query.run()
    if row is None:
        raise NotFound(_NOT_FOUND)
    return row


async def close_round(actor: Actor, round_id: int) -> dict[str, Any]:
    """Closes the round in one write: state closed, who and when, and the submitted dataset — each
    accepted return's report as it stands now. Audited (entity round, action close). Twice: 409."""
    actor.require(Action.RUN_ROUNDS)
    found = await round_row(round_id)
    async with write_transaction():
        # The period's report writes in flight commit first; those begun meanwhile wait, then are corrections.
        await hold_year(found["year"], alone=True)
        row = await round_row(round_id)
        if row["state"] == "closed":
            raise Conflict(
                f"该报送轮次已于 {park_day(row['closed_at'])} 关闭 / the round was already closed on "
                f"{park_day(row['closed_at'])}"
            )
        at = datetime.now(UTC)
        # One statement, whatever the number of returns (no row passes through Python). The figures the
        # round asks are those of the accepted return, as reviewed: a report write between the review and
        # the close does not enter the dataset unreviewed. The others are the report's.
        asked = asked_keys(row["fields"])
        columns = ", ".join(FIGURES)
        figures = ", ".join(
            engine().json_integer.format(column="x.figures", key=key) if key in asked else f"r.{key}" for key in FIGURES
        )
        await fetch(
            f"INSERT INTO submitted_report (round, tenant, period, year, {columns}) "
            f"SELECT x.round, r.tenant, r.period, r.year, {figures} FROM round_return AS x "
            "JOIN period_report AS r ON r.tenant = x.tenant AND r.period = :period "
            "WHERE x.round = :round AND x.state = 'accepted'",
            {"round": round_id, "period": row["period"]},
        )
        frozen = await SubmittedReport.count().where(SubmittedReport.round == round_id)
        await (
            ReportRound.update(
                {
                    ReportRound.state: "closed",
                    ReportRound.closed_by: actor.username,
                    ReportRound.closed_at: at,
                    ReportRound.version: ReportRound.version + 1,
                }
            )
            .where(ReportRound.id == round_id)
            .run()
        )
        await audit.record(
            actor,
            "close",
            "round",
            round_key(round_id),
            None,
            {"state": row["state"]},
            {"state": "closed", "period": row["period"], "submitted": frozen},
        )
    return await round_row(round_id)


async def closed_round_of(period: str) -> dict[str, Any] | None:
    """The closed round of `period` (its id, title and close), if there is one."""
    return await (
        ReportRound.select(ReportRound.id, ReportRound.title, ReportRound.period, ReportRound.closed_at)
        .where((ReportRound.period == period) & (ReportRound.state == "closed"))
        .first()
        .run()
    )


async def closed_rounds_of(periods: set[str]) -> dict[str, int]:
    """period -> id of its closed round, for the periods given that have one."""
    if not periods:
        return {}
    rows = await (
        ReportRound.select(ReportRound.id, ReportRound.period)
        .where(ReportRound.period.is_in(sorted(periods)) & (ReportRound.state == "closed"))
        .run()
    )
    return {row["period"]: row["id"] for row in rows}


# --- The signed summary's scan ---------------------------------------------------------------------


def scan_type(content: bytes) -> tuple[str, str]:
    """(media type, file extension) of a scan, told by its bytes; 413/415/422 otherwise."""
    if not content:
        raise ValidationFailed(
            "文件为空 / the file is empty",
            [FieldError("file", "empty", "请选择签字盖章后的扫描件 / choose the signed scan")],
        )
    if len(content) > SIGNED_MAX_BYTES:
        cap = SIGNED_MAX_BYTES // (1024 * 1024)
        raise ValidationFailed(
            f"文件超过 {cap} MB / the file is larger than {cap} MB",
            [FieldError("file", "too_large", f"扫描件不得超过 {cap} MB / a scan may be at most {cap} MB")],
        )
    for magic, media_type, extension in _SIGNATURES:
        if content.startswith(magic):
            return media_type, extension
    raise UnsupportedScan(
        "只接受 PDF、PNG 或 JPEG 格式的扫描件 / the scan must be a PDF, PNG or JPEG file",
        [
            FieldError(
                "file", "not_a_scan", "文件内容不是 PDF、PNG 或 JPEG / the file's content is not PDF, PNG or JPEG"
            )
        ],
    )


async def hand_in_signed(actor: Actor, round_id: int, filename: str, content: bytes) -> dict[str, Any]:
    """Keeps the signed summary's scan on a closed round (replacing an earlier one); audited."""
    actor.require(Action.RUN_ROUNDS)
    row = await round_row(round_id)
    if row["state"] != "closed":
        raise Conflict("报送轮次关闭后才能上传签字汇总表 / close the round before handing in its signed summary")
    media_type, extension = scan_type(content)
    name = os.path.basename(filename or "").strip() or f"signed-{row['period']}.{extension}"
    at = datetime.now(UTC)
    async with write_transaction():
        await (
            ReportRound.update(
                {
                    ReportRound.signed_filename: name[:255],
                    ReportRound.signed_media_type: media_type,
                    ReportRound.signed_content: content,
                    ReportRound.signed_by: actor.username,
                    ReportRound.signed_at: at,
                    ReportRound.version: ReportRound.version + 1,
                }
            )
            .where(ReportRound.id == round_id)
            .run()
        )
        await audit.record(
            actor,
            "update",
            "round",
            round_key(round_id),
            None,
            {"signed_filename": row["signed_filename"]},
            {"signed_filename": name[:255], "signed_media_type": media_type, "signed_bytes": len(content)},
        )
    return await round_row(round_id)


async def signed_scan(actor: Actor, round_id: int) -> tuple[str, str, bytes]:
    """(filename, media type, bytes) of the round's signed scan; 404 before it is handed in."""
    actor.require(Action.REVIEW_RETURNS)
    await round_row(round_id)
    row = await (
        ReportRound.select(ReportRound.signed_filename, ReportRound.signed_media_type, ReportRound.signed_content)
        .where(ReportRound.id == round_id)
        .first()
        .run()
    )
    if row is None or row["signed_content"] is None:
        raise NotFound("签字汇总表尚未上传 / the signed summary has not been handed in")
    return row["signed_filename"], row["signed_media_type"], bytes(row["signed_content"])


__all__ = [
    "SIGNED_MAX_BYTES",
    "UnsupportedScan",
    "close_round",
    "closed_round_of",
    "closed_rounds_of",
    "corrections_of",
    "hand_in_signed",
    "park_day",
    "round_row",
    "scan_type",
    "signed_scan",
]


# --- Corrections: what changed after the close ----------------------------------------------------


async def corrections_of(actor: Actor, round_id: int) -> list[dict[str, Any]]:
    """Each figure corrected after the round closed, one line per correction and field, in the order
    made: the tenant, the field, its value in the submitted dataset (None: not in it), its value
    after the correction, who, when and why. Money in fen."""
    actor.require(Action.READ_PARK)
    corrections = await fetch(
        "SELECT c.id, c.tenant, t.uscc, t.name, t.name_en, c.at, c.by, c.reason, c.before, c.after "
        "FROM report_correction AS c JOIN tenant AS t ON t.id = c.tenant "
        "WHERE c.round = :round ORDER BY c.at, c.id",
        {"round": round_id},
    )
    figures = ", ".join(f"s.{key}" for key in FIGURES)
    submitted = {
        row["tenant"]: row
        for row in await fetch(
            f"SELECT s.tenant, {figures} FROM submitted_report AS s WHERE s.round = :round", {"round": round_id}
        )
    }
    lines = []
    for correction in corrections:
        after = _loaded(correction["after"])
        as_submitted = submitted.get(correction["tenant"], {})
        for key in FIGURES:
            if key in after:
                lines.append(
                    {
                        "uscc": correction["uscc"],
                        "name": correction["name"],
                        "name_en": correction["name_en"],
                        "field": key,
                        "as_submitted": as_submitted.get(key),
                        "as_corrected": after[key],
                        "by": correction["by"],
                        "at": _instant(correction["at"]),
                        "reason": correction["reason"],
                    }
                )
    return lines


def _loaded(value: Any) -> dict[str, Any]:
    """A JSON column as read raw (text on SQLite and from asyncpg, unless already decoded)."""
    if value is None:
        return {}
    return json.loads(value) if isinstance(value, str) else dict(value)


def _instant(value: Any) -> datetime:
    """A timestamp as read raw (SQLite gives its text)."""
    at = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return at if at.tzinfo else at.replace(tzinfo=UTC)
