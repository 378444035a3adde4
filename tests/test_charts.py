"""Plotly figures for the result page; pure, no app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from answer_sets import THRIVING
from hypothesis import given, settings
from test_properties import assessed, complete_answers

from quiz import charts
from quiz.engine import assess


def test_area_gaps_are_sorted_largest_first_and_leave_out_areas_that_do_not_apply(bank):
    scores, _ = assess(bank, {**THRIVING, "lg_work_sat": 2, "lg_work_imp": 10, "lg_family_sat": -1})
    rows = charts.area_gaps(bank, scores)
    assert rows[0] == charts.AreaGap("Work and career", 80)
    assert [r.gap for r in rows] == sorted((r.gap for r in rows), reverse=True)
    assert "Family life" not in {r.label for r in rows} and len(rows) == 4


def test_the_life_area_chart_is_one_measure_in_one_direction(bank):
    scores, _ = assess(bank, THRIVING)
    rows = charts.area_gaps(bank, scores)
    figure = json.loads(charts.figure_json(charts.areas_figure(rows)))
    [bars] = figure["data"]
    assert bars["type"] == "bar" and bars["orientation"] == "h" and bars["x"] == [r.gap for r in rows]
    assert figure["layout"]["xaxis"]["range"] == [0, 100] and figure["layout"]["xaxis"]["tickvals"][-1] == 100
    assert figure["layout"]["height"] == charts.chart_height(len(rows))
    assert figure["config"]["displayModeBar"] is False and len(json.dumps(figure)) < 3000


def test_the_page_keeps_room_for_each_chart_height():
    text = (Path(__file__).resolve().parent.parent / "static" / "quiz.css").read_text()
    for rows in range(1, 6):
        assert f".chart-rows-{rows} {{ height: {charts.chart_height(rows)}px; }}" in text
    assert f".chart-map {{ height: {charts.MAP_HEIGHT}px; }}" in text


def test_the_map_shows_the_two_indices_and_the_line_where_they_are_equal():
    figure = json.loads(charts.figure_json(charts.map_figure(30.5, 70)))
    assert figure["data"][0]["x"] == [30.5] and figure["data"][0]["y"] == [70]
    assert [s["type"] for s in figure["layout"]["shapes"]] == ["line"]
    assert figure["layout"]["xaxis"]["title"]["text"] == "Need for healing"
    assert figure["layout"]["yaxis"]["title"]["text"] == "Capacity for growth"


@settings(max_examples=150, deadline=None)
@given(complete_answers)
def test_the_map_never_names_an_outcome_so_it_cannot_contradict_one(raw):
    """The map shows the two indices without outcome names, whatever the answers (the screens decide first)."""
    from test_properties import BANK

    scores, outcome = assessed(raw)
    text = charts.figure_json(charts.map_figure(scores.indices["healing_need"], scores.indices["growth_capacity"]))
    figure = json.loads(text)
    words = {a["text"] for a in figure["layout"]["annotations"]} | set(figure["data"][0]["text"])
    assert words == {"You", "Equal"}
    for guidance in BANK.guidance.values():
        assert guidance.headline.lower() not in text.lower()
    assert not any(name in text.lower() for name in ("coaching", "therapy", "parts"))


def test_figure_json_cannot_close_its_script_element():
    text = charts.figure_json(charts.areas_figure([charts.AreaGap("</script><b>&", 10)]))
    assert "</" not in text and "<b>" not in text and "&" not in text
    assert json.loads(text)["data"][0]["y"] == ["</script><b>&"]


def test_every_figure_the_pages_draw_is_valid_for_plotly(bank):
    """The app writes plain figure dicts; plotly's validating graph_objects must accept each one as it is."""
    import plotly.graph_objects as go

    from quiz.coach import charts as coach_charts

    scores, _ = assess(bank, THRIVING)
    view = {
        "outcomes": [{"label": "Coaching", "n": 12}, {"label": "Therapy first", "n": None}],
        "areas": [{"label": "Work and career", "mean": 41.5}],
        "funnel": [{"label": "Mood", "n": 30, "conditional": False}, {"label": "More", "n": 9, "conditional": True}],
        "trend": [{"label": "Mar 2025", "started": 40, "finished": 31}, {"label": "Apr 2025", "started": 9}],
        "scales": [{"label": "WHO-5", "mean": 62.0}],
    }
    view["trend"][1]["finished"] = None
    texts = [charts.figure_json(charts.areas_figure(charts.area_gaps(bank, scores)))]
    texts.append(charts.figure_json(charts.map_figure(40, 60)))
    texts += [draw(view) for draw in coach_charts.FIGURES.values()]
    assert len(texts) == 7 and all(texts)
    for text in texts:
        figure = json.loads(text)
        figure.pop("config")
        go.Figure(figure)  # raises ValueError naming any property plotly does not know
    bad = {"data": [{"type": "bar", "orientaton": "h"}], "layout": {}}
    with pytest.raises(ValueError, match="orientaton"):
        go.Figure(bad)
