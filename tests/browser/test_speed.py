"""The result page on a slow phone (Chromium's CPU throttled 4x): the frame is told at once, and charts move nothing.

These measure order and stability, not speed: the bounds (1 s after the first paint, a layout shift under 0.02)
are far from what the page does, so a shared, busy machine does not make them flaky.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from .quizpages import QUIZ, example, result_url

pytestmark = pytest.mark.browser

SLOW = 4  # Lighthouse's mobile setting
# Runs in every document before its own scripts (an init script is not subject to the page's CSP): keep the
# first-contentful-paint and every layout shift, each on the clock all documents share (timeOrigin + startTime).
OBSERVE = """(() => {
  window.observed = {paint: [], shifts: []};
  const at = e => performance.timeOrigin + e.startTime;
  new PerformanceObserver(list => list.getEntries().forEach(e => observed.paint.push({name: e.name, at: at(e)})))
    .observe({type: 'paint', buffered: true});
  new PerformanceObserver(list => list.getEntries().forEach(e =>
    observed.shifts.push({value: e.value, input: e.hadRecentInput, at: at(e)})))
    .observe({type: 'layout-shift', buffered: true});
})();"""
HOST = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>A coach's site</title><script>
window.heard = [];
const now = () => performance.timeOrigin + performance.now();
window.addEventListener("message", e => heard.push({type: e.data.type, at: now()}));
document.addEventListener("quiz:completed", () => heard.push({type: "event", at: now()}));
</script></head><body><script src="{quiz}/embed.js" data-quiz="{id}" async></script></body></html>"""


# Lighthouse's "slow 4G": 150 ms round trips, 1.6 Mbit/s down, 750 kbit/s up (in bytes per second here).
SLOW_4G = {"offline": False, "latency": 150, "downloadThroughput": 1.6e6 / 8, "uploadThroughput": 750e3 / 8}


def slow_down(page, network: bool = False) -> None:
    """Throttle the page's CPU 4x, as Lighthouse's mobile run does, and its network to slow 4G if asked."""
    cdp = page.context.new_cdp_session(page)
    cdp.send("Emulation.setCPUThrottlingRate", {"rate": SLOW})
    if network:
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_4G)


def test_throttled_result_tells_the_host_within_a_second_of_its_first_paint(browser, site):
    # The coach's page is on the quiz's own site (another port), so Chromium keeps the frame in the page's process
    # and the one throttled CDP session slows both, as a phone's one CPU would.
    site.pages.pages["/slow"] = HOST.replace("{quiz}", site.quiz.origin).replace("{id}", QUIZ)
    context = browser.new_context(viewport={"width": 375, "height": 667}, reduced_motion="reduce")
    context.add_init_script(OBSERVE)
    page = context.new_page()
    page.goto(f"{site.near.origin}/slow")
    frame = page.locator(".quiz-embed iframe").element_handle().content_frame()
    frame.wait_for_load_state()
    slow_down(page, network=True)
    page.evaluate("window.heard.length = 0")
    embed = urlencode({"embed": "1", "host": site.near.origin})
    frame.goto(result_url(site, example(site, "therapy_and_coaching"), f"?{embed}"))
    frame.wait_for_load_state()
    page.wait_for_timeout(300)
    paint = next(p["at"] for p in frame.evaluate("observed.paint") if p["name"] == "first-contentful-paint")
    heard = {h["type"]: h["at"] - paint for h in reversed(page.evaluate("window.heard"))}  # the first of each
    print(f"after first paint (ms): { ({k: round(v) for k, v in heard.items()}) }")
    assert set(heard) >= {"quiz:height", "quiz:completed", "event"}, heard
    late = {kind: round(ms) for kind, ms in heard.items() if ms > 1000}
    assert late == {}, f"the host heard these more than 1 s after the result's first paint: {late}"
    context.close()


def scroll_to(page, selector: str) -> None:
    """Scroll down in wheel-sized steps, as a thumb would, until the element is in the middle of the screen."""
    for _ in range(40):
        box = page.locator(selector).bounding_box()
        if box and box["y"] + box["height"] / 2 <= 667 / 2 + 60:
            return
        page.mouse.wheel(0, 120)
        page.wait_for_timeout(50)
    raise AssertionError(f"{selector} never scrolled into view")


def test_throttled_result_charts_shift_nothing_while_scrolling(browser, site):
    """Scroll to the life-area chart as soon as the words show, open the details and scroll to the map."""
    context = browser.new_context(viewport={"width": 375, "height": 667}, reduced_motion="reduce")
    context.add_init_script(OBSERVE)
    page = context.new_page()
    # On a fast network plotly.js would draw the chart before a thumb could bring it on screen, and a box that
    # kept no room would go unnoticed; on slow 4G the person reaches the empty box first, as on a real phone.
    slow_down(page, network=True)
    page.goto(result_url(site, example(site, "therapy_and_coaching")), wait_until="commit")
    page.locator("#headline").wait_for()
    page.mouse.move(180, 400)
    scroll_to(page, "#chart-areas")
    page.locator("#chart-areas .main-svg").first.wait_for()
    scroll_to(page, "#details summary")
    page.locator("#details summary").click()
    scroll_to(page, "#chart-map")
    page.locator("#chart-map .main-svg").first.wait_for()
    page.wait_for_timeout(600)  # past the half second after the click in which a shift counts as expected
    shifts = page.evaluate("observed.shifts")
    total = sum(s["value"] for s in shifts if not s["input"])
    print(f"cumulative layout shift: {total:.4f} from {len(shifts)} entries")
    assert total < 0.02, shifts
    context.close()
