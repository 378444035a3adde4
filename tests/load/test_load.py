"""Bounded load and crash tests against a real `quiz serve` on 127.0.0.1: nothing acknowledged is ever lost."""

from __future__ import annotations

import http.client
import random
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from .conftest import Server

pytestmark = pytest.mark.load

QUIZ = "/api/v1/quizzes/coaching-fit/responses"
START = "/api/v1/quizzes/coaching-fit/start"
TOTAL, CONCURRENCY, DEADLINE = 2000, 16, 60.0


def answers(rng: random.Random) -> dict[str, object]:
    """Return a complete, plausible answer set for the default bank's always-shown questions."""
    found: dict[str, object] = {
        f"lg_{a}_{k}": rng.randint(0, 10)
        for a in ("work", "partner", "family", "friends", "health")
        for k in ("sat", "imp")
    }
    found.update({q: rng.randint(0, 1) for q in ("gad2_1", "gad2_2", "phq2_1", "phq2_2")})
    found["phq9_9"] = 0
    found.update({f"who5_{i}": rng.randint(3, 5) for i in range(1, 6)})
    found.update({q: rng.randint(0, 2) for q in ("fn_work", "fn_home", "fn_social", "fn_close")})
    found.update(readiness_importance=rng.randint(4, 10), readiness_confidence=rng.randint(0, 10))
    found.update(ptsd_event=0, audit_1=0)
    parts = (
        "res_stall",
        "res_fear_loss",
        "res_slide_back",
        "res_old_hurt",
        "res_numb",
        "self_curious",
        "self_calm",
        "self_kind",
    )
    found.update({q: rng.randint(0, 4) for q in parts})
    # A phq2 total of 3 or more opens the follow-ups; keep the set complete by answering them too.
    found.update({f"phq9_{i}": rng.randint(0, 3) for i in range(3, 9)})
    found.update({f"gad7_{i}": rng.randint(0, 3) for i in range(3, 8)})
    found["phq_difficulty"] = rng.randint(0, 3)
    return found


def fire(server: Server, total: int, stop: Callable[[], bool] = lambda: False) -> tuple[list[str], list[str]]:
    """Send up to `total` stored submissions over CONCURRENCY connections; return acknowledged ids and errors."""
    acked: list[str] = []
    errors: list[str] = []
    lock = threading.Lock()
    left = iter(range(total))
    deadline = time.monotonic() + DEADLINE

    def worker(seed: int) -> None:
        rng = random.Random(seed)
        while time.monotonic() < deadline and not stop():
            with lock:
                if next(left, None) is None:
                    return
            try:
                token = server.request("GET", START)[1].get("token")
                status, body = server.request("POST", QUIZ, {"answers": answers(rng), "consent": True, "token": token})
            except (OSError, http.client.HTTPException) as exc:  # a kill can cut a response mid-body: not acknowledged
                with lock:
                    errors.append(f"{type(exc).__name__}: {exc}")
                continue
            with lock:
                if status == 200 and body.get("stored") is True and body.get("id"):
                    acked.append(body["id"])
                else:
                    errors.append(f"{status}: {str(body)[:200]}")

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(CONCURRENCY)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return acked, errors


def stored_ids(instance: Path) -> set[str]:
    """Read the ids of every stored response straight from the SQLite file."""
    with sqlite3.connect(instance / "quiz.sqlite3") as conn:
        return {row[0] for row in conn.execute("SELECT id FROM responses")}


def integrity(instance: Path) -> str:
    """Return SQLite's integrity check verdict for the instance database."""
    with sqlite3.connect(instance / "quiz.sqlite3") as conn:
        return str(conn.execute("PRAGMA integrity_check").fetchone()[0])


def test_load_stores_exactly_the_acknowledged_responses(server):
    started = time.monotonic()
    acked, errors = fire(server, TOTAL)
    took = time.monotonic() - started
    print(f"\nload: {len(acked)} stored submissions in {took:.1f} s over {CONCURRENCY} connections")
    assert errors == [], errors[:5]
    assert len(acked) == TOTAL and len(set(acked)) == TOTAL
    assert stored_ids(server.instance) == set(acked)


def test_kill_during_load_loses_no_acknowledged_response(server):
    killed = threading.Event()

    def kill_soon() -> None:
        time.sleep(1.5)
        server.kill()
        killed.set()

    threading.Thread(target=kill_soon).start()
    acked, errors = fire(server, TOTAL, stop=killed.is_set)
    killed.wait(10)
    assert acked, "the server acknowledged nothing before it was killed; the test proves nothing"
    assert errors, "the kill happened after the load finished; the test proves nothing"
    server.start()
    assert server.request("GET", "/healthz")[0] == 200
    print(f"\ncrash: killed after {len(acked)} acknowledged submissions; {len(errors)} in flight failed")
    assert integrity(server.instance) == "ok"
    assert set(acked) <= stored_ids(server.instance)
