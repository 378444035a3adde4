"""Print the gzip weight of a quiz step page and of the result page, with everything each one loads.

Run: python bench/pages.py   (uses Flask's test client on a throwaway instance folder; no network)
"""

from __future__ import annotations

import gzip
import os
import re
import sys
import tempfile
from html import unescape
from pathlib import Path

# Swap this folder for tests/ on the path: bench/http.py would otherwise shadow the standard library's http.
sys.path[0] = str(Path(__file__).resolve().parent.parent / "tests")
from answer_sets import THRIVING  # noqa: E402

from quiz import create_app  # noqa: E402

QUIZ = "/q/coaching-fit"
STEP_BUDGET = 40_000
RESULT_BUDGET = 60_000
LOADED = re.compile(r'<(?:script|img|iframe|source)[^>]*\ssrc="([^"]+)"|<link[^>]*\shref="([^"]+)"')
ANY_URL = re.compile(r'\s(?:src|href|action)="([^"]+)"')
CSS_URL = re.compile(r"url\(\s*['\"]?([^'\")]+)")


def gz(data: bytes) -> int:
    """Return the size of data gzipped at level 6, what a server typically sends."""
    return len(gzip.compress(data, 6))


def foreign(url: str) -> bool:
    """Say whether a URL points at another host."""
    return url.startswith(("http://", "https://", "//")) and not url.startswith("http://localhost/")


def weigh(client, html: str, skip: tuple[str, ...] = ()) -> tuple[int, list[tuple[str, int]], list[str]]:
    """Return the page's gz bytes, each loaded file's gz bytes, and every reference to another host."""
    files: list[tuple[str, int]] = []
    outside = [u for u in ANY_URL.findall(html) if foreign(unescape(u))]
    for groups in LOADED.findall(html):
        url = unescape(groups[0] or groups[1])
        if foreign(url):
            continue
        if any(s in url for s in skip):
            continue
        body = client.get(url, headers={"Accept-Encoding": "identity"}).data
        files.append((url.split("?")[0], gz(body)))
        if url.split("?")[0].endswith(".css"):
            outside += [u for u in CSS_URL.findall(body.decode()) if foreign(u)]
    return gz(html.encode()), files, outside


def report(title: str, page: int, files: list[tuple[str, int]], outside: list[str], budget: int) -> None:
    total = page + sum(size for _, size in files)
    print(f"{title}: HTML {page:,} B gz")
    for url, size in files:
        print(f"  + {url}: {size:,} B gz")
    verdict = "OK" if total <= budget else "OVER BUDGET"
    print(f"  = {total:,} B gz (budget {budget:,}) {verdict}; references to other hosts: {len(outside)}")
    for url in outside:
        print(f"    ! {url}")


def main() -> int:
    os.environ["QUIZ_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="quiz-bench-")
    # The bench answers in milliseconds; skip the careless-answer check a person that fast would get.
    config = {"SECRET_KEY": "bench" * 32, "BOOKING_URL": "https://coach.example/book", "CARELESS_CHECK": False}
    app = create_app(config)
    client = app.test_client(use_cookies=False)
    fields = re.compile(r'name="(token|state)" value="([^"]*)"')

    def post(html: str, answers: dict) -> object:
        data = {k: unescape(v) for k, v in fields.findall(html)}
        data.update({k: [str(x) for x in v] if isinstance(v, list) else str(v) for k, v in answers.items()})
        return client.post(f"{QUIZ}/next", data={**data, "action": "next", "consent": "yes"})

    html = client.get(QUIZ).get_data(as_text=True)
    response = post(html, {})
    step = response.get_data(as_text=True)  # the first step: ten 0-10 questions, the heaviest page
    page, files, outside = weigh(client, step)
    report("Step page (life_now) with everything it loads", page, files, outside, STEP_BUDGET)
    while response.status_code == 200:
        response = post(response.get_data(as_text=True), THRIVING)
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    page, files, outside = weigh(client, result, skip=("/static-v/plotly-",))
    report("Result page HTML+CSS+JS, without plotly.js", page, files, outside, RESULT_BUDGET)
    plotly = re.search(r'src="(/static-v/plotly-[^"]+)"', result).group(1)
    sent = client.get(plotly, headers={"Accept-Encoding": "gzip"})
    print(
        f"plotly.js ({plotly}): {len(sent.data):,} B as sent (Content-Encoding: {sent.headers.get('Content-Encoding')})"
    )
    return 0 if not outside else 1


if __name__ == "__main__":
    raise SystemExit(main())
