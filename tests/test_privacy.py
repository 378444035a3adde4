"""Nothing identifying is stored, and no view of the dashboard, nor any pair of them, gives back anyone's answers."""

from __future__ import annotations

import itertools
import json
import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from answer_sets import THRIVING
from api_helpers import started
from werkzeug.security import generate_password_hash

from quiz import create_app
from quiz.coach import auth as coach_auth
from quiz.coach import views
from quiz.coach.filters import DIRECT, KINDS, parse_period
from tests.storage_helpers import varied_records
from tests.test_taker import Taker

ALLOWED = "https://coach.example"
OTHER = "https://blog.example"
IP = re.compile(r"\b\d{1,3}(\.\d{1,3}){3}\b|\b[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}\b", re.I)
EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[a-z]{2,}", re.I)
COLUMNS = {
    "responses": {
        "id",
        "quiz_id",
        "bank_version",
        "day",
        "locale",
        "origin",
        "outcome",
        "crisis",
        "consent",
        "careless",
        "flags",
        "answers",
    },
    "response_scores": {"response_id", "scale", "raw", "score", "answered", "total"},
    "monthly": {"quiz_id", "month", "bank_version", "origin", "kind", "key", "n", "total", "total_sq"},
    "funnel": {"quiz_id", "day", "step", "event", "count"},
    "settings": {"name", "value"},
    "coach_sessions": {"digest", "started", "password"},  # a hash of the cookie's token, never the token
    "login_failures": {"id", "digest", "at"},  # a keyed, daily-changing hash of the address, never the address
    "spent_tokens": {"digest", "day"},
    "alembic_version": {"version_num"},
}
PASSWORD = "correct horse battery"
TODAY = date(2025, 7, 2)


@pytest.fixture()
def app(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path / "instance"))
    return create_app({"TESTING": True, "SECRET_KEY": "test" * 32, "EMBED_ORIGINS": ALLOWED})


def _submit(client, bank, i, origin, consent=True, **headers):
    example = bank.examples[i % len(bank.examples)]
    return client.post(
        f"/api/v1/quizzes/{bank.id}/responses",
        json=started(
            client,
            {
                "answers": dict(example.answers),
                "consent": consent,
                "name": "Ada Lovelace",
                "email": "ada@example.org",
                "note": "I feel a lot of things today",
            },
            bank.id,
        ),
        headers={
            "User-Agent": "Mozilla/5.0 (X11; Linux x86_64) TestBrowser/1.0",
            "Origin": origin,
            "Referer": "https://coach.example/private/page?email=ada@example.org",
            "X-Forwarded-For": "203.0.113.7",
            "Cookie": "track=abc123",
            **headers,
        },
        environ_base={"REMOTE_ADDR": "198.51.100.23"},
    )


def _every_value(engine):
    with engine.connect() as conn:
        for table in sa.inspect(engine).get_table_names():
            columns = [c["name"] for c in sa.inspect(engine).get_columns(table)]
            for row in conn.execute(sa.text(f'SELECT * FROM "{table}"')):
                yield from ((table, column, value) for column, value in zip(columns, row, strict=True))


def test_nothing_identifying_is_stored(app, bank):
    client = app.test_client()
    for i in range(6):
        assert _submit(client, bank, i, ALLOWED if i % 2 else "https://evil.example").status_code == 200
    _submit(client, bank, 0, ALLOWED, consent=False)
    engine = app.extensions["quiz.store"].engine
    inspector = sa.inspect(engine)
    assert {t: {c["name"] for c in inspector.get_columns(t)} for t in inspector.get_table_names()} == COLUMNS
    seen = 0
    for table, column, value in _every_value(engine):
        seen += 1
        text = value if isinstance(value, str) else json.dumps(value, default=str)
        assert not IP.search(text) or column in ("day", "month"), (table, column, value)
        assert not EMAIL.search(text), (table, column, value)
        for needle in ("Mozilla", "TestBrowser", "Ada", "Lovelace", "abc123", "private", "feel"):
            assert needle not in text, (table, column, value)
        if "http" in text:
            assert column == "origin" and value == ALLOWED, (table, column, value)
        if isinstance(value, str) and column not in ("answers", "flags"):
            assert " " not in value, (table, column, value)  # ids and codes only, never sentences
    assert seen > 100
    with engine.connect() as conn:
        assert conn.scalar(sa.text("SELECT count(*) FROM responses")) == 6
        assert set(conn.scalars(sa.text("SELECT origin FROM responses"))) == {ALLOWED, None}


def test_answers_hold_only_numbers(app, bank):
    _submit(app.test_client(), bank, 0, ALLOWED)
    with app.extensions["quiz.store"].engine.connect() as conn:
        answers = json.loads(conn.scalar(sa.text("SELECT answers FROM responses")))
    for value in answers.values():
        assert isinstance(value, int) or all(isinstance(v, int) for v in value)


@pytest.mark.parametrize("where", ["page", "api"])
def test_a_link_cannot_tag_a_response_with_a_locale(app, bank, where):
    client = app.test_client(use_cookies=False)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "abc-XY, de-DE;q=0.9"
    if where == "api":
        assert _submit(client, bank, 0, ALLOWED).get_json()["stored"] is True
    else:
        Taker(client).finish(THRIVING, query="?locale=abc-XY")
    with app.extensions["quiz.store"].engine.connect() as conn:
        assert list(conn.scalars(sa.text("SELECT locale FROM responses"))) == ["en"]


# Seven months of answers that a coach could try to pick apart: two sites and two bank versions, quiet months, a
# site with a single response, and, as in the review that found the old leak, days with exactly one response.
PLAN = [
    (date(2024, 11, 18), None, 1, 9),
    (date(2024, 12, 2), ALLOWED, 1, 6),
    (date(2024, 12, 30), None, 1, 7),  # the week of 30 December runs into January
    (date(2025, 1, 6), None, 1, 14),
    (date(2025, 1, 20), ALLOWED, 1, 9),
    (date(2025, 1, 31), None, 1, 1),  # alone on the month's last day
    (date(2025, 2, 3), None, 1, 11),
    (date(2025, 2, 12), ALLOWED, 2, 7),
    (date(2025, 2, 27), OTHER, 2, 1),  # a site with one response: February cannot be split by site
    (date(2025, 3, 14), None, 1, 3),  # a quiet month, left out of everything
    (date(2025, 4, 1), None, 1, 1),
    (date(2025, 4, 2), None, 2, 12),
    (date(2025, 4, 9), ALLOWED, 2, 8),
    (date(2025, 5, 5), ALLOWED, 1, 6),
    (date(2025, 5, 6), None, 1, 5),
    (date(2025, 5, 30), None, 2, 1),
]


@pytest.fixture(scope="module")
def coach(tmp_path_factory, bank):
    """Return a signed-in client over the plan's responses, and the responses."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("QUIZ_INSTANCE_PATH", str(tmp_path_factory.mktemp("privacy") / "instance"))
        mp.setattr(views, "today", lambda: TODAY)
        app = create_app({"TESTING": True, "SECRET_KEY": "test" * 32, "EMBED_ORIGINS": f"{ALLOWED} {OTHER}"})
        # A one-round hash keeps the login quick; the check itself is the production code.
        coach_auth.password_file(app.instance_path).write_text(generate_password_hash(PASSWORD, "pbkdf2:sha256:1"))
        records = varied_records(bank, PLAN, seed=11)
        store = app.extensions["quiz.store"]
        store.save(records)
        store.add_events({(bank.id, r.day, "intro", "started"): 2 for r in records})
        client = app.test_client()
        page = client.get("/coach/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post("/coach/login", data={"csrf_token": token, "password": PASSWORD})
        yield client, records


@pytest.fixture(scope="module")
def offered(coach):
    """Return every view the dashboard offers over the plan."""
    return offered_views(coach[0])


def offered_views(client):
    """Fetch summary.json for every period and filter the dashboard offers; return (query, view) pairs."""
    found = []
    for kind in KINDS:
        for period in client.get(f"/coach/summary.json?kind={kind}").get_json().get("choices", {}).get("periods", []):
            base = {"kind": kind, "period": period}
            first = client.get("/coach/summary.json", query_string=base).get_json()
            found.append((base, first))
            filters = [{"site": s} for s in first["choices"]["sites"]]
            for query in filters + [{"version": v} for v in first["choices"]["versions"]]:
                view = client.get("/coach/summary.json", query_string={**base, **query}).get_json()
                assert not view["errors"], (query, view["errors"])
                found.append(({**base, **query}, view))
    return found


def counts(view):
    """Return every count a view shows, by name."""
    found = {"kept": view.get("kept"), "crisis": view.get("crisis"), "careless": view.get("careless")}
    found |= {f"outcome:{o['id']}": o["n"] for o in view.get("outcomes", [])}
    found |= {f"hardest:{a['id']}": a["hardest"] for a in view.get("areas", [])}
    for s in view.get("scales", []):
        found |= {f"scale:{s['id']}": s["n"]} | {f"band:{s['id']}:{i}": n for i, n in enumerate(s["bands"])}
    found |= {f"item:{q['id']}": q["n"] for q in view.get("questions", [])}
    found |= {f"alpha:{r['id']}": r["n"] for r in view.get("reliability", [])}
    found |= {f"map:{y}:{x}": n for y, row in enumerate(view.get("map", [])) for x, n in enumerate(row)}
    return {name: n for name, n in found.items() if n is not None}


def means(view):
    """Return (n, mean) of every question a view shows."""
    return {q["id"]: (q["n"], q["mean"]) for q in view.get("questions", []) if q["mean"] is not None}


def within(inner, outer):
    """Say whether every response in view `inner` is also in view `outer`, from what the views are."""
    a, b = parse_period(inner["period"]), parse_period(outer["period"])
    same_filter = all(outer.get(f) in (None, inner.get(f)) for f in ("site", "version"))
    return b.start <= a.start and a.end <= b.end and same_filter


def test_the_dashboard_offers_whole_periods_only_and_no_open_one(coach, offered):
    client, _ = coach
    views_ = offered
    kinds = {query["kind"] for query, _ in views_}
    assert kinds == set(KINDS) and len(views_) > 15
    for query, view in views_:
        period = parse_period(view["period"]["id"])
        assert period.end < TODAY - timedelta(days=1), "a period still open could change between two looks"
        assert view["period"]["kind"] == query["kind"]
    answered = [v for _, v in views_ if v["answers_shown"]]
    assert any(v["filter"]["site"] for v in answered) and any(v["filter"]["version"] for v in answered)
    assert all(not v["answers_shown"] for _, v in views_ if v["period"]["kind"] == "week")
    arbitrary = client.get("/coach/summary.json?start=2025-01-01&end=2025-01-30").get_json()
    assert arbitrary["period"]["kind"] == "month", "a day range is not a view the dashboard offers"


def test_no_cell_of_any_view_counts_one_to_k_minus_one(offered):
    for query, view in offered:
        for name, n in counts(view).items():
            assert n == 0 or n >= view["k"], (query, name, n)
        kept = view.get("kept") or 0
        hidden = kept - sum(o["n"] or 0 for o in view.get("outcomes", []))
        assert hidden == 0 or hidden >= view["k"], (query, "outcomes worked out by subtraction")
        for s in view.get("scales", []):
            if s["n"] is not None:
                rest = s["n"] - sum(n or 0 for n in s["bands"])
                assert rest == 0 or rest >= view["k"], (query, s["id"], "a band worked out by subtraction")


def test_no_pair_of_views_gives_back_anyones_answers(coach, offered):
    _, records = coach
    views_ = offered
    answers = [r.answers for r in records]
    for (qa, a), (qb, b) in itertools.permutations(views_, 2):
        if within(qb, qa):
            # B's people are all among A's: every difference is a group of people who are in A and not in B.
            ca, cb = counts(a), counts(b)
            for name in ca.keys() & cb.keys():
                gap = ca[name] - cb[name]
                assert gap == 0 or gap >= a["k"], (qa, qb, name, gap)
        # The review's attack: n * mean of one view minus n * mean of the other, where the n differ by one.
        ma, mb = means(a), means(b)
        recovered = {
            item: round(ma[item][0] * ma[item][1] - mb[item][0] * mb[item][1], 6)
            for item in ma.keys() & mb.keys()
            if ma[item][0] - mb[item][0] == 1
        }
        if len(recovered) >= 5:
            assert not any(all(r.get(i) == v for i, v in recovered.items()) for r in answers), (qa, qb, recovered)
    assert len(views_) > 15, "the pairs above must cover every kind of view"


def test_the_attack_would_work_on_unprotected_sums(coach, bank):
    """The check above can fail: two plain sums that differ by the lone response of 31 January give it back."""
    _, records = coach
    january = [r for r in records if r.day.month == 1]
    lone = next(r for r in january if r.day == date(2025, 1, 31))
    before = [r for r in january if r is not lone]
    recovered = {
        q: sum(r.answers[q] for r in january if isinstance(r.answers.get(q), int))
        - sum(r.answers[q] for r in before if isinstance(r.answers.get(q), int))
        for q in bank.questions
        if isinstance(lone.answers.get(q), int)
    }
    assert all(lone.answers[q] == v for q, v in recovered.items()) and len(recovered) >= 30


def test_months_with_fewer_than_k_are_left_out_the_same_everywhere(coach):
    client, records = coach
    quarter = client.get("/coach/summary.json?kind=quarter&period=2025-Q1").get_json()
    months = [client.get(f"/coach/summary.json?kind=month&period=2025-0{m}").get_json() for m in (1, 2)]
    assert quarter["left_out_months"] == 1  # March, with 3 responses
    assert quarter["kept"] == sum(m["kept"] for m in months) == sum(1 for r in records if r.day.month in (1, 2))
    march = client.get("/coach/summary.json?kind=month&period=2025-03").get_json()
    assert march["left_out_months"] == 1 and march["kept"] == 0 and march["outcomes"] == []


def test_a_site_filter_only_where_every_site_has_k(coach):
    client, _ = coach
    january = client.get("/coach/summary.json?kind=month&period=2025-01").get_json()
    assert january["choices"]["sites"] == [DIRECT, ALLOWED]
    february = client.get("/coach/summary.json?kind=month&period=2025-02").get_json()
    assert february["choices"]["sites"] == [] and february["choices"]["versions"] == []
    refused = client.get(f"/coach/summary.json?kind=month&period=2025-02&site={OTHER}").get_json()
    assert refused["errors"]["site"] and refused["filter"]["site"] is None and refused["kept"] == february["kept"]
