"""Numbers as people read them on a page: money in 元 or 万元 with separators, ratios as percentages."""

from __future__ import annotations

from decimal import Decimal

from registry.money import in_unit


def yuan(fen: int | None) -> str:
    return "—" if fen is None else f"{in_unit(fen, '元'):,.2f}"


def wan(fen: int | None) -> str:
    """万元 with two places (rounded for reading; the exact figure is in the workbook and the API)."""
    return "—" if fen is None else f"{in_unit(fen, '万元'):,.2f}"


def count(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def percent(ratio: Decimal | None) -> str:
    return "—" if ratio is None else f"{ratio * 100:+.1f}%"


def per_tenant(stats) -> str:
    """Valid IP items per tenant on record, one place (the park's published figure: 74.0)."""
    tenants = stats.tenants.at_end
    return "—" if not tenants else f"{Decimal(stats.ip.valid_at_end) / tenants:,.1f}"


FILTERS = {"yuan": yuan, "wan": wan, "count": count, "percent": percent}
