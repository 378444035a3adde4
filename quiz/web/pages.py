"""The quiz pages: intro, one step per section, and the hand-over to the result page; no cookie anywhere."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, Response, abort, current_app, redirect, render_template, request, url_for
from werkzeug.exceptions import HTTPException

from quiz.bank import SAFETY_ITEM, AnswerValue, Bank
from quiz.engine import Walk, careless, crisis_level, decide, score, walk
from quiz.store import database
from quiz.store.settings import setting
from quiz.web import bank_or_404, countries, embed, forms, resources, result, tokens
from quiz.web.limits import finish_allowed
from quiz.web.tokens import QuizState, StateError

bp = Blueprint("taker", __name__, url_prefix="/q")
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
    state = QuizState(consent=setting("consent_mode") == "opt-out", origin=origin)
    return _intro(bank, state, tokens().form_token(bank))


@bp.get("/<quiz_id>/next")
def next_get(quiz_id: str) -> Response:
    """Send a bookmarked or reloaded step URL back to the start, since state only travels in the form."""
    bank_or_404(quiz_id)
    return redirect(url_for(".intro", quiz_id=quiz_id), 303)  # type: ignore[return-value]


@bp.post("/<quiz_id>/next")
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
        database.count(bank.id, "intro", "started")
        route = walk(bank, state.answers)
        first = route.next_step(None)
        assert first is not None, "a bank has at least one section"
        return _step(bank, state, token, route, first)
    index = next((i for i, s in enumerate(bank.sections) if s.id == state.at), None)
    if index is None:
        abort(400, description="This page belongs to a step that no longer exists.")
    return _advance(bank, state, token, index, age)


def _advance(bank: Bank, state: QuizState, token: str, index: int, age: float) -> Any:
    """Merge a step's answers, walk the bank once with them, and go where that leads."""
    section = bank.sections[index]
    form = forms.section_form(bank, section, state.rendered)(request.form)
    new, errors = forms.read(bank, form)
    own = {q.id for q in section.questions}
    route = walk(bank, {**{k: v for k, v in state.answers.items() if k not in own}, **new})
    lead = SAFETY_ITEM in state.rendered and crisis_level(route.answers) >= 1
    if request.form.get("action") == "back":
        before = route.previous_step(index)
        if before is None:
            state.answers = route.answers
            return _intro(bank, state, token, lead=lead)
        return _step(bank, state, token, route, before, lead=lead)
    opened = [q for q in route.shown_in(index) if q not in state.rendered]
    if errors or opened:
        return _step(bank, state, token, route, index, errors=errors, lead=lead, added=bool(opened), again=True)
    after = route.next_step(index)
    if after is not None:
        database.count(bank.id, section.id, "step")
        return _step(bank, state, token, route, after, lead=lead)
    gap = route.first_gap()
    if gap is not None:
        database.count(bank.id, section.id, "step")
        return _step(bank, state, token, route, gap[0], errors=gap[1], lead=lead)
    return _finish(bank, state, token, route, age, done=section.id)  # the last step is counted once, with the finish


def _checked(bank: Bank, state: QuizState, token: str, age: float) -> Any:
    """Act on the careless-answer check: show the result, or go back to the answers in question."""
    route = walk(bank, state.answers)
    if request.form.get("action") == "confirm":
        state.confirmed = True
        return _finish(bank, state, token, route, age)
    spots = careless.straightlined_sections(bank, route.answers)
    index = next((i for i, s in enumerate(bank.sections) if s.id in spots), route.next_step(None))
    assert index is not None, "a bank has at least one section"
    return _step(bank, state, token, route, index)


def _finish(bank: Bank, state: QuizState, token: str, route: Walk, age: float, done: str | None = None) -> Any:
    """Score the walk, keep the response once if the person agreed, and send them to their result."""
    scores = score(bank, route)
    suspect = careless.looks_careless(bank, route.answers, age)
    asks = current_app.config["CARELESS_CHECK"] and not state.confirmed
    if suspect and asks and "safety" not in scores.flags:  # crisis resources are never delayed
        if done:
            database.count(bank.id, done, "step")
        return _check_page(bank, state, token, route.answers, age)
    kept = _looks_human(bank, age) and _within_limit(bank)
    record = None
    if kept and state.consent:
        language = request.headers.get("Accept-Language")
        record = database.record_for(bank, scores, decide(bank, scores), state.origin, language, careless=suspect)
    # The form token is single-use here: a replayed or forged final step shows the result and keeps nothing.
    # The response is kept in the transaction that spends the token, so a failed save leaves neither behind.
    spent = database.spend(tokens().spent_digest(token), record)
    if spent is False:
        current_app.logger.info("a finished %s quiz was sent again; nothing new was kept", bank.id)
    elif spent:
        if done:
            database.count(bank.id, done, "step")
        if kept:
            database.count(bank.id, "result", "finished")
    link = url_for(".show", quiz_id=bank.id, token=tokens().result_token(bank, dict(scores.answers)))
    return redirect(link, 303)


def _looks_human(bank: Bank, age: float) -> bool:
    """Say whether a finished quiz looks filled in by a person: the hidden field empty, not sent too soon for one."""
    if request.form.get(HONEYPOT) or age < float(current_app.config["MIN_HUMAN_SECONDS"]):
        current_app.logger.info("a submission to %s looked automated and was not kept", bank.id)
        return False
    return True


def _within_limit(bank: Bank) -> bool:
    """Count a finish against the address's allowance; say whether it may still be kept."""
    if finish_allowed():
        return True
    current_app.logger.info("one address finished too many %s quizzes; this one was not kept", bank.id)
    return False


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
        consent_mode=setting("consent_mode"),
        **_crisis(state.answers, lead),
    )


def _step(
    bank: Bank,
    state: QuizState,
    token: str,
    route: Walk,
    index: int,
    errors: Mapping[str, str] | None = None,
    lead: bool = False,
    added: bool = False,
    again: bool = False,
) -> str:
    """Show one step of the walk, its earlier answers filled in and any errors beside their questions."""
    section = bank.sections[index]
    shown = route.shown_in(index)
    errors = errors or {}
    after = QuizState(section.id, route.answers, tuple(shown), state.consent, state.origin, state.confirmed)
    questions = [
        (bank.questions[qid], bank.response_of(bank.questions[qid]), _chosen(route.answers.get(qid)), errors.get(qid))
        for qid in shown
    ]
    k, n = route.position(index)
    return render_template(
        "quiz/step.html",
        bank=bank,
        section=section,
        questions=questions,
        numbers={qid: at for at, qid in enumerate(shown, 1)},
        errors=[(qid, errors[qid]) for qid in shown if qid in errors],
        added=added,
        again=again,
        k=k,
        n=n,
        last=route.next_step(index) is None,
        token=token,
        state=tokens().dump_state(bank, after),
        **_crisis(route.answers, lead),
    )


def _chosen(answer: AnswerValue | None) -> tuple[int, ...]:
    """Return the values an earlier answer picked, to show them checked."""
    if answer is None:
        return ()
    return answer if isinstance(answer, tuple) else (answer,)


def _crisis(answers: Mapping[str, AnswerValue], lead: bool) -> dict[str, Any]:
    """Return the crisis panel's context: led with right after the safety answer, a reminder after that."""
    level = crisis_level(answers)
    return {
        "crisis": resources() if level else None,
        "crisis_level": level,
        "crisis_lead": lead and level > 0,
        "countries": countries(),
    }
