"""The store on SQLite and PostgreSQL: saving, rollups, filters, purge, export, atomic writes."""

from __future__ import annotations

import math
import statistics
from collections import Counter
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from quiz.coach.dashboard import cronbach_alpha
from quiz.store import Filters, Store
from quiz.store import tables as t
from quiz.store.database import make_engine, migrate
from quiz.store.stats import period_start, spans
from tests.storage_helpers import example_record, pg_url, reset_pg

DAYS = [
    date(2025, 1, 30),
    date(2025, 1, 31),
    date(2025, 2, 1),
    date(2025, 2, 14),
    date(2025, 2, 28),
    date(2025, 3, 1),
    date(2025, 3, 15),
    date(2025, 4, 2),
]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def store(request, tmp_path):
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    else:
        url = pg_url()
        reset_pg(url)
        engine = make_engine(url)
    migrate(engine)
    yield Store(engine)
    engine.dispose()


@pytest.fixture()
def records(bank):
    origins = [None, "https://a.example", "https://b.example"]
    return [example_record(bank, i, DAYS[i % len(DAYS)], origins[i % 3]) for i in range(40)]


def test_migrations_are_idempotent(store):
    migrate(store.engine)
    names = set(sa.inspect(store.engine).get_table_names())
    assert {"responses", "response_scores", "queue", "funnel", "daily_outcomes", "alembic_version"} <= names


def test_sqlite_runs_in_wal_mode(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 10000


def test_rollups_match_the_stored_rows(store, records):
    store.save(records[:1])
    store.save_bulk(records[1:])
    raw = store.aggregate(Filters())
    assert sum(n for _, n in raw.by_day) == len(records)
    assert raw.outcomes == dict(Counter(r.outcome for r in records))
    assert raw.crisis == sum(r.crisis for r in records)
    wellbeing = [r.scores["wellbeing"][1] for r in records]
    (n, total, _), bins = raw.scales["wellbeing"]
    assert n == len(records) and math.isclose(total / n, statistics.mean(wellbeing))
    assert sum(bins) == n
    assert raw.items["who5_1"][0] == len(records)


def test_alpha_from_sums_matches_a_direct_computation(store, records):
    store.save_bulk(records)
    parts = store.aggregate(Filters()).alpha["wellbeing"]
    rows = [dict(r.alpha["wellbeing"]) for r in records]
    items = list(rows[0])
    totals = [sum(row.values()) for row in rows]
    item_var = sum(statistics.variance([row[i] for row in rows]) for i in items)
    expected = len(items) / (len(items) - 1) * (1 - item_var / statistics.variance(totals))
    assert math.isclose(cronbach_alpha(parts), expected, rel_tol=1e-9)


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (None, None),
        (date(2025, 2, 1), date(2025, 2, 28)),
        (date(2025, 1, 31), date(2025, 3, 1)),
        (date(2025, 2, 14), None),
        (None, date(2025, 3, 14)),
        (date(2025, 2, 2), date(2025, 2, 27)),
        (date(2025, 1, 1), date(2025, 12, 31)),
    ],
)
def test_date_ranges_combine_monthly_and_daily_rows_exactly(store, records, start, end):
    store.save_bulk(records)
    selected = [r for r in records if (start is None or r.day >= start) and (end is None or r.day <= end)]
    raw = store.aggregate(Filters(start=start, end=end))
    assert sum(raw.outcomes.values()) == len(selected)
    assert raw.scales["phq4"][0][0] == sum(r.scores["phq4"][1] is not None for r in selected)
    assert store.count(Filters(start=start, end=end)) == len(selected)


def test_quiz_version_and_origin_filters(store, records):
    store.save_bulk(records)
    assert sum(store.aggregate(Filters(origin="https://a.example")).outcomes.values()) == sum(
        r.origin == "https://a.example" for r in records
    )
    assert sum(store.aggregate(Filters(origin="")).outcomes.values()) == sum(r.origin is None for r in records)
    assert store.count(Filters(origin="")) == sum(r.origin is None for r in records)
    assert store.aggregate(Filters(quiz_id="other")).outcomes == {}
    assert store.aggregate(Filters(version=99)).outcomes == {}


def test_funnel_counts_add_up(store):
    day = date(2025, 2, 1)
    store.add_events({("coaching-fit", day, "intro", "started"): 2})
    store.add_events({("coaching-fit", day, "intro", "started"): 1, ("coaching-fit", day, "mood", "step"): 1})
    raw = store.aggregate(Filters())
    assert ("intro", "started", 3) in raw.funnel_steps and ("mood", "step", 1) in raw.funnel_steps


def test_purge_keeps_funnel_counts_and_consistent_rollups(store, records):
    store.save_bulk(records)
    store.add_events({("coaching-fit", DAYS[0], "intro", "started"): 5})
    cutoff = date(2025, 2, 14)
    gone = store.purge(cutoff)
    kept = [r for r in records if r.day >= cutoff]
    assert gone == len(records) - len(kept)
    assert store.count(Filters()) == len(kept)
    raw = store.aggregate(Filters())
    assert sum(raw.outcomes.values()) == len(kept)
    assert sum(store.aggregate(Filters(start=date(2025, 2, 1), end=date(2025, 2, 28))).outcomes.values()) == sum(
        r.day.month == 2 for r in kept
    )
    assert ("intro", "started", 5) in raw.funnel_steps
    with store.engine.connect() as conn:
        orphans = conn.scalar(
            sa.select(sa.func.count())
            .select_from(t.response_scores)
            .where(t.response_scores.c.response_id.not_in(sa.select(t.responses.c.id)))
        )
    assert orphans == 0


def test_a_failed_write_stores_nothing(store, records):
    store.save(records[:1])
    with pytest.raises(sa.exc.IntegrityError):
        store.save([records[1], records[0]])  # the second repeats an id: the whole write must roll back
    assert store.count(Filters()) == 1
    assert sum(store.aggregate(Filters()).outcomes.values()) == 1


def test_export_streams_every_response_with_its_scores(store, records):
    store.save_bulk(records)
    rows = list(store.export(Filters()))
    assert sorted(r["id"] for r in rows) == sorted(r.id for r in records)
    by_id = {r.id: r for r in records}
    for row in rows:
        assert row["answers"] == dict(by_id[row["id"]].answers)
        assert row["scores"]["wellbeing"][1] == by_id[row["id"]].scores["wellbeing"][1]


def test_stored_days_have_no_time(store, records):
    store.save_bulk(records[:3])
    with store.engine.connect() as conn:
        days = conn.scalars(sa.select(t.responses.c.day)).all()
    assert all(type(d) is date for d in days)
    assert min(days) >= DAYS[0] - timedelta(days=1)


def test_spans_cover_every_day_in_range_exactly_once():
    domain = [date(2024, 11, 1) + timedelta(days=i) for i in range(180)]
    ends = [None, *domain[::7], *domain[20:60]]
    for start in [None, *domain[::5], *domain[28:40]]:
        for end in ends:
            if start and end and end < start:
                continue
            found = spans(start, end)
            for d in domain:
                hits = sum(
                    (lo is None or lo <= period_start(g, d)) and (hi is None or period_start(g, d) < hi)
                    for g, lo, hi in found
                )
                inside = (start is None or d >= start) and (end is None or d <= end)
                assert hits == int(inside), (start, end, d, found)
