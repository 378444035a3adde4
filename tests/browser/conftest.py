"""Browser test infrastructure: Debian's Chromium through Playwright, the app and host pages on real servers."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from werkzeug.serving import BaseWSGIServer, make_server
from werkzeug.wrappers import Request, Response

from quiz import create_app

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    # Block third-party cookies the way Chrome's own phase-out does; test_embed proves it holds with a probe.
    "--test-third-party-cookie-phaseout",
]


def unavailable(reason: str) -> None:
    """Skip when the browser cannot run here, but fail under CI=true, where a skip would hide a gap."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"browser tests must run under CI=true: {reason}", pytrace=False)
    print(f"skipping browser tests: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Launch Debian's Chromium once per session (never a downloaded browser)."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        unavailable("the playwright package is not installed")
    if not shutil.which(CHROMIUM):
        unavailable(f"Chromium is not installed at {CHROMIUM}")
    with sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        except Error as exc:
            unavailable(f"Chromium would not start: {str(exc).splitlines()[0]}")
        yield launched
        launched.close()


@pytest.fixture()
def artifacts() -> Path:
    """Return the folder for screenshots and other artifacts (test-artifacts/ at the repository root)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@dataclass
class Server:
    """A WSGI app served on 127.0.0.1 in a thread, addressed through `hostname` (a site of its own)."""

    wsgi: BaseWSGIServer
    hostname: str

    @property
    def origin(self) -> str:
        return f"http://{self.hostname}:{self.wsgi.server_port}"


@dataclass
class HostSite:
    """A stand-in for a coach's website: HTML pages by path, changeable while it runs."""

    pages: dict[str, str] = field(default_factory=dict)

    def __call__(self, environ: Mapping[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)  # type: ignore[arg-type]
        body = self.pages.get(request.path)
        response = Response(body or "not found", status=200 if body else 404, mimetype="text/html")
        return response(environ, start_response)


def start_server(app: Any, hostname: str) -> Server:
    """Serve a WSGI app on a free port of 127.0.0.1 in a daemon thread."""
    wsgi = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=wsgi.serve_forever, daemon=True).start()
    return Server(wsgi, hostname)


def stop(servers: list[Server]) -> None:
    for server in servers:
        server.wsgi.shutdown()
        server.wsgi.server_close()


@pytest.fixture()
def serve() -> Iterator[Callable[[Any, str], Server]]:
    """Return a function that serves a WSGI app on a free port; every server stops after the test."""
    running: list[Server] = []

    def start(app: Any, hostname: str = "127.0.0.1") -> Server:
        running.append(start_server(app, hostname))
        return running[-1]

    yield start
    stop(running)


@pytest.fixture()
def quiz_server(serve, tmp_path, monkeypatch) -> Callable[..., Server]:
    """Return a function that serves the quiz app, with a fresh instance folder, on http://localhost:PORT."""
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path / "instance"))

    def start(**config: Any) -> Server:
        app = create_app({"SECRET_KEY": "browser-test-secret" * 32, **config})
        return serve(app, "localhost")

    return start


@pytest.fixture()
def host_site(serve) -> tuple[HostSite, Server]:
    """Serve a coach's website stand-in on http://127.0.0.1:PORT, a different site from the quiz's localhost."""
    site = HostSite()
    return site, serve(site, "127.0.0.1")


@pytest.fixture(scope="session")
def axe_script() -> Path:
    """Return axe.min.js as the axe-playwright-python package ships it (axe-core, no download)."""
    try:
        import axe_playwright_python
    except ImportError:
        unavailable("the axe-playwright-python package is not installed")
    path = Path(axe_playwright_python.__file__).parent / "axe.min.js"
    if not path.is_file():
        unavailable(f"axe-playwright-python does not carry axe.min.js at {path}")
    return path


# Tests run at machine speed: no careless-answer check, no bot floor, no rate limit (tests/conftest.py does the same
# per test through the environment, which a session-wide app is built before).
MACHINE_SPEED = {"CARELESS_CHECK": False, "MIN_HUMAN_SECONDS": 0, "SUBMIT_LIMIT": "100000 per minute"}
BOOKING = "https://coach.example/book"


@dataclass
class Site:
    """One quiz server for the whole session, with two coach's sites allowed to frame it.

    `cross` is another site (127.0.0.1), as a coach's real site is; `near` is the same site on another port, so
    Chromium keeps its frame in the page's own process, where one CDP session throttles both.
    """

    app: Any
    quiz: Server
    cross: Server
    near: Server
    pages: HostSite


@pytest.fixture(scope="session")
def site(tmp_path_factory) -> Iterator[Site]:
    """Serve the quiz (with a booking link) and the coach's-site stand-ins once, for every test that can share them."""
    pages = HostSite()
    cross, near = start_server(pages, "127.0.0.1"), start_server(pages, "localhost")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path_factory.mktemp("site") / "instance"))
        config = {"SECRET_KEY": "browser-test-secret" * 32, "BOOKING_URL": BOOKING, **MACHINE_SPEED}
        app = create_app({**config, "EMBED_ORIGINS": f"{cross.origin} {near.origin}"})
    quiz = start_server(app, "localhost")
    yield Site(app, quiz, cross, near, pages)
    stop([quiz, cross, near])
