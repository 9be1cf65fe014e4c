"""Charts as SVG drawn on the server: no chart library, no script. A template draws the bars that
`bars()` or `columns()` measures (see templates/_chart.html)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
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


# Columns over periods (a trend), stacked by series (industries) when there are several.
COLUMN_WIDTH = 56
COLUMN_GAP = 36
PLOT_HEIGHT = 150
TOP = 24  # room for the total above the tallest column
BOTTOM = 44  # room for the period under each column
LEFT = 16


@dataclass(frozen=True)
class Segment:
    series: int  # which series (its colour: class s0, s1, …)
    label: str
    shown: str
    y: int
    height: int


@dataclass(frozen=True)
class Column:
    label: str
    shown: str  # the column's total as the reader sees it
    x: int
    top: int
    segments: list[Segment]


@dataclass(frozen=True)
class ColumnChart:
    title: str
    columns: list[Column]
    series: list[str]  # the legend, in stacking order (bottom first); empty for a single series
    width: int
    height: int
    column_width: int = COLUMN_WIDTH
    base: int = TOP + PLOT_HEIGHT
    note: str = ""


def columns(
    title: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[int | None]]],
    shown: Callable[[int | None], str],
    note: str = "",
) -> ColumnChart:
    """One column per label (a period), its height the sum of the series' values there (None: nothing
    known), stacked bottom up in series order; tallest column = largest total."""
    totals = []
    for n in range(len(labels)):
        known = [values[n] for _, values in series if values[n] is not None]
        totals.append(sum(known) if known else None)
    largest = max((total or 0 for total in totals), default=0)

    def height(value: int | None) -> int:
        return round(PLOT_HEIGHT * max(value or 0, 0) / largest) if largest > 0 else 0

    drawn = []
    for n, label in enumerate(labels):
        x = LEFT + n * (COLUMN_WIDTH + COLUMN_GAP) + COLUMN_GAP // 2
        base, segments = TOP + PLOT_HEIGHT, []
        for s, (name, values) in enumerate(series):
            h = height(values[n])
            if h:
                base -= h
                segments.append(Segment(s, name, shown(values[n]), base, h))
        drawn.append(Column(label, shown(totals[n]), x, base, segments))
    width = 2 * LEFT + len(labels) * (COLUMN_WIDTH + COLUMN_GAP)
    return ColumnChart(
        title,
        drawn,
        [name for name, _ in series] if len(series) > 1 else [],
        max(width, 240),
        TOP + PLOT_HEIGHT + BOTTOM,
        note=note,
    )
