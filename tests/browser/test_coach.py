"""The coach's pages in a real browser: axe-core in light and dark, no sideways scroll on a phone, no CSP refusal."""

from __future__ import annotations

from datetime import date

import pytest
from werkzeug.security import generate_password_hash

from quiz.catalog import load_catalog
from quiz.coach import auth as coach_auth
from quiz.coach import views
from tests.browser.conftest import ROOT
from tests.storage_helpers import varied_records

pytestmark = pytest.mark.browser

PASSWORD = "correct horse battery"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PAGES = ["/coach/", "/coach/?kind=week", "/coach/?kind=quarter", "/coach/settings", "/coach/embed"]
NO_SIDEWAYS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
# Who refuses what under the page's CSP: the directive and the start of a refused <style> element's text.
WATCH = """window.refused = [];
document.addEventListener('securitypolicyviolation', e => window.refused.push(
  [e.violatedDirective, e.sourceFile, (e.target && e.target.textContent || '').slice(0, 16)]));"""


@pytest.fixture()
def coach(quiz_server, monkeypatch):
    """Serve the app with two months of answers from two sites, and return its origin."""
    monkeypatch.setattr(views, "today", lambda: date(2025, 6, 3))
    server = quiz_server(EMBED_ORIGINS="https://coach.example")
    app = server.wsgi.app
    coach_auth.password_file(app.instance_path).write_text(generate_password_hash(PASSWORD, "pbkdf2:sha256:1"))
    bank = load_catalog([ROOT / "questions"])["coaching-fit"]
    plan = [
        (date(2025, m, d), site, 1, 6) for m in (4, 5) for d in (2, 9, 16) for site in (None, "https://coach.example")
    ]
    records = varied_records(bank, plan, seed=9)
    app.extensions["quiz.store"].save(records)
    app.extensions["quiz.store"].add_events({(bank.id, r.day, "intro", "started"): 20 for r in records})
    return server.origin


def signed_in(browser, origin, width, **options):
    context = browser.new_context(viewport={"width": width, "height": 900}, **options)
    page = context.new_page()
    page.goto(origin + "/coach/login")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/coach/")
    return context, page


def test_axe_finds_nothing_on_any_coach_page_light_or_dark(browser, coach, axe_script):
    for scheme in ("light", "dark"):
        # The app's CSP (script-src 'self') would refuse axe.min.js injected as an inline script: bypass it here only.
        context, page = signed_in(browser, coach, 1280, bypass_csp=True, color_scheme=scheme)
        try:
            for path in ["/coach/login", *PAGES]:
                page.goto(coach + path)
                page.wait_for_load_state("networkidle")
                dark = page.evaluate("() => matchMedia('(prefers-color-scheme: dark)').matches")
                assert dark == (scheme == "dark")
                page.add_script_tag(path=str(axe_script))
                result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
                assert result["passes"], f"{path} {scheme}: axe checked nothing"
                bad = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
                assert bad == [], f"{path} {scheme}: {bad}"
        finally:
            context.close()


def test_no_coach_page_scrolls_sideways_on_a_phone(browser, coach):
    context, page = signed_in(browser, coach, 375)
    try:
        for path in PAGES:
            page.goto(coach + path)
            page.wait_for_load_state("networkidle")
            width, room = page.evaluate(NO_SIDEWAYS)
            assert width <= room, f"{path} is {width} px wide in {room} px"
    finally:
        context.close()


def test_the_dashboard_draws_its_charts_without_a_csp_refusal(browser, coach):
    context, page = signed_in(browser, coach, 1280)
    console: list[str] = []
    page.on("console", lambda m: "Content Security Policy" in m.text and console.append(m.text))
    page.add_init_script(WATCH)
    try:
        page.goto(coach + "/coach/?kind=month&period=2025-05")
        page.wait_for_selector("#chart-outcomes .main-svg")
        page.wait_for_load_state("networkidle")
        refused = page.evaluate("() => window.refused")
        assert refused == [] and console == [], (refused, console)
        assert page.locator(".chart .main-svg").count() >= 4
    finally:
        context.close()
