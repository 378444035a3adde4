"""Plotly figures for the result page as JSON, with the rows their text alternatives need; no Flask."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import plotly.graph_objects as go

from quiz.bank.model import Bank
from quiz.engine.scores import Scores, area_gap

# The 0-100 mark on need for healing beyond which therapy (alone or beside coaching) fits better; it mirrors the
# bank's "positive screen" range, and the page says the regions are a rough guide, not the decision itself.
HEALING_CUTOFF = 50.0
OVERALL = (
    ("phq4", "Mood: stress and low mood (PHQ-4)", "higher means more stress or low mood"),
    ("wellbeing", "Well-being (WHO-5)", "higher is better"),
    ("resistance", "Resistance to change", "higher means more holding back"),
    ("self_access", "Access to Self", "higher is better"),
)
KINDS = {
    "gap": ("Life gap", "#1d70b8", ""),
    "strain": ("Day-to-day difficulty", "#b25400", "/"),
    "overall": ("Overall score", "#4c2c92", "x"),
}
REGIONS = {
    "coaching": "Coaching",
    "parts": "Parts-focused coaching",
    "both": "Therapy and coaching",
    "therapy": "Therapy first",
}
CONFIG = {"displayModeBar": False, "responsive": True}


@dataclass(frozen=True, slots=True)
class Row:
    """One bar of the profile chart and one row of its table: a label, its kind, a 0-100 value and its meaning."""

    label: str
    kind: str
    value: float
    meaning: str


def profile_rows(bank: Bank, scores: Scores) -> list[Row]:
    """List the person's profile: life gap and day-to-day difficulty per area, then the overall scores."""
    rows: list[Row] = []
    for area in bank.areas:
        gap = area_gap(bank, area.satisfaction, area.importance, scores.answers)
        if gap is not None:
            rows.append(
                Row(f"{area.label.capitalize()}: life gap", "gap", round(gap * 100), "higher means a bigger gap")
            )
        value = scores.answers.get(area.functioning) if area.functioning else None
        if isinstance(value, int) and area.functioning:
            lo, hi = bank.ranges[area.functioning]
            rows.append(
                Row(
                    f"{area.label.capitalize()}: day-to-day difficulty",
                    "strain",
                    round((value - lo) * 100 / (hi - lo)),
                    "higher means harder",
                )
            )
    for scale_id, label, meaning in OVERALL:
        found = scores.scales.get(scale_id)
        if found is not None and found.score is not None:
            rows.append(Row(label, "overall", round(found.score), meaning))
    return rows


def profile_figure(rows: list[Row]) -> go.Figure:
    """Draw the profile as horizontal bars, one trace per kind so the legend names them and patterns differ."""
    fig = go.Figure()
    labels = [_tick(r.label) for r in rows]
    for kind, (name, colour, pattern) in KINDS.items():
        mine = [r for r in rows if r.kind == kind]
        if not mine:
            continue
        fig.add_bar(
            name=name,
            orientation="h",
            y=[_tick(r.label) for r in mine],
            x=[r.value for r in mine],
            text=[str(int(r.value)) for r in mine],
            textposition="outside",
            cliponaxis=False,
            marker={"color": colour, "pattern": {"shape": pattern}},
            hovertemplate="%{x} of 100<extra></extra>",
        )
    fig.update_layout(
        template="none",
        barmode="overlay",
        height=80 + 36 * len(rows),
        margin={"l": 10, "r": 10, "t": 40, "b": 30},
        font={"size": 14},
        xaxis={"range": [0, 110], "fixedrange": True},
        yaxis={
            "autorange": "reversed",
            "automargin": True,
            "categoryorder": "array",
            "categoryarray": labels,
            "fixedrange": True,
        },
        legend={"orientation": "h", "x": 0, "y": 1.01, "yanchor": "bottom"},
    )
    return fig


def _tick(label: str) -> str:
    """Break a row label after its area name, so the axis stays narrow on a phone."""
    return label.replace(": ", "<br>", 1)


def region_of(healing: float, growth: float, cutoff: float = HEALING_CUTOFF) -> str:
    """Name the region of the healing-growth map a point falls in."""
    if healing < cutoff:
        return "coaching" if growth >= healing else "parts"
    return "both" if growth >= healing else "therapy"


def _regions(cutoff: float) -> list[tuple[str, str, str]]:
    """Return (region, SVG path, fill) for the shaded areas, split by the diagonal and the cut-off."""
    c = cutoff
    return [
        ("coaching", f"M0,0 L{c},{c} L{c},100 L0,100 Z", "rgba(0,112,60,0.16)"),
        ("parts", f"M0,0 L{c},0 L{c},{c} Z", "rgba(29,112,184,0.16)"),
        ("both", f"M{c},{c} L100,100 L{c},100 Z", "rgba(178,84,0,0.16)"),
        ("therapy", f"M{c},0 L100,0 L100,100 L{c},{c} Z", "rgba(76,44,146,0.16)"),
    ]


def map_figure(healing: float, growth: float, cutoff: float = HEALING_CUTOFF) -> go.Figure:
    """Plot need for healing (x) against capacity for growth (y), with the person's point on shaded regions."""
    fig = go.Figure()
    right = (100 + cutoff) / 2
    label_at = {
        "coaching": (cutoff / 2, 90),
        "parts": (cutoff * 0.65, 8),
        "both": (right - 8, 95),
        "therapy": (right + 10, 20),
    }
    shapes: list[dict[str, Any]] = []
    notes: list[dict[str, Any]] = []
    for region, path, fill in _regions(cutoff):
        shapes.append({"type": "path", "path": path, "fillcolor": fill, "line": {"width": 0}, "layer": "below"})
        x, y = label_at[region]
        notes.append({"x": x, "y": y, "text": REGIONS[region], "showarrow": False, "font": {"size": 12}})
    shapes.append({"type": "line", "x0": 0, "y0": 0, "x1": 100, "y1": 100, "line": {"dash": "dot", "width": 1}})
    fig.add_scatter(
        x=[healing],
        y=[growth],
        mode="markers+text",
        name="You",
        text=["You"],
        textposition="top center",
        marker={"size": 16, "symbol": "diamond", "color": "#0b0c0c", "line": {"width": 2, "color": "#ffffff"}},
        hovertemplate="Need for healing %{x}<br>Capacity for growth %{y}<extra></extra>",
    )
    fig.update_layout(
        template="none",
        shapes=shapes,
        annotations=notes,
        showlegend=False,
        height=380,
        margin={"l": 60, "r": 20, "t": 10, "b": 50},
        font={"size": 14},
        xaxis={"range": [0, 100], "title": {"text": "Need for healing"}, "fixedrange": True},
        yaxis={"range": [0, 100], "title": {"text": "Capacity for growth"}, "fixedrange": True},
    )
    return fig


def figure_json(fig: go.Figure) -> str:
    """Serialise a figure with its config, escaped so it can sit inside a <script> element."""
    payload = json.loads(fig.to_json(engine="json"))
    payload["config"] = CONFIG
    text = json.dumps(payload, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
