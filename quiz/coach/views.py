"""The coach's pages: login, logout, the dashboard, its JSON and CSV, and the embed code."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, Flask, Response, abort, current_app, redirect, render_template, request, url_for
from flask_wtf import FlaskForm
from wtforms import PasswordField
from wtforms.validators import DataRequired

from quiz.coach import auth, charts, export, filters, settings, summary
from quiz.coach.auth import LogoutForm, login_required
from quiz.store.database import store, today
from quiz.store.settings import from_server, setting
from quiz.web import banks
from quiz.web.embed import snippet_parts
from quiz.web.security import csp, embed_origins

bp = Blueprint("coach", __name__, url_prefix="/coach")
bp.add_url_rule("/settings", view_func=login_required(settings.settings_page), methods=["GET", "POST"])
DEFAULT_QUIZ = "coaching-fit"


class LoginForm(FlaskForm):
    """The coach's login form, with its CSRF token."""

    password = PasswordField("Password", validators=[DataRequired("Enter your password")])


@bp.after_request
def private(response: Response) -> Response:
    """Keep the coach's pages out of caches and out of frames."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Content-Security-Policy"] = csp("'none'", bool(current_app.config.get("FORCE_HTTPS")))
    return response


@bp.route("/login", methods=["GET", "POST"])
def login() -> Any:
    """Show the login form and sign the coach in; an address with too many failures waits, whatever it sends."""
    form = LoginForm(formdata=request.form or None)  # form fields only: Flask-WTF would read JSON and crash on [1]
    unset = auth.stored_hash(current_app.instance_path) is None
    if request.method == "POST" and (seconds := auth.wait()):
        minutes = max(1, round(seconds / 60))
        form.password.errors = [f"Too many tries from your address. Please wait {minutes} minutes and try again."]
        return render_template("coach/login.html", form=form, unset=unset), 429
    if form.validate_on_submit():
        if auth.check(current_app.instance_path, form.password.data or ""):
            auth.sign_in()
            target = request.args.get("next", "")
            # isprintable: a CR or LF in ?next= would make the redirect's Location header raise (a 500)
            local = target.startswith("/coach/") and target.isprintable()  # a path on this site, never //host
            return redirect(target if local else url_for("coach.index"), 303)
        auth.failed()
        form.password.errors = ["That password is not right"]
        return render_template("coach/login.html", form=form, unset=unset), 401
    if form.csrf_token.errors:  # an expired or missing form token: say so, rather than show a bare form again
        form.password.errors = ["This form expired. Please enter your password again."]
    return render_template("coach/login.html", form=form, unset=unset), 400 if form.errors else 200


@bp.post("/logout")
def logout() -> Any:
    """Sign the coach out, ending the session on the server."""
    if not LogoutForm(formdata=request.form or None).validate_on_submit():
        abort(400, description="The form expired; reload the page and try again.")
    auth.sign_out()
    return redirect(url_for("coach.login"), 303)


def _view(args: Any) -> tuple[dict[str, Any] | None, dict[str, Any]]:
    """Read the coach's choice and build that view; return it (None before any whole period) and the menus."""
    quizzes = sorted(set(banks()) | set(store().quizzes()))
    choice, errors = filters.parse(args, quizzes)
    quiz = choice.quiz_id or (DEFAULT_QUIZ if DEFAULT_QUIZ in quizzes else quizzes[0])
    days, months = store().active(quiz)
    offered = filters.periods(choice.kind, days if choice.kind == "week" else [*days, *months], today())
    if choice.period is not None and choice.period not in offered:
        errors["period"] = "that period has not ended yet, or nobody took the quiz then; showing the latest instead"
    period = choice.period if choice.period in offered else (offered[0] if offered else None)
    menus = {"choice": choice, "quiz": quiz, "quizzes": quizzes, "periods": offered, "errors": errors}
    if period is None:
        return None, menus
    k = int(current_app.config["MIN_GROUP_SIZE"])
    filtered = {"site": choice.site, "version": choice.version}
    built = summary.build(banks().get(quiz), store(), quiz, period, k, filtered)
    if built is None:
        errors["site" if choice.site else "version"] = "not every group is large enough to show that filter here"
        filtered = {"site": None, "version": None}
        built = summary.build(banks().get(quiz), store(), quiz, period, k, filtered)
    assert built is not None, "a view without a filter always applies"
    view, found = built
    view["filter"] = filtered
    menus.update(period=period, sites=found.sites, versions=found.versions)
    return view, menus


@bp.get("/")
@login_required
def index() -> str:
    """Show the dashboard: the overview first, then the details in sections."""
    view, menus = _view(request.args)
    figures = {name: make(view) for name, make in charts.FIGURES.items()} if view else {}
    return render_template(
        "coach/dashboard.html",
        view=view,
        figures=figures,
        shade=charts.shade,
        largest=charts.largest(view or {}),
        booking=bool(setting("booking_url")),
        logout=LogoutForm(),
        kinds=filters.KINDS,
        direct=filters.DIRECT,
        **menus,
    )


@bp.get("/summary.json")
@login_required
def summary_json() -> Any:
    """Return what the dashboard shows for the same choice, with the same cells hidden (as null)."""
    view, menus = _view(request.args)
    if view is None:
        return {"errors": {"period": "no whole period has passed since the quiz was first taken"}}, 404
    choices = {"periods": [p.id for p in menus["periods"]], "sites": menus["sites"], "versions": menus["versions"]}
    return {**view, "choices": choices, "errors": menus["errors"]}


@bp.get("/export.csv")
@login_required
def export_csv() -> Response:
    """Download, for every whole period of the chosen kind, the figures the dashboard shows for it."""
    _, menus = _view(request.args)
    views = (_view({**request.args, "period": p.id, "kind": p.kind})[0] for p in menus["periods"])
    name = f"{menus['quiz']}-by-{menus['choice'].kind}-{today().isoformat()}.csv"
    disposition = {"Content-Disposition": f'attachment; filename="{name}"'}
    return Response(export.aggregate_csv(v for v in views if v), mimetype="text/csv", headers=disposition)


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
        origins_from_server=from_server("embed_origins") is not None,
        logout=LogoutForm(),
    )


def init_app(app: Flask) -> None:
    """Register the coach's pages; the session cookie is HttpOnly, SameSite=Lax, Secure behind TLS, never renewed."""
    app.config["SESSION_COOKIE_HTTPONLY"] = True
    app.config["SESSION_COOKIE_SAMESITE"] = "Lax"
    app.config["PERMANENT_SESSION_LIFETIME"] = timedelta(seconds=auth.LIFETIME)
    app.config["SESSION_REFRESH_EACH_REQUEST"] = False
    app.session_interface = auth.SessionInterface()
    app.register_blueprint(bp)
