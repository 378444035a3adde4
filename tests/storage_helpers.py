"""Helpers the storage tests share: database URLs, scored example responses, brute-force expectations."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import date

import pytest
import sqlalchemy as sa

from quiz.bank.model import Bank
from quiz.engine import assess, check_answers, walk
from quiz.store import Record, record_from

DEFAULT_PG = "postgresql+psycopg://quiz:quiz@127.0.0.1:5432/quiz_test"


def pg_url() -> str:
    """Return a reachable PostgreSQL URL; skip (or fail under CI=true) when there is none."""
    url = os.environ.get("QUIZ_TEST_PG_URL", DEFAULT_PG)
    try:
        engine = sa.create_engine(url)
        with engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any failure to connect means "no server here"
        reason = f"no PostgreSQL server at {url.split('@')[-1]} ({type(exc).__name__}); set QUIZ_TEST_PG_URL"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        print(reason)
        pytest.skip(reason)
    return url


def reset_pg(url: str) -> None:
    """Drop every table so each PostgreSQL test starts from an empty schema."""
    engine = sa.create_engine(url)
    with engine.begin() as conn:
        conn.execute(sa.text("DROP SCHEMA public CASCADE"))
        conn.execute(sa.text("CREATE SCHEMA public"))
    engine.dispose()


def scored(bank: Bank, answers: dict[str, object]) -> tuple[object, object]:
    """Check and score answers the way the quiz does."""
    clean, errors = check_answers(bank, answers)
    assert not errors, errors
    kept = walk(bank, clean).answers
    return assess(bank, kept)


def example_record(bank: Bank, index: int, day: date, origin: str | None = None) -> Record:
    """Return the bank's golden example `index` (mod the count) as a record for the given day."""
    example = bank.examples[index % len(bank.examples)]
    scores, outcome = scored(bank, dict(example.answers))
    return record_from(bank, scores, outcome, day, origin, bank.locale)  # type: ignore[arg-type]


def varied_records(bank: Bank, plan: list[tuple[date, str | None, int, int]], seed: int = 1) -> list[Record]:
    """Return plausible, varied responses: `count` for each (day, site, bank version, count) of the plan."""
    from quiz import demo

    total = sum(count for *_, count in plan)
    pool = [record for record, _ in demo.respondents(bank, total, [None], seed=seed)]
    found = []
    for day, origin, version, count in plan:
        found += [replace(pool.pop(), day=day, origin=origin, bank_version=version) for _ in range(count)]
    return found
