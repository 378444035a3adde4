"""Write screenshots of the pages people see, to look at after a change: python bench/screenshots.py [OUT].

The start page, a step, the error state, a result of each kind, and the coach's pages (login, the dashboard
over 600 synthetic responses, settings, embed code), each at 375 and 1280 px wide, in light and dark.
Full-page PNGs go to OUT (default /tmp/quiz-shots); they are not committed. Needs Debian's Chromium at
/usr/bin/chromium and the `test` extra (Playwright).
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path

# Run as a script, this folder comes first on sys.path, where bench/http.py would hide the standard library's http.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from playwright.sync_api import sync_playwright  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]
ARGS += ["--disable-component-update", "--no-first-run"]
PASSWORD = "screenshots only, on a throwaway instance"
COACH = ("login", "", "settings", "embed")  # pages under /coach/
WIDTHS = {"phone": (375, 667), "desktop": (1280, 800)}
RESULTS = {
    "coaching": "thriving",
    "both": "worry worth",
    "crisis": "nearly every day",
    "severe": "severe low mood",
    "doctor": "very low well-being (WHO",
    "parts": "healing need above growth",
    "notyet": "not feel important",
}


def serve() -> tuple[str, object]:
    """Start the app on a free port of 127.0.0.1 with a fresh instance folder; return its URL and the app."""
    os.environ["QUIZ_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="quiz-shots-")
    os.environ.setdefault("QUIZ_BOOKING_URL", "https://coach.example/book")
    os.environ.setdefault("QUIZ_COACH_NAME", "Sam")
    from quiz import create_app, demo
    from quiz.coach import auth

    app = create_app({"MIN_HUMAN_SECONDS": 0, "CARELESS_CHECK": False})
    auth.set_password(app.instance_path, PASSWORD)
    bank = app.extensions["quiz.banks"]["coaching-fit"]  # type: ignore[attr-defined]
    rng, events = random.Random(1), Counter()
    records = []
    for record, steps in demo.respondents(bank, 600, [None], days=120, seed=1):
        records.append(record)
        events.update(demo.funnel(record, steps, rng))
    app.extensions["quiz.store"].save(records)  # type: ignore[attr-defined]
    app.extensions["quiz.store"].add_events(events)  # type: ignore[attr-defined]
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", app


def pages(base: str, app: object) -> dict[str, str]:
    """Return the URL of each result page to shoot, made from the bank's golden examples."""
    bank = app.extensions["quiz.banks"]["coaching-fit"]  # type: ignore[attr-defined]
    tokens = app.extensions["quiz.tokens"]  # type: ignore[attr-defined]
    found = {}
    for name, words in RESULTS.items():
        example = next(e for e in bank.examples if words in e.name)
        found[f"result-{name}"] = f"{base}/q/coaching-fit/r/{tokens.result_token(bank, dict(example.answers))}"
    return found


def shoot(out: Path) -> list[Path]:
    """Take every screenshot; return the files written."""
    base, app = serve()
    written = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for scheme in ("light", "dark"):
            for label, (width, height) in WIDTHS.items():
                page = browser.new_page(viewport={"width": width, "height": height}, color_scheme=scheme)
                shots = {"start": f"{base}/q/coaching-fit", **pages(base, app)}
                for name, url in shots.items():
                    page.goto(url)
                    _draw_charts(page)
                    written.append(_save(page, out / f"{name}-{label}-{scheme}.png"))
                page.goto(f"{base}/q/coaching-fit")
                page.click("#start")
                written.append(_save(page, out / f"step-{label}-{scheme}.png"))
                page.click("#next")
                written.append(_save(page, out / f"error-{label}-{scheme}.png"))
                page.close()
                written += _coach(browser, base, out, scheme, label, width, height)
        browser.close()
    return written


def _coach(browser: object, base: str, out: Path, scheme: str, label: str, width: int, height: int) -> list[Path]:
    """Log in as the coach and shoot each coach page."""
    page = browser.new_page(viewport={"width": width, "height": height}, color_scheme=scheme)  # type: ignore[attr-defined]
    page.goto(f"{base}/coach/login")
    written = [_save(page, out / f"coach-login-{label}-{scheme}.png")]
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    for name in COACH[1:]:
        page.goto(f"{base}/coach/{name}")
        _draw_charts(page)
        written.append(_save(page, out / f"coach-{name or 'dashboard'}-{label}-{scheme}.png"))
    page.close()
    return written


def _draw_charts(page: object) -> None:
    """Bring each chart outside the closed details on screen, which is when it is drawn, then go back up."""
    for chart in page.locator("[data-chart]:not(details [data-chart])").all():  # type: ignore[attr-defined]
        chart.evaluate("box => box.scrollIntoView({block: 'center'})")
        chart.locator(".main-svg").first.wait_for()
    page.evaluate("() => window.scrollTo(0, 0)")  # type: ignore[attr-defined]


def _save(page: object, path: Path) -> Path:
    page.screenshot(path=str(path), full_page=True)  # type: ignore[attr-defined]
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/quiz-shots")
    target.mkdir(parents=True, exist_ok=True)
    for path in shoot(target):
        print(path)
