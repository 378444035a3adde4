"""The store on SQLite and PostgreSQL: one migration, saving with monthly sums, purge, tokens, the coach's rows."""

from __future__ import annotations

import math
import statistics
import threading
from collections import Counter
from datetime import date

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from quiz.store import Store
from quiz.store import tables as t
from quiz.store.database import make_engine, migrate
from quiz.store.records import best_locale
from tests.storage_helpers import example_record, pg_url, reset_pg, varied_records

DAYS = [date(2025, 1, 30), date(2025, 1, 31), date(2025, 2, 1), date(2025, 2, 28), date(2025, 3, 1)]


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
    plan = [(day, origin, 1, 8) for day in DAYS for origin in (None, "https://a.example")]
    return varied_records(bank, plan, seed=5)


def sums(store, quiz="coaching-fit", first=date(2000, 1, 1), last=date(2100, 1, 1)):
    """Add up the monthly rows over months, versions and sites: (kind, key) -> [n, sum, sum of squares]."""
    found: dict = {}
    for *_, kind, key, n, s1, s2 in store.months(quiz, first, last):
        now = found.setdefault((kind, key), [0, 0.0, 0.0])
        now[0], now[1], now[2] = now[0] + n, now[1] + s1, now[2] + s2
    return found


def test_one_migration_builds_exactly_the_declared_schema(store):
    migrate(store.engine)  # a second run changes nothing
    with store.engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT version_num FROM alembic_version")) == "0001"
        assert compare_metadata(MigrationContext.configure(conn), t.metadata) == []


def test_migrations_import_nothing_from_the_app():
    from quiz.store.database import MIGRATIONS

    for path in MIGRATIONS.rglob("*.py"):
        lines = [line.split() for line in path.read_text().splitlines() if line.startswith(("import ", "from "))]
        assert all(words[1].split(".")[0] != "quiz" for words in lines), path


def test_sqlite_runs_in_wal_mode(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 5000


def test_monthly_sums_match_the_stored_responses(store, records):
    store.save(records[:1])
    store.save(records[1:])
    found = sums(store)
    assert store.count() == len(records) == found[("responses", "")][0]
    assert {k: int(v[0]) for (kind, k), v in found.items() if kind == "outcome"} == Counter(r.outcome for r in records)
    assert found.get(("crisis", "true"), [0])[0] == sum(r.crisis for r in records)
    wellbeing = [r.scores["wellbeing"][1] for r in records]
    n, total, squares = found[("scale", "wellbeing")]
    assert n == len(records) and math.isclose(total / n, statistics.mean(wellbeing))
    assert math.isclose(squares, sum(w * w for w in wellbeing))
    assert sum(v[0] for (kind, key), v in found.items() if kind == "band" and key.startswith("wellbeing:")) == n
    phq9_3 = [r.answers["phq9_3"] for r in records if "phq9_3" in r.answers]
    assert found.get(("item", "phq9_3"), [0])[0] == len(phq9_3) and len(phq9_3) < len(records)


def test_sums_are_kept_by_month_version_and_site(store, bank, records):
    store.save(records)
    rows = store.months("coaching-fit", date(2025, 2, 1), date(2025, 2, 1))
    assert {row[0] for row in rows} == {date(2025, 2, 1)}
    responses = {(row[1], row[2]): row[5] for row in rows if row[3] == "responses"}
    assert responses == {(1, ""): 16, (1, "https://a.example"): 16}


def test_a_failed_save_stores_nothing(store, bank, records):
    with pytest.raises(sa.exc.IntegrityError):
        store.save([records[0], records[1], records[1]])  # the same id twice: the last insert fails
    assert store.count() == 0 and sums(store) == {}


def test_a_token_is_spent_once(store, bank):
    today = date(2025, 3, 1)
    assert store.spend("a" * 64, today) is True
    assert store.spend("a" * 64, today) is False
    assert store.spend("a" * 64, date(2025, 3, 2)) is False, "a spent token stays spent the next day"
    assert store.spend("b" * 64, today) is True


def test_a_token_and_the_responses_it_came_with_are_kept_all_or_nothing(store, records):
    today = date(2025, 3, 1)
    assert store.spend("e" * 64, today, records[:1]) is True
    assert store.spend("e" * 64, today, records[1:2]) is False, "a used token keeps nothing more"
    with pytest.raises(sa.exc.IntegrityError):
        store.spend("f" * 64, today, [records[2], records[2]])  # the same id twice: the save fails
    assert store.spend("f" * 64, today) is True, "a failed save leaves its token unused"
    assert store.count() == 1 and sums(store)[("responses", "")][0] == 1


def test_a_token_is_spent_once_when_four_threads_race(store):
    today = date(2025, 3, 1)
    results: list[bool] = []
    threads = [threading.Thread(target=lambda: results.append(store.spend("c" * 64, today))) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False, False, False, True]


def test_purge_keeps_funnel_counts_and_whole_months_sums(store, records):
    store.save(records)
    store.add_events({("coaching-fit", d, "intro", "started"): 2 for d in DAYS})
    store.spend("d" * 64, date(2025, 2, 1))
    gone = store.purge(date(2025, 2, 15), date(2025, 2, 2))
    assert gone == sum(1 for r in records if r.day < date(2025, 2, 15)) and store.count() == 32
    months = {row[0] for row in store.months("coaching-fit", date(2000, 1, 1), date(2100, 1, 1))}
    assert months == {date(2025, 2, 1), date(2025, 3, 1)}, "January is wholly past; February's sums stay whole"
    assert sums(store, first=date(2025, 2, 1), last=date(2025, 2, 1))[("responses", "")][0] == 32
    assert sum(n for *_, n in store.funnel("coaching-fit", date(2000, 1, 1), date(2100, 1, 1))) == 10
    assert store.spend("d" * 64, date(2025, 3, 1)) is True, "spent tokens older than two days go"


def test_funnel_counts_add_up(store):
    day = date(2025, 3, 3)
    store.add_events({("coaching-fit", day, "intro", "started"): 1})
    store.add_events({("coaching-fit", day, "intro", "started"): 2, ("coaching-fit", day, "mood", "step"): 1})
    assert sorted(store.funnel("coaching-fit", day, day)) == [(day, "intro", "started", 3), (day, "mood", "step", 1)]
    assert store.active("coaching-fit") == ([day], []) and store.quizzes() == ["coaching-fit"]


def test_settings_sessions_and_failures(store):
    store.save_settings({"booking_url": "https://a.example/book", "coach_name": "Sam"})
    store.save_settings({"coach_name": None})
    assert store.settings(["booking_url", "coach_name"]) == {"booking_url": "https://a.example/book"}
    store.open_session("s1", 100.0, "pw")
    store.open_session("s2", 200.0, "pw")
    assert store.session("s1") == (100.0, "pw")
    store.end_sessions(started_before=150.0)
    assert store.session("s1") is None and store.session("s2") is not None
    store.end_sessions(digest="s2")
    assert store.session("s2") is None
    for at in (10.0, 20.0, 30.0):
        store.fail("addr", at, forget_before=0.0)
    assert store.failures("addr", since=15.0) == 2 and store.failures("other", since=0.0) == 0
    store.fail("addr", 100.0, forget_before=25.0)
    assert store.failures("addr", since=0.0) == 2


def test_responses_stream_with_their_scores(store, records):
    store.save(records[:3])
    rows = list(store.responses())
    assert len(rows) == 3 and all(row["scores"]["wellbeing"][1] is not None for row in rows)
    assert {row["day"] for row in rows} <= set(DAYS) and "id" not in rows[0]
    weeks = store.site_weeks()
    assert sum(weeks.values()) == 3 and all(key[1].startswith("2025-W") for key in weeks)


@pytest.mark.parametrize(
    ("header", "offered", "expected"),
    [
        ("de-DE,de;q=0.9,en;q=0.8", ["en", "de"], "de"),
        ("en-GB", ["de", "en-GB", "en"], "en-GB"),
        ("en-US;q=0.5, fr", ["en", "fr-CA"], "en"),
        ("abc-XY", ["en"], "en"),
        ("de;q=0, en;q=0.1", ["de", "en"], "en"),
        ("*, x;q=nan, de;q=2", ["en", "de"], "en"),
        (None, ["en"], "en"),
    ],
)
def test_the_locale_is_one_the_bank_offers(header, offered, expected):
    assert best_locale(header, offered) == expected


def test_a_day_in_another_month_lands_in_its_own_month(store, bank):
    store.save([example_record(bank, 0, date(2025, 1, 31)), example_record(bank, 0, date(2025, 2, 1))])
    rows = store.months("coaching-fit", date(2025, 1, 1), date(2025, 2, 1))
    assert sorted(row[0] for row in rows if row[3] == "responses") == [date(2025, 1, 1), date(2025, 2, 1)]
