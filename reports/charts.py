"""The reports' charts: SVG drawn by pygal, inlined in the document (no script, no external
stylesheet, no web font). Labels are text in the SVG, so the PDF keeps them selectable; pygal
escapes them as XML, and long ones are cut."""

import sys
from collections.abc import Sequence
from typing import Any

import pygal

# pygal appends a legacy `sys.meta_path` finder for its map plugins (unused here) which has no
# `find_spec`: every failed import anywhere in the process (an optional dependency probed by
# another library) would warn. Take it out before anything else is imported.
sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, pygal.PluginImportFixer)]

from django.utils.safestring import SafeString, mark_safe  # noqa: E402
from pygal.style import Style  # noqa: E402

from reports.formatting import nombre  # noqa: E402

# The document's palette (rapport.css): light blue for what is planned, blue for what is
# committed, green for what is done.
COLORS = ("#9fb7e8", "#2f6fde", "#2f9e6e", "#d9822b")
DONE = ("#2f9e6e",)
STYLE = Style(
    font_family="DejaVu Sans, sans-serif",
    background="#ffffff",
    plot_background="#ffffff",
    foreground="#3c4148",
    foreground_strong="#1f2328",
    foreground_subtle="#d8dce2",
    colors=COLORS,
    label_font_size=11,
    major_label_font_size=11,
    legend_font_size=12,
    value_font_size=10,
    guide_stroke_color="#e3e6ea",
    major_guide_stroke_color="#c5cad1",
    guide_stroke_dasharray="0",
    major_guide_stroke_dasharray="0",
)
LABEL_LIMIT = 28
SVG_SCRIPT = "{http://www.w3.org/2000/svg}script"


def bar_chart(
    name: str,
    labels: Sequence[str],
    series: Sequence[tuple[str, Sequence[float | int]]],
    *,
    horizontal: bool = False,
    height: int = 300,
    colors: Sequence[str] = COLORS,
) -> SafeString:
    """Grouped bars: one group per label, one bar per series (values in hours). `name` makes
    the chart's element ids unique in its document (and its output reproducible)."""
    chart_class = pygal.HorizontalBar if horizontal else pygal.Bar
    chart = chart_class(
        width=720,
        height=height,
        style=Style(**{**STYLE.to_dict(), "colors": tuple(colors)}),
        js=[],  # pygal's default loads a script from the web
        disable_xml_declaration=True,
        explicit_size=False,
        legend_at_bottom=True,
        legend_at_bottom_columns=len(series),
        truncate_label=LABEL_LIMIT,
        truncate_legend=LABEL_LIMIT,
        x_label_rotation=0 if horizontal or len(labels) <= 6 else 30,
        value_formatter=lambda value: f"{nombre(value)} h",
        print_values=len(labels) <= 8,
        print_values_position="top",
        min_scale=4,
        max_scale=8,
        margin=12,
        tooltip_fancy_mode=False,
        show_y_guides=not horizontal,
        show_x_guides=horizontal,
    )
    # pygal draws a horizontal chart's first group at the bottom: reverse, to read top-down.
    order = (lambda items: list(items)[::-1]) if horizontal else list
    chart.uuid = name  # pygal's own default is a random id per chart
    chart.x_labels = order(label or "—" for label in labels)
    for name, values in series:
        chart.add(name, order(float(v) for v in values))
    chart.add_xml_filter(_without_scripts)
    # pygal's own output, built with an XML serializer: every label is escaped.
    svg = chart.render(is_unicode=True).replace('id="activate-serie-', f'id="{name}-serie-')
    return mark_safe(svg)  # noqa: S308


def _without_scripts(root: Any) -> Any:
    """pygal always adds a <script> holding its configuration (for its interactive mode), even
    with `js=[]`: dropped, the document carries no script at all."""
    for parent in list(root.iter()):
        for child in list(parent):
            if child.tag in (SVG_SCRIPT, "script"):
                parent.remove(child)
    return root
