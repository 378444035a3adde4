"""The coach's pages: login, logout, the dashboard, the CSV export and the embed code."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    session,
    stream_with_context,
    url_for,
)
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired

from quiz.coach import auth as coach_auth
from quiz.coach import charts as coach_charts
from quiz.coach import dashboard, filters
from quiz.coach import export as exporting
from quiz.store.database import store
from quiz.web import banks
from quiz.web.embed import snippet_parts
from quiz.web.limits import limiter, login_limit
from quiz.web.security import csp, embed_origins

bp = Blueprint("coach", __name__, url_prefix="/coach")
CHARTS = ("over_time", "funnel", "outcomes", "scale_means", "distributions", "item_means", "plane")


class LoginForm(FlaskForm):
    """The coach's login form, with its CSRF token."""

    password = PasswordField("Password", validators=[DataRequired("Enter your password")])


class LogoutForm(FlaskForm):
    """A button-only form, so logging out needs a POST with a CSRF token."""


def _signed_in() -> bool:
    mark = session.get("coach")
    return bool(mark) and mark == coach_auth.fingerprint(current_app.instance_path)


def login_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Send visitors who are not signed in to the login page."""

    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not _signed_in():
            return redirect(url_for("coach.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    return wrapped


@bp.after_request
def private(response: Response) -> Response:
    """Keep the coach's pages out of caches and out of frames."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = csp("'none'", bool(current_app.config.get("FORCE_HTTPS")))
    return response


def _failed(response: Response) -> bool:
    return response.status_code == 401


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(login_limit, methods=["POST"], deduct_when=_failed)
def login() -> Any:
    """Show the login form and sign the coach in."""
    form = LoginForm(formdata=request.form or None)  # form fields only: Flask-WTF would read JSON and crash on [1]
    unset = coach_auth.stored_hash(current_app.instance_path) is None
    if form.validate_on_submit():
        if coach_auth.check(current_app.instance_path, form.password.data or ""):
            session.clear()
            session["coach"] = coach_auth.fingerprint(current_app.instance_path)
            session.permanent = True
            target = request.args.get("next", "")
            # isprintable: a CR or LF in ?next= would make the redirect's Location header raise (a 500)
            local = target.startswith("/coach/") and not target.startswith("//") and target.isprintable()
            return redirect(target if local else url_for("coach.index"), 303)
        form.password.errors = ["That password is not right"]
        return render_template("coach/login.html", form=form, unset=unset), 401
    if form.csrf_token.errors:  # an expired or missing form token: say so, rather than show a bare form again
        form.password.errors = ["This form expired. Please enter your password again."]
    return render_template("coach/login.html", form=form, unset=unset), 400 if form.errors else 200


@bp.post("/logout")
def logout() -> Any:
    """Sign the coach out."""
    if not LogoutForm(formdata=request.form or None).validate_on_submit():
        abort(400, description="The form expired; reload the page and try again.")
    session.clear()
    return redirect(url_for("coach.login"), 303)


def _filters() -> tuple[filters.Filters, dict[str, str], dict[str, list[Any]]]:
    choices = store().choices()
    known = set(banks()) | set(choices["quizzes"])
    found, errors = filters.parse(request.args, known)
    return found, errors, choices


@bp.get("/")
@login_required
def index() -> str:
    """Show the dashboard for the chosen filters."""
    found, errors, choices = _filters()
    k = int(current_app.config["MIN_GROUP_SIZE"])
    board = dashboard.build(store().aggregate(found), filters.banks_in_view(banks(), found), k)
    charts = {name: getattr(coach_charts, name)(board) for name in CHARTS}
    return render_template(
        "coach/dashboard.html",
        board=board,
        charts=charts,
        filters=found,
        errors=errors,
        choices=choices,
        direct=filters.DIRECT,
        # Only the filters: url_for reads keys such as _method or _external as its own options.
        args={k: v for k, v in request.args.items() if k in ("start", "end", "quiz", "version", "origin")},
        logout=LogoutForm(),
        quizzes=banks(),
    )


@bp.get("/export.csv")
@login_required
def export_csv() -> Response:
    """Stream the chosen responses as CSV, or refuse when there are fewer than the minimum group size."""
    found, errors, _ = _filters()
    if errors:
        abort(400, description="; ".join(f"{k}: {v}" for k, v in errors.items()))
    k = int(current_app.config["MIN_GROUP_SIZE"])
    if store().count(found) < k:
        abort(403, description=f"Fewer than {k} responses match these filters, so none are exported.")
    chunks = exporting.csv_chunks(store().export(found), filters.banks_in_view(banks(), found))
    response = Response(stream_with_context(chunks), mimetype="text/csv")
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = f'attachment; filename="responses-{date.today().isoformat()}.csv"'
    return response


@bp.get("/embed")
@login_required
def embed_page() -> str:
    """Show each quiz's embed code with copy buttons and a live preview."""
    configured = str(current_app.config.get("PUBLIC_URL") or "")
    public_url = configured or request.host_url
    quizzes = [(bank, snippet_parts(public_url, quiz_id, bank.title)) for quiz_id, bank in sorted(banks().items())]
    return render_template(
        "coach/embed.html",
        quizzes=quizzes,
        public_url=public_url.rstrip("/"),
        configured=bool(configured),
        origins=embed_origins(),
        logout=LogoutForm(),
    )


def init_app(app: Flask) -> None:
    """Register the coach's pages and make the session cookie HttpOnly, SameSite=Lax and Secure behind TLS."""
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(hours=8)
    app.session_interface = coach_auth.SessionInterface()
    app.register_blueprint(bp)
