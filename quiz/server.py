"""Run the app under a production WSGI server."""

from __future__ import annotations

import os
import sys
from typing import Any

from flask import Flask


def run(app: Flask, host: str, port: int) -> None:
    """Serve with gunicorn's sync workers (two per core) on POSIX, waitress elsewhere."""
    workers = int(os.environ.get("QUIZ_WORKERS", 2 * (os.cpu_count() or 1)))
    print(f"Serving on http://{host}:{port}/ with {workers} workers", flush=True)
    if sys.platform == "win32":
        import waitress

        waitress.serve(app, host=host, port=port, threads=workers * 2)
        return
    from gunicorn.app.base import BaseApplication

    class _Gunicorn(BaseApplication):
        def load_config(self) -> None:
            settings: dict[str, Any] = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "worker_class": "sync",
                "accesslog": None,  # access logs would record addresses; keep none
                "errorlog": "-",
                "timeout": 30,
                "graceful_timeout": 10,
            }
            if "control_socket_disable" in self.cfg.settings:  # gunicorn 23+: one shared socket path per user
                settings["control_socket_disable"] = True
            for key, value in settings.items():
                self.cfg.set(key, value)

        def load(self) -> Flask:
            return app

    _Gunicorn().run()
