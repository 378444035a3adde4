"""The coach's pure parts: periods, which cells to hide, alpha, chart ticks and the plain sentences."""

from __future__ import annotations

import math
import statistics
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from quiz.coach.charts import step, wrap
from quiz.coach.dashboard import cronbach_alpha, hidden_cells, sums
from quiz.coach.filters import Period, closed, parse, parse_period, period_of, periods


@pytest.mark.parametrize(
    ("kind", "day", "ident", "start", "end"),
    [
        ("week", date(2025, 1, 1), "2025-W01", date(2024, 12, 30), date(2025, 1, 5)),
        ("week", date(2024, 12, 29), "2024-W52", date(2024, 12, 23), date(2024, 12, 29)),
        ("month", date(2024, 2, 10), "2024-02", date(2024, 2, 1), date(2024, 2, 29)),
        ("quarter", date(2025, 5, 31), "2025-Q2", date(2025, 4, 1), date(2025, 6, 30)),
        ("year", date(2025, 12, 31), "2025", date(2025, 1, 1), date(2025, 12, 31)),
    ],
)
def test_periods_are_whole_calendar_periods(kind, day, ident, start, end):
    period = period_of(kind, day)
    assert (period.id, period.start, period.end) == (ident, start, end)
    assert parse_period(ident) == period
    assert period.previous().end.toordinal() == start.toordinal() - 1


def test_a_period_is_shown_only_a_whole_day_after_it_ends():
    march = Period("month", date(2025, 3, 1))
    assert not closed(march, date(2025, 3, 31)) and not closed(march, date(2025, 4, 1))
    assert closed(march, date(2025, 4, 2))
    days = [date(2025, 2, 3), date(2025, 3, 30), date(2025, 4, 1)]
    assert [p.id for p in periods("month", days, date(2025, 4, 2))] == ["2025-03", "2025-02"]


@pytest.mark.parametrize("text", ["2025-13", "2025-W54", "2025-Q5", "25", "2025-03-01", "", "２０２５"])
def test_odd_periods_are_refused(text):
    assert parse_period(text) is None


def test_a_choice_keeps_one_filter_and_says_what_it_ignored():
    choice, errors = parse({"kind": "month", "period": "2025-W03", "site": "direct", "version": "2"}, ["q"])
    assert choice.period is None and choice.site == "direct" and choice.version is None and "version" in errors


def atom(**cells):
    return {tuple(name.split("__")): [n, 0.0, 0.0] for name, n in cells.items()}


def test_small_cells_and_their_complements_are_hidden():
    month = atom(responses__=20, outcome__a=12, outcome__b=6, outcome__c=2, item__x=20, item__y=3)
    hidden = hidden_cells([month], 5)
    assert ("outcome", "c") in hidden and ("outcome", "b") in hidden, "c alone could be worked out from the total"
    assert ("outcome", "a") not in hidden and ("item", "y") in hidden and ("item", "x") not in hidden


def test_a_split_hides_in_every_view_what_any_split_must_hide():
    site_a = atom(responses__=10, outcome__a=10)
    site_b = atom(responses__=10, outcome__a=7, outcome__b=3)
    month = atom(responses__=20, outcome__a=17, outcome__b=3)
    assert hidden_cells([month, site_a, site_b], 5) == {("outcome", "a"), ("outcome", "b")}


@given(st.lists(st.dictionaries(st.sampled_from("abcdef"), st.integers(0, 12), min_size=1), min_size=1, max_size=4))
def test_hidden_cells_never_leave_one_to_k_minus_one_to_subtract(splits):
    atoms = [{("outcome", key): [n, 0.0, 0.0] for key, n in split.items()} for split in splits]
    hidden = hidden_cells(atoms, 5)
    for a in atoms:
        for cell, (n, *_) in a.items():
            assert cell in hidden or n == 0 or n >= 5
        rest = sum(n for cell, (n, *_) in a.items() if cell in hidden)
        assert rest == 0 or rest >= 5 or rest == sum(n for n, *_ in a.values())


def rows(month, version, origin, **cells):
    return [(month, version, origin, *name.split("__"), n, float(n), float(n)) for name, n in cells.items()]


def test_sums_leave_out_small_months_and_filter_only_where_every_split_is_large():
    jan, feb = date(2025, 1, 1), date(2025, 2, 1)
    found = sums(
        rows(jan, 1, "", responses__=6, outcome__a=6)
        + rows(jan, 1, "https://a.example", responses__=5, outcome__a=5)
        + rows(feb, 1, "", responses__=3, outcome__a=3),
        5,
    )
    assert found.n(("responses", "")) == 11 and found.left_out == 1
    assert found.sites == ["direct", "https://a.example"]
    only = sums(rows(jan, 1, "", responses__=6) + rows(jan, 1, "https://a.example", responses__=5), 5, site="direct")
    assert only is not None and only.n(("responses", "")) == 6
    assert sums(rows(jan, 1, "", responses__=6) + rows(jan, 2, "", responses__=2), 5, version=1) is None


def test_alpha_from_sums_matches_a_direct_computation():
    data = [(1, 2, 2), (2, 2, 3), (3, 4, 3), (0, 1, 1), (2, 3, 4), (4, 4, 3)]
    parts = {str(i): (len(data), float(sum(r[i] for r in data)), float(sum(r[i] ** 2 for r in data))) for i in range(3)}
    totals = [sum(r) for r in data]
    parts[""] = (len(data), float(sum(totals)), float(sum(t * t for t in totals)))
    items = [statistics.variance([r[i] for r in data]) for i in range(3)]
    expected = 3 / 2 * (1 - sum(items) / statistics.variance(totals))
    assert math.isclose(cronbach_alpha(parts), expected)


@pytest.mark.parametrize(("largest", "expected"), [(7, 2), (83.1, 20), (1479, 500), (0, 1), (100, 20), (12, 5)])
def test_ticks_fall_on_round_numbers(largest, expected):
    assert step(largest) == expected


def test_long_labels_wrap_for_phones():
    assert wrap("What holds you back, and what helps") == "What holds you back,<br>and what helps"
