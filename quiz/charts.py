"""Plotly figures for the result page as JSON, with the rows their text alternatives need; no Flask.

A figure is the plain dict plotly.js reads ({"data": [...], "layout": {...}}). tests/test_charts.py checks every
figure against plotly's schema with its validating graph_objects, so a misspelt property fails there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import plotly.io

from quiz.bank.model import Bank
from quiz.engine.scores import Scores, area_gap

CONFIG = {"displayModeBar": False, "responsive": True, "staticPlot": False}
BAR = "#1d70b8"
FONT = {"size": 14, "family": "system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif"}
MAP_HEIGHT = 360
Figure = dict[str, Any]  # {"data": [trace, ...], "layout": {...}}, as plotly.js reads it


@dataclass(frozen=True, slots=True)
class AreaGap:
    """One life area's gap, 0-100: how far it falls short of what the person wants, weighted by how much it matters."""

    label: str
    gap: int


def area_gaps(bank: Bank, scores: Scores) -> list[AreaGap]:
    """List the areas the person rated, largest gap first; an area that does not apply to them is left out."""
    gaps = [(area.label, area_gap(bank, area.satisfaction, area.importance, scores.answers)) for area in bank.areas]
    found = [AreaGap(label[:1].upper() + label[1:], round(gap * 100)) for label, gap in gaps if gap is not None]
    return sorted(found, key=lambda row: -row.gap)


def chart_height(rows: int) -> int:
    """Return the height of the life-area chart for a number of areas; the page keeps this room for it."""
    return 60 + 44 * rows


def areas_figure(rows: list[AreaGap]) -> Figure:
    """Draw each area's gap as one horizontal bar, largest at the top, all in one direction (0-100)."""
    bars = {
        "type": "bar",
        "orientation": "h",
        "y": [row.label for row in rows],
        "x": [row.gap for row in rows],
        "text": [str(row.gap) for row in rows],
        "textposition": "outside",
        "cliponaxis": False,
        "marker": {"color": BAR},
        "hovertemplate": "%{y}: gap %{x} of 100<extra></extra>",
    }
    layout = {
        "height": chart_height(len(rows)),
        "margin": {"l": 10, "r": 30, "t": 10, "b": 40},
        "font": FONT,
        "showlegend": False,
        "xaxis": {"range": [0, 100], "tickvals": [0, 25, 50, 75, 100], "fixedrange": True, "title": {"text": "Gap"}},
        "yaxis": {"autorange": "reversed", "automargin": True, "fixedrange": True},
    }
    return {"data": [bars], "layout": layout}


def map_figure(healing: float, growth: float) -> Figure:
    """Plot need for healing (x) against capacity for growth (y), with the line where the two are equal."""
    you = {
        "type": "scatter",
        "x": [healing],
        "y": [growth],
        "mode": "markers+text",
        "text": ["You"],
        "textposition": "top center",
        "marker": {"size": 16, "symbol": "diamond", "color": "#0b0c0c", "line": {"width": 2, "color": "#ffffff"}},
        "hovertemplate": "Need for healing %{x}<br>Capacity for growth %{y}<extra></extra>",
    }
    ticks = [0, 25, 50, 75, 100]
    layout = {
        "shapes": [{"type": "line", "x0": 0, "y0": 0, "x1": 100, "y1": 100, "line": {"dash": "dot", "width": 1}}],
        "annotations": [{"x": 80, "y": 88, "text": "Equal", "showarrow": False, "font": {"size": 12}}],
        "showlegend": False,
        "height": MAP_HEIGHT,
        "margin": {"l": 60, "r": 20, "t": 10, "b": 50},
        "font": FONT,
        "xaxis": {"range": [0, 100], "tickvals": ticks, "fixedrange": True, "title": {"text": "Need for healing"}},
        "yaxis": {"range": [0, 100], "tickvals": ticks, "fixedrange": True, "title": {"text": "Capacity for growth"}},
    }
    return {"data": [you], "layout": layout}


def figure_json(fig: Figure) -> str:
    """Serialise a figure with its config, escaped so it can sit inside a <script> element."""
    text = plotly.io.to_json({**fig, "config": CONFIG}, validate=False, engine="json")
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
