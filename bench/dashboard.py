"""Fill anonymous responses into SQLite and time the dashboard: its overview's aggregates, /coach/ and summary.json.

Run: python bench/dashboard.py [--responses 1000000] [--keep DIR]
Targets at 1,000,000 responses: the overview's aggregates <= 100 ms, /coach/ <= 1 s.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # bench/http.py would otherwise shadow the standard library's http

import numpy as np  # noqa: E402

from quiz import create_app, demo  # noqa: E402
from quiz.coach import auth as coach_auth  # noqa: E402
from quiz.coach import filters, summary  # noqa: E402
from quiz.store import writes  # noqa: E402
from quiz.store.records import monthly_rows  # noqa: E402

QUIZZES = {"coaching-fit": 0.6, "coaching-fit-team": 0.3, "coaching-fit-short": 0.1}
ORIGINS = [None, "https://coach.example", "https://blog.example"]
DAYS = 730
PROFILES = 1000
BATCH = 50_000
HEAD = ("id", "quiz_id", "bank_version", "day", "locale", "origin", "outcome", "crisis", "consent", "careless")


def banks_dir(folder: Path) -> Path:
    """Write the default bank under three quiz ids, as a coach with three embeds would have."""
    source = (ROOT / "questions" / "coaching-fit.yaml").read_text()
    for quiz in QUIZZES:
        (folder / f"{quiz}.yaml").write_text(re.sub(r"(?m)^id: coaching-fit$", f"id: {quiz}", source))
    return folder


def fill(app, n, rng):
    """Insert n responses through the driver, then their monthly sums (profile counts times contributions)."""
    banks = app.extensions["quiz.banks"]
    pool = {q: [r for r, _ in demo.respondents(banks[q], PROFILES, [None], seed=rng.random())] for q in QUIZZES}
    engine = app.extensions["quiz.store"].engine
    today = date.today()
    counts: defaultdict[tuple, Counter] = defaultdict(Counter)  # (quiz, month, origin) -> profile -> responses
    started = time.perf_counter()
    ids = sorted(os.urandom(16).hex()[:22] for _ in range(n))  # id order: fast B-tree appends
    for lo in range(0, n, BATCH):
        heads, scores, days = [], [], Counter()
        for rid in ids[lo : lo + BATCH]:
            quiz = rng.choices(list(QUIZZES), list(QUIZZES.values()))[0]
            p = rng.randrange(PROFILES)
            day = today - timedelta(days=int(rng.triangular(0, DAYS, 0)))
            r = dataclasses.replace(pool[quiz][p], id=rid, day=day, origin=rng.choice(ORIGINS))
            heads.append((*(getattr(r, h) for h in HEAD[:3]), day.isoformat(), *(getattr(r, h) for h in HEAD[4:])))
            heads[-1] += (json.dumps(list(r.flags)), json.dumps(dict(r.answers)))
            scores += [(rid, s, raw, sc, a, t) for s, (raw, sc, a, t) in r.scores.items()]
            counts[(quiz, day.replace(day=1), r.origin or "")][p] += 1
            days[(quiz, day)] += 1
        with engine.begin() as conn:
            marks = ", ".join("?" * (len(HEAD) + 2))
            conn.exec_driver_sql(f"INSERT INTO responses ({', '.join(HEAD)}, flags, answers) VALUES ({marks})", heads)
            conn.exec_driver_sql("INSERT INTO response_scores VALUES (?, ?, ?, ?, ?, ?)", scores)
            writes.add_events(conn, funnel(days))
        done = f"{min(lo + BATCH, n):,} responses ({time.perf_counter() - started:.0f} s)"
        print(f"\r  inserted {done}", end="", flush=True)
    with engine.begin() as conn:
        for quiz in QUIZZES:
            rows = monthly(quiz, pool[quiz], {k: v for k, v in counts.items() if k[0] == quiz})
            names = ("quiz_id", "month", "bank_version", "origin", "kind", "key", "n", "total", "total_sq")
            conn.execute(writes.t.monthly.insert(), [dict(zip(names, row, strict=True)) for row in rows])
    print(f"\n  filled in {time.perf_counter() - started:.0f} s")


def monthly(quiz, profiles, counts):
    """Return the monthly rows as (groups x profile counts) @ (profiles x contributions), which adding up is."""
    per = [{(k, key): (c, s, s2) for *_, k, key, c, s, s2 in monthly_rows(r)} for r in profiles]
    keys = sorted({cell for p in per for cell in p})
    contrib = np.zeros((PROFILES, len(keys) * 3))
    for i, p in enumerate(per):
        for j, cell in enumerate(keys):
            if cell in p:
                contrib[i, j * 3 : j * 3 + 3] = p[cell]
    groups = list(counts)
    matrix = np.zeros((len(groups), PROFILES))
    for g, group in enumerate(groups):
        for p, c in counts[group].items():
            matrix[g, p] = c
    sums = matrix @ contrib
    rows = []
    for g, (_, month, origin) in enumerate(groups):
        for j, (kind, key) in enumerate(keys):
            n, s, s2 = sums[g, j * 3 : j * 3 + 3]
            if n:
                rows.append((quiz, month, 1, origin, kind, key, int(n), float(s), float(s2)))
    return rows


def funnel(days):
    """Return funnel counts in proportion to the kept responses: some people stop early, some do not keep."""
    events = Counter()
    for (quiz, day), n in days.items():
        events[(quiz, day, "intro", "started")] += round(n * 1.4)
        for i, step in enumerate(("life_now", "mood", "wellbeing", "day_to_day", "change", "parts")):
            events[(quiz, day, step, "step")] += round(n * (1.35 - 0.05 * i))
        events[(quiz, day, "result", "finished")] += round(n * 1.1)
        events[(quiz, day, "result", "cta")] += round(n * 0.25)
    return events


def timed(fn, runs=5):
    """Return the median wall time of fn in milliseconds."""
    fn()
    found = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        found.append((time.perf_counter() - start) * 1000)
    return statistics.median(found)


def overview(app, store, kind):
    """Read and add up what the overview of the latest whole period shows, as the dashboard does first."""
    days, months = store.active("coaching-fit")
    period = filters.periods(kind, [*days, *months], date.today())[0]
    bank = app.extensions["quiz.banks"]["coaching-fit"]
    k = int(app.config["MIN_GROUP_SIZE"])
    return summary.overview_view(bank, store, "coaching-fit", period, k, {"site": None, "version": None})


def measure(app):
    """Print the overview's aggregate time, the page's and summary.json's, for a month and for a year."""
    store = app.extensions["quiz.store"]
    print(f"responses stored: {store.count():,}")
    with app.app_context():
        for kind in ("month", "year"):
            ms = timed(lambda k=kind: overview(app, store, k))
            print(f"overview aggregates, latest whole {kind:<5} {ms:7.1f} ms   (target 100)")
    client = app.test_client()
    coach_auth.set_password(app.instance_path, "bench password 123")
    page = client.get("/coach/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    client.post("/coach/login", data={"csrf_token": token, "password": "bench password 123"})
    for path in ("/coach/", "/coach/?kind=year", "/coach/summary.json", "/coach/summary.json?kind=year"):
        assert client.get(path).status_code == 200, path
        print(f"{path:<38} {timed(lambda p=path: client.get(p), runs=3):7.1f} ms")


def main() -> None:
    """Fill (or reuse) the database and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--responses", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="Folder to keep the database in, and reuse when filled.")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="quiz-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "banks").mkdir(exist_ok=True)
    os.environ["QUIZ_INSTANCE_PATH"] = str(folder / "instance")
    filled = (folder / "instance" / "quiz.sqlite3").exists()
    config = {
        "BANKS_DIR": str(banks_dir(folder / "banks")),
        "SECRET_KEY": "bench" * 32,
        "LOGIN_LIMIT": "1000 per minute",
    }
    app = create_app({**config, "EMBED_ORIGINS": " ".join(o for o in ORIGINS if o)})
    if not filled:
        print(f"filling {args.responses:,} responses into {folder}/instance/quiz.sqlite3 …")
        fill(app, args.responses, random.Random(7))
    measure(app)


if __name__ == "__main__":
    main()
