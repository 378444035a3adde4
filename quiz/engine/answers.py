"""Check raw answers, and walk the bank to see which questions and steps a set of answers shows; pure."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from quiz.bank.model import NOT_APPLICABLE, SAFETY_ITEM, AnswerValue, Bank, Question
from quiz.engine.conditions import Facts, ScaleScore, holds
from quiz.engine.scores import score_scale

ANSWER_REQUIRED = "Select an answer"


def check_answers(bank: Bank, raw: Any) -> tuple[dict[str, AnswerValue], dict[str, str]]:
    """Validate raw answers (ids, types, values); return clean answers and one message per bad id."""
    if not isinstance(raw, Mapping):
        return {}, {"answers": "answers must be an object of question id to value"}
    clean, errors = {}, {}
    for key, value in raw.items():
        question = bank.questions.get(key) if isinstance(key, str) else None
        if question is None:
            errors[str(key)[:64]] = "unknown question"
            continue
        checked = check_value(bank, question, value)
        if isinstance(checked, str):
            errors[key] = checked
        else:
            clean[key] = checked
    return clean, errors


def check_value(bank: Bank, question: Question, value: Any) -> AnswerValue | str:
    """Return an answer in its clean form, or a message saying what is wrong with it."""
    allowed = bank.options[question.id]
    if question.kind == "multi":
        if not isinstance(value, list | tuple) or any(type(v) is not int for v in value):
            return "expected a list of option values"
        if len(set(value)) != len(value) or not set(value) <= set(allowed):
            return f"each value must be one of {sorted(allowed)}, once"
        return tuple(sorted(value))
    if type(value) is not int:
        return "expected a whole number"
    if value not in allowed:
        if question.kind == "scale":
            lo, hi = bank.ranges[question.id]
            other = f", or {NOT_APPLICABLE} for 'does not apply'" if NOT_APPLICABLE in allowed else ""
            return f"must be between {lo} and {hi}{other}"
        return f"must be one of {sorted(allowed)}"
    return value


@dataclass(frozen=True)
class Walk:
    """Where a set of answers leads: the answers to shown questions, and which questions and steps are shown."""

    bank: Bank
    answers: dict[str, AnswerValue]
    shown: tuple[str, ...]
    steps: tuple[int, ...]  # the sections with at least one shown question, in order

    def shown_in(self, section: int) -> list[str]:
        """List the ids of a section's shown questions, in order."""
        return [q.id for q in self.bank.sections[section].questions if q.id in self.shown]

    def next_step(self, after: int | None) -> int | None:
        """Return the next shown section after `after` (None: the intro), or None at the end."""
        return next((i for i in self.steps if after is None or i > after), None)

    def previous_step(self, before: int) -> int | None:
        """Return the shown section before `before`, or None when the intro comes first."""
        return max((i for i in self.steps if i < before), default=None)

    def position(self, index: int) -> tuple[int, int]:
        """Return (k, n) for "Step k of n"."""
        return sum(1 for i in self.steps if i <= index), len(self.steps)

    def missing(self) -> dict[str, str]:
        """Return an error for each shown, required question left unanswered."""
        return missing(self.bank, self.answers, self.shown)

    def first_gap(self) -> tuple[int, dict[str, str]] | None:
        """Return the first section with unanswered required questions and their errors, or None."""
        missing = self.missing()
        for index in self.steps:
            if mine := {q: missing[q] for q in self.shown_in(index) if q in missing}:
                return index, mine
        return None


def missing(bank: Bank, answers: Mapping[str, AnswerValue], shown: tuple[str, ...]) -> dict[str, str]:
    """Return an error for each shown, required question left unanswered."""
    return {q: ANSWER_REQUIRED for q in shown if q not in answers and bank.questions[q].required}


class _ScoresSoFar(Mapping[str, ScaleScore]):
    """Scale scores over the answers kept so far, each scored when read and again once one of its answers is kept."""

    def __init__(self, bank: Bank):
        self.bank = bank
        self.answers: dict[str, AnswerValue] = {}
        self.known: dict[str, ScaleScore] = {}

    def keep(self, question_id: str, value: AnswerValue) -> None:
        """Keep an answer, and forget the scores it changes."""
        self.answers[question_id] = value
        for scale_id in self.bank.scales_of[question_id]:
            self.known.pop(scale_id, None)

    def __getitem__(self, key: str) -> ScaleScore:
        if key not in self.known:
            self.known[key] = score_scale(self.bank, key, self.answers)
        return self.known[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self.bank.scales)

    def __len__(self) -> int:
        return len(self.bank.scales)


def walk(bank: Bank, answers: Mapping[str, AnswerValue]) -> Walk:
    """Go through the bank in order, keeping answers to the questions that the answers before them show."""
    so_far = _ScoresSoFar(bank)
    shown: list[str] = []
    steps: list[int] = []
    facts = Facts(so_far.answers, so_far)
    for index, section in enumerate(bank.sections):
        if section.show_if is not None and not holds(section.show_if, facts):
            continue
        before = len(shown)
        for question in section.questions:
            if question.show_if is None or holds(question.show_if, facts):
                shown.append(qid := question.id)
                if qid in answers:
                    so_far.keep(qid, answers[qid])
        if len(shown) > before:
            steps.append(index)
    return Walk(bank, so_far.answers, tuple(shown), tuple(steps))


def crisis_level(answers: Mapping[str, AnswerValue]) -> int:
    """Return the safety answer (0 when unanswered): 1 calls for the crisis panel, 2 or more for stronger words."""
    value = answers.get(SAFETY_ITEM, 0)
    return value if isinstance(value, int) else 0
