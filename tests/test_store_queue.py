"""The rollup queue: a save appends, a fold adds to the rollups exactly once, on SQLite and PostgreSQL."""

from __future__ import annotations

import math
import threading
import time
from collections import Counter
from datetime import date

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.config import Config

import quiz.store
from quiz.store import Filters, Rollup, Store, folding, writes
from quiz.store import tables as t
from quiz.store.database import MIGRATIONS, make_engine, migrate
from tests.storage_helpers import example_record, pg_url, reset_pg

DAYS = [date(2025, 1, 30), date(2025, 2, 3), date(2025, 2, 28), date(2025, 3, 1)]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.pg)])
def url(request, tmp_path):
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'queue.sqlite3'}"
    found = pg_url()
    reset_pg(found)
    return found


@pytest.fixture()
def store(url):
    engine = make_engine(url)
    migrate(engine)
    yield Store(engine, fold_every=10**9)
    engine.dispose()


def records(bank, n, seed=0):
    origins = [None, "https://a.example"]
    return [example_record(bank, seed + i, DAYS[(seed + i) % len(DAYS)], origins[i % 2]) for i in range(n)]


def queued(store):
    with store.engine.connect() as conn:
        return conn.scalar(sa.select(sa.func.count()).select_from(t.queue))


def stored_rollups(store):
    """Read every rollup row, all grains, as {table: {key: values}}."""
    found = {}
    with store.engine.connect() as conn:
        for table in t.ROLLUPS:
            keys = [c.name for c in table.columns if c.primary_key]
            rows = conn.execute(sa.select(table).order_by(*[table.c[k] for k in keys]))
            found[table.name] = {tuple(r[: len(keys)]): [float(v) for v in r[len(keys) :]] for r in rows}
    return found


def expected_rollups(saved):
    """Work out every rollup row in Python, from the records themselves."""
    rollup = Rollup()
    for r in saved:
        rollup.add(r)
    found = {}
    for table in t.ROLLUPS:
        width = len([c for c in table.columns if not c.primary_key])
        found[table.name] = {tuple(row[:-width]): [float(v) for v in row[-width:]] for row in rollup.rows(table.name)}
    return found


def assert_same(stored, expected):
    for name, rows in expected.items():
        assert set(stored[name]) == set(rows), name
        for key, values in rows.items():
            assert all(math.isclose(a, b, abs_tol=1e-6) for a, b in zip(stored[name][key], values, strict=True)), key


def test_a_save_queues_and_the_next_aggregate_counts_it(store, bank):
    saved = records(bank, 3)
    store.save(saved[:1])
    assert queued(store) == 1
    assert sum(store.aggregate(Filters()).outcomes.values()) == 1, "an aggregate right after a save includes it"
    assert queued(store) == 0
    store.save(saved[1:])
    assert store.choices()["quizzes"] == [bank.id]
    assert_same(stored_rollups(store), expected_rollups(saved))


def test_settle_folds_once_enough_responses_were_saved(store, bank):
    store.fold_every = 3
    saved = records(bank, 5)
    for i, r in enumerate(saved[:2]):
        store.save([r])
        assert store.settle() == 0 and queued(store) == i + 1
    store.save([saved[2]])
    assert store.settle() == 3
    assert queued(store) == 0
    store.save(saved[3:])
    assert store.fold() == 2
    assert_same(stored_rollups(store), expected_rollups(saved))


def test_a_long_queue_is_folded_in_several_transactions(store, bank, monkeypatch):
    monkeypatch.setattr(quiz.store, "FOLD_LIMIT", 2)
    saved = records(bank, 5)
    store.save(saved)
    with store.engine.begin() as conn:
        assert folding.fold(conn, 2) == 2
    assert queued(store) == 3
    assert store.fold() == 3
    assert queued(store) == 0
    assert_same(stored_rollups(store), expected_rollups(saved))


@pytest.mark.parametrize("limit", [None, 100])
def test_rows_another_fold_took_meanwhile_are_not_added_twice(tmp_path, bank, monkeypatch, limit):
    """On SQLite, between a fold's first read and its write lock, another fold takes those rows and a save adds one.

    (PostgreSQL takes and returns rows in one statement, so nothing can happen in between.)
    """
    engine = make_engine(f"sqlite:///{tmp_path / 'meanwhile.sqlite3'}")
    migrate(engine)
    store = Store(engine)
    saved = records(bank, 5)
    store.save(saved[:4])
    other = Store(store.engine)
    add_up = folding._rollup_of
    calls = []

    def meanwhile(rows):
        if not calls:  # the first adding up, after the first read and before the write lock
            calls.append(rows)
            monkeypatch.setattr(folding, "_rollup_of", add_up)  # the other fold adds up as usual
            other.fold()
            other.save(saved[4:])
        return add_up(rows)

    monkeypatch.setattr(folding, "_rollup_of", meanwhile)
    with store.engine.begin() as conn:
        taken = folding.fold(conn, limit)
    assert taken == (1 if limit is None else 0), "only the late save is this fold's to take, and only with no limit"
    monkeypatch.undo()
    store.fold()
    assert_same(stored_rollups(store), expected_rollups(saved))


def test_a_failed_fold_takes_nothing_from_the_queues(store, bank, monkeypatch):
    saved = records(bank, 4)
    store.save(saved)
    before = queued(store)

    def broken(conn, rollup):
        raise sa.exc.OperationalError("flush", {}, Exception("disk full"))

    monkeypatch.setattr(writes, "flush_rollup", broken)
    with pytest.raises(sa.exc.OperationalError):
        store.fold()
    assert queued(store) == before
    monkeypatch.undo()
    assert store.fold() == 4
    assert_same(stored_rollups(store), expected_rollups(saved))


def test_concurrent_saves_and_folds_add_every_response_exactly_once(store, bank):
    batches = [records(bank, 6, seed=10 * i) for i in range(8)]
    errors: list[BaseException] = []
    done = threading.Event()

    def saver(batch):
        try:
            for r in batch:
                store.save([r])
        except BaseException as exc:  # surfaced below; a thread's exception would vanish
            errors.append(exc)

    def folder():
        try:
            while not done.wait(0.005):  # fold often, but not in a tight loop that starves the savers of the lock
                store.fold()
        except BaseException as exc:
            errors.append(exc)

    folders = [threading.Thread(target=folder) for _ in range(2)]
    savers = [threading.Thread(target=saver, args=(b,)) for b in batches]
    for thread in folders + savers:
        thread.start()
    for thread in savers:
        thread.join()
    done.set()
    for thread in folders:
        thread.join()
    assert errors == []
    store.fold()
    saved = [r for b in batches for r in b]
    assert queued(store) == 0
    assert_same(stored_rollups(store), expected_rollups(saved))
    raw = store.aggregate(Filters())
    assert raw.outcomes == dict(Counter(r.outcome for r in saved))


def test_purge_folds_first_so_no_queued_row_outlives_its_response(store, bank):
    saved = records(bank, 8)
    store.save(saved)
    cutoff = date(2025, 2, 28)
    store.purge(cutoff)
    assert queued(store) == 0
    kept = [r for r in saved if r.day >= cutoff]
    raw = store.aggregate(Filters())
    assert sum(raw.outcomes.values()) == len(kept)
    assert sum(raw.outcomes.values()) == store.count(Filters())


def test_the_migration_keeps_rollups_and_funnel_counts(url, bank):
    engine = make_engine(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.upgrade(config, "0001")
    saved = records(bank, 6)
    rollup = Rollup()
    for r in saved:
        rollup.add(r)
    with engine.begin() as conn:
        for table in t.ROLLUPS:
            names = [c.name for c in table.columns]
            conn.execute(
                sa.insert(sa.table(table.name, *map(sa.column, names))),
                [dict(zip(names, row, strict=True)) for row in rollup.rows(table.name)],
            )
        conn.execute(
            sa.text(
                "INSERT INTO funnel (quiz_id, day, step, event, count)"
                " VALUES ('q', '2025-02-01', 'intro', 'started', 3)"
            )
        )
    migrate(engine)
    store = Store(engine)
    assert_same(stored_rollups(store), expected_rollups(saved))
    assert ("intro", "started", 3) in store.aggregate(Filters(quiz_id="q")).funnel_steps
    inspector = sa.inspect(engine)
    assert inspector.get_pk_constraint("daily_items")["constrained_columns"][:3] == ["grain", "quiz_id", "day"]
    assert inspector.get_pk_constraint("funnel")["constrained_columns"] == ["quiz_id", "event", "step", "day"]
    assert "queue" in inspector.get_table_names()
    engine.dispose()


def _alembic(engine, action, revision):
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        action(config, revision)


def test_the_move_to_one_queue_row_folds_what_the_five_queues_held(url, bank):
    engine = make_engine(url)
    _alembic(engine, command.upgrade, "0002")
    saved = records(bank, 6)
    with engine.begin() as conn:
        for r in saved:  # what a save under 0002 queued: one row per response and rollup key
            own = Rollup()
            own.add(r)
            for name, rows in own.tables.items():
                names = _queue_columns(name)
                table = sa.table(name.replace("daily_", "queue_"), *map(sa.column, names))
                conn.execute(sa.insert(table), [dict(zip(names, (r.id, *k, *v), strict=True)) for k, v in rows.items()])
    migrate(engine)
    store = Store(engine)
    assert_same(stored_rollups(store), expected_rollups(saved))
    names = set(sa.inspect(engine).get_table_names())
    assert "queue" in names and not names & {"response_items", "queue_outcomes", "queue_alpha"}
    engine.dispose()


def _queue_columns(name):
    table = next(r for r in t.ROLLUPS if r.name == name)
    return ["response_id", *(c.name for c in table.columns if c.name != "grain")]


def test_going_back_to_0002_refills_the_item_rows_from_the_answers(store, bank):
    saved = records(bank, 3)
    store.save(saved)
    with pytest.raises(RuntimeError, match="not empty"):
        _alembic(store.engine, command.downgrade, "0002")
    store.fold()
    _alembic(store.engine, command.downgrade, "0002")
    with store.engine.connect() as conn:
        items = conn.scalar(sa.text("SELECT count(*) FROM response_items"))
    assert items == sum(len(r.items) for r in saved) > 0
    migrate(store.engine)
    assert sum(store.aggregate(Filters()).outcomes.values()) == 3


def test_settle_leaves_the_queue_to_a_process_already_folding(store, bank):
    store.fold_every = 2
    other = Store(store.engine)
    with store.engine.begin() as conn:
        assert folding.claim(conn, time.time()), "the other process starts folding"
    store.save(records(bank, 2))
    assert store.settle() == 0 and queued(store) == 2, "no second process adds up the same queue"
    with store.engine.begin() as conn:
        folding.release(conn)
    assert other.fold() == 2
    store.save(records(bank, 2, seed=5))
    assert store.settle() == 2 and queued(store) == 0
    with store.engine.begin() as conn:
        assert folding.claim(conn, time.time()), "settle gave the lease back"
        assert not folding.claim(conn, time.time())
        assert folding.claim(conn, time.time() + folding.LEASE_SECONDS + 1), "a dead process's lease runs out"
