"""The quiz pages in a real browser: keyboard only, JavaScript off, targets, scales, errors, reflow, charts."""

from __future__ import annotations

import struct
from pathlib import Path
from typing import Any

import pytest

from quiz.charts import MAP_HEIGHT, chart_height

from .quizpages import (
    GROUPS,
    NO_SIDEWAYS,
    QUIZ,
    RESULT_KINDS,
    at_result,
    example,
    open_intro,
    result_url,
    steps,
    submit,
    wanted,
)

pytestmark = pytest.mark.browser

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


def keyboard_radios(page, group: dict[str, Any], chosen: str) -> None:
    """Tab into a radio group (on its checked option, else its first) and choose with arrows or Space."""
    values = group["values"]
    entry = group["checked"][0] if group["checked"] else values[0]
    press(page, "Tab", None, name=group["name"], value=entry, ring=True, onscreen=True)
    moves = values.index(chosen) - values.index(entry)
    for _ in range(abs(moves)):
        press(page, "ArrowRight" if moves > 0 else "ArrowLeft", None, name=group["name"], checked=True, ring=True)
    if not moves:
        press(page, "Space", None, name=group["name"], checked=True, ring=True)
    assert focus(page)["value"] == chosen


def keyboard_step(page, answers: dict[str, Any]) -> None:
    """Answer a step with Tab, Space and arrow keys only, checking focus at every stop, then press Enter."""
    press(page, "Tab", "a.skip-link", ring=True, onscreen=True)
    press(page, "Enter", "#main")  # the skip link moves focus to the content
    groups = page.evaluate(GROUPS)
    assert groups, "a step without questions"
    for group in groups:
        chosen = wanted(answers, group["name"])
        if group["type"] == "radio":
            keyboard_radios(page, group, chosen[0])
            continue
        for value in group["values"]:  # every checkbox is a stop of its own
            press(page, "Tab", None, name=group["name"], value=value, ring=True, onscreen=True)
            if (value in chosen) != (value in group["checked"]):
                press(page, "Space", None, value=value, checked=value in chosen, ring=True)
    press(page, "Tab", "#next", ring=True, onscreen=True)
    last = groups[-1]
    back_to = wanted(answers, last["name"])[0] if last["type"] == "radio" else last["values"][-1]
    press(page, "Shift+Tab", None, name=last["name"], value=back_to, ring=True)
    press(page, "Tab", "#next", ring=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_keyboard_only_completes_the_quiz(browser, site):
    """Tab, Shift+Tab, Space, arrows and Enter alone take a person from the intro to the result."""
    thriving = example(site, "coaching")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    open_intro(page, site)
    press(page, "Tab", "a.skip-link", ring=True, onscreen=True)
    press(page, "Tab", "#need-help", ring=True, onscreen=True)
    press(page, "Tab", "#consent", ring=True, onscreen=True, checked=False)  # opt-in: unticked until ticked
    press(page, "Space", "#consent", checked=True, ring=True)
    press(page, "Space", "#consent", checked=False, ring=True)
    press(page, "Tab", "#start", ring=True, onscreen=True)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    shown = []
    while not at_result(page):
        assert len(shown) < 16, "the quiz did not reach its result"
        main = page.locator("main")
        shown.append((int(main.get_attribute("data-step-number")), main.get_attribute("data-again")))
        assert main.get_attribute("data-steps") == "8", "the step count must not change with the answers"
        keyboard_step(page, thriving)
    # A step shown again (here: the alcohol questions that "yes, I drink" adds) keeps its number.
    assert [n for n, again in shown if not again] == list(range(1, 9)), shown
    assert page.locator("main").get_attribute("data-outcome") == "coaching"
    assert page.locator("#book").count() == 1, "the booking link should show on the coaching result"
    context.close()


HEIGHT = "box => box.getBoundingClientRect().height"


def test_javascript_off_follow_ups_and_crisis_path(browser, site):
    """With JavaScript off, follow-ups open, the crisis panel leads, and the result reads fully without charts."""
    answers = example(site, "crisis_support", "often")  # PHQ-2 of 6 opens the PHQ-9; self-harm nearly every day
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    open_intro(page, site)
    submit(page, "#start")
    walk = steps(page, answers)
    assert [next(walk), next(walk), next(walk)] == ["life_now", "mood", "mood_more"]
    assert page.locator("section#crisis").count() == 0
    asked = {g["name"] for g in page.evaluate(GROUPS)}
    assert {f"phq9_{i}" for i in range(3, 10)} <= asked, asked
    assert not any(name.startswith("gad7_") for name in asked), asked
    assert page.locator("#step-count").inner_text() == "Step 3 of 8"

    # The very next page leads with the full panel; after that, only a short reminder.
    assert next(walk) == "day_to_day"
    assert page.locator("main > :first-child").get_attribute("id") == "crisis"
    assert page.locator("#crisis a[href^='tel:']").count() > 0
    assert page.locator("#step-count").inner_text() == "Step 4 of 8"
    assert next(walk) == "change"
    assert page.locator("section#crisis").count() == 0
    assert page.locator("aside.crisis-short").count() == 1
    # Drinking at all adds two questions to the same step: shown again, said so, same number.
    while next(walk) != "alcohol":
        pass
    assert next(walk) == "alcohol"
    assert page.locator("main").get_attribute("data-again") == "yes"
    assert page.locator("#added").count() == 1 and page.locator("input[name=audit_2]").count() > 0
    assert list(walk) == []

    main = page.locator("main")
    assert main.get_attribute("data-outcome") == "crisis_support"
    assert page.locator("main > :first-child").get_attribute("id") == "crisis"
    assert page.locator("#book, a[href*='/book'], [data-chart]").count() == 0
    assert "Book a conversation" not in main.inner_text()
    assert context.cookies() == []

    # A result with charts reads fully without them (the areas table, the details, the map's sentence), and each
    # chart's box already has the height its chart will have (quiz/charts.py), so drawing one will move nothing.
    page.goto(result_url(site, example(site, "coaching")))
    assert page.locator(".plot-container").count() == 0
    rows = page.locator("#areas-table tbody tr").count()
    assert rows == 5 and page.locator("#chart-areas").evaluate(HEIGHT) == chart_height(rows)
    page.locator("#details summary").click()
    assert page.locator("#map-text").is_visible()
    assert page.locator("#chart-map").evaluate(HEIGHT) == MAP_HEIGHT
    assert page.locator("#screener-scores tbody tr").count() > 0
    context.close()


TARGETS = """() => [...document.querySelectorAll(
    '.choice-label, button, .button, select, summary, .help-link, .error-summary-list a, .contacts a')]
  .filter(e => e.getClientRects().length).map(e => {
    e.scrollIntoView({block: 'center'});
    const r = e.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
    const control = e.matches('.choice-label') ? document.getElementById(e.htmlFor) : e;
    // Probe the middle and 6 px in from each edge (clear of the rounded corners).
    const hits = [[x, y], [r.left + 6, y], [r.right - 6, y], [x, r.top + 6], [x, r.bottom - 6]]
      .every(([px, py]) => { const h = document.elementFromPoint(px, py); return h === control || e.contains(h); });
    const big = e.matches('.choice-label, button, .button, select, summary');
    return {what: control.id || e.textContent.trim().slice(0, 30), big, width: r.width, height: r.height, hits};
  })"""


def assert_targets(page, label: str) -> None:
    """Every control is at least 24x24 px (WCAG 2.2 AA), choices and buttons 44 px high, and taps reach it."""
    boxes = page.evaluate(TARGETS)
    assert any(b["big"] for b in boxes), f"{label}: no control found"
    small = [b for b in boxes if b["width"] < 24 or b["height"] < (44 if b["big"] else 24) or not b["hits"]]
    assert small == [], f"{label}: {small}"


def test_targets_are_large_enough(browser, site):
    """On a 320 px screen: the intro, a 0-10 step, its error state, a list step, a crisis panel and a result."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    open_intro(page, site)
    assert_targets(page, "intro")
    submit(page, "#start")
    assert page.locator(".segments").count() > 0
    assert_targets(page, "a 0-10 step")
    submit(page)
    assert_targets(page, "the error state")
    walk = steps(page, example(site, "crisis_support", "often"))
    while next(walk) != "day_to_day":
        pass
    assert page.locator(".radios .choice").count() > 0 and page.locator("#crisis").count() == 1
    assert_targets(page, "a list step with the crisis panel")
    page.goto(result_url(site, example(site, "therapy_and_coaching")))
    assert_targets(page, "a result")
    context.close()


SCALES = """() => [...document.querySelectorAll('.segments')].map(row => {
  const cells = [...row.querySelectorAll('.choice-label')].map(c => c.getBoundingClientRect());
  const ends = [...row.parentElement.querySelectorAll('.scale-ends span')].map(s => s.getBoundingClientRect());
  const box = row.closest('.fieldset').getBoundingClientRect();
  return {
    cells: cells.length, rows: new Set(cells.map(c => Math.round(c.top))).size,
    smallest: [Math.min(...cells.map(c => c.width)), Math.min(...cells.map(c => c.height))],
    ends: ends.length === 2
      && ends.every(e => e.width > 0 && e.height > 0 && e.left >= box.left && e.right <= box.right)
      && Math.abs(ends[0].left - cells[0].left) <= 1 && Math.abs(ends[1].right - cells[cells.length - 1].right) <= 1,
  };
})"""


def assert_scales_fit(where, label: str) -> None:
    """Each 0-10 scale is one row of eleven segments of at least 24x24 px, its end labels under its ends."""
    scales = where.evaluate(SCALES)
    assert len(scales) == 10, f"{label}: {scales}"
    bad = [s for s in scales if s["cells"] != 11 or s["rows"] != 1 or min(s["smallest"]) < 24 or not s["ends"]]
    assert bad == [], f"{label}: {bad}"
    width, client = where.evaluate(NO_SIDEWAYS)
    assert width <= client, f"{label}: scrolls sideways ({width} > {client})"


def test_scales_stay_on_one_row_at_320px_and_in_a_300px_frame(browser, site):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    open_intro(page, site)
    submit(page, "#start")
    assert_scales_fit(page, "320 px screen")

    site.pages.pages["/narrow"] = (
        '<!doctype html><html lang="en"><title>Narrow column</title><body style="margin:0">'
        f'<div style="width:300px"><script src="{site.quiz.origin}/embed.js" data-quiz="{QUIZ}" async></script>'
        "</div></body></html>"
    )
    page.set_viewport_size({"width": 800, "height": 800})
    page.goto(f"{site.cross.origin}/narrow")
    frame = page.frame_locator(".quiz-embed iframe")
    with page.expect_event("framenavigated", lambda f: "/next?" in f.url):
        frame.locator("#start").click()
    inner = next(f for f in page.frames if "/next?" in f.url)
    inner.wait_for_load_state()
    assert inner.evaluate("() => document.documentElement.clientWidth") == 300
    assert_scales_fit(inner, "300 px frame")
    context.close()


def test_error_summary_is_one_line_with_links_that_move_focus(browser, site):
    context = browser.new_context(viewport={"width": 375, "height": 667})
    page = context.new_page()
    open_intro(page, site)
    submit(page, "#start")
    questions = page.locator(".fieldset legend").all_inner_texts()
    submit(page)  # sent empty
    summary = page.locator("#error-summary")
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert summary.locator("h2").inner_text() == f"Please answer the {len(questions)} questions below"
    links = summary.locator("a")
    assert links.all_inner_texts() == [f"Question {k}" for k in range(1, len(questions) + 1)]
    messages = page.locator(".error-message").all_inner_texts()
    assert len(messages) == len(questions)
    for message, question in zip(messages, questions, strict=True):
        words = message.replace("Error:", "").split()
        assert 0 < len(words) <= 8 and " ".join(words) not in question, message

    links.nth(2).click()  # by pointer
    assert page.evaluate("document.activeElement.id") == "lg_partner_sat-0"
    legend = page.locator("#q-lg_partner_sat legend").bounding_box()
    assert legend and -2 <= legend["y"] < 667, legend
    links.nth(4).focus()  # by keyboard
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "lg_family_sat-0"

    page.locator("#lg_work_sat-8").check()
    submit(page)
    assert summary.locator("h2").inner_text() == f"Please answer the {len(questions) - 1} questions below"
    assert links.first.inner_text() == "Question 2"
    context.close()


def test_no_horizontal_scroll_at_320px(browser, site):
    """The start page, every step, the error state, every result (charts drawn) and the help page fit 320 px."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    widths: dict[str, list[int]] = {}

    def check(label: str) -> None:
        widths[label] = page.evaluate(NO_SIDEWAYS)

    open_intro(page, site)
    check("start")
    submit(page, "#start")
    submit(page)
    check("error state")
    for section in steps(page, example(site, "crisis_support", "often")):
        check(f"step {section}{' again' if page.locator('main[data-again]').count() else ''}")
    for outcome, variant in RESULT_KINDS:
        page.goto(result_url(site, example(site, outcome, variant)))
        if page.locator("#details").count():
            page.locator("#details summary").click()
        for chart in page.locator("[data-chart]").all():
            chart.evaluate("box => box.scrollIntoView({block: 'center'})")  # a chart is drawn once on screen
            chart.locator(".main-svg").first.wait_for()
        check(f"result {outcome} {variant or ''}")
    page.goto(f"{site.quiz.origin}/q/{QUIZ}/help")
    check("help")
    assert len(widths) == 2 + 9 + len(RESULT_KINDS) + 1, list(widths)
    # scrollWidth must not exceed clientWidth (320, or a little less if the browser draws a scrollbar).
    sideways = {label: w for label, w in widths.items() if w[0] > w[1] or not 300 <= w[1] <= 320}
    assert sideways == {}, sideways
    context.close()


def png_size(path: Path) -> tuple[int, int]:
    """Read a PNG's width and height from its IHDR chunk."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)


# When plotly.js started to load and when the page first painted, on the page's own clock.
ORDER = """() => ({
  paint: performance.getEntriesByName('first-contentful-paint')[0].startTime,
  plotly: performance.getEntriesByType('resource').filter(r => r.name.includes('/static-v/plotly-'))[0].startTime,
})"""
# Each chart's box and the chart drawn in it: drawing must not change the box's height.
HEIGHTS = "box => [box.getBoundingClientRect().height, box.querySelector('.main-svg').getBoundingClientRect().height]"


def test_result_charts_come_after_the_words_from_this_origin(browser, site, artifacts):
    """plotly.js loads after the first paint; each chart fills the box kept for it; nothing leaves the origin."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, reduced_motion="reduce")
    page = context.new_page()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    answers = example(site, "therapy_and_coaching")
    page.goto(result_url(site, answers))
    assert page.locator("main").get_attribute("data-outcome") == "therapy_and_coaching"
    page.locator("#chart-areas .main-svg").first.wait_for()
    assert page.locator("#details").get_attribute("open") is None, "the details start closed"
    assert page.locator("#chart-map .main-svg").count() == 0, "a chart in a closed section waits for it to open"
    page.locator("#details summary").click()
    page.locator("#chart-map .main-svg").first.wait_for()
    rows = page.locator("#areas-table tbody tr").count()
    assert rows == page.locator("#chart-areas .bars .point").count()
    for chart, kept in (("#chart-areas", chart_height(rows)), ("#chart-map", MAP_HEIGHT)):
        box, drawn = page.locator(chart).evaluate(HEIGHTS)
        assert box == kept and abs(box - drawn) <= 1, f"{chart}: {kept} px kept, a {box} px box, a {drawn} px chart"
    order = page.evaluate(ORDER)
    assert order["plotly"] > order["paint"], f"plotly.js was asked for before the first paint: {order}"
    page.wait_for_load_state("networkidle")
    elsewhere = [url for url in requests if not url.startswith(site.quiz.origin + "/")]
    assert elsewhere == [], elsewhere

    shot = artifacts / "result-page.png"
    shot.unlink(missing_ok=True)
    page.screenshot(path=shot, full_page=True)
    width, height = png_size(shot)
    assert width == 1280 and height > 2 * 800, (width, height)
    context.close()


def test_chart_code_runs_only_once_a_chart_is_on_screen(browser, site):
    """On a phone, plotly.js is only downloaded while the person reads the words; it runs when they reach a chart."""
    context = browser.new_context(viewport={"width": 375, "height": 667}, reduced_motion="reduce")
    page = context.new_page()
    with page.expect_request(lambda r: "/static-v/plotly-" in r.url) as fetched:
        page.goto(result_url(site, example(site, "therapy_and_coaching")))
    fetched.value.response()
    page.wait_for_timeout(300)
    assert page.evaluate("typeof window.Plotly") == "undefined", "plotly.js ran with no chart on screen"
    page.mouse.wheel(0, 600)
    page.locator("#chart-areas .main-svg").first.wait_for()
    assert page.locator("#chart-map .main-svg").count() == 0
    context.close()
