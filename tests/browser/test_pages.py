"""The quiz pages in a real browser: keyboard only, JavaScript off, axe-core, reflow, targets, charts, origins."""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from quiz.catalog import load_catalog

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
QUIZ = "coaching-fit"
BOOKING = "https://coach.example/book"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
CHARTS = ".chart .plot-container"

# What the focused element is, and whether it shows a focus ring: a choice input is invisible (opacity 0),
# so its ring is drawn on the label that follows it.
FOCUSED = """() => {
  const e = document.activeElement;
  const shown = e.matches('.choice-input') ? e.nextElementSibling : e;
  const s = getComputedStyle(shown);
  const r = shown.getBoundingClientRect();
  return {
    key: e.id ? '#' + e.id : e.tagName.toLowerCase() + (e.classList.length ? '.' + e.classList[0] : ''),
    name: e.getAttribute('name'), value: e.getAttribute('value'), checked: e.checked === true,
    ring: e.matches(':focus-visible') && s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
    onscreen: r.width > 0 && r.right > 0 && r.bottom > 0 && r.left < innerWidth && r.top < innerHeight,
  };
}"""
GROUPS = """() => {
  const groups = [];
  for (const e of document.querySelectorAll('#quiz-form input.choice-input')) {
    let last = groups[groups.length - 1];
    if (!last || last.name !== e.name) groups.push(last = {name: e.name, type: e.type, values: []});
    last.values.push(e.value);
  }
  return groups;
}"""
NO_SIDEWAYS = "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"


def example(predicate: Callable[[Any], bool]) -> dict[str, Any]:
    """Return the answers of the default bank's first golden example that the predicate picks."""
    bank = load_catalog([ROOT / "questions"])[QUIZ]
    return next(dict(e.answers) for e in bank.examples if predicate(e))


@pytest.fixture(scope="module")
def thriving() -> dict[str, Any]:
    """Return answers that lead to the coaching outcome, with no follow-up questions."""
    return example(lambda e: e.expect == "coaching")


@pytest.fixture(scope="module")
def in_crisis() -> dict[str, Any]:
    """Return answers with PHQ-2 of 3 or more (PHQ-9 follow-ups open) and phq9_9 of 2 or more."""
    return example(
        lambda e: (
            e.expect == "crisis_support"
            and e.answers["phq2_1"] + e.answers["phq2_2"] >= 3
            and e.answers["phq9_9"] >= 2
            and e.answers["gad2_1"] + e.answers["gad2_2"] < 3
        )
    )


@pytest.fixture()
def quiz(quiz_server):
    """Serve the quiz with a booking link, so its absence on the crisis path means something."""
    return quiz_server(BOOKING_URL=BOOKING)


def wanted(answers: dict[str, Any], name: str) -> list[str]:
    value = answers[name]
    return [str(v) for v in (value if isinstance(value, (list, tuple)) else [value])]


def answer_step(page, answers: dict[str, Any], click: bool = True) -> None:
    """Choose the given answer for every question on the step, by clicking or (quicker) by setting it."""
    chosen = {g["name"]: wanted(answers, g["name"]) for g in page.evaluate(GROUPS)}
    if not click:
        page.evaluate(
            """chosen => { for (const [name, values] of Object.entries(chosen)) for (const v of values)
                 document.querySelector(`input[name="${name}"][value="${v}"]`).checked = true; }""",
            chosen,
        )
        return
    for name, values in chosen.items():
        for value in values:
            page.locator(f'input[name="{name}"][value="{value}"]').check()


def submit(page, button: str = "#next") -> None:
    with page.expect_navigation():
        page.locator(button).click()


def open_intro(page, quiz) -> None:
    page.goto(f"{quiz.origin}/q/{QUIZ}")
    assert page.locator("h1").count() == 1


def to_result(page, answers: dict[str, Any], click: bool = True) -> None:
    """Answer and submit steps until the result page."""
    for _ in range(12):
        if page.locator("main[data-outcome]").count():
            return
        answer_step(page, answers, click)
        submit(page)
    raise AssertionError("the quiz did not reach its result")


def charts_drawn(page) -> None:
    """Wait for plotly to draw the page's charts (locator waits: the page's CSP forbids string evaluation)."""
    # A crisis result leaves out the healing/growth map, whose regions name coaching.
    charts = (
        ("#chart-profile",) if page.locator("main[data-share-outcome=no]").count() else ("#chart-profile", "#chart-map")
    )
    for chart in charts:
        page.locator(f"{chart} .plot-container").wait_for(timeout=15_000)
    assert page.locator(CHARTS).count() == len(charts)


def key_pages(page, quiz, answers: dict[str, Any], check: Callable[[str], None]) -> None:
    """Visit the intro, a step with errors, the crisis panel's step and the result, calling check on each."""
    open_intro(page, quiz)
    check("intro")
    submit(page, "#start")
    submit(page)  # the first step, sent empty
    assert page.locator("#error-summary").count() == 1
    check("step with errors")
    while not page.locator("section#crisis").count():
        assert page.locator("main[data-step]").count(), "the crisis panel never appeared"
        answer_step(page, answers, click=False)
        submit(page)
    check("crisis panel")
    to_result(page, answers, click=False)
    charts_drawn(page)
    check("result")


def focus(page) -> dict[str, Any]:
    return page.evaluate(FOCUSED)


def press(page, key: str, expect: str | None = None, **more: Any) -> dict[str, Any]:
    """Press a key, then check what has focus (by #id or tag.class) and that its focus ring shows."""
    page.keyboard.press(key)
    found = focus(page)
    if expect is not None:
        assert found["key"] == expect, (key, found)
    for name, value in more.items():
        assert found[name] == value, (key, name, found)
    return found


def keyboard_step(page, answers: dict[str, Any]) -> None:
    """Answer a step with Tab, Space and arrow keys only, checking focus at every stop, then press Enter."""
    press(page, "Tab", "a.skip-link", ring=True, onscreen=True)
    press(page, "Enter", "#main")  # the skip link moves focus to the content
    groups = page.evaluate(GROUPS)
    assert groups, "a step without questions"
    for group in groups:
        name, values, chosen = group["name"], group["values"], wanted(answers, group["name"])
        if group["type"] == "radio":
            # Tab enters an unanswered radio group on its first option; arrows move and choose.
            press(page, "Tab", None, name=name, value=values[0], ring=True, onscreen=True)
            steps = values.index(chosen[0])
            for _ in range(steps):
                press(page, "ArrowRight", None, name=name, checked=True, ring=True)
            if not steps:
                press(page, "Space", None, name=name, checked=True, ring=True)
            assert focus(page)["value"] == chosen[0]
        else:
            for value in values:  # every checkbox is a stop of its own
                press(page, "Tab", None, name=name, value=value, ring=True, onscreen=True)
                if value in chosen:
                    press(page, "Space", None, value=value, checked=True, ring=True)
    press(page, "Tab", "#next", ring=True, onscreen=True)
    last = groups[-1]
    back_to = wanted(answers, last["name"])[0] if last["type"] == "radio" else last["values"][-1]
    press(page, "Shift+Tab", None, name=last["name"], value=back_to, ring=True)
    press(page, "Tab", "#next", ring=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_keyboard_only_completes_the_quiz(browser, quiz, thriving):
    """Tab, Shift+Tab, Space, arrows and Enter alone take a person from the intro to the result."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    open_intro(page, quiz)
    press(page, "Tab", "a.skip-link", ring=True, onscreen=True)
    press(page, "Tab", "#need-help", ring=True, onscreen=True)
    consent = press(page, "Tab", "#consent", ring=True, onscreen=True)["checked"]
    press(page, "Space", "#consent", checked=not consent, ring=True)
    press(page, "Space", "#consent", checked=consent, ring=True)
    press(page, "Tab", "#start", ring=True, onscreen=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    numbers = []
    while not page.locator("main[data-outcome]").count():
        assert len(numbers) < 12, "the quiz did not reach its result"
        numbers.append(int(page.locator("main").get_attribute("data-step-number")))
        keyboard_step(page, thriving)
    assert numbers == list(range(1, len(numbers) + 1)), numbers
    assert page.locator("main").get_attribute("data-outcome") == "coaching"
    assert page.locator("#book").count() == 1, "the booking link should show on the coaching result"
    context.close()


def test_javascript_off_follow_ups_and_crisis_path(browser, quiz, in_crisis):
    """With JavaScript off, PHQ-9 follow-ups open, the crisis panel leads, and the result offers no booking."""
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    open_intro(page, quiz)
    submit(page, "#start")
    while page.locator("main").get_attribute("data-step") != "mood":
        answer_step(page, in_crisis)
        submit(page)
    assert page.locator("section#crisis").count() == 0
    answer_step(page, in_crisis)
    submit(page)

    # The very next page leads with the full panel, then asks the PHQ-9 follow-ups (and no GAD-7 ones).
    assert page.locator("main").get_attribute("data-step") == "mood_more"
    assert page.locator("main > :first-child").get_attribute("id") == "crisis"
    assert "right now if you can" in page.locator("#crisis").inner_text()
    asked = {g["name"] for g in page.evaluate(GROUPS)}
    assert {f"phq9_{i}" for i in range(3, 9)} <= asked, asked
    assert not any(name.startswith("gad7_") for name in asked), asked
    answer_step(page, in_crisis)
    submit(page)

    # After that, only a short reminder.
    assert page.locator("section#crisis").count() == 0
    assert page.locator("aside.crisis-short").count() == 1
    to_result(page, in_crisis)
    main = page.locator("main")
    assert main.get_attribute("data-outcome") == "crisis_support"
    assert page.locator("main > :first-child").get_attribute("id") == "crisis"
    assert page.locator("#book").count() == 0
    assert page.locator("a[href*='/book']").count() == 0
    assert "Book a conversation" not in main.inner_text()
    # Without JavaScript the charts stay empty and their tables carry the data.
    assert page.locator(CHARTS).count() == 0
    assert page.locator("#profile-table tbody tr").count() > 0
    assert page.locator("#map-table").count() == 0, "the map names coaching; a crisis result must not show it"
    assert context.cookies() == []
    context.close()


def test_axe_finds_no_serious_violation(browser, quiz, in_crisis, axe_script):
    """axe-core (WCAG 2.0-2.2 A/AA) finds nothing serious or critical on the four key pages."""
    # The app's CSP (script-src 'self') would refuse axe.min.js injected as an inline script: bypass it here only.
    context = browser.new_context(viewport={"width": 1280, "height": 800}, bypass_csp=True)
    page = context.new_page()
    found: dict[str, list[str]] = {}
    checked: list[str] = []

    def run_axe(label: str) -> None:
        page.add_script_tag(path=str(axe_script))
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG)
        assert result["passes"], f"{label}: axe checked nothing"
        bad = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        found[label] = [f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes']]}" for v in bad]
        checked.append(label)

    key_pages(page, quiz, in_crisis, run_axe)
    assert checked == ["intro", "step with errors", "crisis panel", "result"]
    assert {k: v for k, v in found.items() if v} == {}
    context.close()


def test_no_horizontal_scroll_at_320px(browser, quiz, in_crisis):
    """At 320 CSS px the intro, a step, the crisis panel and the result reflow without sideways scrolling."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    widths: dict[str, list[int]] = {}
    key_pages(page, quiz, in_crisis, lambda label: widths.setdefault(label, page.evaluate(NO_SIDEWAYS)))
    assert list(widths) == ["intro", "step with errors", "crisis panel", "result"]
    # scrollWidth must not exceed clientWidth (320, or a little less if the browser draws a scrollbar).
    sideways = {label: w for label, w in widths.items() if w[0] > w[1] or not 300 <= w[1] <= 320}
    assert sideways == {}, sideways
    context.close()


def assert_targets(page, label: str) -> None:
    """Every choice label and button is at least 44 px high and wide, and taps across it reach its control."""
    boxes = page.evaluate("""() => [...document.querySelectorAll('.choice-label, #quiz-form button')].map(e => {
      e.scrollIntoView({block: 'center'});
      const r = e.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
      const input = e.matches('.choice-label') ? document.getElementById(e.htmlFor) : e;
      // Probe the middle and 6 px in from each edge (clear of the rounded corners).
      const hits = [[x, y], [r.left + 6, y], [r.right - 6, y], [x, r.top + 6], [x, r.bottom - 6]]
        .every(([px, py]) => { const h = document.elementFromPoint(px, py); return h === input || h === e; });
      return {what: input.id || e.textContent.trim(), label: e !== input, width: r.width, height: r.height, hits};
    })""")
    assert {b["label"] for b in boxes} == {True, False}, f"{label}: no choice or no button found: {boxes}"
    small = [b for b in boxes if b["height"] < 44 or b["width"] < 44 or not b["hits"]]
    assert small == [], f"{label}: {small}"


def test_targets_are_at_least_44px(browser, quiz, thriving):
    """Radio and checkbox hit areas and the buttons are at least 44 px on the intro and two kinds of step."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    open_intro(page, quiz)
    assert_targets(page, "intro")
    submit(page, "#start")
    assert page.locator(".radios-scale").count() > 0
    assert_targets(page, "a 0-10 scale step")
    answer_step(page, thriving)
    submit(page)
    assert page.locator(".radios:not(.radios-scale)").count() > 0
    assert_targets(page, "a list-of-answers step")
    context.close()


SCALE_ENDS = """() => [...document.querySelectorAll('.fieldset')].filter(f => f.querySelector('.scale-ends')).map(f => {
  const tops = [...f.querySelectorAll('.radios-scale .choice')].map(c => Math.round(c.getBoundingClientRect().top));
  return {shown: f.querySelector('.scale-ends').getClientRects().length > 0, rows: new Set(tops).size};
})"""


def test_scale_end_labels_only_under_a_single_row(browser, quiz):
    """The 0-10 scale's end labels show under one row of numbers, and hide once the row wraps."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    open_intro(page, quiz)
    submit(page, "#start")
    wide = page.evaluate(SCALE_ENDS)
    assert wide and all(s == {"shown": True, "rows": 1} for s in wide), wide
    page.set_viewport_size({"width": 320, "height": 640})
    narrow = page.evaluate(SCALE_ENDS)
    assert narrow and all(s["rows"] > 1 for s in narrow), narrow
    assert [s for s in narrow if s["shown"]] == [], "end labels under a wrapped scale point at the wrong numbers"
    context.close()


def png_size(path: Path) -> tuple[int, int]:
    """Read a PNG's width and height from its IHDR chunk."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)


def test_result_page_charts_screenshot_and_own_origin(browser, quiz, thriving, artifacts):
    """The result draws both charts beside their tables, every request stays on the app's origin, and it is saved."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, reduced_motion="reduce")
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    open_intro(page, quiz)
    submit(page, "#start")
    to_result(page, thriving, click=False)
    assert page.locator("main").get_attribute("data-outcome") == "coaching"
    charts_drawn(page)
    for chart in ("#chart-profile", "#chart-map"):
        assert page.locator(f"{chart} svg.main-svg").count() > 0, chart
    assert page.locator("#profile-table tbody tr").count() > 0
    assert page.locator("#map-table tbody tr").count() == 4
    assert page.locator("#map-text").inner_text().startswith("Your need for healing is")
    page.wait_for_load_state("networkidle")

    assert any("/static-v/plotly-" in url for url in requests), requests
    elsewhere = [url for url in requests if not url.startswith(quiz.origin + "/")]
    assert elsewhere == [], elsewhere

    shot = artifacts / "result-page.png"
    shot.unlink(missing_ok=True)
    page.screenshot(path=shot, full_page=True)
    assert shot.stat().st_size > 50_000
    width, height = png_size(shot)
    assert width == 1280 and height > 2 * 800, (width, height)
    context.close()
