"""Charts as SVG drawn on the server: no chart library, no script. A template draws the bars that
`bars()` measures (see templates/_chart.html)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 190
PLOT_WIDTH = 360
VALUE_WIDTH = 150


@dataclass(frozen=True)
class Bar:
    label: str
    shown: str  # the value as the reader sees it, e.g. "36,000.00 万元"
    y: int
    width: int


@dataclass(frozen=True)
class BarChart:
    title: str
    bars: list[Bar]
    width: int
    height: int
    label_width: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT


def bars(title: str, items: Sequence[tuple[str, int | None, str]]) -> BarChart:
    """Horizontal bars, one per (label, value, value as shown); longest bar = largest value."""
    largest = max((value or 0 for _, value, _ in items), default=0)
    drawn = [
        Bar(
            label,
            shown,
            GAP + n * (BAR_HEIGHT + GAP),
            round(PLOT_WIDTH * max(value or 0, 0) / largest) if largest > 0 else 0,
        )
        for n, (label, value, shown) in enumerate(items)
    ]
    height = GAP + len(drawn) * (BAR_HEIGHT + GAP)
    return BarChart(title, drawn, LABEL_WIDTH + PLOT_WIDTH + VALUE_WIDTH, height)
