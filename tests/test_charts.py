"""Plotly figures for the result page; pure, no app."""

from __future__ import annotations

import json

import pytest
from answer_sets import THRIVING

from quiz import charts
from quiz.engine import assess


@pytest.fixture()
def scores(bank):
    return assess(bank, {**THRIVING, "lg_work_sat": 2, "lg_work_imp": 10, "fn_close": 4})[0]


def test_profile_rows_cover_areas_and_overall_scores(bank, scores):
    rows = {r.label: r for r in charts.profile_rows(bank, scores)}
    assert rows["Work and career: life gap"].value == 80
    assert rows["Close relationships: day-to-day difficulty"].value == 100
    assert "Health and purpose: day-to-day difficulty" not in rows  # that area has no functioning question
    for label in ("Mood: stress and low mood (PHQ-4)", "Well-being (WHO-5)", "Resistance to change", "Access to Self"):
        assert 0 <= rows[label].value <= 100 and rows[label].kind == "overall"


def test_profile_figure_json_is_small_and_templateless(bank, scores):
    text = charts.figure_json(charts.profile_figure(charts.profile_rows(bank, scores)))
    figure = json.loads(text)
    assert figure["layout"]["template"] == {"data": {"scatter": [{"type": "scatter"}]}}
    assert {t["name"] for t in figure["data"]} == {"Life gap", "Day-to-day difficulty", "Overall score"}
    assert len({t["marker"]["pattern"]["shape"] for t in figure["data"]}) == 3  # not told apart by colour alone
    assert figure["config"]["displayModeBar"] is False
    assert len(text) < 4000


def test_map_figure_has_the_point_and_four_regions():
    figure = json.loads(charts.figure_json(charts.map_figure(30.5, 70)))
    assert figure["data"][0]["x"] == [30.5] and figure["data"][0]["y"] == [70]
    paths = [s for s in figure["layout"]["shapes"] if s["type"] == "path"]
    assert len(paths) == 4
    assert {a["text"] for a in figure["layout"]["annotations"]} == set(charts.REGIONS.values())
    assert figure["layout"]["xaxis"]["range"] == [0, 100]


@pytest.mark.parametrize(
    ("healing", "growth", "region"),
    [
        (10, 80, "coaching"),
        (40, 20, "parts"),
        (70, 90, "both"),
        (80, 30, "therapy"),
        (50, 50, "both"),
    ],
)
def test_region_of(healing, growth, region):
    assert charts.region_of(healing, growth) == region


def test_figure_json_cannot_close_its_script_element():
    rows = [charts.Row("</script><b>&", "overall", 10, "x")]
    text = charts.figure_json(charts.profile_figure(rows))
    assert "</" not in text and "<b>" not in text and "&" not in text
    assert json.loads(text)["data"][0]["y"] == ["</script><b>&"]
    assert (
        "Work<br>life gap"
        in json.loads(charts.figure_json(charts.profile_figure([charts.Row("Work: life gap", "gap", 1, "")])))["data"][
            0
        ]["y"]
    )
