"""The quiz pages: intro, one step per section, and the hand-over to the result page; no cookie anywhere."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from quiz import careless, flow, forms
from quiz.checks import response_of
from quiz.guidance import assess
from quiz.limits import TOO_MANY, limiter, submit_limit
from quiz.model import SAFETY_ITEM, AnswerValue, Bank
from quiz.state import QuizState, StateError
from quiz.views import embed, result
from quiz.views.common import call_hook, countries, event, resources, tokens
from quiz.web import bank_or_404

bp = Blueprint("taker", __name__, url_prefix="/q")
bp.add_app_template_global(forms.choice_inputs, "choice_inputs")
CHECK_STEP = "_check"  # not a valid section id, so it cannot clash with one
HONEYPOT = "website"  # a field people never see; automated form fillers do
bp.add_url_rule("/<quiz_id>/r/<token>", view_func=result.show, methods=["GET"])
bp.add_url_rule("/<quiz_id>/r/<token>/book", view_func=result.book, methods=["GET"])
bp.add_url_rule("/<quiz_id>/help", view_func=result.help_page, methods=["GET"])


@bp.after_request
def private(response: Response) -> Response:
    """Keep answers out of shared caches and keep result links out of Referer headers."""
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@bp.errorhandler(HTTPException)
def error_page(exc: HTTPException) -> tuple[str, int]:
    """Answer errors with a calm HTML page that offers a way back, never a stack trace."""
    quiz_id = (request.view_args or {}).get("quiz_id")
    bank = current_app.extensions["quiz.banks"].get(quiz_id) if quiz_id else None
    page = render_template("quiz/error.html", bank=bank, code=exc.code, message=exc.description)
    return page, exc.code or 500


@bp.get("/<quiz_id>")
def intro(quiz_id: str) -> str:
    """Show what the quiz is, how long it takes and what is kept."""
    bank = bank_or_404(quiz_id)
    # Only an allowed framing site is kept as the origin; anything else in the URL is ignored.
    origin = embed.allowed_host(request.args.get("host")) or None
    state = QuizState(consent=current_app.config["CONSENT_MODE"] == "opt-out", origin=origin)
    return _intro(bank, state, tokens().form_token(bank))


@bp.get("/<quiz_id>/next")
def next_get(quiz_id: str) -> Response:
    """Send a bookmarked or reloaded step URL back to the start, since state only travels in the form."""
    bank_or_404(quiz_id)
    return redirect(url_for(".intro", quiz_id=quiz_id), 303)  # type: ignore[return-value]


@bp.post("/<quiz_id>/next")
@limiter.limit(submit_limit, error_message=TOO_MANY)
def step(quiz_id: str) -> Any:
    """Take one step's answers and show the next step, the same step with errors, or the result."""
    bank = bank_or_404(quiz_id)
    token = request.form.get("token", "")
    try:
        age = tokens().check_form_token(token, bank)
        state = tokens().load_state(request.form.get("state", ""), bank)
    except StateError as exc:
        abort(400, description=str(exc))
    if state.at == CHECK_STEP:
        return _checked(bank, state, token, age)
    if state.at is None:
        state.consent = request.form.get("consent") == "yes"
        event(bank.id, "intro", "started")
        first = flow.next_section(bank, state.answers, None)
        assert first is not None, "a bank has at least one section"
        return _step(bank, state, token, first, state.answers)
    try:
        index = flow.section_index(bank, state.at)
    except KeyError:
        abort(400, description="This page belongs to a step that no longer exists.")
    return _advance(bank, state, token, index, age)


def _advance(bank: Bank, state: QuizState, token: str, index: int, age: float) -> Any:
    section = bank.sections[index]
    form = forms.section_form(bank, section, state.rendered)(request.form)
    new, errors = forms.read(bank, form)
    answers = flow.merge(bank, state.answers, section, new)
    lead = SAFETY_ITEM in state.rendered and flow.crisis_level(answers) >= 1
    if request.form.get("action") == "back":
        before = flow.previous_section(bank, answers, index)
        state.answers = answers
        if before is None:
            return _intro(bank, state, token, lead=lead)
        return _step(bank, state, token, before, answers, lead=lead)
    opened = [q for q in flow.shown_in(bank, section, answers) if q not in state.rendered]
    if errors or opened:
        return _step(bank, state, token, index, answers, errors=errors, lead=lead)
    event(bank.id, section.id, "step")
    after = flow.next_section(bank, answers, index)
    if after is not None:
        return _step(bank, state, token, after, answers, lead=lead)
    gap = flow.first_gap(bank, answers)
    if gap is not None:
        return _step(bank, state, token, gap[0], answers, errors=gap[1], lead=lead)
    return _finish(bank, state, token, answers, age)


def _checked(bank: Bank, state: QuizState, token: str, age: float) -> Any:
    """Act on the careless-answer check: show the result, or go back to the answers in question."""
    if request.form.get("action") == "confirm":
        state.confirmed = True
        return _finish(bank, state, token, state.answers, age)
    spots = careless.straightlined_sections(bank, state.answers)
    first = flow.next_section(bank, state.answers, None)
    index = flow.section_index(bank, spots[0]) if spots else first
    assert index is not None, "a bank has at least one section"
    return _step(bank, state, token, index, state.answers)


def _finish(bank: Bank, state: QuizState, token: str, answers: dict[str, AnswerValue], age: float) -> Any:
    scores, outcome = assess(bank, answers)
    suspect = careless.looks_careless(bank, answers, age)
    asks = current_app.config["CARELESS_CHECK"] and not state.confirmed
    if suspect and asks and "safety" not in scores.flags:  # crisis resources are never delayed
        return _check_page(bank, state, token, answers, age)
    if request.form.get(HONEYPOT) or age < float(current_app.config["MIN_HUMAN_SECONDS"]):
        current_app.logger.info("a submission to %s looked automated and was not kept", bank.id)
    else:
        locale = embed.embed_args(request.args).get("locale") or bank.locale
        call_hook(
            "quiz.on_finished",
            bank,
            scores,
            outcome,
            consent=state.consent,
            origin=state.origin,
            locale=locale,
            careless=suspect,
        )
        event(bank.id, "result", "finished")
    link = url_for(".show", quiz_id=bank.id, token=tokens().result_token(bank, dict(scores.answers)))
    return redirect(link, 303)


def _check_page(bank: Bank, state: QuizState, token: str, answers: dict[str, AnswerValue], age: float) -> str:
    """Gently ask the person to confirm answers that look careless before guidance is shown."""
    state.at, state.answers = CHECK_STEP, answers
    return render_template(
        "quiz/check.html",
        bank=bank,
        token=token,
        state=tokens().dump_state(bank, state),
        fast=careless.too_fast(bank, age),
        same=[s.title for s in bank.sections if s.id in careless.straightlined_sections(bank, answers)],
        **_crisis(answers, False),
    )


def _intro(bank: Bank, state: QuizState, token: str, lead: bool = False) -> str:
    state.at, state.rendered = None, ()
    return render_template(
        "quiz/intro.html",
        bank=bank,
        token=token,
        state=tokens().dump_state(bank, state),
        consent=state.consent,
        consent_mode=current_app.config["CONSENT_MODE"],
        **_crisis(state.answers, lead),
    )


def _step(
    bank: Bank,
    state: QuizState,
    token: str,
    index: int,
    answers: dict[str, AnswerValue],
    errors: Mapping[str, str] | None = None,
    lead: bool = False,
) -> str:
    section = bank.sections[index]
    shown = flow.shown_in(bank, section, answers)
    form = forms.prefilled(forms.section_form(bank, section, shown), answers)
    errors = errors or {}
    for field in form:
        field.errors = [errors[field.name]] if field.name in errors else []
    k, n = flow.position(bank, answers, index)
    after = QuizState(section.id, answers, tuple(shown), state.consent, state.origin, state.confirmed)
    questions = {q.id: (q, response_of(bank, q)) for q in section.questions if q.id in shown}
    stems = list(dict.fromkeys(r.stem for _, r in questions.values() if r.stem))
    return render_template(
        "quiz/step.html",
        bank=bank,
        section=section,
        form=form,
        questions=questions,
        stems=stems,
        errors=[(f.name, errors[f.name]) for f in form if f.name in errors],
        k=k,
        n=n,
        last=flow.next_section(bank, answers, index) is None,
        token=token,
        state=tokens().dump_state(bank, after),
        **_crisis(answers, lead),
    )


def _crisis(answers: Mapping[str, AnswerValue], lead: bool) -> dict[str, Any]:
    """Return the crisis panel's context: led with right after the safety answer, a reminder after that."""
    level = flow.crisis_level(answers)
    return {
        "crisis": resources() if level else None,
        "crisis_level": level,
        "crisis_lead": lead and level > 0,
        "countries": countries(),
    }
