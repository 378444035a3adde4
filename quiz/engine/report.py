"""Shape banks and results as plain JSON-ready data for the API and the CLI."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from quiz.bank.model import SAFETY_ITEM, Bank, Question
from quiz.engine.answers import check_answers, missing, walk
from quiz.engine.outcome import Outcome, decide
from quiz.engine.scores import Scores, score


def bank_json(bank: Bank) -> dict[str, Any]:
    """Describe a bank for API clients: sections, questions with their options, and scales."""
    return {
        **bank.model_dump(include={"id", "version", "locale", "title", "intro", "minutes"}),
        "credits": [c.model_dump() for c in bank.credits],
        "sections": [
            {
                **s.model_dump(include={"id", "title", "intro"}),
                "show_if": _condition(s.show_if),
                "questions": [_question(bank, q) for q in s.questions],
            }
            for s in bank.sections
        ],
        "scales": [
            {
                "id": sid,
                **s.model_dump(include={"label", "method", "reflection"}),
                "items": list(s.items or [i for p in s.pairs for i in p]),
                "bands": [b.model_dump() for b in s.bands],
            }
            for sid, s in bank.scales.items()
        ],
        "indices": [{"id": iid, "label": ix.label} for iid, ix in bank.indices.items()],
        "outcomes": [r.id for r in bank.outcomes],
    }


def _condition(cond: Any) -> Any:
    if cond is None or isinstance(cond, str):
        return cond
    return cond.model_dump(mode="json", by_alias=True, exclude_none=True)


def _question(bank: Bank, q: Question) -> dict[str, Any]:
    response = bank.response_of(q)
    return {
        **q.model_dump(include={"id", "text", "kind", "scale", "reverse", "required"}),
        **response.model_dump(include={"stem", "low_label", "high_label"}),
        "options": [o.model_dump() for o in response.choices],
        "show_if": _condition(q.show_if),
    }


def result_json(scores: Scores, outcome: Outcome) -> dict[str, Any]:
    """Describe a result: the outcome, every scale and index score, and the raised flags."""
    table: dict[str, Any] = {
        sid: {"raw": s.raw, "score": s.score, "band": s.band, "complete": s.complete}
        for sid, s in scores.scales.items()
    }
    table.update({iid: {"score": value} for iid, value in scores.indices.items()})
    return {
        "outcome": {
            "id": outcome.id,
            "headline": outcome.headline,
            "reasons": list(outcome.reasons),
            "profile": list(outcome.profile),
        },
        "scores": table,
        "flags": list(scores.flags),
    }


def evaluate(bank: Bank, answers: Any) -> tuple[Scores, Outcome, dict[str, str]]:
    """Check and score answers; return the scores, the outcome and one error per bad or missing answer."""
    clean, errors = check_answers(bank, answers)
    if SAFETY_ITEM in errors and (value := _loose_safety(bank, answers)):
        clean[SAFETY_ITEM] = value  # "1", 1.0 or true is still a self-harm answer; it must reach crisis support
    route = walk(bank, clean)
    scores = score(bank, route)
    outcome = decide(bank, scores)
    # Missing answers are not errors beside a safety answer: the crisis result needs nothing else.
    return scores, outcome, (errors if errors or "safety" in scores.flags else route.missing())


def _loose_safety(bank: Bank, answers: Any) -> int:
    """Read a mistyped safety answer ("2", 2.0, true) as its number if it is plainly a valid one; else 0."""
    raw = answers.get(SAFETY_ITEM) if isinstance(answers, Mapping) else None
    try:
        number = float(raw)  # type: ignore[arg-type]
    except (TypeError, ValueError, OverflowError):
        return 0
    known = SAFETY_ITEM in bank.questions and number.is_integer() and int(number) in bank.options[SAFETY_ITEM]
    return int(number) if known else 0


def complete(bank: Bank, scores: Scores) -> bool:
    """Say whether every shown, required question was answered."""
    return not missing(bank, scores.answers, scores.shown)


def score_submission(bank: Bank, answers: Any) -> tuple[dict[str, Any] | None, dict[str, str]]:
    """Check and score answers; return (result, errors), errors keyed by question id."""
    scores, outcome, errors = evaluate(bank, answers)
    # A safety answer yields the crisis result even beside errors, so it always reaches the crisis path.
    if errors and "safety" not in scores.flags:
        return None, errors
    return result_json(scores, outcome), errors


def answers_from(payload: Any) -> Mapping[str, Any] | None:
    """Return the `answers` object of a request body, or None if the body is not shaped right."""
    return payload["answers"] if isinstance(payload, Mapping) and isinstance(payload.get("answers"), Mapping) else None
