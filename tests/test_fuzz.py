"""Fuzz every public endpoint: never a 5xx, every 4xx explains itself, and a rejected request stores nothing."""

from __future__ import annotations

import base64
import gzip
import json
import re
import time
from dataclasses import dataclass, field
from functools import cache
from html import unescape
from pathlib import Path
from types import SimpleNamespace
from typing import Any, NamedTuple
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
from answer_sets import THRIVING
from api_helpers import started
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict
from werkzeug.http import parse_accept_header
from werkzeug.security import generate_password_hash

from quiz import create_app
from quiz.catalog import load_catalog
from quiz.coach import auth as coach_auth
from quiz.engine import check_answers, walk
from quiz.store import tables as t
from quiz.web import tokens
from quiz.web.pages import CHECK_STEP
from quiz.web.tokens import FORM_INFO, STATE_INFO, QuizState, Sealer, Tokens

FUZZ = settings(
    max_examples=1000,  # per endpoint family, locally and in CI alike
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "static" / "embed.js"
QUIZ = "coaching-fit"
INTRO = f"/q/{QUIZ}"
STEP = f"/q/{QUIZ}/next"
SECRET = "fuzz-secret-" * 4
OTHER_SECRET = "another-secret" * 4
PASSWORD = "fuzzing the coach door"
EMBED_ORIGIN = "https://coach.example"
OWN_ORIGIN = "http://localhost"
BOOKING = "https://coach.example/book"
HIDDEN = re.compile(r'<input type="hidden" name="(token|state)" value="([^"]*)">')
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
PROPS = r"(--[a-z-]+:[^;{}<>()\\@/]+;)+"
CSS = re.compile(
    rf":root\{{color-scheme:(light|dark);{PROPS}\}}\n"
    rf"(@media \(prefers-color-scheme: dark\)\{{:root\{{color-scheme:dark;{PROPS}\}}\}}\n)?"
)
# Glued into hostile values: no validator accepts "<", quotes or ">", so these letters must never come back.
MARK = "fzq7"
MARKED = f"{MARK}<\"'>"

BANK = load_catalog([ROOT / "questions"])[QUIZ]
QUESTIONS = [q for s in BANK.sections for q in s.questions]
OPTIONS = {q.id: tuple(o.value for o in BANK.response_of(q).choices) for q in QUESTIONS}
MULTI = frozenset(q.id for q in QUESTIONS if q.kind == "multi")
CONTROL_FIELDS = frozenset({"token", "state", "website", "action", "consent"})

NASTY = [
    "",
    " ",
    "0",
    "-1",
    "+1",
    "1.0",
    "1e3",
    "0x1",
    "1_0",
    "٣",
    "３",
    "NaN",
    "true",
    "null",
    "[]",
    "{}",
    "\x00",
    "\r\n",
    "\u202e",
    "😀",
    "<script>alert(1)</script>",
    "</style><script>alert(1)</script>",
    "red;}body{background:url(//evil.example/x)}",
    "#fff;}:root{--accent:url(x)",
    "javascript:alert(1)",
    '" onmouseover="alert(1)',
    "' OR 1=1 --",
    "../../etc/passwd",
    "%00",
    "%ff%fe",
    "http://[",
    "9" * 5000,
    "x" * 70_000,  # over MAX_CONTENT_LENGTH in a body
]
HEADER_NASTY = [v for v in NASTY if v.isascii() and v.isprintable() and len(v) < 100]
JUNK = st.one_of(st.sampled_from(NASTY), st.text(max_size=30), st.integers(-(10**20), 10**20).map(str))
JUNK_LIST = st.lists(JUNK, max_size=3)
HOSTILE = st.builds(lambda a, b: a + MARKED + b, st.text(max_size=8), st.text(max_size=8))
ASCII_HEADER = st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=60)

# Strategies are built once: building them per example costs more than the requests they drive.
VALID = {qid: st.sampled_from([str(v) for v in values]) for qid, values in OPTIONS.items()}
MIXED_LIST = {qid: st.lists(st.one_of(valid, JUNK), max_size=3) for qid, valid in VALID.items()}
MULTI_COUNT = st.integers(1, 3)
STRAY = st.lists(
    st.tuples(st.one_of(st.sampled_from(sorted(OPTIONS)), st.text(max_size=10)), JUNK).filter(
        lambda pair: pair[0] not in CONTROL_FIELDS
    ),
    max_size=3,
)
CONTROLS = [
    ("website", st.lists(st.one_of(st.just(""), JUNK), max_size=2)),
    ("action", st.lists(st.one_of(st.sampled_from(["next", "back", "confirm", "revisit"]), JUNK), max_size=2)),
    ("consent", st.lists(st.one_of(st.just("yes"), JUNK), max_size=2)),
]
MODES = st.sampled_from(["valid", "mixed", "junk"])


class Stored(NamedTuple):
    """What the database holds: responses, funnel rows and the funnel's total count."""

    responses: int
    funnel_rows: int
    funnel_total: int


# One plain statement, so counting before and after each of thousands of requests stays cheap.
COUNTS = (
    f"SELECT (SELECT count(*) FROM {t.responses.name}), (SELECT count(*) FROM {t.funnel.name}),"
    f" (SELECT coalesce(sum({t.funnel.c['count'].name}), 0) FROM {t.funnel.name})"
)


def stored(app: Any) -> Stored:
    """Count stored responses and funnel rows straight from the tables."""
    with app.extensions["quiz.store"].engine.connect() as conn:
        return Stored(*(int(n) for n in conn.exec_driver_sql(COUNTS).one()))


def assert_sane(response: Any) -> str:
    """Check a reply is 2xx-4xx, carries the security headers, and never shows a traceback; return its body."""
    assert 200 <= response.status_code < 500, response.status_code
    assert response.headers.get("X-Content-Type-Options") == "nosniff"
    assert "Content-Security-Policy" in response.headers
    body: str = response.get_data().decode("utf-8", "replace")
    assert "Traceback" not in body and 'File "' not in body
    if response.status_code >= 400:
        assert body.strip(), "a 4xx must say what went wrong"
    return body


def assert_quiz_error(response: Any) -> None:
    """Check a quiz-page 4xx is the calm HTML error page with a message."""
    body = response.get_data(as_text=True)
    assert response.mimetype == "text/html"
    message = re.search(r'<p id="error-message">([^<]+)</p>', body)
    assert message and message.group(1).strip(), body[:500]


def assert_api_error(response: Any) -> None:
    """Check an API 4xx is JSON naming what was wrong."""
    assert response.is_json, response.get_data(as_text=True)[:300]
    errors = response.get_json()["errors"]
    assert isinstance(errors, dict) and errors and all(str(v).strip() for v in errors.values())


def assert_no_mark(text: str) -> None:
    """Check that no part of a hostile value came back, raw, escaped or URL-encoded."""
    assert MARK not in text, text[max(0, text.find(MARK) - 200) : text.find(MARK) + 200]


def hidden(html: str) -> dict[str, str]:
    """Return a page's hidden token and state fields."""
    return {name: unescape(value) for name, value in HIDDEN.findall(html)}


@dataclass(frozen=True)
class Page:
    """A real quiz page: its hidden fields, where its state is, whether it carries consent, the fields it shows."""

    token: str
    state: str
    at: str | None
    consent: bool
    fields: tuple[str, ...]


@dataclass(frozen=True)
class Real:
    """Tokens the app really issued, plus forged ones it must refuse."""

    pages: tuple[Page, ...] = field(repr=False)
    permalinks: tuple[tuple[str, bool], ...] = field(repr=False)  # (token, booking offered)
    foreign_forms: tuple[str, ...] = field(repr=False)
    foreign_states: tuple[str, ...] = field(repr=False)
    foreign_links: tuple[str, ...] = field(repr=False)


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """Build one app for the module on its own instance folder, at machine speed like conftest's apps."""
    instance = tmp_path_factory.mktemp("fuzz") / "instance"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("QUIZ_INSTANCE_PATH", str(instance))
        mp.setenv("QUIZ_CARELESS_CHECK", "false")
        mp.setenv("QUIZ_MIN_HUMAN_SECONDS", "0")
        mp.setenv("QUIZ_SUBMIT_LIMIT", "100000 per minute")
        config = {
            "TESTING": True,
            "SECRET_KEY": SECRET,
            "LOGIN_LIMIT": "100000 per minute",
            "EMBED_ORIGINS": EMBED_ORIGIN,
            "BOOKING_URL": BOOKING,
        }
        app = create_app(config)
    # A one-round hash keeps a thousand login attempts fast; the check itself is the production code.
    coach_auth.password_file(app.instance_path).write_text(generate_password_hash(PASSWORD, "pbkdf2:sha256:1"))
    yield app
    app.extensions["quiz.store"].engine.dispose()


@pytest.fixture(scope="module")
def client(app):
    """Return a cookie-free client, as people taking the quiz use it."""
    return app.test_client(use_cookies=False)


def _walk(app: Any, client: Any, consent: bool, answers: dict[str, Any]) -> tuple[list[Page], str]:
    """Answer the quiz like a person; return every page on the way and the result link."""
    html = client.get(INTRO).get_data(as_text=True)
    pages: list[Page] = []
    data: dict[str, Any] = {"action": "next", **({"consent": "yes"} if consent else {})}
    for _ in range(20):
        fields = hidden(html)
        with app.app_context():
            state = tokens().load_state(fields["state"], BANK)
        pages.append(Page(fields["token"], fields["state"], state.at, consent, state.rendered))
        for qid in state.rendered:
            value = answers.get(qid)
            if value is not None:
                data[qid] = [str(v) for v in value] if isinstance(value, list) else str(value)
        response = client.post(STEP, data={**fields, **data})
        if response.status_code == 303:
            return pages, response.headers["Location"].rsplit("/", 1)[1]
        assert response.status_code == 200
        html, data = response.get_data(as_text=True), {"action": "next"}
    raise AssertionError("the quiz never finished")


def _forged(form: str, state: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Return form tokens and states sealed with another key, for another bank, too long ago, or of the other kind."""
    now, old = int(time.time()), int(time.time()) - 3 * 24 * 3600
    ours = {"q": BANK.id, "v": BANK.version, "t": now, "n": "0123456789abcdef"}
    forms, states = Sealer(SECRET, FORM_INFO), Sealer(SECRET, STATE_INFO)
    payload = states.open(state)
    foreign_forms = (
        Sealer(OTHER_SECRET, FORM_INFO).seal(ours),
        forms.seal({**ours, "q": "other"}),
        forms.seal({**ours, "v": BANK.version + 1}),
        forms.seal({**ours, "t": old}),
        forms.seal({k: v for k, v in ours.items() if k != "n"}),
        state,
    )
    foreign_states = (
        Sealer(OTHER_SECRET, STATE_INFO).seal(payload),
        states.seal({**payload, "q": "other"}),
        states.seal({**payload, "v": BANK.version + 1}),
        states.seal({**payload, "t": old}),
        form,
    )
    return foreign_forms, foreign_states


@pytest.fixture(scope="module")
def real(app, client):
    """Collect real tokens by walking the quiz with and without consent, and forge the ones it must refuse."""
    before = stored(app)
    with_consent, link = _walk(app, client, True, THRIVING)
    without, _ = _walk(app, client, False, THRIVING)
    _, crisis_link = _walk(app, client, True, {**THRIVING, "phq9_9": 2})
    after = stored(app)
    # The counter must see what the store keeps, or every "nothing stored" check below would pass vacuously.
    assert after.responses == before.responses + 2 == app.extensions["quiz.store"].count()
    assert after.funnel_total > before.funnel_total
    kept = walk(BANK, check_answers(BANK, THRIVING)[0]).answers
    with app.app_context():
        check = tokens().dump_state(BANK, QuizState(at=CHECK_STEP, answers=kept, consent=True))
        newer = SimpleNamespace(id=BANK.id, version=BANK.version + 1, sections=BANK.sections)
        foreign_links = (
            Tokens(OTHER_SECRET, 3600).result_token(BANK, kept),
            tokens().result_token(newer, kept),  # type: ignore[arg-type]
        )
    first = with_consent[0]
    forms, states = _forged(first.token, first.state)
    return Real(
        pages=(*with_consent, *without, Page(first.token, check, CHECK_STEP, True, ())),
        permalinks=((link, True), (crisis_link, False)),
        foreign_forms=forms,
        foreign_states=states,
        foreign_links=foreign_links,
    )


# Each edit draws the same way whatever the token's length, so a token made afresh replays exactly.
EDITS = st.lists(
    st.tuples(
        st.sampled_from(["cut", "flip", "insert", "delete", "dup"]),
        st.integers(0, 4095),
        st.integers(0, 6),
        st.characters(),
    ),
    min_size=1,
    max_size=3,
)


def mutate(original: str, edits: list[tuple[str, int, int, str]]) -> str:
    """Mutate a real token: cut it, flip a bit, insert, delete or duplicate characters."""
    text = original
    for op, at, bit, char in edits:
        i = at % max(len(text), 1)
        if op == "cut":
            text = text[:i]
        elif op == "flip" and text:
            text = text[:i] + chr(ord(text[i]) ^ (1 << bit)) + text[i + 1 :]
        elif op == "insert":
            text = text[:i] + char + text[i:]
        elif op == "delete":
            text = text[:i] + text[i + 1 :]
        else:
            text = text[:i] + text[i : i + 8] + text[i:]
    return text


@cache
def mutated(original: str) -> st.SearchStrategy[str]:
    """Return the mutation strategy for one real token, built once."""
    return EDITS.map(lambda edits: mutate(original, edits))


@cache
def token_choice(real: str, foreign: tuple[str, ...], missing: bool = True) -> st.SearchStrategy[Any]:
    """Draw (token, how it was made): real, mutated, random, foreign or missing."""
    return st.one_of(
        st.just((real, "real")),
        mutated(real).map(lambda m: (m, "mutated")),
        st.text(max_size=120).map(lambda s: (s, "random")),
        st.sampled_from(foreign).map(lambda s: (s, "foreign")),
        *([st.just((None, "missing"))] if missing else []),
    )


def sealed_bytes(token: str | None) -> bytes | None:
    """Decode a token as the app does before decrypting it, so re-spellings of the same bytes are recognised."""
    try:
        return base64.b64decode((token or "") + "=" * (-len(token or "") % 4), altchars=b"-_", validate=True)
    except ValueError:  # binascii.Error, and text that is not ASCII
        return None


def sealed_verdict(value: str | None, kind: str, real: str) -> bool:
    """Say whether an encrypted token must pass: only the bytes the app sealed do, however they are spelled."""
    return kind == "real" or (
        value is not None and sealed_bytes(value) is not None and sealed_bytes(value) == sealed_bytes(real)
    )


def signed_verdict(value: str | None, kind: str, real: str) -> bool | None:
    """Say whether an itsdangerous token must pass (True), must fail (False), or may do either (None)."""
    if kind == "real" or value == real:
        return True
    if kind != "mutated" or value is None or "." not in value:
        return False
    # The signature covers everything before the last dot; only a re-spelling of the signature can still pass.
    return None if value.rsplit(".", 1)[0] == real.rsplit(".", 1)[0] else False


@st.composite
def step_form(draw: st.DrawFn, page: Page, token: str) -> list[tuple[str, str]]:
    """Draw a step's form: valid, mixed or junk answers, repeated keys, stray fields, honeypot, action, consent."""
    mode = draw(MODES)
    pairs: list[tuple[str, str]] = [("token", token), ("state", page.state)]
    for qid in page.fields:
        if mode == "valid":
            count = draw(MULTI_COUNT) if qid in MULTI else 1
            values = [draw(VALID[qid]) for _ in range(count)]
        else:
            values = draw(MIXED_LIST[qid] if mode == "mixed" else JUNK_LIST)
        pairs += [(qid, v) for v in values]
    pairs += draw(STRAY)
    for name, choices in CONTROLS:
        pairs += [(name, v) for v in draw(choices)]
    return draw(st.permutations(pairs))


# Per parameter: values the app should take, near misses, and hostile text; then junk and stray keys on top.
EMBED_PARAMS = {
    "embed": ["1", "0", "true", "1 "],
    "host": [
        EMBED_ORIGIN,
        EMBED_ORIGIN + ":443",
        EMBED_ORIGIN.upper(),
        OWN_ORIGIN,
        "https://evil.example",
        "https://coach.example.evil.example",
        "https://coach.example/path",
        "http://coach.example",
        "javascript:alert(1)",
        "http://[",
    ],
    "locale": ["en", "en-GB", "de", "EN", "en_GB", "e" * 20],
    "accent": ["#fff", "#1D70B8", "#12345", "red", "#ggg", "#fff;}", " #abc "],
    "font": ["Georgia, serif", '"Comic Sans MS", cursive', "system", "mono", "a" * 50, "Arial;}", "serif, url(x)"],
    "radius": ["8", "8px", "24", "25", "-1", "8em", "٣"],
    "mode": ["light", "DARK", "dim"],
    "country": ["GB", "us", "zz", ""],
}
EMBED_KEYS = tuple(EMBED_PARAMS)
EMBED_FIELDS = st.fixed_dictionaries(
    {}, optional={k: st.one_of(st.sampled_from(v), JUNK, HOSTILE) for k, v in EMBED_PARAMS.items()}
)
EMBED_STRAY = st.lists(st.tuples(st.one_of(st.sampled_from(EMBED_KEYS), st.text(max_size=8)), JUNK), max_size=2)
EMBED_QUERY = st.one_of(
    st.builds(lambda fields, stray: urlencode([*fields.items(), *stray]), EMBED_FIELDS, EMBED_STRAY),
    st.sampled_from(["accent=%ff%fe", "font=%E2%28%A1", "mode=%", "radius=%zz&radius=8", "host=%0d%0a", "&&=&"]),
)


FINISHED: list[str] = []  # form tokens that finished a quiz: a replay of one keeps nothing


@FUZZ
@given(data=st.data())
def test_quiz_steps_with_real_tokens_and_random_answers(app, client, real, data):
    """A step with real tokens and random answers never fails, and keeps a response once, when it first finishes."""
    page = data.draw(st.sampled_from(real.pages))
    # Drawn the same way whatever FINISHED holds, so hypothesis can replay an example exactly.
    replay, pick = data.draw(st.integers(0, 3)) == 0 and bool(FINISHED), data.draw(st.integers(0, 10**6))
    if replay:
        token = FINISHED[pick % len(FINISHED)]
    else:
        with app.app_context():
            token = tokens().form_token(BANK)  # any page's state goes with any form token of its quiz
    pairs = data.draw(step_form(page, token))
    query = data.draw(st.one_of(st.just(""), EMBED_QUERY))
    content_type = data.draw(st.sampled_from([None, "multipart/form-data"]))
    before = stored(app)
    response = client.post(f"{STEP}?{query}", data=MultiDict(pairs), content_type=content_type)
    after = stored(app)
    event(f"status {response.status_code}, stored {after.responses - before.responses}")
    body = assert_sane(response)
    if response.status_code >= 400:
        assert response.status_code == 413, body[:500]  # only an oversized body is refused with real tokens
        assert_quiz_error(response)
        assert after == before
        return
    if response.status_code == 200:
        assert after.responses == before.responses, "only a finished quiz keeps a response"
        assert set(hidden(body)) == {"token", "state"}, "every page lets the person carry on"
        assert_no_mark(body)
        return
    assert response.status_code == 303
    location = response.headers["Location"]
    assert location.startswith(f"/q/{QUIZ}/r/")
    assert_no_mark(location)
    honeypot = dict(pairs[::-1]).get("website", "")  # the form keeps the first of repeated keys
    event(f"finished, {'replayed' if replay else 'first time'}")
    assert after.responses - before.responses == int(page.consent and not honeypot and not replay)
    if replay:
        assert after == before, "a replayed final step counts nothing either"
    else:
        FINISHED.append(token)
    assert client.get(location).status_code == 200, "the result link it hands out must open"


TOKEN_EXTRA = st.lists(st.tuples(st.sampled_from(["action", "consent", "website", "token"]), JUNK), max_size=3)


def check_form_and_state(app: Any, client: Any, real: Real, data: Any) -> None:
    """Post a real, mutated, random, forged or missing form token and state; only real ones may pass."""
    page = data.draw(st.sampled_from(real.pages))
    token, token_kind = data.draw(token_choice(page.token, real.foreign_forms))
    state, state_kind = data.draw(token_choice(page.state, real.foreign_states))
    pairs = [(k, v) for k, v in (("token", token), ("state", state)) if v is not None]
    pairs += data.draw(TOKEN_EXTRA)
    before = stored(app)
    response = client.post(STEP, data=MultiDict(pairs))
    after = stored(app)
    event(f"step {token_kind}/{state_kind}: {response.status_code}")
    assert_sane(response)
    if response.status_code == 413:  # a huge stray value: refused before any token is read
        assert after == before
        return
    verdicts = (sealed_verdict(token, token_kind, page.token), sealed_verdict(state, state_kind, page.state))
    accepted = response.status_code in (200, 303)
    if False in verdicts:
        assert response.status_code == 400, (token_kind, state_kind, response.status_code)
    elif verdicts == (True, True):
        assert accepted, response.get_data(as_text=True)[:500]
    if not accepted:
        assert response.status_code == 400
        assert_quiz_error(response)
        assert after == before


def check_permalink(app: Any, client: Any, real: Real, data: Any) -> None:
    """Open a real, mutated, random or forged result or booking link; only the bytes the app encrypted open."""
    link, bookable = data.draw(st.sampled_from(real.permalinks))
    token, kind = data.draw(token_choice(link, real.foreign_links, missing=False))
    book = data.draw(st.booleans())
    path = f"/q/{QUIZ}/r/{quote(token, safe='')}" + ("/book" if book else "")
    before = stored(app)
    response = client.get(path)
    after = stored(app)
    event(f"{'book' if book else 'result'} {kind}: {response.status_code}")
    assert_sane(response)
    assert after.responses == before.responses, "opening a result never stores one"
    same = kind != "foreign" and sealed_verdict(token, kind, link)
    if same and "/" not in token:
        expected = (303 if bookable else 404) if book else 200
        assert response.status_code == expected
    elif response.status_code == 308:  # an empty token or one with a slash is another URL altogether
        assert token == "" or "/" in token, (kind, token)
    else:
        assert response.status_code in (400, 404), (kind, token, response.status_code)
        assert_quiz_error(response)
    if response.status_code == 303:
        assert response.headers["Location"] == BOOKING
        assert after.funnel_total == before.funnel_total + 1, "a booking click is counted once"
    else:
        assert after == before


@FUZZ
@given(data=st.data())
def test_signed_tokens_only_pass_when_the_app_made_them(app, client, real, data):
    """Form tokens, states and permalinks that are missing, random, mutated or forged get a 400 and store nothing."""
    check = data.draw(st.sampled_from([check_form_and_state, check_permalink]))
    check(app, client, real, data)


# Integers of any size JSON can carry here (Python reads at most 4,300 digits; RAW_BODIES send more as bytes).
HUGE = st.builds(lambda digits, sign: sign * 10**digits - sign, st.integers(15, 4200), st.sampled_from([1, -1]))
SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(),
    HUGE,
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3),
    max_leaves=6,
)
RAW_BODIES = [
    b"",
    b"{",
    b"null",
    b"[]",
    b'"answers"',
    b'{"answers": []}',
    b'{"answers": {"phq9_9": 1' + b"0" * 5000 + b'}, "consent": true}',
    b'{"answers": {"phq9_9": 1e999}, "consent": true}',
    b'{"answers": {"\xff\xfe": 1}, "consent": true}',
    b"\xef\xbb\xbf" + json.dumps({"answers": THRIVING, "consent": True}).encode(),
    json.dumps({"answers": THRIVING, "consent": True}).encode("utf-16"),
    json.dumps({"answers": THRIVING, "consent": True}).encode()[:-1],
    b'{"answers": {"x": "' + b"a" * 70_000 + b'"}, "consent": true}',
    b'{"answers": ' + b"[" * 5000 + b"]" * 5000 + b"}",
    b"[" * 5000 + b"]" * 5000,
    b"answers=1&consent=true",
]
CONTENT_TYPES = [
    "application/json",
    "application/json",
    "application/json",
    "application/json; charset=utf-8",
    "application/merge-patch+json",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "",
]
ANSWER_KEY = st.one_of(st.sampled_from(sorted(OPTIONS)), st.text(max_size=12))
ANSWER_VALUE = st.one_of(st.sampled_from(sorted({v for o in OPTIONS.values() for v in o})), SCALARS, JSON)
VALID_ANSWER = st.sampled_from([(q, [v] if q in MULTI else v) for q, values in OPTIONS.items() for v in values])
# Weighted towards complete, valid, consented answers, so the storing path runs often enough to be tested.
ANSWERS = st.fixed_dictionaries(
    {
        "base": st.sampled_from([True, True, True, False]),
        "drop": st.one_of(st.just([]), st.lists(st.sampled_from(sorted(THRIVING)), max_size=2)),
        "set": st.one_of(
            st.just([]),
            st.lists(VALID_ANSWER, max_size=3),
            st.lists(st.tuples(ANSWER_KEY, ANSWER_VALUE), max_size=4),
            st.lists(st.tuples(st.just("phq9_9"), st.one_of(HUGE, st.floats())), min_size=1, max_size=1),
        ),
        "consent": st.one_of(st.just(True), st.just("absent"), SCALARS),
        "extra": st.one_of(st.just([]), st.lists(st.tuples(st.text(max_size=8), JSON), max_size=2)),
    }
)
BODY_KIND = st.sampled_from(["answers", "answers", "answers", "json", "raw"])
QUIZ_ID = st.one_of(st.just(QUIZ), st.just(QUIZ), st.text(min_size=1, max_size=12).filter(lambda s: "/" not in s))
ORIGINS = [EMBED_ORIGIN, "null", "https://evil.example", "http://[", "https://[::1", "http://]x", "https://a:99999", ""]
ORIGIN = st.one_of(st.none(), st.sampled_from(ORIGINS), st.sampled_from(HEADER_NASTY), ASCII_HEADER)


STARTS = st.sampled_from(["fresh", "fresh", "fresh", "spent", "missing", "junk", "mutated"])
SPENT: list[str] = []  # start tokens a stored-or-not response already used


def start_token(client: Any, data: Any) -> tuple[str | None, Any]:
    """Draw a start token for /responses and how it was made: fresh from /start, used, missing, junk or mutated."""
    kind, pick = data.draw(STARTS), data.draw(st.integers(0, 10**6))  # drawn alike whatever SPENT holds
    if kind == "spent" and SPENT:
        return SPENT[pick % len(SPENT)], kind
    if kind == "missing":
        return None, kind
    if kind == "junk":
        return data.draw(st.one_of(JUNK, SCALARS)), kind
    fresh = client.get(f"/api/v1/quizzes/{QUIZ}/start").get_json()["token"]
    if kind == "mutated":
        changed = data.draw(mutated(fresh))
        return changed, "fresh" if sealed_verdict(changed, "mutated", fresh) else "mutated"
    return fresh, "fresh"


def api_body(data: Any, token: tuple[str | None, Any] = (None, None)) -> tuple[bytes, dict[str, Any] | None]:
    """Draw a request body (with the token, if any, in a JSON object) and, when the test built it, that object."""
    kind = data.draw(BODY_KIND)
    if kind == "raw":
        return data.draw(st.sampled_from(RAW_BODIES)), None
    if kind == "json":
        value = data.draw(JSON)
        return json.dumps(value).encode(), value if isinstance(value, dict) else None
    drawn = data.draw(ANSWERS)
    answers = {k: v for k, v in (THRIVING if drawn["base"] else {}).items() if k not in drawn["drop"]}
    answers.update(drawn["set"])
    body: dict[str, Any] = {**dict(drawn["extra"]), "answers": answers}
    if drawn["consent"] != "absent":
        body["consent"] = drawn["consent"]
    if token[0] is not None:
        body["token"] = token[0]
    return json.dumps(body).encode(), body


def api_request(
    client: Any, data: Any, endpoint: str, token: tuple[str | None, Any] = (None, None)
) -> tuple[Any, dict[str, Any] | None, bool]:
    """Post a drawn body to an API endpoint; return the reply, the body object and whether the quiz exists."""
    body, parsed = api_body(data, token)
    if body and data.draw(st.integers(0, 9)) == 0:
        cut = data.draw(st.integers(0, 10**6)) % len(body)  # the body's length varies with its fresh token
        body, parsed = body[:cut] + b"\xc3\x28" + body[cut:], None  # invalid UTF-8 in the middle
    quiz = data.draw(QUIZ_ID)
    content_type = data.draw(st.sampled_from(CONTENT_TYPES))
    origin = data.draw(ORIGIN)
    headers = {"Origin": origin} if origin is not None else {}
    url = f"/api/v1/quizzes/{quote(quiz, safe='')}/{endpoint}"
    response = client.post(url, data=body, content_type=content_type, headers=headers)
    is_json = content_type.startswith("application/json") or content_type.endswith("+json")
    if quiz == QUIZ and not is_json:
        assert response.status_code in (400, 413), "only a JSON body is read"
    return response, parsed, quiz == QUIZ


def check_api_reply(response: Any, known: bool) -> dict[str, Any]:
    """Check an API reply is JSON with the status its body implies; return the body."""
    assert_sane(response)
    assert response.is_json
    reply: dict[str, Any] = response.get_json()
    if not known:
        assert response.status_code == 404
    if response.status_code >= 400:
        assert response.status_code in (400, 404, 409, 413, 422), response.status_code
        assert_api_error(response)
    else:
        assert response.status_code == 200 and reply["outcome"]["id"]
    return reply


@FUZZ
@given(data=st.data())
def test_api_score_answers_junk_with_json_errors_and_stores_nothing(app, client, data):
    """Scoring random JSON, bytes and content types answers 200, 400, 404, 413 or 422 in JSON and keeps nothing."""
    before = stored(app)
    response, _, known = api_request(client, data, "score")
    event(f"status {response.status_code}")
    assert stored(app) == before, "scoring never stores anything"
    check_api_reply(response, known)


@FUZZ
@given(data=st.data())
def test_api_responses_store_only_accepted_consented_answers(app, client, data):
    """A rejected /responses request stores nothing; an accepted one came with an unused start token, once."""
    token = start_token(client, data)
    before = stored(app)
    response, body, known = api_request(client, data, "responses", token)
    after = stored(app)
    reply = check_api_reply(response, known)
    event(f"token {token[1]}: status {response.status_code}, stored {after.responses - before.responses}")
    if response.status_code >= 400:
        assert after == before, "a rejected request must store nothing"
        if response.status_code == 409:
            assert token[1] in ("spent", "fresh") and body is not None and body.get("token") in SPENT
        return
    assert token[1] == "fresh" and body is not None, "only a fresh start token goes with a response"
    SPENT.append(str(token[0]))
    assert isinstance(reply["stored"], bool)
    assert after.responses - before.responses == int(reply["stored"])
    if body is not None and body.get("consent") is not True:
        assert not reply["stored"], "nothing is kept without consent: true"


def check_theme(client: Any, query: str) -> None:
    """theme.css holds custom properties only: no injected rule, url(), markup or hostile value."""
    response = client.get(f"/theme.css?{query}")
    body = assert_sane(response)
    assert response.status_code == 200 and response.mimetype == "text/css"
    assert CSS.fullmatch(body), body
    for needle in ("</", "url(", "@import", "expression(", "\\"):
        assert needle not in body.lower()
    for key, value in parse_qsl(query, keep_blank_values=True):
        if len(value) >= 8 and any(c in value for c in "<>(){};\\@"):
            assert value not in body, (key, value)
    assert_no_mark(body)


ENCODINGS = st.one_of(st.none(), st.sampled_from(["gzip", "br", "gzip, deflate", "*"]), ASCII_HEADER)
ETAGS = st.one_of(st.none(), ASCII_HEADER, st.just("*"))


def check_script(client: Any, query: str, data: Any) -> None:
    """embed.js is the same script whatever the query or headers say, and 304 only for a matching ETag."""
    encoding, etag = data.draw(ENCODINGS), data.draw(ETAGS)
    headers = {k: v for k, v in (("Accept-Encoding", encoding), ("If-None-Match", etag)) if v is not None}
    response = client.get(f"/embed.js?{query}", headers=headers)
    assert_sane(response)
    assert response.status_code in (200, 304)
    if response.status_code == 304:
        assert etag == "*", "only a matching ETag gets a 304"
        return
    assert response.mimetype == "text/javascript"
    script = response.get_data()
    if response.headers.get("Content-Encoding") == "gzip":
        accepted = parse_accept_header(encoding or "")["gzip"] > 0  # "gzip", or "*", with a quality above 0
        assert accepted, "gzip only when the browser accepts it"
        script = gzip.decompress(script)
    assert script == SCRIPT.read_bytes()
    assert response.headers["Cross-Origin-Resource-Policy"] == "cross-origin"


PAGES = st.sampled_from(["intro", "intro", "help", "result"])
LANGUAGES = st.one_of(st.just("en-GB,en;q=0.8"), ASCII_HEADER)


def check_page(client: Any, query: str, data: Any, link: str) -> None:
    """A quiz page renders, keeps the frame policy, and carries only valid embed parameters into its URLs."""
    path = {"intro": INTRO, "help": f"{INTRO}/help", "result": f"{INTRO}/r/{link}"}[data.draw(PAGES)]
    response = client.get(f"{path}?{query}", headers={"Accept-Language": data.draw(LANGUAGES)})
    body = assert_sane(response)
    assert response.status_code == 200 and response.mimetype == "text/html"
    ancestors = response.headers["Content-Security-Policy"].split("frame-ancestors ")[1].split(";")[0]
    assert ancestors == f"'self' {EMBED_ORIGIN}", "the query must never widen who may frame the quiz"
    assert re.search(r'data-host="([^"]*)"', body).group(1) in ("", EMBED_ORIGIN, OWN_ORIGIN)
    assert_no_mark(body)
    theme = urlsplit(unescape(re.search(r'href="(/theme\.css[^"]*)"', body).group(1)))
    assert {k for k, _ in parse_qsl(theme.query)} <= {"accent", "font", "radius", "mode"}
    form = re.search(r'<form method="post" action="([^"]+)"', body)
    if form:
        keys = {k for k, _ in parse_qsl(urlsplit(unescape(form.group(1))).query)}
        assert keys <= set(EMBED_KEYS) - {"country"}, keys


@FUZZ
@given(data=st.data())
def test_embed_parameters_never_reach_css_scripts_pages_or_the_frame_policy(app, client, real, data):
    """theme.css, embed.js and quiz pages answer random embed parameters safely and store nothing."""
    query = data.draw(EMBED_QUERY)
    target = data.draw(st.sampled_from(["theme", "script", "page"]))
    event(target)
    before = stored(app)
    if target == "theme":
        check_theme(client, query)
    elif target == "script":
        check_script(client, query, data)
    else:
        check_page(client, query, data, real.permalinks[0][0])
    assert stored(app) == before


class Coach:
    """A browser on the coach's login page: its client and its session's CSRF token, renewed when spent."""

    def __init__(self, app: Any):
        self.app = app
        self.other = self._fresh()[1]  # a valid token, but for somebody else's session
        self.client, self.token = self._fresh()

    def _fresh(self) -> tuple[Any, str]:
        """Open the login page in a new client; return the client and its CSRF token."""
        client = self.app.test_client()
        return client, CSRF.search(client.get("/coach/login").get_data(as_text=True)).group(1)

    def renew(self) -> None:
        """Start a new session with a new token."""
        self.client, self.token = self._fresh()

    def signed_in(self) -> bool:
        """Say whether the session cookie says a coach is signed in."""
        cookie = self.client.get_cookie("session")
        if cookie is None:
            return False
        with self.app.test_request_context(headers={"Cookie": f"session={cookie.value}"}):
            return coach_auth.signed_in()  # the app's own check: an open session on the server


@pytest.fixture(scope="module")
def coach(app):
    """Return a browser on the login page."""
    return Coach(app)


CSRF_KINDS = st.sampled_from(["valid", "valid", "missing", "random", "mutated", "other session", "repeated"])
PASSWORDS = st.one_of(st.sampled_from([PASSWORD, PASSWORD, "", PASSWORD + " "]), JUNK)
LOGIN_EXTRA = st.lists(st.tuples(st.sampled_from(["password", "username", "next", "remember"]), JUNK), max_size=2)
NEXT = st.one_of(
    st.none(),
    st.sampled_from(
        ["/coach/", "/coach/export.csv", "//evil.example/", "https://evil.example/", "/coach/\r\nX: y", "/coach/\n"]
    ),
    st.text(max_size=30).map(lambda s: "/coach/" + s),
    JUNK,
)
LOGIN_BODY = st.sampled_from(["form", "form", "form", "multipart", "json"])
FORM_BODY = st.sampled_from(["form", "multipart"])
JSON_LOGIN = st.one_of(JSON, st.sampled_from(RAW_BODIES))


def login_form(data: Any, token: str, other: str, right: bool) -> tuple[list[tuple[str, str]], bool | None]:
    """Draw login fields; return them and whether the CSRF token must pass (True), fail (False) or may (None)."""
    kind = "valid" if right else data.draw(CSRF_KINDS)
    csrf = {
        "valid": token,
        "random": data.draw(st.text(max_size=100)) if kind == "random" else None,
        "mutated": data.draw(mutated(token)) if kind == "mutated" else None,
        "other session": other,
        "repeated": token,
    }.get(kind)
    password = PASSWORD if right else data.draw(PASSWORDS)
    pairs = [("password", password)] if right or data.draw(st.integers(0, 5)) else []
    if csrf is not None:
        pairs.append(("csrf_token", csrf))
    if kind == "repeated":
        pairs.append(("csrf_token", data.draw(JUNK)))  # the first of repeated keys counts
    pairs += data.draw(LOGIN_EXTRA)
    if kind in ("missing", "random", "other session"):
        return pairs, False
    return pairs, signed_verdict(csrf, "mutated" if kind == "mutated" else "real", token)


def login_body(data: Any, pairs: list[tuple[str, str]], right: bool) -> dict[str, Any]:
    """Draw how to send the login: a form, a multipart form or a JSON body (Flask-WTF reads JSON too)."""
    how = data.draw(FORM_BODY if right else LOGIN_BODY)
    if how != "json":
        return {"data": MultiDict(pairs), "content_type": "multipart/form-data" if how == "multipart" else None}
    body = dict(pairs[::-1]) if data.draw(st.booleans()) else data.draw(JSON_LOGIN)
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return {"data": raw, "content_type": "application/json"}


COOKIES = st.one_of(st.none(), st.none(), st.none(), ASCII_HEADER.filter(lambda s: not set(s) & set(';," ')))


@FUZZ
@given(data=st.data())
def test_coach_login_takes_only_the_right_password_with_a_valid_csrf_token(app, coach, data):
    """Random login posts never fail: only a valid CSRF token and the password sign in, and only to /coach/."""
    right = data.draw(st.integers(0, 2)) == 0  # a third sign in, so the redirect and ?next= are fuzzed too
    cookie = None if right else data.draw(COOKIES)  # a forged or damaged session holds no CSRF secret
    target = data.draw(NEXT)
    query = "?" + urlencode({"next": target}) if target is not None else ""
    pairs, verdict = login_form(data, coach.token, coach.other, right)
    request = login_body(data, pairs, right)
    before = stored(app)
    try:  # every draw is done: hypothesis may stop a test case at any draw, but not in here
        if cookie is not None:
            coach.client.set_cookie("session", cookie)
        response = coach.client.post(f"/coach/login{query}", **request)
    finally:
        signed = coach.signed_in()
        if cookie is not None or signed:  # the next example starts from a fresh, signed-out session
            coach.renew()
    event(f"status {response.status_code}" + (f", next {target!r}" if "\n" in (target or "") and signed else ""))
    body = assert_sane(response)
    assert stored(app) == before, "a login stores nothing"
    assert response.status_code in (303, 400, 401, 413), response.status_code
    assert (response.status_code == 303) == signed
    password_ok = dict(pairs[::-1]).get("password") == PASSWORD
    form = request["content_type"] != "application/json"
    if verdict is True and password_ok and cookie is None and form and response.status_code != 413:
        assert response.status_code == 303
    if response.status_code == 303:
        assert verdict is not False and cookie is None
        location = response.headers["Location"]
        assert location.startswith("/coach/") and not location.startswith("//")
        assert "\r" not in location and "\n" not in location
    elif "<h1>Coach login</h1>" in body:
        assert CSRF.search(body), "a refused login offers the form again, with a fresh token"
        if response.status_code == 401:
            assert "That password is not right" in body
    else:  # a body too large or not even JSON is refused before the form is read
        assert response.status_code in (400, 413)
        assert_quiz_error(response)


@pytest.mark.parametrize("origin", ["http://[", "https://[::1"])
def test_an_origin_header_urlsplit_cannot_parse_still_stores_the_response(app, client, origin):
    """Found by fuzzing: a malformed Origin header made POST /responses fail with a 500 after scoring."""
    before = stored(app)
    url = f"/api/v1/quizzes/{QUIZ}/responses"
    body = started(client, {"answers": THRIVING, "consent": True})
    response = client.post(url, json=body, headers={"Origin": origin})
    assert response.status_code == 200 and response.get_json()["stored"] is True
    assert stored(app).responses == before.responses + 1


@pytest.mark.parametrize("body", [b"[1, 2]", b'"x"', b"1", b"true", b"[" * 5000 + b"]" * 5000])
def test_a_json_login_body_is_refused_not_a_crash(coach, body):
    """Found by fuzzing: Flask-WTF read a JSON login body and failed with a 500 on anything but an object."""
    response = coach.client.post("/coach/login", data=body, content_type="application/json")
    assert response.status_code == 400 and not coach.signed_in()


@pytest.mark.parametrize("target", ["/coach/\r\nSet-Cookie: x=1", "/coach/\n"])
def test_a_line_break_in_next_sends_the_coach_to_the_dashboard(coach, target):
    """Found by fuzzing: a CR or LF in ?next= made the login's redirect fail with a 500."""
    form = {"csrf_token": coach.token, "password": PASSWORD}
    response = coach.client.post("/coach/login?" + urlencode({"next": target}), data=form)
    coach.renew()
    assert response.status_code == 303 and response.headers["Location"] == "/coach/"
