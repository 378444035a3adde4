"""Score the quiz pages with Lighthouse 12 in its mobile mode: python bench/lighthouse.py [--keep DIR].

A benchmark that prints scores, not a test. It starts `quiz serve` on 127.0.0.1 (a throwaway instance folder),
then runs the Lighthouse pinned in bench/lighthouse/ (installed there with `npm ci` on first use) with Debian's
Chromium against the start page, the first step and one result of each outcome. Mobile is Lighthouse's default:
a simulated slow 4G network and a 4x slower CPU. A step answers a POST, so it has no URL of its own:
bench/lighthouse/step.mjs opens the start page and lets Lighthouse measure the navigation that pressing Start makes.
Targets (issue 14): performance at least 95, accessibility and best practices 100. Exits 1 when one misses.
Scores swing with the machine's load; on a shared machine, run it twice.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this folder comes first on sys.path, where bench/http.py would hide the standard library's http.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shlex  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
HERE = ROOT / "bench" / "lighthouse"
CHROME = "/usr/bin/chromium"
SECRET = "bench-lighthouse-secret-" * 2  # shared with the server, so this script can make result links
QUIZ = "coaching-fit"
CATEGORIES = ("performance", "accessibility", "best-practices")
TARGETS = {"performance": 95, "accessibility": 100, "best-practices": 100}
METRICS = ("first-contentful-paint", "largest-contentful-paint", "total-blocking-time", "cumulative-layout-shift")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, instance: str) -> subprocess.Popen[bytes]:
    """Start `quiz serve` as an operator would, and wait until it answers."""
    env = {
        **os.environ,
        "QUIZ_INSTANCE_PATH": instance,
        "QUIZ_SECRET_KEY": SECRET,
        "QUIZ_BOOKING_URL": "https://coach.example/book",
        "QUIZ_COACH_NAME": "Sam",
    }
    command = [str(Path(sys.executable).parent / "quiz"), "serve", "--host", "127.0.0.1", "--port", str(port)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    for _ in range(100):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.kill()
    raise SystemExit("the quiz server did not start")


def result_links(base: str) -> dict[str, str]:
    """Return one result link per outcome, made from the default bank's first golden example for it."""
    os.environ["QUIZ_INSTANCE_PATH"] = tempfile.mkdtemp(prefix="quiz-lighthouse-links-")
    from quiz import create_app

    app = create_app({"SECRET_KEY": SECRET})
    bank = app.extensions["quiz.banks"][QUIZ]
    tokens = app.extensions["quiz.tokens"]
    links: dict[str, str] = {}
    for example in bank.examples:
        if example.variant is None and f"result {example.expect}" not in links:
            token = tokens.result_token(bank, dict(example.answers))
            links[f"result {example.expect}"] = f"{base}/q/{QUIZ}/r/{token}"
    return links


def lighthouse(url: str, out: Path, step: bool) -> tuple[list[str], dict]:
    """Run Lighthouse on a URL, or on the navigation Start makes from it; return the command and the report."""
    if step:
        command = ["node", "step.mjs", url, str(out)]
    else:
        command = ["node_modules/.bin/lighthouse", url, "--chrome-flags=--headless=new --no-sandbox"]
        command += [f"--only-categories={','.join(CATEGORIES)}", "--output=json", f"--output-path={out}", "--quiet"]
    subprocess.run(command, cwd=HERE, env={**os.environ, "CHROME_PATH": CHROME}, check=True)
    return command, json.loads(out.read_text())


def misses(report: dict) -> list[str]:
    """Return the audits that cost a category points, with what Lighthouse says about each."""
    found = []
    for category in report["categories"].values():
        for ref in category["auditRefs"]:
            audit = report["audits"][ref["id"]]
            if ref["weight"] > 0 and audit["score"] is not None and audit["score"] < 1:
                found.append(f"{category['id']}: {ref['id']} {audit['score']:.2f} {audit.get('displayValue', '')}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="keep the JSON reports in this folder")
    args = parser.parse_args()
    if not (HERE / "node_modules" / "lighthouse").is_dir():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=HERE, check=True)
    reports = args.keep or Path(tempfile.mkdtemp(prefix="quiz-lighthouse-"))
    reports.mkdir(parents=True, exist_ok=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = start_server(port, tempfile.mkdtemp(prefix="quiz-lighthouse-"))
    try:
        pages = {"start page": (f"{base}/q/{QUIZ}", False), "step 1": (f"{base}/q/{QUIZ}", True)}
        pages |= {name: (url, False) for name, url in result_links(base).items()}
        for url, _ in pages.values():
            urllib.request.urlopen(url, timeout=10).close()  # a running server has loaded what it needs
        return score(pages, reports)
    finally:
        server.terminate()
        server.wait(10)


def score(pages: dict[str, tuple[str, bool]], reports: Path) -> int:
    """Run Lighthouse on each page and print its scores; return 1 if any misses its target."""
    print(f"{'page':<30} {'perf':>5} {'a11y':>5} {'best':>5}   FCP / LCP / TBT / CLS")
    missed = False
    for name, (url, step) in pages.items():
        command, report = lighthouse(url, reports / f"{name.replace(' ', '-')}.json", step)
        scores = {c: round(report["categories"][c]["score"] * 100) for c in CATEGORIES}
        metrics = " / ".join(report["audits"][m]["displayValue"] for m in METRICS)
        print(f"{name:<30} {' '.join(f'{scores[c]:>5}' for c in CATEGORIES)}   {metrics}")
        print(f"    CHROME_PATH={CHROME} {shlex.join(command)}".replace(url, "URL"))
        for line in misses(report):
            print(f"    - {line}")
        missed |= any(scores[c] < TARGETS[c] for c in CATEGORIES)
    print(f"targets: performance >= 95, accessibility and best practices 100: {'MISSED' if missed else 'met'}")
    print(f"reports: {reports}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
