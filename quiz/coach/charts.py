"""Plotly figures for the coach's dashboard, built only from cells the dashboard may show; no Flask."""

from __future__ import annotations

from typing import Any

import plotly.graph_objects as go

from quiz.charts import figure_json
from quiz.coach.dashboard import Dashboard
from quiz.store.tables import BINS

BIN_LABELS = [f"{i * 100 // BINS}-{(i + 1) * 100 // BINS}" for i in range(BINS)]
BLUE, ORANGE = "#1d70b8", "#b25400"


def _layout(title: str, **extra: Any) -> dict[str, Any]:
    return {"title": {"text": title}, "margin": {"l": 60, "r": 20, "t": 50, "b": 60}, "height": 360, **extra}


def over_time(board: Dashboard) -> str:
    """Stored responses per day (or week) as bars, and the completion rate as a line."""
    x = [row["day"].isoformat() for row in board.over_time]
    fig = go.Figure(
        [
            go.Bar(x=x, y=[row["responses"] for row in board.over_time], name="Responses kept", marker_color=BLUE),
            go.Scatter(
                x=x,
                y=[None if r["rate"] is None else round(r["rate"] * 100, 1) for r in board.over_time],
                name="Completion rate (%)",
                yaxis="y2",
                mode="lines+markers",
                line_color=ORANGE,
            ),
        ],
        layout=_layout(
            "Responses and completion rate by " + ("month" if board.monthly else "day"),
            yaxis={"title": {"text": "Responses"}, "rangemode": "tozero"},
            yaxis2={"title": {"text": "Completion %"}, "overlaying": "y", "side": "right", "range": [0, 100]},
            legend={"orientation": "h", "y": -0.2},
        ),
    )
    return figure_json(fig)


def funnel(board: Dashboard) -> str:
    """People reaching each step, from start to the call to action."""
    rows = list(reversed(board.funnel))
    fig = go.Figure(
        go.Bar(y=[r["step"] for r in rows], x=[r["n"] for r in rows], orientation="h", marker_color=BLUE),
        layout=_layout("How far people get", xaxis={"title": {"text": "People"}}, margin={"l": 220}),
    )
    return figure_json(fig)


def outcomes(board: Dashboard) -> str:
    """The outcome mix."""
    fig = go.Figure(
        go.Bar(
            x=[o["n"] for o in board.outcomes],
            y=[o["label"] for o in board.outcomes],
            orientation="h",
            marker_color=BLUE,
        ),
        layout=_layout(
            "Outcomes", xaxis={"title": {"text": "Responses"}}, margin={"l": 360}, yaxis={"autorange": "reversed"}
        ),
    )
    return figure_json(fig)


def scale_means(board: Dashboard) -> str:
    """The mean 0-100 score of every scale, index and area, with one standard deviation."""
    rows = [s for s in board.scales if s["mean"] is not None]
    fig = go.Figure(
        go.Bar(
            x=[s["mean"] for s in rows],
            y=[s["label"] for s in rows],
            orientation="h",
            marker_color=BLUE,
            error_x={"type": "data", "array": [s["sd"] or 0 for s in rows]},
        ),
        layout=_layout(
            "Mean scores (0-100)",
            xaxis={"range": [0, 100]},
            yaxis={"autorange": "reversed"},
            margin={"l": 300},
            height=max(360, 28 * len(rows)),
        ),
    )
    return figure_json(fig)


def distributions(board: Dashboard) -> str:
    """Each scale's distribution over ten 10-point bins, as shares of its responses."""
    rows = [s for s in board.scales if s["bins"] is not None]
    z = [[None if c is None else round(c * 100 / s["n"], 1) for c in s["bins"]] for s in rows]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=BIN_LABELS,
            y=[s["label"] for s in rows],
            colorscale="Blues",
            hoverongaps=False,
            colorbar={"title": {"text": "%"}},
        ),
        layout=_layout(
            "How scores are spread (share of responses per band)",
            yaxis={"autorange": "reversed"},
            margin={"l": 300},
            height=max(360, 28 * len(rows)),
        ),
    )
    return figure_json(fig)


def item_means(board: Dashboard) -> str:
    """Each question's mean, as a percentage of its range so questions with different ranges compare."""
    rows = [i for i in board.items if i["pomp"] is not None]
    fig = go.Figure(
        go.Bar(
            x=[i["pomp"] for i in rows],
            y=[i["id"] for i in rows],
            orientation="h",
            marker_color=BLUE,
            hovertext=[i["text"] for i in rows],
        ),
        layout=_layout(
            "Question means (% of each question's range)",
            xaxis={"range": [0, 100]},
            yaxis={"autorange": "reversed"},
            margin={"l": 170},
            height=max(360, 18 * len(rows)),
        ),
    )
    return figure_json(fig)


def plane(board: Dashboard) -> str:
    """Where respondents fall on the need-for-healing / capacity-for-growth map."""
    fig = go.Figure(
        go.Heatmap(
            z=board.plane,
            x=BIN_LABELS,
            y=BIN_LABELS,
            colorscale="Blues",
            hoverongaps=False,
            colorbar={"title": {"text": "People"}},
        ),
        layout=_layout(
            "Need for healing (up) and capacity for growth (across)",
            height=460,
            xaxis={"title": {"text": "Capacity for growth"}},
            yaxis={"title": {"text": "Need for healing"}},
        ),
    )
    return figure_json(fig)
