"""The embed across sites: third-party cookies blocked, a self-sizing frame, events, theming, refused origins."""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest

from quiz.catalog import load_catalog

from .quizpages import answer_step as set_answers
from .quizpages import example

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
FRAME = ".quiz-embed iframe"
HOST_PAGE = """<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>A coach's site</title>
<style>body{{margin:0;font-family:serif}} header{{height:420px;background:#eee}}</style></head>
<body><header><h1>Work with me</h1></header>
<script>window.seen=[];["quiz:started","quiz:step","quiz:completed"].forEach(function(n){{
document.addEventListener(n,function(e){{window.seen.push({{type:e.type,detail:e.detail}});}});}});</script>
<script src="{quiz}/embed.js" data-quiz="coaching-fit" {attrs} async></script>
<footer><p>Footer of the coach's site.</p>{extra}</footer></body></html>"""
PROBE = """<!doctype html><title>probe</title><p id="jar"></p><script>
document.cookie="probe=1; SameSite=None; Secure; Path=/";
document.getElementById("jar").textContent="jar:"+document.cookie;</script>"""
NEXT = re.compile(r"^(Next|See my result)$")


@pytest.fixture(scope="module")
def low_distress() -> dict[str, object]:
    """Return the default bank's 'thriving' example answers, which lead to the coaching outcome."""
    bank = load_catalog([ROOT / "questions"])["coaching-fit"]
    return next(dict(e.answers) for e in bank.examples if e.expect == "coaching")


def open_host(browser, host, quiz, width=1280, attrs="", extra=""):
    """Put the snippet on the host site and open it; return the page and what it saw go wrong."""
    host[0].pages["/"] = HOST_PAGE.format(quiz=quiz.origin, attrs=attrs, extra=extra)
    context = browser.new_context(viewport={"width": width, "height": 800}, reduced_motion="reduce")
    page = context.new_page()
    trouble: dict[str, list[str]] = {"cookies": [], "console": []}
    page.on(
        "response",
        lambda r: r.url.startswith(quiz.origin) and "set-cookie" in r.headers and trouble["cookies"].append(r.url),
    )
    page.on(
        "console",
        lambda m: (
            m.type in ("error", "warning") and trouble["console"].append(f"{m.text} @ {m.location.get('url', '')}")
        ),
    )
    return page, trouble


def quiz_frame(page):
    """Return the quiz iframe's Frame once it has its document."""
    handle = page.locator(FRAME).element_handle()
    frame = handle.content_frame()
    frame.wait_for_load_state()
    return frame


def measure(page) -> dict[str, float]:
    """Return the iframe's height and its document's content, scroll and viewport heights."""
    inside = (
        quiz_frame(page)
        .locator("html")
        .evaluate("h => ({content: h.getBoundingClientRect().height, scroll: h.scrollHeight, client: h.clientHeight})")
    )
    return {"frame": page.locator(FRAME).evaluate("f => f.getBoundingClientRect().height"), **inside}


STEP = 400  # frame.js rounds heights up to whole steps, so the host page cannot tell pages apart by a few pixels


def rounded(content: float) -> float:
    return math.ceil(content / STEP) * STEP


def sized(page, floor: float = 0) -> dict[str, float]:
    """Wait until the frame has taken its content's height, rounded up (or the floor), then return the measurements."""
    for _ in range(60):
        found = measure(page)
        if abs(found["frame"] - max(floor, rounded(found["content"]))) <= 2 and found["scroll"] <= found["client"]:
            return found
        page.wait_for_timeout(100)
    return measure(page)


def assert_fits(page, label: str) -> None:
    found = sized(page)
    assert abs(found["frame"] - rounded(found["content"])) <= 2, (label, found)
    assert found["frame"] % STEP == 0 and found["content"] <= found["frame"], (label, found)
    assert found["scroll"] <= found["client"], f"{label}: the frame scrolls inside: {found}"


def assert_third_party_cookies_blocked(browser, serve, host) -> None:
    """Show that this browser drops cookies set inside a cross-site frame, so the cookie test means something."""
    probe = serve(type(host[0])({"/probe": PROBE}), "localhost")
    host[0].pages["/probe-host"] = f'<!doctype html><title>p</title><iframe src="{probe.origin}/probe"></iframe>'
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{host[1].origin}/probe-host")
    assert page.frame_locator("iframe").locator("#jar").text_content() == "jar:"
    assert [c for c in context.cookies() if c["domain"] == "localhost"] == []
    context.close()


def answer_step(frame, answers: dict[str, object]) -> None:
    """Choose the given answer for every question on the step, by clicking it."""
    names = frame.locator("#quiz-form input.choice-input").evaluate_all("els => [...new Set(els.map(e => e.name))]")
    for name in names:
        chosen = answers[name]
        for value in chosen if isinstance(chosen, (list, tuple)) else [chosen]:
            frame.locator(f'input[name="{name}"][value="{value}"]').check()


def widget_top_visible(page) -> bool:
    return page.evaluate(
        "() => { const t = document.querySelector('.quiz-embed').getBoundingClientRect().top;"
        " return t >= -1 && t < innerHeight; }"
    )


@pytest.mark.parametrize("width", [1280, 360])
def test_quiz_completes_across_sites_with_cookies_blocked(
    browser, serve, host_site, quiz_server, low_distress, artifacts, width
):
    assert_third_party_cookies_blocked(browser, serve, host_site)
    quiz = quiz_server(EMBED_ORIGINS=host_site[1].origin)
    page, trouble = open_host(browser, host_site, quiz, width)
    page.goto(host_site[1].origin + "/")
    iframe = page.locator(FRAME)
    assert iframe.get_attribute("title") and iframe.get_attribute("loading") == "lazy"
    frame = quiz_frame(page)
    assert_fits(page, "intro")
    with frame.expect_navigation():
        frame.locator("#start").click()
    steps = 0
    while not frame.locator("main[data-outcome]").count():
        steps += 1
        assert steps <= 12, "the quiz did not reach its result"
        assert_fits(page, f"step {steps}")
        assert widget_top_visible(page), f"step {steps}: the host page did not scroll to the widget"
        answer_step(frame, low_distress)
        with frame.expect_navigation():
            frame.get_by_role("button", name=NEXT).click()
    assert frame.locator("main").get_attribute("data-outcome") == "coaching"
    frame.wait_for_load_state("networkidle")
    assert_fits(page, "result")
    assert widget_top_visible(page)
    # A viewport shot: Chromium leaves a cross-site frame unpainted below the fold in full-page shots.
    page.screenshot(path=artifacts / f"embed-result-{width}px.png")

    seen = page.evaluate("window.seen")
    kinds = [e["type"] for e in seen]
    numbers = [e["detail"]["number"] for e in seen[1:-1]]
    assert kinds == ["quiz:started"] + ["quiz:step"] * len(numbers) + ["quiz:completed"], kinds
    assert numbers == list(range(1, 9)), "one event per step, numbered the same for everyone"
    assert steps >= 8
    assert seen[-1]["detail"] == {"quiz": "coaching-fit"}, "the host page learns nothing about the outcome"
    assert [c for c in page.context.cookies() if c["domain"] == "localhost"] == []
    assert trouble["cookies"] == []
    refused = [m for m in trouble["console"] if "Content Security Policy" in m]
    assert refused == [], refused
    frame.locator("#chart-areas").scroll_into_view_if_needed()  # a chart is drawn once it is on screen
    frame.locator("#chart-areas .main-svg").first.wait_for(timeout=10_000)
    assert frame.locator(".main-svg").first.evaluate("e => getComputedStyle(e).position") == "absolute"
    page.context.close()


def test_target_theme_and_min_height(browser, host_site, quiz_server):
    quiz = quiz_server(EMBED_ORIGINS=host_site[1].origin)
    attrs = (
        'data-target="quiz-here" data-accent="#fc0" data-mode="dark" data-radius="12" data-min-height="1400"'
        ' data-title="Is coaching right for me?"'
    )
    page, _ = open_host(browser, host_site, quiz, attrs=attrs, extra='<div id="quiz-here"></div>')
    page.goto(host_site[1].origin + "/")
    assert page.locator("#quiz-here iframe[title='Is coaching right for me?']").count() == 1
    frame = quiz_frame(page)
    start = frame.locator("#start").evaluate(
        "b => { const s = getComputedStyle(b); return [s.backgroundColor, s.color, s.borderTopLeftRadius]; }"
    )
    assert start == ["rgb(255, 204, 0)", "rgb(0, 0, 0)", "12px"]
    assert frame.locator("body").evaluate("b => getComputedStyle(b).backgroundColor") == "rgb(18, 18, 18)"
    found = sized(page, floor=1400)
    assert abs(found["frame"] - max(1400, rounded(found["content"]))) <= 2, found
    page.evaluate("window.postMessage({type: 'quiz:height', height: 40}, '*')")
    page.wait_for_timeout(300)
    assert abs(measure(page)["frame"] - found["frame"]) <= 2, "a message not from the quiz frame resized it"
    page.context.close()


def test_site_missing_from_allow_list_cannot_show_the_quiz(browser, host_site, quiz_server):
    quiz = quiz_server(EMBED_ORIGINS="https://coach.example.com")
    page, trouble = open_host(browser, host_site, quiz)
    page.goto(host_site[1].origin + "/")
    frame = page.locator(FRAME).element_handle().content_frame()
    for _ in range(50):
        if frame.url.startswith("chrome-error:"):
            break
        page.wait_for_timeout(100)
    assert frame.url.startswith("chrome-error:"), frame.url
    assert any("frame-ancestors" in m for m in trouble["console"]), trouble["console"]
    page.context.close()


# Everything a script on the coach's page can hear from the quiz: every message, the loader's DOM events, the
# frame's load events (one per page inside it) and the window's focus changes, in order.
RECORDER = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A coach's site</title>
<script>
window.heard = [];
function hear(kind, event, detail) { heard.push({kind: kind, type: event.type, detail: detail}); }
window.addEventListener("message", function (e) { hear("message", e, {origin: e.origin, data: e.data}); }, true);
["quiz:started", "quiz:step", "quiz:completed"].forEach(function (name) {
  document.addEventListener(name, function (e) { hear("event", e, e.detail); }, true);
});
document.addEventListener("load", function (e) { if (e.target.tagName === "IFRAME") hear("load", e, null); }, true);
["focus", "blur"].forEach(function (name) {
  window.addEventListener(name, function (e) { hear("window", e, null); });
});
</script></head><body><h1>Work with me</h1>
<script src="{quiz}/embed.js" data-quiz="coaching-fit" async></script></body></html>"""


def heard_in_a_run(browser, site, answers: dict[str, object]) -> list[dict[str, object]]:
    """Take the quiz in the embed on the coach's site, pressing its buttons, and return what the host page heard."""
    site.pages.pages["/recorded"] = RECORDER.replace("{quiz}", site.quiz.origin)
    context = browser.new_context(viewport={"width": 375, "height": 667}, reduced_motion="reduce")
    page = context.new_page()
    page.goto(f"{site.cross.origin}/recorded")
    frame = quiz_frame(page)
    with frame.expect_navigation():
        frame.locator("#start").click()
    while not frame.locator("main[data-outcome]").count():
        set_answers(frame, answers, click=False)  # choices inside the frame are not something the host can see
        with frame.expect_navigation():
            frame.get_by_role("button", name=NEXT).click()
    frame.wait_for_load_state("networkidle")
    page.wait_for_timeout(500)  # anything late, such as a height change when a chart is drawn
    heard = page.evaluate("window.heard")
    context.close()
    return heard


def test_crisis_and_calm_runs_send_the_host_the_same_events(browser, site):
    """A host page cannot tell a self-harm answer from none: the same events, in the same order, with the same data.

    Only the heights may differ, and only by whole 400 px steps: the frame's size is the channel that remains
    (the README's privacy section says so).
    """
    runs = {
        "calm": example(site, "coaching"),
        "self-harm on several days": example(site, "crisis_support"),
        "self-harm nearly every day, low mood": example(site, "crisis_support", "often"),
    }
    heard = {name: heard_in_a_run(browser, site, answers) for name, answers in runs.items()}
    heights = {
        name: [
            h["detail"]["data"]["height"]
            for h in run
            if h["detail"] and h["type"] == "message" and h["detail"]["data"].get("type") == "quiz:height"
        ]
        for name, run in heard.items()
    }

    def shape(run: list[dict]) -> tuple[list[object], list[object]]:
        """Return the messages and the loader's events in order, heights marked; then the other events, sorted.

        The frame's messages arrive in the order it sent them, and the loader's events follow them at once. The
        frame's load events and the window's focus changes cross from another process, so where they fall among
        the messages is a race between processes, not something the answers decide: compare those as counts.
        """
        ordered, counted = [], []
        for h in run:
            detail = h["detail"]
            if h["kind"] == "message" and detail["data"].get("type") == "quiz:height":
                detail = {**detail, "data": {**detail["data"], "height": "rounded"}}
            (ordered if h["kind"] in ("message", "event") else counted).append((h["kind"], h["type"], detail))
        return ordered, sorted(counted, key=repr)

    calm, others = shape(heard["calm"])
    assert others.count(("load", "load", None)) >= 10, "a whole run is at least ten pages"
    completed = ("message", "message", {"origin": site.quiz.origin, "data": {"type": "quiz:completed"}})
    assert calm.count(completed) == 1 and ("event", "quiz:completed", {"quiz": "coaching-fit"}) in calm, calm
    steps = [d["number"] for kind, _, d in calm if kind == "event" and "number" in d]
    assert steps == list(range(1, 9)), steps
    for name, run in heard.items():
        assert shape(run) == (calm, others), f"{name}: the host page heard something different"
        assert all(h % 400 == 0 for h in heights[name]), f"{name}: {heights[name]}"
    print({name: h for name, h in heights.items()})
