"""Two `quiz serve` processes on one database: they share the login throttle, and a setting changed on one applies
on the other without a restart."""

from __future__ import annotations

import http.client
import re
from urllib.parse import urlencode

import pytest

from quiz.coach import auth as coach_auth
from tests.load.conftest import Server, free_port

PASSWORD = "correct horse battery"
SITE = "https://www.coach-site.example"


class Browser:
    """One cookie jar for both servers, as a browser has for one host; no redirects are followed."""

    def __init__(self) -> None:
        self.cookie = ""

    def request(
        self, server: Server, method: str, path: str, form: dict[str, str] | None = None
    ) -> tuple[int, str, dict]:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=15)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if form is not None:
            body, headers["Content-Type"] = urlencode(form), "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode()
            found = re.match(r"session=([^;]*)", response.getheader("Set-Cookie") or "")
            if found:
                self.cookie = f"session={found[1]}"
            return response.status, text, dict(response.getheaders())
        finally:
            conn.close()

    def post(self, server: Server, path: str, fields: dict[str, str]) -> int:
        """Open the page, then send its form with its CSRF token."""
        page = self.request(server, "GET", path)[1]
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        return self.request(server, "POST", path, {"csrf_token": token, **fields})[0]


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """Start two servers on one instance folder and one SQLite database."""
    instance = tmp_path_factory.mktemp("servers") / "instance"
    coach_auth.set_password(instance, PASSWORD)
    started = []
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("QUIZ_SECRET_KEY", "shared between the two servers of this test")
        mp.setenv("QUIZ_LOGIN_LIMIT", "3 per minute")
        try:
            for _ in range(2):
                started.append(Server(instance, free_port()))
                started[-1].start()
            yield started
        finally:
            for server in started:
                server.stop()


def test_a_setting_changed_on_one_server_applies_on_the_other(servers):
    a, b = servers
    visitor, coach = Browser(), Browser()
    assert SITE not in visitor.request(b, "GET", "/q/coaching-fit")[2]["Content-Security-Policy"]
    assert coach.post(a, "/coach/login", {"password": PASSWORD}) == 303
    assert 'id="booking-notice"' in coach.request(b, "GET", "/coach/")[1], "the session is open on both servers"
    assert coach.post(a, "/coach/settings", {"embed_origins": SITE, "booking_url": f"{SITE}/book"}) == 303
    assert SITE in visitor.request(b, "GET", "/q/coaching-fit")[2]["Content-Security-Policy"]
    assert 'id="booking-notice"' not in coach.request(b, "GET", "/coach/")[1]


def test_failed_logins_are_throttled_across_processes(servers):
    a, b = servers
    browser = Browser()
    for server in (a, b, a):
        assert browser.post(server, "/coach/login", {"password": "wrong password!"}) == 401
    assert browser.post(b, "/coach/login", {"password": PASSWORD}) == 429, "the third failure counts on both"
    assert browser.post(a, "/coach/login", {"password": "wrong password!"}) == 429
