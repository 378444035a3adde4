"""The result page, its booking hand-off and the crisis help page; the result lives in an encrypted link."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, redirect, render_template, request, url_for

from quiz import charts, support
from quiz.bank import Bank
from quiz.engine import Outcome, Scores, check_answers, crisis_level, decide, score, walk
from quiz.store import database
from quiz.store.settings import setting
from quiz.web import bank_or_404, countries, resources, tokens
from quiz.web.tokens import StateError

# WHO-5 is conventionally reported on 0-100 as well as its raw 0-25, and its bands are worded that way.
PERCENT_TOO = {"WHO-5"}


def _load(quiz_id: str, token: str) -> tuple[Bank, Scores, Outcome]:
    bank = bank_or_404(quiz_id)
    try:
        raw = tokens().load_result(token, bank)
    except StateError as exc:
        abort(400, description=str(exc))
    answers, errors = check_answers(bank, raw)
    if errors:
        abort(400, description="This result link does not match the current questions.")
    scores = score(bank, walk(bank, answers))
    return bank, scores, decide(bank, scores)


def _crisis(scores: Scores, outcome: Outcome) -> bool:
    """Say whether this result is about a self-harm answer, whatever else the answers say."""
    return outcome.call_to_action == "crisis" or crisis_level(scores.answers) > 0 or "safety" in scores.flags


def _booking_allowed(scores: Scores, outcome: Outcome) -> bool:
    """Offer a conversation with the coach where the guidance does (never beside a self-harm answer)."""
    return not _crisis(scores, outcome) and outcome.offer_coach and bool(setting("booking_url"))


def show(quiz_id: str, token: str) -> str:
    """Show the result: what may fit and why, the life areas, the next step, then the answers in detail."""
    bank, scores, outcome = _load(quiz_id, token)
    crisis = _crisis(scores, outcome)
    base = (current_app.config.get("PUBLIC_URL") or request.host_url).rstrip("/")
    place = resources()
    return render_template(
        "quiz/result.html",
        bank=bank,
        outcome=outcome,
        token=token,
        # The link to keep or share leaves out the embed parameters, which name the site it was taken on.
        permalink=base + url_for(".show", quiz_id=quiz_id, token=token).split("?", 1)[0],
        booking=_booking_allowed(scores, outcome),
        coach=setting("coach_name"),
        finding=support.directory().finding(place.code),
        ifs=support.directory().ifs_directory,
        **({} if crisis else details(bank, scores)),
        crisis=place if crisis or outcome.crisis_lines else None,
        crisis_level=crisis_level(scores.answers),
        crisis_result=crisis,
        countries=countries(),
        country_action=url_for(".show", quiz_id=quiz_id, token=token),
    )


def book(quiz_id: str, token: str) -> Any:
    """Count the call-to-action click, then go to the coach's booking page."""
    _, scores, outcome = _load(quiz_id, token)
    if not _booking_allowed(scores, outcome):
        abort(404)
    database.count(quiz_id, "result", "cta")
    return redirect(setting("booking_url"), 303)


def help_page(quiz_id: str) -> str:
    """Show crisis lines for the chosen or detected country, with a picker that works without JavaScript."""
    bank = bank_or_404(quiz_id)
    return render_template(
        "quiz/help.html",
        bank=bank,
        crisis=resources(),
        countries=countries(),
        country_action=url_for(".help_page", quiz_id=quiz_id),
    )


def details(bank: Bank, scores: Scores) -> dict[str, Any]:
    """Return the life-area chart, the map and the score tables that a result other than crisis support shows."""
    gaps = charts.area_gaps(bank, scores)
    healing, growth = scores.indices.get("healing_need"), scores.indices.get("growth_capacity")
    found: dict[str, Any] = {
        "areas": gaps,
        "areas_json": charts.figure_json(charts.areas_figure(gaps)) if gaps else None,
        "map": None,
        **score_tables(bank, scores),
    }
    if healing is not None and growth is not None:
        found["map"] = {
            "healing": _num(healing),
            "growth": _num(growth),
            "leads": "need for healing" if healing > growth else "capacity for growth",
            "json": charts.figure_json(charts.map_figure(healing, growth)),
        }
    return found


def score_tables(bank: Bank, scores: Scores) -> dict[str, Any]:
    """Split complete scale scores into screeners (raw, range, band) and reflections (0-100)."""
    screeners, reflections = [], []
    for sid, scale in bank.scales.items():
        found = scores.scales.get(sid)
        if found is None or found.raw is None:
            continue
        if scale.reflection:
            reflections.append({"id": sid, "label": scale.label, "score": _num(found.score)})
            continue
        lo, hi = bank.scale_ranges[sid]
        text = f"{_num(found.raw)} of {hi}" if lo == 0 else f"{_num(found.raw)} ({lo} to {hi})"
        if scale.source in PERCENT_TOO:
            text += f" ({_num(found.score)} of 100)"
        screeners.append({"id": sid, "label": scale.label, "score": text, "band": found.band or ""})
    indices = [{"id": i, "label": ix.label, "score": _num(scores.indices.get(i))} for i, ix in bank.indices.items()]
    return {"screeners": screeners, "reflections": reflections, "indices": indices}


def _num(value: float | None) -> str:
    return "–" if value is None else str(round(value))
