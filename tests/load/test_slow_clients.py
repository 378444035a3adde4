"""Slow clients against a real `quiz serve`: 32 connections sending headers a byte a second never stall the app."""

from __future__ import annotations

import http.client
import re
import socket
import threading
import time
import urllib.parse
from html import unescape

import pytest

from .conftest import Server

pytestmark = pytest.mark.load

SLOW, SECONDS, WITHIN = 32, 9.0, 1.0
HEADERS = b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: slow\r\nX-Padding: " + b"a" * 64 + b"\r\n\r\n"
HIDDEN = re.compile(r'<input type="hidden" name="(token|state)" value="([^"]*)">')


def drip(port: int, opened: list[socket.socket], stop: threading.Event) -> None:
    """Open a connection and send a request's headers one byte a second until told to stop."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    opened.append(sock)
    for byte in HEADERS:
        if stop.wait(1.0):
            break
        sock.sendall(bytes([byte]))


def timed(port: int, method: str, path: str, body: bytes | None = None) -> tuple[int, float, str]:
    """Send one request with a one-second timeout; return its status, how long it took, and its body."""
    started = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=WITHIN)
    try:
        headers = {"Content-Type": "application/x-www-form-urlencoded"} if body else {}
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode()
        return response.status, time.perf_counter() - started, text
    except OSError:  # a timeout: the server did not answer within the second
        return 0, time.perf_counter() - started, ""
    finally:
        conn.close()


def quiz_step(port: int) -> list[tuple[int, float, str]]:
    """Open the quiz's intro, then post it to get the first step; return both replies."""
    intro = timed(port, "GET", "/q/coaching-fit")
    fields = {name: unescape(value) for name, value in HIDDEN.findall(intro[2])}
    form = urllib.parse.urlencode({**fields, "action": "next", "consent": "yes"}).encode()
    return [intro, timed(port, "POST", "/q/coaching-fit/next", form)]


def test_32_slow_clients_never_stall_healthz_or_a_quiz_step(server: Server):
    stop = threading.Event()
    opened: list[socket.socket] = []
    drips = [threading.Thread(target=drip, args=(server.port, opened, stop)) for _ in range(SLOW)]
    for thread in drips:
        thread.start()
    checks: list[tuple[str, int, float]] = []
    try:
        time.sleep(1.5)  # every slow connection is open and has sent its first bytes
        deadline = time.monotonic() + SECONDS
        while time.monotonic() < deadline:
            health = timed(server.port, "GET", "/healthz")
            checks.append(("healthz", health[0], health[1]))
            checks += [("step", status, took) for status, took, _ in quiz_step(server.port)]
            time.sleep(0.3)
    finally:
        stop.set()
        for thread in drips:
            thread.join(timeout=5)
        for sock in opened:
            sock.close()
    slowest = max(took for _, _, took in checks)
    print(f"\nslow clients: {len(checks)} checks beside {len(opened)} slow connections, slowest {slowest:.3f} s")
    assert len(opened) == SLOW, "every slow connection was open throughout"
    assert len(checks) >= 12
    late = [c for c in checks if c[1] != 200 or c[2] >= WITHIN]
    assert late == [], late[:5]
