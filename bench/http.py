"""Compare this app with a bare Flask app under the same server: requests/s and p99 for a page and a submission.

Run: python bench/http.py [--seconds 8] [--concurrency 16]
Both apps run under `quiz.server.run` (gunicorn sync workers, two per core) on 127.0.0.1 only. They are
measured in alternating rounds of about a second, so a change in the machine's speed hits both alike.
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
import urllib.parse

ROOT = Path(__file__).resolve().parent.parent
QUESTIONS = 40


def bare_app(db_path: str):
    """Build a bare Flask app: a 40-question radio form, and a POST that stores the answers in SQLite."""
    from flask import Flask, render_template_string, request

    app = Flask(__name__)
    page = render_template_string  # the bare baseline renders with Jinja too, as a real app would
    template = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Form</title></head><body>
    <form method="post">{% for i in range(n) %}<fieldset><legend>Question {{ i }}</legend>
    {% for v in range(4) %}<label><input type="radio" name="q{{ i }}" value="{{ v }}"> {{ v }}</label>{% endfor %}
    </fieldset>{% endfor %}<button>Next</button></form></body></html>"""
    conn_local = threading.local()

    def db() -> sqlite3.Connection:
        if not hasattr(conn_local, "conn"):
            conn_local.conn = sqlite3.connect(db_path, timeout=10)
            conn_local.conn.execute("PRAGMA journal_mode=WAL")
            conn_local.conn.execute("PRAGMA synchronous=NORMAL")
        return conn_local.conn

    @app.get("/form")
    def form() -> str:
        return page(template, n=QUESTIONS)

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


def wait_ready(port: int, path: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status < 500:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"server on port {port} did not come up")


def hammer(port: int, method: str, path: str, body_for, seconds: float, concurrency: int) -> tuple[float, float, int]:
    """Send requests from `concurrency` threads for `seconds`; return requests/s, p99 ms and the error count."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop_at = time.monotonic() + seconds

    def worker() -> None:
        mine, bad = [], 0
        while time.monotonic() < stop_at:
            body, kind = body_for() if body_for else (None, "")
            headers = {"Content-Type": kind} if body else {}
            started = time.perf_counter()
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                conn.close()
                bad += response.status >= 400
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
    env = dict(os.environ, QUIZ_INSTANCE_PATH=instance, QUIZ_SUBMIT_LIMIT="1000000 per minute")
    Path(instance).mkdir(parents=True, exist_ok=True)
    if kind == "bare":
        command = [sys.executable, __file__, "--serve-bare", str(port), "--db", str(Path(instance) / "bare.sqlite3")]
    else:
        command = [sys.executable, "-c", "from quiz.cli import main; main()", "serve", "--port", str(port)]
    return subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)


JSON = "application/json"


def first_step_form(port: int) -> tuple[bytes, str]:
    """Return the intro page's form, posted as is: the app answers it with the first step, a 10-question page."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", "/q/coaching-fit")
    html = conn.getresponse().read().decode()
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', html))
    fields.update(action="next", consent="yes")
    return urllib.parse.urlencode(fields).encode(), "application/x-www-form-urlencoded"


def quiz_answers() -> bytes:
    """Return a plausible complete answer set for the default bank, as a stored-response body."""
    from quiz.catalog import load_catalog

    bank = load_catalog([ROOT / "questions"])["coaching-fit"]
    answers = {}
    for section in bank.sections:
        if section.show_if is not None:
            continue
        for q in section.questions:
            values = [o.value for o in bank.response_of(q).choices]
            answers[q.id] = [values[0]] if q.kind == "multi" else random.choice(values)
    answers["phq9_9"] = 0
    answers.update(gad2_1=0, gad2_2=1, phq2_1=0, phq2_2=1)
    return json.dumps({"answers": answers, "consent": True}).encode()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--serve-bare", type=int)
    parser.add_argument("--db")
    args = parser.parse_args()
    if args.serve_bare:
        from quiz.server import run

        run(bare_app(args.db), "127.0.0.1", args.serve_bare)
        return

    body = (quiz_answers(), JSON)
    bare_body = (json.dumps({"answers": {f"q{i}": random.randrange(4) for i in range(QUESTIONS)}}).encode(), JSON)
    step: list[tuple[bytes, str]] = []  # filled once the quiz server is up: it needs that server's tokens
    cases = {
        "bare": [("page", "GET", "/form", None), ("submit", "POST", "/submit", lambda: bare_body)],
        "quiz": [
            ("page", "POST", "/q/coaching-fit/next", lambda: step[0]),
            ("submit", "POST", "/api/v1/quizzes/coaching-fit/responses", lambda: body),
        ],
    }
    with tempfile.TemporaryDirectory() as tmp:
        ports = {kind: free_port() for kind in cases}
        servers = [start(kind, port, str(Path(tmp) / kind)) for kind, port in ports.items()]
        try:
            for kind, port in ports.items():
                wait_ready(port, "/healthz" if kind == "quiz" else "/form")
            step.append(first_step_form(ports["quiz"]))
            for i, (name, target) in enumerate((("page", 0.7), ("submit", 0.33))):
                report(name, target, {kind: cases[kind][i] for kind in cases}, ports, args)
        finally:
            for server in servers:
                server.terminate()
                server.wait(timeout=20)


def report(name: str, target: float, runs: dict, ports: dict[str, int], args: argparse.Namespace) -> None:
    """Hammer both apps in alternating rounds, so a change in the machine's speed hits both alike; print both."""
    rounds = max(1, round(args.seconds))
    found: dict[str, list[tuple[float, float, int]]] = {kind: [] for kind in runs}
    for kind, (_, method, path, body_for) in runs.items():
        hammer(ports[kind], method, path, body_for, 1, args.concurrency)  # warm-up
    for _ in range(rounds):
        for kind, (_, method, path, body_for) in runs.items():
            found[kind].append(hammer(ports[kind], method, path, body_for, args.seconds / rounds, args.concurrency))
    bare, mine = (_total(found[kind]) for kind in ("bare", "quiz"))
    ratios = ", ".join(f"{q[0] / b[0]:.2f}" for b, q in zip(found["bare"], found["quiz"], strict=True))
    print(
        f"{name:6}  bare {bare[0]:7.0f} req/s p99 {bare[1]:6.1f} ms ({bare[2]} errors) | "
        f"quiz {mine[0]:7.0f} req/s p99 {mine[1]:6.1f} ms ({mine[2]} errors) | "
        f"ratio {mine[0] / bare[0]:.2f} (target >= {target}; by round {ratios})"
    )


def _total(rounds: list[tuple[float, float, int]]) -> tuple[float, float, int]:
    """Return the mean requests/s, the worst round's p99 and the error count over equal-length rounds."""
    return sum(r[0] for r in rounds) / len(rounds), max(r[1] for r in rounds), sum(r[2] for r in rounds)


if __name__ == "__main__":
    main()
