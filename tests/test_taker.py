"""The quiz pages through Flask's test client with cookies off: flows, crisis path, errors, tokens, permalinks."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
import sqlalchemy as sa
from answer_sets import THRIVING, phq2

from quiz import create_app
from quiz.store import database

QUIZ = "/q/coaching-fit"
FIELD = re.compile(r'<input type="hidden" name="(token|state)" value="([^"]*)">')


def hidden(html: str) -> dict[str, str]:
    """Return the page's hidden token and state fields."""
    return {name: unescape(value) for name, value in FIELD.findall(html)}


def step_of(html: str) -> str | None:
    found = re.search(r'data-step="([a-z_]+)"', html)
    return found.group(1) if found else None


class Taker:
    """Drive the quiz like a browser with cookies off, checking every response on the way."""

    def __init__(self, client: Any):
        self.client = client
        self.html = ""
        self.responses: list[Any] = []

    def get(self, url: str, **kw: Any) -> Any:
        return self._keep(self.client.get(url, **kw))

    def _keep(self, response: Any) -> Any:
        assert "Set-Cookie" not in response.headers, response.headers
        assert response.status_code < 500
        self.responses.append(response)
        self.html = response.get_data(as_text=True)
        return response

    def action(self) -> str:
        """Return the URL the page's quiz form posts to (it carries any embed parameters)."""
        return unescape(re.search(r'<form method="post" action="([^"]+)"', self.html).group(1))

    def start(self, consent: bool = True, query: str = "") -> Any:
        self.get(QUIZ + query)
        data = {**hidden(self.html), "action": "next"}
        if consent:
            data["consent"] = "yes"
        return self._keep(self.client.post(self.action(), data=data))

    def submit(self, answers: dict[str, Any], action: str = "next") -> Any:
        data: dict[str, Any] = {**hidden(self.html), "action": action}
        for key, value in answers.items():
            data[key] = [str(v) for v in value] if isinstance(value, list | tuple) else str(value)
        return self._keep(self.client.post(self.action(), data=data))

    def finish(self, answers: dict[str, Any], limit: int = 12, consent: bool = True, query: str = "") -> Any:
        """Answer each step from `answers` until the result redirect, then open the result page."""
        self.start(consent, query)
        for _ in range(limit):
            response = self.submit(answers)
            if response.status_code == 303:
                return self.get(response.headers["Location"])
            assert "error-summary" not in self.html, self.html
        raise AssertionError("the quiz never finished")


@pytest.fixture()
def taker(client):
    return Taker(client)


def kept_responses(monkeypatch) -> list[dict[str, Any]]:
    """Record each response the pages build to keep, as well as keeping it."""
    calls: list[dict[str, Any]] = []
    build = database.record_for

    def record_for(*args, **kwargs):
        record = build(*args, **kwargs)
        calls.append(
            {"outcome": record.outcome, "origin": record.origin, "locale": record.locale, "careless": record.careless}
        )
        return record

    monkeypatch.setattr(database, "record_for", record_for)
    return calls


def outcome_of(html: str) -> str:
    return re.search(r'<main[^>]*data-outcome="([a-z_]+)"', html).group(1)


def test_intro_says_what_it_is_and_sets_no_cookie(taker):
    response = taker.get(QUIZ)
    html = taker.html
    assert response.status_code == 200
    assert '<html lang="en">' in html
    for words in ("8 minutes", "anonymous", "not a diagnosis", "18 or over", "unless the box above is ticked"):
        assert words in html
    assert 'id="need-help"' in html and "/q/coaching-fit/help" in html
    assert re.search(r'name="consent" type="checkbox" value="yes"', html)
    assert not re.search(r'name="consent" type="checkbox" value="yes" checked', html), "opt-in by default"
    assert html.count("Coaching, therapy, or both?") == 2  # the page's <title> and its one heading
    assert response.headers["Cache-Control"] == "no-store"


def test_consent_opt_out_ticks_the_box_for_coaches_who_choose_it(app, client):
    app.config["CONSENT_MODE"] = "opt-out"
    html = client.get(QUIZ).get_data(as_text=True)
    assert 'value="yes" checked' in html


def test_consent_opt_in_leaves_the_box_unticked(app, client):
    app.config["CONSENT_MODE"] = "opt-in"
    html = client.get(QUIZ).get_data(as_text=True)
    assert 'name="consent"' in html and 'value="yes" checked' not in html


def test_unknown_quiz_is_an_html_404(client):
    response = client.get("/q/no-such-quiz")
    assert response.status_code == 404 and b"Page not found" in response.data


def test_step_url_opened_directly_goes_back_to_the_intro(client):
    response = client.get(f"{QUIZ}/next")
    assert response.status_code == 303 and response.headers["Location"].endswith(QUIZ)


def test_thriving_flow_ends_in_coaching_with_booking(app, taker):
    app.config["BOOKING_URL"] = "https://coach.example/book"
    response = taker.finish(THRIVING)
    html = taker.html
    assert response.status_code == 200 and outcome_of(html) == "coaching"
    assert 'id="book"' in html
    assert [step_of(r.get_data(as_text=True)) for r in taker.responses[1:9]] == [
        "life_now",
        "mood",
        "mood_more",
        "day_to_day",
        "change",
        "parts",
        "hard_times",
        "alcohol",
    ]
    order = (
        'id="headline"',
        'id="reasons"',
        'id="areas-table"',
        'id="next-step"',
        'id="details"',
        'id="screener-scores"',
        "not a test",
        'id="map-text"',
        "Spitzer",
        "Prins",
        'id="permalink"',
        'id="start-again"',
        'id="disclaimer"',
    )
    at = [html.index(needed) for needed in order]
    assert at == sorted(at), "the result reads: what may fit, why, life areas, next step, then the details"
    book = taker.client.get(re.search(r'href="([^"]*/book[^"]*)"', html).group(1))
    assert book.status_code == 303 and book.headers["Location"] == "https://coach.example/book"


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"readiness_importance": 2}, "not_yet"),
        ({"res_stall": 4, "res_fear_loss": 4, "res_slide_back": 4, "res_numb": 4}, "parts_work_coaching"),
        ({**phq2(4), "who5_1": 2, "who5_2": 2, "who5_3": 2, "phq9_3": 2, "phq9_4": 2}, "therapy_and_coaching"),
        (
            {**phq2(6), **{f"phq9_{i}": 2 for i in range(3, 9)}, **{f"who5_{i}": 0 for i in range(1, 6)}},
            "therapy_first",
        ),
        ({"ptsd_event": 1, "ptsd_1": 1, "ptsd_2": 1, "ptsd_3": 1, "ptsd_4": 0, "ptsd_5": 0}, "therapy_and_coaching"),
    ],
)
def test_answer_sets_reach_their_outcomes(taker, overrides, expected):
    answers = {**THRIVING, **overrides, "phq_difficulty": 1}
    for item in (
        "phq9_3",
        "phq9_4",
        "phq9_5",
        "phq9_6",
        "phq9_7",
        "phq9_8",
        "gad7_3",
        "gad7_4",
        "gad7_5",
        "gad7_6",
        "gad7_7",
    ):
        answers.setdefault(item, 1)
    taker.finish(answers)
    assert outcome_of(taker.html) == expected


def test_booking_link_needs_a_booking_url(taker):
    taker.finish(THRIVING)
    assert outcome_of(taker.html) == "coaching" and 'id="book"' not in taker.html


def test_no_response_sets_a_cookie_and_none_has_inline_script(app, taker):
    app.config["BOOKING_URL"] = "https://coach.example/book"
    taker.finish(THRIVING)
    for response in taker.responses:
        html = response.get_data(as_text=True)
        for tag in re.findall(r"<script[^>]*>", html):
            assert "src=" in tag or 'type="application/json"' in tag, tag
        assert not re.search(r"\son[a-z]+=", html), "inline event handler"
        assert "//cdn" not in html and "googleapis" not in html


def test_follow_up_section_shows_only_the_questions_it_should(taker):
    taker.start()
    taker.submit(THRIVING)
    taker.submit({**THRIVING, **phq2(4), "gad7_3": 2})
    html = taker.html
    assert step_of(html) == "mood_more"
    assert 'name="phq9_3"' in html and 'name="phq_difficulty"' in html and 'name="gad7_3"' not in html
    assert html.index('name="phq9_8"') < html.index('name="phq9_9"'), "item 9 keeps its place in the PHQ-9"
    assert "Step 3 of 8" in html
    taker.submit(
        {
            **THRIVING,
            **phq2(4),
            **dict.fromkeys(("phq9_3", "phq9_4", "phq9_5", "phq9_6", "phq9_7", "phq9_8", "gad7_3"), 1),
            "phq_difficulty": 1,
        }
    )
    assert step_of(taker.html) == "day_to_day" and "Step 4 of 8" in taker.html


def test_the_follow_up_step_asks_only_the_self_harm_question_when_mood_is_fine(taker):
    taker.start()
    taker.submit(THRIVING)
    taker.submit(THRIVING)
    html = taker.html
    assert step_of(html) == "mood_more" and "Step 3 of 8" in html
    assert re.findall(r'<fieldset class="fieldset"', html) and 'name="phq9_3"' not in html
    assert 'name="phq9_9"' in html and 'id="phq9_9-hint"' in html and "We ask everyone this" in html


def test_an_answer_that_opens_questions_on_the_same_step_says_so(taker):
    for _ in range(7):
        taker.submit(THRIVING) if taker.responses else taker.start()
    assert step_of(taker.html) == "hard_times" and 'name="ptsd_1"' not in taker.html
    taker.submit({**THRIVING, "ptsd_event": 1})
    assert step_of(taker.html) == "hard_times" and 'name="ptsd_1"' in taker.html
    assert 'id="added"' in taker.html and "error-summary" not in taker.html


def test_missing_answers_show_an_error_summary_linking_each_question(taker):
    taker.start()
    response = taker.submit({"lg_work_sat": 5})
    html = taker.html
    assert response.status_code == 200 and step_of(html) == "life_now"
    assert "<title>Error:" in html
    summary = re.search(r'<div class="error-summary".*?</div>', html, re.S).group(0)
    assert "autofocus" in summary and 'tabindex="-1"' in summary
    links = re.findall(r'href="#([a-z0-9_]+-0)">Question (\d+)<', summary)
    assert len(links) == 9 and "lg_work_sat-0" not in {target for target, _ in links}
    assert "Please answer the 9 questions below" in summary
    for target, number in links:
        assert f'id="{target}"' in html and f'<span class="q-number">{number}.' in html
    assert html.count("Select a number from 0 to 10</p>") == 9, "each inline message says what to do, briefly"
    assert re.search(r'id="lg_work_sat-5"[^>]*checked', html)


def test_a_nonsense_value_is_an_error_not_a_crash(taker):
    taker.start()
    response = taker.submit({**THRIVING, "lg_work_sat": "lots"})
    assert response.status_code == 200 and 'href="#lg_work_sat-0"' in taker.html


def test_back_keeps_answers_and_reaches_the_intro(taker):
    taker.start()
    taker.submit(THRIVING)
    taker.submit({"gad2_1": 2}, action="back")
    assert step_of(taker.html) == "life_now" and "error-summary" not in taker.html
    assert re.search(r'id="lg_work_sat-8"[^>]*checked', taker.html)
    taker.submit(THRIVING)
    assert re.search(r'id="gad2_1-2"[^>]*checked', taker.html), "Back kept the answer given on the way"
    taker.submit({}, action="back")
    taker.submit({}, action="back")
    assert 'id="start"' in taker.html and step_of(taker.html) is None


@pytest.mark.parametrize(
    ("level", "words"), [(1, "You deserve support right now"), (2, "Please reach out for support today")]
)
def test_safety_answer_leads_the_next_page_with_the_crisis_panel(taker, level, words):
    taker.start()
    taker.submit(THRIVING)
    taker.submit(THRIVING)
    taker.submit({**THRIVING, "phq9_9": level})
    html = taker.html
    assert step_of(html) == "day_to_day"
    main = html[html.index("<main") :]
    assert main.index('id="crisis"') < main.index("<h1>")
    assert words in html and 'class="crisis-country"' in html
    assert re.search(r'<section class="crisis" id="crisis"[^>]*autofocus', html)
    taker.submit(THRIVING)
    assert 'class="crisis crisis-short"' in taker.html and 'id="crisis"' not in taker.html


def test_crisis_panel_comes_even_when_the_safety_page_has_errors(taker):
    taker.start()
    taker.submit(THRIVING)
    taker.submit({**THRIVING, "phq2_1": 3})
    taker.submit({"phq9_9": 3})
    html = taker.html
    assert step_of(html) == "mood_more" and 'id="crisis"' in html and "error-summary" in html
    assert html.index('id="crisis"') < html.index('id="error-summary"')


def test_crisis_result_leads_with_resources_and_never_offers_booking(app, taker):
    app.config["BOOKING_URL"] = "https://coach.example/book"
    taker.client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en-GB,en;q=0.8"
    taker.finish({**THRIVING, "phq9_9": 1})
    html = taker.html
    assert outcome_of(html) == "crisis_support"
    assert 'id="book"' not in html and "/book" not in html
    assert html.index('id="crisis"') < html.index('id="headline"') < html.index("Samaritans")
    assert "116 123" in html and "85258" in html and 'class="crisis-stay-safe"' in html and 'id="safety-plan"' in html
    assert 'id="start-again"' not in html and "Start again" not in html
    assert html.count("<h1") == 1 and html.count("<h2") == 1, "one heading leads the crisis result"
    for hidden in ('id="map-text"', 'id="screener-scores"', 'id="areas-table"', 'id="details"', "chart"):
        assert hidden not in html, f"{hidden}: a crisis result shows no scores, profile or charts"
    assert 'id="permalink"' in html and 'id="disclaimer"' in html
    token = re.search(r"/r/([^/\"?]+)", taker.responses[-2].headers["Location"]).group(1)
    assert taker.client.get(f"{QUIZ}/r/{token}/book").status_code == 404


def test_country_picker_on_the_result_works_without_javascript(taker):
    taker.finish({**THRIVING, "phq9_9": 2})
    url = taker.responses[-2].headers["Location"]
    html = taker.client.get(url, query_string={"country": "AU"}).get_data(as_text=True)
    assert "13 11 14" in html and 'value="AU" selected' in html


def test_permalink_round_trip_and_tampering(taker):
    taker.finish(THRIVING)
    url = taker.responses[-2].headers["Location"]
    again = taker.client.get(url)
    assert again.status_code == 200 and outcome_of(again.get_data(as_text=True)) == "coaching"
    token = url.rsplit("/", 1)[1]
    assert len(token) < 300
    flipped = token[:20] + ("A" if token[20] != "A" else "B") + token[21:]
    for bad in (flipped, token[:-5], "not-a-token", "A" * 200):
        response = taker.client.get(f"{QUIZ}/r/{bad}")
        assert response.status_code == 400, bad
        assert b"could not be used" in response.data and b"Start again" in response.data


def test_permalink_from_another_secret_is_refused(taker, tmp_path, monkeypatch):
    taker.finish(THRIVING)
    url = taker.responses[-2].headers["Location"]
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path / "other"))
    other = create_app({"TESTING": True, "SECRET_KEY": "another-secret" * 32})
    assert other.test_client(use_cookies=False).get(url).status_code == 400


def _tamper(value: str) -> str:
    return value[:-3] + ("xyz" if not value.endswith("xyz") else "abc")


@pytest.mark.parametrize("field", ["token", "state"])
def test_tampered_or_missing_tokens_get_a_clear_400(taker, field):
    taker.start()
    data = {**hidden(taker.html), "action": "next", **{k: str(v) for k, v in THRIVING.items()}}
    for bad in (_tamper(data[field]), ""):
        response = taker.client.post(f"{QUIZ}/next", data={**data, field: bad})
        assert response.status_code == 400
        assert b"could not be used" in response.data and b"Start again" in response.data
        assert "Set-Cookie" not in response.headers


def test_forged_tokens_from_another_secret_get_400(taker, tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path / "forger"))
    forger = Taker(create_app({"TESTING": True, "SECRET_KEY": "forger" * 32}).test_client(use_cookies=False))
    forger.start()
    response = taker.client.post(f"{QUIZ}/next", data={**hidden(forger.html), "action": "next"})
    assert response.status_code == 400


def test_state_and_form_token_cannot_stand_in_for_each_other(taker):
    taker.start()
    fields = hidden(taker.html)
    swapped = {"token": fields["state"], "state": fields["token"], "action": "next"}
    assert taker.client.post(f"{QUIZ}/next", data=swapped).status_code == 400


def test_expired_form_gets_400(app, taker):
    taker.start()
    app.extensions["quiz.tokens"].max_age = -1
    response = taker.submit(THRIVING)
    assert response.status_code == 400 and b"expired" in response.data


def test_the_store_is_told_each_step_and_a_failing_save_does_not_break_the_result(app, taker, monkeypatch):
    seen: list[Any] = []
    monkeypatch.setattr(database, "count", lambda quiz_id, step, event: seen.append((step, event)))

    def failing(digest, day, records=()):
        seen.append([(r.outcome, r.origin, r.locale, r.careless) for r in records])
        raise sa.exc.OperationalError("INSERT", {}, Exception("database down"))

    monkeypatch.setattr(app.extensions["quiz.store"], "spend", failing)
    response = taker.finish(THRIVING)
    assert response.status_code == 200 and outcome_of(taker.html) == "coaching"
    # A test finishes far faster than the bank's plausible minimum, so the response is flagged careless.
    assert seen[0] == ("intro", "started") and ("life_now", "step") in seen
    # The response goes with its token in one transaction; when that fails, nothing of the finish is counted.
    assert seen[-1] == [("coaching", None, "en", True)]


def test_allowed_framing_site_and_locale_reach_the_store(app, taker, monkeypatch):
    calls = kept_responses(monkeypatch)
    app.config["EMBED_ORIGINS"] = "https://coach.example"
    taker.finish(THRIVING, query="?embed=1&host=https://coach.example&locale=abc-XY")
    # The locale is the bank's own, whatever the link says: a link must not be able to tag a response.
    assert calls == [{"outcome": "coaching", "origin": "https://coach.example", "locale": "en", "careless": True}]


def test_nothing_is_kept_without_consent(app, taker, monkeypatch):
    calls = kept_responses(monkeypatch)
    taker.finish(THRIVING, consent=False)
    assert calls == []


def test_unlisted_framing_site_is_not_kept_as_origin(app, taker, monkeypatch):
    calls = kept_responses(monkeypatch)
    taker.finish(THRIVING, query="?host=https://evil.example")
    assert [c["origin"] for c in calls] == [None]


def test_help_page_picks_country_from_accept_language_and_the_picker(client):
    html = client.get(f"{QUIZ}/help", headers={"Accept-Language": "en-US"}).get_data(as_text=True)
    assert "988" in html and "741741" in html and "911" in html
    html = client.get(f"{QUIZ}/help", query_string={"country": "CA"}).get_data(as_text=True)
    assert "9-8-8" in html and '<form class="country-picker" method="get"' in html
    html = client.get(f"{QUIZ}/help", headers={"Accept-Language": "de-DE"}).get_data(as_text=True)
    assert "TelefonSeelsorge" in html and "112" in html
    html = client.get(f"{QUIZ}/help", headers={"Accept-Language": "pt-BR"}).get_data(as_text=True)
    assert "findahelpline.com" in html and "local emergency number" in html
    assert "worried about someone else" in html.lower() and "safety plan" in html


def test_result_loads_no_chart_code_itself_only_a_script_that_fetches_it_later(taker):
    taker.finish(THRIVING)
    html = taker.html
    scripts = re.findall(r"<script src=\"([^\"]+)\"([^>]*)></script>", html)
    assert not any("plotly" in src for src, _ in scripts), "plotly.js is never a script tag of the page"
    charts = [attrs for src, attrs in scripts if "charts.js" in src]
    assert charts and re.search(r'data-plotly="/static-v/plotly-[0-9a-f]{12}\.min\.js" defer', charts[0])
    assert scripts[0][0].startswith("/static/frame.js"), "the frame's messages never wait for other scripts"
    assert re.search(r'<script type="application/json" id="chart-areas-data">\{', html)
    assert re.search(r'<script type="application/json" id="chart-map-data">\{', html)


def test_step_pages_load_no_plotly(taker):
    taker.start()
    assert "plotly" not in taker.html and "charts.js" not in taker.html


def test_permalink_to_share_does_not_name_the_embedding_site(app, taker):
    app.config["EMBED_ORIGINS"] = "https://coach.example"
    taker.finish(THRIVING, query="?embed=1&host=https://coach.example")
    shown = re.search(r'id="permalink"[^>]*value="([^"]+)"', taker.html) or re.search(
        r'id="permalink"[^>]*>([^<]+)<', taker.html
    )
    assert shown is not None and "/r/" in shown.group(1)
    assert "coach.example" not in shown.group(1) and "embed" not in shown.group(1)


def test_each_step_post_walks_the_bank_once(taker, monkeypatch):
    from quiz.engine import answers

    walks: list[int] = []
    real = answers.Walk

    def counted(*args: Any) -> Any:
        walks.append(1)
        return real(*args)

    monkeypatch.setattr(answers, "Walk", counted)  # every walk, wherever it starts, builds one
    taker.start()
    assert len(walks) == 1
    for _ in range(12):
        walks.clear()
        response = taker.submit(THRIVING)
        assert len(walks) == 1, "a step POST worked out what is shown more than once"
        if response.status_code == 303:
            return
    raise AssertionError("the quiz never finished")
