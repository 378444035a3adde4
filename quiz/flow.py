"""Where the quiz goes next: visible sections, merged answers, step numbers and the crisis level; no Flask."""

from __future__ import annotations

from collections.abc import Mapping

from quiz.model import SAFETY_ITEM, AnswerValue, Bank, Section
from quiz.scoring import missing_required
from quiz.visibility import visible_answers


def section_index(bank: Bank, section_id: str) -> int:
    """Return the position of a section by id; raise KeyError for an unknown id."""
    for index, section in enumerate(bank.sections):
        if section.id == section_id:
            return index
    raise KeyError(section_id)


def visible_sections(bank: Bank, answers: Mapping[str, AnswerValue]) -> list[int]:
    """List the indices of the sections shown for these answers (a section with no shown question is skipped)."""
    _, shown = visible_answers(bank, answers)
    ids = set(shown)
    return [i for i, s in enumerate(bank.sections) if any(q.id in ids for q in s.questions)]


def shown_in(bank: Bank, section: Section, answers: Mapping[str, AnswerValue]) -> list[str]:
    """List the ids of a section's questions that are shown for these answers, in order."""
    _, shown = visible_answers(bank, answers)
    ids = set(shown)
    return [q.id for q in section.questions if q.id in ids]


def merge(
    bank: Bank, earlier: Mapping[str, AnswerValue], section: Section, new: Mapping[str, AnswerValue]
) -> dict[str, AnswerValue]:
    """Replace a section's answers with new ones, then drop every answer whose question is now hidden."""
    own = {q.id for q in section.questions}
    combined = {k: v for k, v in earlier.items() if k not in own}
    combined.update(new)
    kept, _ = visible_answers(bank, combined)
    return kept


def next_section(bank: Bank, answers: Mapping[str, AnswerValue], current: int | None) -> int | None:
    """Return the next shown section after `current` (None means the intro), or None at the end."""
    start = -1 if current is None else current
    return next((i for i in visible_sections(bank, answers) if i > start), None)


def previous_section(bank: Bank, answers: Mapping[str, AnswerValue], current: int) -> int | None:
    """Return the shown section before `current`, or None when the intro comes before it."""
    earlier = [i for i in visible_sections(bank, answers) if i < current]
    return earlier[-1] if earlier else None


def position(bank: Bank, answers: Mapping[str, AnswerValue], current: int) -> tuple[int, int]:
    """Return (k, n) for "Step k of n"; n grows when answers open follow-up sections."""
    shown = visible_sections(bank, answers)
    return sum(1 for i in shown if i <= current), len(shown)


def first_gap(bank: Bank, answers: Mapping[str, AnswerValue]) -> tuple[int, dict[str, str]] | None:
    """Return the first section with unanswered required questions and their errors, or None if complete."""
    kept, shown = visible_answers(bank, answers)
    missing = missing_required(bank, kept, shown)
    if not missing:
        return None
    for index, section in enumerate(bank.sections):
        mine = {q.id: missing[q.id] for q in section.questions if q.id in missing}
        if mine:
            return index, mine
    return None


def crisis_level(answers: Mapping[str, AnswerValue]) -> int:
    """Return the safety answer (0 when unanswered): 1 calls for the crisis panel, 2 or more for stronger words."""
    value = answers.get(SAFETY_ITEM, 0)
    return value if isinstance(value, int) else 0
