"""Print what the quiz pages weigh on the wire: before the first paint, in all, and for the charts.

For the start page, the first step and every result kind the default bank's golden examples reach:
- first paint: the HTML and the render-blocking stylesheets, as the server sends them to a browser that accepts
  gzip (deferred scripts, the favicon and plotly.js do not hold up the first paint);
- total: everything the page loads, plotly.js included when the page has a chart (it loads when a chart nears the
  screen or the browser is idle, so every visit with a chart ends up fetching it);
- charts: charts.js and plotly.js.
Then the partial plotly.js bundle against the full plotly.min.js that the installed plotly package carries.
Sizes are as sent, and in brackets as they would be if every text were gzipped (gzip -6) by the server.

Run: python bench/pages.py   (Flask's test client on a throwaway instance folder; no network, no browser)
"""

from __future__ import annotations

import gzip
import os
import re
import sys
import tempfile
from dataclasses import dataclass, field
from html import unescape
from pathlib import Path

# Run as a script, this folder comes first on sys.path, where bench/http.py would hide the standard library's http.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import plotly  # noqa: E402

from quiz import create_app  # noqa: E402

QUIZ = "coaching-fit"
FIRST_PAINT_BUDGET = 60_000  # bytes of a result page before its first paint, at most (issue 14)
CHART_SHARE = 0.3  # the partial bundle against the full plotly.js, both gzipped, at most
TAGS = re.compile(r"<(?:link|script)\b[^>]*>")
ATTR = re.compile(r'\s([a-z-]+)="([^"]*)"')
FORM = re.compile(r'name="(token|state)" value="([^"]*)"')


@dataclass
class Weight:
    """One page's bytes, as sent and as they would be gzipped, split by when the browser needs them."""

    first_paint: list[int] = field(default_factory=lambda: [0, 0])
    total: list[int] = field(default_factory=lambda: [0, 0])
    charts: int = 0
    plotly: int = 0
    plain: set[str] = field(default_factory=set)  # the files sent uncompressed


def fetch(client, url: str) -> tuple[bytes, bool]:
    """Return the body as sent to a browser that accepts gzip, and whether it came compressed."""
    response = client.get(url, headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.status_code in (200, 304), (url, response.status_code)
    return response.data, response.headers.get("Content-Encoding") == "gzip"


def html_of(sent: tuple[bytes, bool]) -> str:
    return (gzip.decompress(sent[0]) if sent[1] else sent[0]).decode()


def subresources(html: str) -> list[tuple[str, bool, bool]]:
    """Return each file the page loads: (URL, blocks the first paint, is chart code)."""
    found = []
    for tag in TAGS.findall(html):
        attrs = {k: unescape(v) for k, v in ATTR.findall(tag)}
        if tag.startswith("<link") and attrs.get("rel") in ("stylesheet", "icon"):
            blocking = attrs["rel"] == "stylesheet" and attrs.get("media", "all") in ("all", "screen")
            found.append((attrs["href"], blocking, False))
        elif tag.startswith("<script") and "src" in attrs:
            chart = "data-plotly" in attrs
            found.append((attrs["src"], not ("defer" in tag or "async" in tag), chart))
            if chart:
                found.append((attrs["data-plotly"], False, True))
    return found


def weigh(client, html_sent: tuple[bytes, bool]) -> Weight:
    """Add up the page and everything it loads."""
    weight = Weight()
    parts = [("the HTML", html_sent, True, False)]
    parts += [(url, fetch(client, url), blocking, chart) for url, blocking, chart in subresources(html_of(html_sent))]
    for url, (body, zipped), blocking, chart in parts:
        sizes = [len(body), len(body) if zipped else len(gzip.compress(body, 6))]
        for i, size in enumerate(sizes):
            weight.total[i] += size
            weight.first_paint[i] += size if blocking else 0
        weight.charts += sizes[0] if chart else 0
        weight.plotly = sizes[0] if "plotly" in url else weight.plotly
        if not zipped and sizes[0] > 1000:
            weight.plain.add(url.split("?")[0])
    return weight


def pages(app, client) -> dict[str, tuple[bytes, bool]]:
    """Return each page to weigh, as sent: the start page, the first step, and one result of each kind."""
    found = {"start page": fetch(client, f"/q/{QUIZ}")}
    intro = client.get(f"/q/{QUIZ}").get_data(as_text=True)
    form = {k: unescape(v) for k, v in FORM.findall(intro)}
    step = client.post(f"/q/{QUIZ}/next", data={**form, "action": "next"}, headers={"Accept-Encoding": "gzip"})
    found["step 1 (ten 0-10 scales)"] = (step.data, step.headers.get("Content-Encoding") == "gzip")
    bank = app.extensions["quiz.banks"][QUIZ]
    tokens = app.extensions["quiz.tokens"]
    for example in bank.examples:
        name = f"result {example.expect}" + (f" ({example.variant})" if example.variant else "")
        if name not in found:
            found[name] = fetch(client, f"/q/{QUIZ}/r/{tokens.result_token(bank, dict(example.answers))}")
    return found


def table(app, client) -> tuple[int, int, set[str]]:
    """Print each page's weights; return the heaviest result's first paint, plotly.js's size and foreign files."""
    print(f"{'bytes as sent (and if gzipped)':<44} {'first paint':>18} {'total':>18} {'charts':>9}")
    worst_result, ours, plain, elsewhere = 0, 0, set(), set()
    for name, sent in pages(app, client).items():
        weight = weigh(client, sent)
        paint, total = (f"{as_sent:,} ({zipped:,})" for as_sent, zipped in (weight.first_paint, weight.total))
        print(f"{name:<44} {paint:>18} {total:>18} {weight.charts:>9,}")
        if name.startswith("result"):
            worst_result = max(worst_result, weight.first_paint[0])
        ours = max(ours, weight.plotly)
        plain |= weight.plain
        elsewhere |= {url for url, _, _ in subresources(html_of(sent)) if url.startswith(("http:", "https:", "//"))}
    if plain:
        print(f"sent uncompressed to a browser that accepts gzip: {', '.join(sorted(plain))}")
    return worst_result, ours, elsewhere


def main() -> int:
    os.environ["QUIZ_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="quiz-bench-")
    app = create_app({"SECRET_KEY": "bench" * 32, "BOOKING_URL": "https://coach.example/book"})
    worst_result, ours, elsewhere = table(app, app.test_client(use_cookies=False))
    full = len(gzip.compress((Path(plotly.__file__).parent / "package_data" / "plotly.min.js").read_bytes(), 9))
    share = ours / full
    print(f"plotly.js: partial bundle {ours:,} B gz, full plotly.min.js {full:,} B gz (gzip -9): {share:.2f}x")
    verdicts = [
        (worst_result <= FIRST_PAINT_BUDGET, f"result pages before the first paint: at most {worst_result:,} B"),
        (share <= CHART_SHARE, f"chart code: {share:.2f}x the full plotly.js"),
        (not elsewhere, f"files loaded from another host: {sorted(elsewhere) or 'none'}"),
    ]
    for ok, text in verdicts:
        print(f"{'OK  ' if ok else 'FAIL'} {text}")
    return 0 if all(ok for ok, _ in verdicts) else 1


if __name__ == "__main__":
    raise SystemExit(main())
