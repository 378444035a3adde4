"""Spot answers that look careless (straight-lining, implausible speed) so the person can confirm them."""

from __future__ import annotations

from collections.abc import Mapping

from quiz.bank.model import AnswerValue, Bank


def straightlined_sections(bank: Bank, answers: Mapping[str, AnswerValue]) -> list[str]:
    """Return the ids of long sections where every answer has the same value."""
    found = []
    for section in bank.sections:
        values = [answers[q.id] for q in section.questions if isinstance(answers.get(q.id), int)]
        if len(values) >= bank.careless.straightline_min_items and len(set(values)) == 1:
            found.append(section.id)
    return found


def too_fast(bank: Bank, seconds: float) -> bool:
    """Say whether the whole quiz was completed faster than a person could read it."""
    return seconds < bank.careless.min_seconds


def looks_careless(bank: Bank, answers: Mapping[str, AnswerValue], seconds: float) -> bool:
    """Say whether to ask the person to confirm their answers before showing guidance."""
    return too_fast(bank, seconds) or bool(straightlined_sections(bank, answers))
