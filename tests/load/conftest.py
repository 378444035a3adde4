"""Start and stop a real `quiz serve` process on 127.0.0.1 for load and crash tests."""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """Return a free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """A `quiz serve` process group with its own instance folder."""

    def __init__(self, instance: Path, port: int):
        self.instance, self.port = instance, port
        self.process: subprocess.Popen[bytes] | None = None

    def start(self, timeout: float = 30) -> None:
        """Start the server and wait until /healthz answers."""
        env = dict(
            os.environ,
            QUIZ_INSTANCE_PATH=str(self.instance),
            QUIZ_SUBMIT_LIMIT="100000 per minute",
            QUIZ_MIN_HUMAN_SECONDS="0",  # a load test's start tokens are used at once
        )
        command = [sys.executable, "-c", "from quiz.cli import main; main()", "serve", "--port", str(self.port)]
        log = open(self.instance.parent / f"server-{self.port}.log", "ab")  # noqa: SIM115 - kept open for the child
        self.process = subprocess.Popen(command, env=env, stdout=log, stderr=log, cwd=ROOT, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited with {self.process.returncode}")
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("server did not come up in time")

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        """Send one request on a fresh connection and return the status and JSON body."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)
        try:
            payload = json.dumps(body).encode() if body is not None else None
            conn.request(method, path, body=payload, headers={"Content-Type": "application/json"})
            response = conn.getresponse()
            raw = response.read()
            try:
                return response.status, json.loads(raw or b"{}")
            except ValueError:
                return response.status, {}
        finally:
            conn.close()

    def kill(self) -> None:
        """Kill the whole process group at once, as a power cut would."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)

    def stop(self) -> None:
        """Stop the server gracefully."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture()
def server(tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o700)  # `quiz serve` refuses a folder other users could read
    running = Server(instance, free_port())
    running.start()
    yield running
    running.stop()
