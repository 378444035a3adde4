"""WTForms classes built from a bank section, and form data turned back into answers."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wtforms import Form, RadioField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from quiz.bank.model import AnswerValue, Bank, Question, Section


def error_message(bank: Bank, question: Question) -> str:
    """Return what to do about an unanswered question, in a few words (GOV.UK style)."""
    if question.kind == "multi":
        return "Select at least one answer"
    if question.kind == "yesno":
        return "Select yes or no"
    if question.kind == "scale":
        lo, hi = bank.ranges[question.id]
        return f"Select a number from {lo} to {hi}"
    return "Select an answer"


def _field(bank: Bank, question: Question) -> RadioField | SelectMultipleField:
    choices = [SelectChoice(o.value, o.label) for o in bank.response_of(question).choices]
    check = [InputRequired(message=error_message(bank, question))] if question.required else [Optional()]
    kind = SelectMultipleField if question.kind == "multi" else RadioField
    return kind(question.text, choices=choices, coerce=int, validators=check, description=question.hint or "")


def section_form(bank: Bank, section: Section, shown: Iterable[str]) -> type[Form]:
    """Return a form class with one field per shown question of a section, in order."""
    visible = set(shown)
    fields = {q.id: _field(bank, q) for q in section.questions if q.id in visible}
    return type(f"{section.id.title().replace('_', '')}Form", (Form,), fields)


def read(bank: Bank, form: Form) -> tuple[dict[str, AnswerValue], dict[str, str]]:
    """Validate a submitted form; return its usable answers and one plain message per problem field."""
    form.validate()
    answers: dict[str, AnswerValue] = {}
    errors: dict[str, str] = {}
    for field in form:
        if field.errors:
            # WTForms' own messages ("Not a valid choice") mean nothing to the person; say what to do instead.
            errors[field.name] = error_message(bank, bank.questions[field.name])
            field.errors = [errors[field.name]]
            continue
        value = _answer(field.data)
        if value is not None:
            answers[field.name] = value
    return answers, errors


def _answer(data: Any) -> AnswerValue | None:
    if isinstance(data, list):
        return tuple(sorted(set(data))) or None
    return data if isinstance(data, int) else None
