"""The dashboard's figures: bars and lines only, one template, built from shown figures only; no Flask."""

from __future__ import annotations

import math
import textwrap
from typing import Any

from quiz.charts import figure_json

BLUE, ORANGE, GREY = "#1d70b8", "#b25400", "#6f777b"
BAR_COLOUR = {"color": BLUE}
TICKS = {"size": 13}
PERCENT = {"range": [0, 100], "tick0": 0, "dtick": 20, "fixedrange": True}  # the axis of scores from 0 to 100
# One template for every figure: text of 12 px or more, no background (the page's own colours show through;
# coach-charts.js sets the text colour from the page, so light and dark both read), and quiet grid lines.
TEMPLATE = {
    "layout": {
        "font": {"size": 14, "family": "system-ui, sans-serif"},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "colorway": [BLUE, ORANGE],
        "margin": {"l": 10, "r": 20, "t": 10, "b": 40},
        "xaxis": {"gridcolor": GREY, "gridwidth": 0.5, "zeroline": False, "tickfont": TICKS, "automargin": True},
        "yaxis": {"gridcolor": GREY, "gridwidth": 0.5, "zeroline": False, "tickfont": TICKS, "automargin": True},
        "legend": {"orientation": "h", "y": -0.25, "font": TICKS},
        "hoverlabel": {"font": {"size": 14}},
    }
}


def step(largest: float) -> float:
    """Return a round distance between counted ticks (1, 2 or 5 times a power of ten, at least 1) for about five."""
    raw = max(largest, 5) / 5
    power = 10 ** math.floor(math.log10(raw))
    return next(power * m for m in (1, 2, 5, 10) if power * m >= raw)


def _counts(largest: float) -> dict[str, Any]:
    return {"rangemode": "tozero", "tick0": 0, "dtick": step(largest), "tickformat": ",d", "fixedrange": True}


def wrap(label: str, width: int = 22) -> str:
    """Break a label into lines of at most `width` characters (a long word stays whole), for bars on a phone."""
    return "<br>".join(textwrap.wrap(label, width, break_long_words=False, break_on_hyphens=False))


def _bars(labels: list[str], values: list[float], axis: dict[str, Any], **bar: Any) -> str:
    """Draw horizontal bars, first label on top, sized to the number of bars."""
    bar.setdefault("marker", BAR_COLOUR)
    trace = {"type": "bar", "y": [wrap(t) for t in labels], "x": values, "orientation": "h", **bar}
    layout = {
        "template": TEMPLATE,
        "height": 80 + 44 * len(labels),
        "xaxis": axis,
        "yaxis": {"autorange": "reversed", "fixedrange": True},
        "showlegend": False,
    }
    return figure_json({"data": [trace], "layout": layout})


def outcomes(view: dict[str, Any]) -> str | None:
    """The outcome mix: how many kept answers led to each suggestion."""
    rows = [o for o in view.get("outcomes", []) if o["n"] is not None]
    counts = [o["n"] for o in rows]
    return _bars([o["label"] for o in rows], counts, _counts(max(counts))) if rows else None


def areas(view: dict[str, Any]) -> str | None:
    """The life areas by how much people struggle in them, 0-100, hardest first."""
    return _means(view.get("areas", []))


def scales(view: dict[str, Any]) -> str | None:
    """Each scale's mean on 0-100."""
    return _means(view.get("scales", []))


def _means(rows: list[dict[str, Any]]) -> str | None:
    shown = [r for r in rows if r["mean"] is not None]
    return _bars([r["label"] for r in shown], [round(r["mean"]) for r in shown], PERCENT) if shown else None


def funnel(view: dict[str, Any]) -> str | None:
    """How many people reached each step; steps only some people are asked are grey and hatched."""
    rows = [r for r in view.get("funnel", []) if r["n"] is not None]
    if not rows:
        return None
    labels = [r["label"] + (" (only some)" if r["conditional"] else "") for r in rows]
    counts = [r["n"] for r in rows]
    colours = [GREY if r["conditional"] else BLUE for r in rows]
    shapes = ["/" if r["conditional"] else "" for r in rows]
    return _bars(labels, counts, _counts(max(counts)), marker={"color": colours, "pattern": {"shape": shapes}})


def trend(view: dict[str, Any]) -> str | None:
    """People who started (bars) and finished (line) in each of the last periods."""
    rows = view.get("trend", [])
    if not any(r["started"] for r in rows):
        return None
    labels = [r["label"] for r in rows]
    started = {"type": "bar", "name": "Started", "x": labels, "y": [r["started"] for r in rows], "marker": BAR_COLOUR}
    finished: dict[str, Any] = {"type": "scatter", "name": "Finished", "x": labels, "y": [r["finished"] for r in rows]}
    finished |= {"mode": "lines+markers", "line": {"color": ORANGE}}
    largest = max(r["started"] or 0 for r in rows)
    layout = {"template": TEMPLATE, "height": 320, "yaxis": _counts(largest), "xaxis": {"type": "category"}}
    return figure_json({"data": [started, finished], "layout": layout})


def shade(value: int | float | None, largest: float) -> int:
    """Return a cell's shade from 0 (none) to 5 (the largest), for tables drawn as heat maps."""
    return max(1, math.ceil(5 * value / largest)) if value and largest else 0


def largest(view: dict[str, Any]) -> int:
    """Return the largest shown count on the map, which its darkest shade stands for."""
    return max((n for row in view.get("map", []) for n in row if n is not None), default=0)


FIGURES = {"outcomes": outcomes, "areas": areas, "funnel": funnel, "trend": trend, "scales": scales}
