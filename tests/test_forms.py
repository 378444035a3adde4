"""WTForms classes built from bank sections, and form data read back as answers."""

from __future__ import annotations

from werkzeug.datastructures import MultiDict

from quiz.web import forms


def _section(bank, section_id):
    return next(s for s in bank.sections if s.id == section_id)


def test_one_field_per_shown_question_in_order(bank):
    section = _section(bank, "mood_more")
    form = forms.section_form(bank, section, ["phq9_4", "phq9_3", "phq_difficulty"])()
    assert [f.name for f in form] == ["phq9_3", "phq9_4", "phq_difficulty"]
    assert [c.value for c in form.phq9_3.choices] == [0, 1, 2, 3]


def test_read_turns_form_data_into_answers(bank):
    section = _section(bank, "change")
    form_class = forms.section_form(bank, section, [q.id for q in section.questions])
    data = MultiDict(
        [
            ("focus_areas", "3"),
            ("focus_areas", "1"),
            ("readiness_importance", "7"),
            ("readiness_confidence", "0"),
            ("tried_before", "1"),
        ]
    )
    answers, errors = forms.read(bank, form_class(data))
    assert errors == {}
    assert answers == {"focus_areas": (1, 3), "readiness_importance": 7, "readiness_confidence": 0, "tried_before": 1}


def test_optional_multi_may_be_left_empty(bank):
    section = _section(bank, "change")
    form_class = forms.section_form(bank, section, ["focus_areas"])
    assert forms.read(bank, form_class(MultiDict())) == ({}, {})


def test_errors_say_what_to_do_and_name_the_question(bank):
    section = _section(bank, "change")
    form_class = forms.section_form(bank, section, [q.id for q in section.questions])
    data = MultiDict([("readiness_importance", "11"), ("readiness_confidence", "x"), ("focus_areas", "9")])
    answers, errors = forms.read(bank, form_class(data))
    assert answers == {}
    assert (
        errors["readiness_importance"]
        == "Select a number from 0 to 10 for ‘How important is it to you to make this change?’"
    )
    assert errors["readiness_confidence"].startswith("Select a number from 0 to 10 for ‘How confident")
    assert errors["tried_before"].startswith("Select yes or no for")
    assert errors["focus_areas"].startswith("Select at least one answer for")


def test_single_choice_message_and_long_text_is_shortened(bank):
    question = next(q for q in _section(bank, "mood_more").questions if q.id == "phq9_8")
    message = forms.error_message(bank, question)
    assert message.startswith("Select an answer for ‘Moving or speaking") and message.endswith("…’")
    assert len(message) < 110


def test_prefilled_shows_earlier_answers(bank):
    section = _section(bank, "change")
    form = forms.prefilled(
        forms.section_form(bank, section, ["focus_areas", "tried_before"]), {"focus_areas": (2, 5), "tried_before": 0}
    )
    assert form.focus_areas.data == [2, 5] and form.tried_before.data == 0
