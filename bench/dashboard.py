"""Fill 1,000,000 anonymous responses into SQLite and time the dashboard's aggregates, its page and the export.

Run: python bench/dashboard.py [--responses 1000000] [--keep DIR]
Targets: aggregates <= 50 ms for one quiz and <= 250 ms over all quizzes; /coach/ <= 1 s; export growth <= 50 MB.
"""

from __future__ import annotations

import argparse
import dataclasses
import itertools
import os
import random
import re
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections import Counter, defaultdict
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[0] = str(ROOT)  # bench/http.py would otherwise shadow the standard library's http

import numpy as np  # noqa: E402

from quiz import create_app, demo  # noqa: E402
from quiz.coach import auth as coach_auth  # noqa: E402
from quiz.coach import export as exporting  # noqa: E402
from quiz.store import Filters, Rollup  # noqa: E402
from quiz.store import tables as t  # noqa: E402
from quiz.store.records import GRAINS, VALUE_NAMES  # noqa: E402
from quiz.store.stats import period_start  # noqa: E402
from quiz.store.writes import HEAD_COLUMNS, SCORE_COLUMNS, add_events, insert_many, row_values  # noqa: E402

QUIZZES = {"coaching-fit": 0.6, "coaching-fit-team": 0.3, "coaching-fit-short": 0.1}
ORIGINS = [None, "https://coach.example", "https://blog.example"]
DAYS = 730
PROFILES = 1000
BATCH = 50_000
TRACED_ROWS = 200_000


def banks_dir(folder: Path) -> Path:
    """Write the default bank under three quiz ids, as a coach with three embeds would have."""
    source = (ROOT / "questions" / "coaching-fit.yaml").read_text()
    for quiz in QUIZZES:
        (folder / f"{quiz}.yaml").write_text(re.sub(r"(?m)^id: coaching-fit$", f"id: {quiz}", source))
    return folder


def profiles(bank, rng):
    """Score a pool of synthetic respondents once; the million responses reuse them."""
    return list(demo.respondents(bank, PROFILES, ORIGINS, seed=rng.random()))


def fill(app, n, rng):
    """Insert n responses in id order (fast B-tree appends), then their rollups and funnel counts."""
    banks = app.extensions["quiz.banks"]
    pool = {q: profiles(banks[q], rng) for q in QUIZZES}
    engine = app.extensions["quiz.store"].engine
    today = date.today()
    ids = sorted(os.urandom(16).hex()[:22] for _ in range(n))
    quiz_ids, weights = list(QUIZZES), list(QUIZZES.values())
    counts = defaultdict(Counter)  # (grain, day, quiz, origin) -> profile -> responses
    finished = Counter()
    started = time.perf_counter()
    for lo in range(0, n, BATCH):
        heads, scores = [], []
        for rid in ids[lo : lo + BATCH]:
            quiz = rng.choices(quiz_ids, weights)[0]
            p = rng.randrange(PROFILES)
            day = today - timedelta(days=int(rng.triangular(0, DAYS, 0)))
            origin = rng.choice(ORIGINS)
            record = dataclasses.replace(pool[quiz][p][0], id=rid, day=day, origin=origin)
            head, s = row_values(record)
            heads.append(head)
            scores += s
            for key in ((g, period_start(g, day)) for g in GRAINS):
                counts[(*key, quiz, origin or "")][p] += 1
            finished[(quiz, day)] += 1
        with engine.begin() as conn:
            insert_many(conn, t.responses, HEAD_COLUMNS, heads)
            insert_many(conn, t.response_scores, SCORE_COLUMNS, scores)
        print(
            f"\r  inserted {min(lo + BATCH, n):,} responses ({time.perf_counter() - started:.0f} s)", end="", flush=True
        )
    print()
    with engine.begin() as conn:
        rollups(conn, pool, counts)
        add_events(conn, funnel(finished, pool))
    print(f"  filled in {time.perf_counter() - started:.0f} s")


def rollups(conn, pool, counts):
    """Write the rollups as (group x profile counts) @ (profile x contribution), which adding is."""
    for quiz in QUIZZES:
        groups = [g for g in counts if g[2] == quiz]
        matrix = np.zeros((len(groups), PROFILES))
        for gi, g in enumerate(groups):
            for p, c in counts[g].items():
                matrix[gi, p] = c
        per_profile = [profile_sums(record) for record, _ in pool[quiz]]
        for table in t.ROLLUPS:
            insert_many(
                conn, table, tuple(c.name for c in table.columns), table_rows(table, groups, matrix, per_profile)
            )


def profile_sums(record):
    """Return what one respondent adds to each rollup table, keyed by the table's extra keys."""
    r = Rollup()
    r.add(dataclasses.replace(record, day=date(2000, 1, 3), origin=None))
    return {name: {k[4:]: v for k, v in rows.items()} for name, rows in r.tables.items()}


def table_rows(table, groups, matrix, per_profile):
    """Return one rollup table's rows for every group."""
    keys = sorted({k for prof in per_profile for k in prof[table.name]}, key=str)
    width = len(VALUE_NAMES[table.name])
    contrib = np.zeros((PROFILES, len(keys) * width))
    for p, prof in enumerate(per_profile):
        for ki, k in enumerate(keys):
            if k in prof[table.name]:
                contrib[p, ki * width : (ki + 1) * width] = prof[table.name][k]
    sums = matrix @ contrib
    rows = []
    for gi, (grain, day, q, origin) in enumerate(groups):
        for ki, k in enumerate(keys):
            values = sums[gi, ki * width : (ki + 1) * width]
            if values.any():
                rows.append((grain, day.isoformat(), q, 1, origin, *k, *[float(v) for v in values]))
    return rows


def funnel(finished, pool):
    """Return funnel counts in proportion to the finished responses: some people stop early."""
    events = Counter()
    for (quiz, day), n in finished.items():
        events[(quiz, day, "intro", "started")] += round(n * 1.4)
        for i, step in enumerate(("life_now", "mood", "wellbeing", "day_to_day", "change", "parts")):
            events[(quiz, day, step, "step")] += round(n * (1.35 - 0.05 * i))
        events[(quiz, day, "result", "finished")] += n
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


def measure(app):
    """Print the aggregate, page and export figures."""
    store = app.extensions["quiz.store"]
    recent = Filters(start=date.today() - timedelta(days=89), end=date.today())
    for quiz in QUIZZES:
        ms = timed(lambda q=quiz: store.aggregate(Filters(quiz_id=q)))
        ms90 = timed(lambda q=quiz: store.aggregate(dataclasses.replace(recent, quiz_id=q)))
        print(f"aggregate, quiz {quiz:<20} all time {ms:7.1f} ms   last 90 days {ms90:7.1f} ms   (target 50)")
    print(f"aggregate, all quizzes, all time     {timed(lambda: store.aggregate(Filters())):7.1f} ms   (target 250)")
    print(f"aggregate, all quizzes, last 90 days {timed(lambda: store.aggregate(recent)):7.1f} ms")
    client = app.test_client()
    coach_auth.set_password(app.instance_path, "bench password 123")
    page = client.get("/coach/login")
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    client.post("/coach/login", data={"csrf_token": token, "password": "bench password 123"})
    for query in ("", "?quiz=coaching-fit", f"?start={recent.start}&end={recent.end}"):
        ms = timed(lambda q=query: client.get("/coach/" + q), runs=3)
        print(f"/coach/{query:<40} {ms:7.1f} ms   (target 1000)")
    export(store, list(app.extensions["quiz.banks"].values()))


def export(store, banks):
    """Time the full CSV export; trace its Python allocations over a sample (tracing slows Python ~4x)."""
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    for _ in exporting.csv_chunks(itertools.islice(store.export(Filters()), TRACED_ROWS), banks):
        pass
    peak = tracemalloc.get_traced_memory()[1] - base
    tracemalloc.stop()
    print(f"export, first {TRACED_ROWS:,} rows under tracemalloc: peak Python memory growth {peak / 1e6:.1f} MB")
    Path("/proc/self/clear_refs").write_text("5")  # reset the peak-RSS mark, so VmHWM below is this export's
    rss = _status("VmRSS")
    start, size = time.perf_counter(), 0
    for chunk in exporting.csv_chunks(store.export(Filters()), banks):
        size += len(chunk)
    rows = store.count(Filters())
    print(
        f"export, all {rows:,} rows: {size / 1e6:.0f} MB of CSV in {time.perf_counter() - start:.0f} s, "
        f"peak RSS growth {(_status('VmHWM') - rss) / 1e3:.1f} MB   (target 50)"
    )


def _status(field):
    """Return a /proc/self/status figure in kB."""
    line = next(x for x in Path("/proc/self/status").read_text().splitlines() if x.startswith(field + ":"))
    return int(line.split()[1])


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
    app = create_app(
        {
            "BANKS_DIR": str(banks_dir(folder / "banks")),
            "SECRET_KEY": "bench" * 32,
            "EMBED_ORIGINS": " ".join(o for o in ORIGINS if o),
            "LOGIN_LIMIT": "1000 per minute",
        }
    )
    if not filled:
        print(f"filling {args.responses:,} responses into {folder}/instance/quiz.sqlite3 …")
        fill(app, args.responses, random.Random(7))
    measure(app)


if __name__ == "__main__":
    main()
