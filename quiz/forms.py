"""WTForms classes built from a bank section, and form data turned back into answers."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from markupsafe import Markup, escape
from wtforms import Field, Form, RadioField, SelectMultipleField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Optional

from quiz.checks import response_of
from quiz.model import AnswerValue, Bank, Question, Section
from quiz.plan import plan_for

SHORT = 70


def error_message(bank: Bank, question: Question) -> str:
    """Return the GOV.UK-style error for an unanswered question: say what to do, name the question."""
    choices = response_of(bank, question).choices()
    if question.kind == "multi":
        action = "Select at least one answer"
    elif question.kind == "yesno":
        action = "Select yes or no"
    elif question.kind == "scale":
        action = f"Select a number from {choices[0].value} to {choices[-1].value}"
    else:
        action = "Select an answer"
    return f"{action} for ‘{shorten(question.text)}’"


def shorten(text: str, limit: int = SHORT) -> str:
    """Cut long question text at a word boundary so error messages stay readable."""
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0].rstrip(",;:—-") + "…"


def _field(bank: Bank, question: Question) -> RadioField | SelectMultipleField:
    choices = [SelectChoice(o.value, o.label) for o in response_of(bank, question).choices()]
    check = [InputRequired(message=error_message(bank, question))] if question.required else [Optional()]
    kind = SelectMultipleField if question.kind == "multi" else RadioField
    return kind(question.text, choices=choices, coerce=int, validators=check, description=question.hint or "")


def section_form(bank: Bank, section: Section, shown: Iterable[str]) -> type[Form]:
    """Return the form class with one field per shown question of a section, in order (built once per bank)."""
    visible = frozenset(shown)
    forms = plan_for(bank).memo.setdefault("forms", {})  # building a class per request cost more than rendering
    key = (section.id, visible)
    if key not in forms:
        fields = {q.id: _field(bank, q) for q in section.questions if q.id in visible}
        forms[key] = type(f"{section.id.title().replace('_', '')}Form", (Form,), fields)
    return forms[key]


def prefilled(form_class: type[Form], answers: Mapping[str, AnswerValue]) -> Form:
    """Return a form showing earlier answers, without validating anything."""
    data = {k: list(v) if isinstance(v, tuple) else v for k, v in answers.items()}
    return form_class(data=data)


def read(bank: Bank, form: Form) -> tuple[dict[str, AnswerValue], dict[str, str]]:
    """Validate a submitted form; return its usable answers and one plain message per problem field."""
    form.validate()
    answers: dict[str, AnswerValue] = {}
    errors: dict[str, str] = {}
    questions = {q.id: q for s in bank.sections for q in s.questions}
    for field in form:
        if field.errors:
            # WTForms' own messages ("Not a valid choice") mean nothing to the person; say what to do instead.
            errors[field.name] = error_message(bank, questions[field.name])
            field.errors = [errors[field.name]]
            continue
        value = _answer(field.data)
        if value is not None:
            answers[field.name] = value
    return answers, errors


def choice_inputs(field: Field, input_type: str) -> Markup:
    """Return a question's radio buttons or checkboxes, the earlier answer checked."""
    options = _options(field.name, input_type, tuple((c.value, c.label) for c in field.choices))
    data = field.data
    chosen = data if isinstance(data, list | tuple) else (data,)
    return Markup("".join(checked if value in chosen else plain for value, plain, checked in options))


@lru_cache(maxsize=1024)
def _options(name: str, input_type: str, choices: tuple[tuple[int, str], ...]) -> tuple[tuple[int, str, str], ...]:
    """Build each option's markup once, unchecked and checked: a page has a hundred of them (Jinja was slower)."""
    found = []
    for at, (value, label) in enumerate(choices):
        ident = escape(f"{name}-{at}")
        head = (
            f'<div class="choice"><input class="choice-input" id="{ident}" name="{escape(name)}" '
            f'type="{escape(input_type)}" value="{escape(value)}"'
        )
        tail = f'><label class="choice-label" for="{ident}">{escape(label)}</label></div>\n'
        found.append((value, head + tail, head + " checked" + tail))
    return tuple(found)


def _answer(data: Any) -> AnswerValue | None:
    if isinstance(data, list):
        return tuple(sorted(set(data))) or None
    return data if isinstance(data, int) else None
