"""Compare this app with a bare Flask app under the same server: a step page, a result page and a stored submission.

Run: python bench/http.py [--seconds 8] [--concurrency 16] [--cases step,result,submit]
Both apps run under `quiz.server.run` (waitress, the default server) on 127.0.0.1 only, and are measured in
alternating rounds of about a second, so a change in the machine's speed hits both alike. The bare app renders a
40-question form from a template Flask compiles once, as it does by default, and stores a JSON body in SQLite.
A stored quiz submission is two requests, as for any client: a start token, then the answers with it.
"""

from __future__ import annotations

import sys
from pathlib import Path

# Run as a script, this file's folder comes first on sys.path and its name would hide the stdlib `http`.
sys.path = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import argparse
import http.client
import json
import os
import random
import re
import socket
import sqlite3
import subprocess
import tempfile
import threading
import time
import timeit
import urllib.parse
from collections.abc import Callable

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = 40
SECRET = "bench-http-secret-" * 3  # shared with the quiz server, so the bench can make it a result link
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
TEMPLATE = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Form</title></head><body>
<form method="post">{% for i in range(n) %}<fieldset><legend>Question {{ i }}</legend>
{% for v in range(4) %}<label><input type="radio" name="q{{ i }}" value="{{ v }}"> {{ v }}</label>{% endfor %}
</fieldset>{% endfor %}<button>Next</button></form></body></html>"""

Send = Callable[[int], bool]  # one unit of work against a port; True when every reply was a success
FLOORS = {"step": 0.5, "result": None, "submit": None}  # each case, with the ratio to the bare app it must reach


def bare_app(db_path: str):
    """Build a bare Flask app: a 40-question radio form, and a POST that stores the answers in SQLite."""
    from flask import Flask, render_template, request
    from jinja2 import DictLoader

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024  # the same body limit, so the server is set up alike
    app.jinja_loader = DictLoader({"form.html": TEMPLATE})  # render_template compiles it once and keeps it
    local = threading.local()

    def db() -> sqlite3.Connection:
        if not hasattr(local, "conn"):
            local.conn = sqlite3.connect(db_path, timeout=10)
            local.conn.execute("PRAGMA journal_mode=WAL")
            local.conn.execute("PRAGMA synchronous=NORMAL")
        return local.conn

    @app.get("/form")
    def form() -> str:
        return render_template("form.html", n=QUESTIONS)

    @app.post("/submit")
    def submit() -> tuple[dict[str, str], int]:
        answers = (request.get_json(silent=True) or {}).get("answers", {})
        if not isinstance(answers, dict):
            return {"error": "bad"}, 400
        with db() as conn:
            conn.execute("INSERT INTO responses (answers) VALUES (?)", (json.dumps(answers),))
        return {"status": "stored"}, 200

    with sqlite3.connect(db_path) as conn:
        conn.execute("CREATE TABLE IF NOT EXISTS responses (id INTEGER PRIMARY KEY, answers TEXT)")
    return app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(port: int, method: str, path: str, body: bytes | None = None, kind: str = JSON) -> tuple[int, bytes]:
    """Send one request on a fresh connection; return its status and body."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request(method, path, body=body, headers={"Content-Type": kind} if body else {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_ready(port: int, path: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if fetch(port, "GET", path)[0] < 500:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not come up")


def hammer(port: int, send: Send, seconds: float, concurrency: int) -> tuple[float, float, int]:
    """Repeat `send` from `concurrency` threads for `seconds`; return units/s, p99 ms and the failure count."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker() -> None:
        mine, bad = [], 0
        while time.monotonic() < stop_at:
            started = time.perf_counter()
            try:
                bad += not send(port)
            except OSError:
                bad += 1
            mine.append(time.perf_counter() - started)
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    began = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - began
    latencies.sort()
    p99 = latencies[int(len(latencies) * 0.99) - 1] * 1000 if latencies else float("nan")
    return len(latencies) / elapsed, p99, errors[0]


def start(kind: str, port: int, instance: str) -> subprocess.Popen[bytes]:
    env = dict(
        os.environ,
        QUIZ_INSTANCE_PATH=instance,
        QUIZ_SUBMIT_LIMIT="1000000 per minute",
        QUIZ_MIN_HUMAN_SECONDS="0",
        QUIZ_SECRET_KEY=SECRET,
    )
    Path(instance).mkdir(mode=0o700, parents=True, exist_ok=True)
    if kind == "bare":
        command = [sys.executable, __file__, "--serve-bare", str(port), "--db", str(Path(instance) / "bare.sqlite3")]
    else:
        command = [sys.executable, "-c", "from quiz.cli import main; main()", "serve", "--port", str(port)]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)


def first_step_form(port: int) -> bytes:
    """Return the intro page's form, posted as is: the app answers it with the first step, a 10-question page."""
    html = fetch(port, "GET", "/q/coaching-fit")[1].decode()
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    fields.update(action="next", consent="yes")
    return urllib.parse.urlencode(fields).encode()


def quiz_answers() -> dict[str, object]:
    """Return a plausible complete answer set for the default bank's always-shown questions."""
    from quiz.catalog import load_catalog

    bank = load_catalog([ROOT / "questions"])["coaching-fit"]
    answers: dict[str, object] = {}
    for section in bank.sections:
        if section.show_if is not None:
            continue
        for q in section.questions:
            values = [o.value for o in bank.response_of(q).choices]
            answers[q.id] = [values[0]] if q.kind == "multi" else random.choice(values)
    answers["phq9_9"] = 0
    answers.update(gad2_1=0, gad2_2=1, phq2_1=0, phq2_2=1)
    return answers


def result_path(answers: dict[str, object]) -> str:
    """Return the result page of the answers, as the quiz server's own link would name it."""
    from quiz.catalog import load_catalog
    from quiz.engine import check_answers, walk
    from quiz.web.tokens import Tokens

    bank = load_catalog([ROOT / "questions"])["coaching-fit"]
    kept = walk(bank, check_answers(bank, answers)[0]).answers
    return f"/q/coaching-fit/r/{Tokens(SECRET, 3600, 3600).result_token(bank, kept)}"


def sends(step_form: bytes, result: str, answers: dict[str, object]) -> dict[str, dict[str, Send]]:
    """Return what one step page, result page and stored submission cost on each app."""
    bare_body = json.dumps({"answers": {f"q{i}": random.randrange(4) for i in range(QUESTIONS)}}).encode()

    def stored_response(port: int) -> bool:
        status, body = fetch(port, "GET", "/api/v1/quizzes/coaching-fit/start")
        token = json.loads(body)["token"] if status == 200 else None
        payload = json.dumps({"answers": answers, "consent": True, "token": token}).encode()
        status, body = fetch(port, "POST", "/api/v1/quizzes/coaching-fit/responses", payload)
        return status == 200 and json.loads(body).get("stored") is True

    return {
        "bare": {
            "step": lambda port: fetch(port, "GET", "/form")[0] == 200,
            "result": lambda port: fetch(port, "GET", "/form")[0] == 200,
            "submit": lambda port: fetch(port, "POST", "/submit", bare_body)[0] == 200,
        },
        "quiz": {
            "step": lambda port: fetch(port, "POST", "/q/coaching-fit/next", step_form, FORM)[0] == 200,
            "result": lambda port: fetch(port, "GET", result)[0] == 200,
            "submit": stored_response,
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--cases", default="step,result,submit", help="comma-separated: step, result, submit")
    parser.add_argument("--serve-bare", type=int)
    parser.add_argument("--db")
    args = parser.parse_args()
    cases = args.cases.split(",")
    if unknown := set(cases) - set(FLOORS):
        parser.error(f"unknown cases: {', '.join(sorted(unknown))}")
    if args.serve_bare:
        from quiz.server import run

        run(bare_app(args.db), "127.0.0.1", args.serve_bare)
        return

    with tempfile.TemporaryDirectory() as tmp:
        ports = {kind: free_port() for kind in ("bare", "quiz")}
        servers = [start(kind, port, str(Path(tmp) / kind)) for kind, port in ports.items()]
        try:
            wait_ready(ports["bare"], "/form")
            wait_ready(ports["quiz"], "/healthz")
            answers = quiz_answers()
            work = sends(first_step_form(ports["quiz"]), result_path(answers), answers)
            print(f"bench/http.py: waitress, {args.concurrency} connections, {args.seconds:g} s per case per app")
            reference = min(timeit.repeat("sum(range(1000))", number=1000, repeat=5)) * 1000
            print(f"machine: sum(range(1000)) takes {reference:.1f} µs (about 16 µs on this machine when it is quiet)")
            for name in cases:
                report(name, FLOORS[name], {kind: work[kind][name] for kind in ports}, ports, args)
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=20)


def report(name: str, floor: float | None, runs: dict[str, Send], ports: dict[str, int], args) -> None:
    """Hammer both apps in alternating rounds, so a change in the machine's speed hits both alike; print both."""
    rounds = max(1, round(args.seconds))
    found: dict[str, list[tuple[float, float, int]]] = {kind: [] for kind in runs}
    for kind, send in runs.items():
        hammer(ports[kind], send, 1, args.concurrency)  # warm-up
    for _ in range(rounds):
        for kind, send in runs.items():
            found[kind].append(hammer(ports[kind], send, args.seconds / rounds, args.concurrency))
    bare, mine = (_total(found[kind]) for kind in ("bare", "quiz"))
    ratios = ", ".join(f"{q[0] / b[0]:.2f}" for b, q in zip(found["bare"], found["quiz"], strict=True))
    wanted = f"floor {floor}; " if floor else ""
    print(
        f"{name:6}  bare {bare[0]:7.0f}/s p99 {bare[1]:6.1f} ms ({bare[2]} errors) | "
        f"quiz {mine[0]:7.0f}/s p99 {mine[1]:6.1f} ms ({mine[2]} errors) | "
        f"ratio {mine[0] / bare[0]:.2f} ({wanted}by round {ratios})"
    )


def _total(rounds: list[tuple[float, float, int]]) -> tuple[float, float, int]:
    """Return the mean units/s, the worst round's p99 and the error count over equal-length rounds."""
    return sum(r[0] for r in rounds) / len(rounds), max(r[1] for r in rounds), sum(r[2] for r in rounds)


if __name__ == "__main__":
    main()
