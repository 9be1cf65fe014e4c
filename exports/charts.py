"""Native Excel charts over ranges the workbook already holds (so they follow the figures)."""

from __future__ import annotations

from openpyxl.chart import BarChart, Reference


def column_chart(
    title: str,
    axis_title: str,
    categories: Reference,
    values: Reference,
    *,
    from_rows: bool = False,
    horizontal: bool = False,
    number_format: str = "#,##0",
) -> BarChart:
    chart = BarChart()
    chart.type = "bar" if horizontal else "col"
    chart.title = title
    chart.y_axis.title = axis_title
    chart.y_axis.numFmt = number_format
    chart.y_axis.majorGridlines = None
    chart.legend = None
    chart.add_data(values, from_rows=from_rows, titles_from_data=False)
    chart.set_categories(categories)
    # openpyxl hides axes by default in recent versions; a statistics chart needs them.
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    chart.width, chart.height = 18, 9
    return chart


__all__ = ["column_chart"]
