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
    section = _section(bank, "life_now")
    form_class = forms.section_form(bank, section, ["lg_work_sat", "lg_work_imp", "lg_friends_sat"])
    data = MultiDict([("lg_work_sat", "-1"), ("lg_work_imp", "0"), ("lg_friends_sat", "7")])
    answers, errors = forms.read(bank, form_class(data))
    assert errors == {}
    assert answers == {"lg_work_sat": -1, "lg_work_imp": 0, "lg_friends_sat": 7}


def test_errors_say_in_a_few_words_what_to_do(bank):
    form_class = forms.section_form(bank, _section(bank, "change"), ["readiness_importance", "readiness_confidence"])
    answers, errors = forms.read(bank, form_class(MultiDict([("readiness_importance", "11")])))
    assert answers == {}
    assert errors == {
        "readiness_importance": "Select a number from 0 to 10",
        "readiness_confidence": "Select a number from 0 to 10",
    }
    trauma = forms.section_form(bank, _section(bank, "hard_times"), ["ptsd_event"])
    assert forms.read(bank, trauma(MultiDict()))[1] == {"ptsd_event": "Select an answer"}


def test_every_earlier_answer_shows_checked_and_nothing_else(app):
    from quiz.bank.model import Option, Question, ResponseScale

    fields = app.jinja_env.get_template("macros/fields.html").module
    response = ResponseScale(options=tuple(Option(value=v, label=f"Choice {v}") for v in (1, 2, 3)))
    picked = str(fields.question(Question(id="helps", text="What helps?", kind="multi"), response, 1, (1, 3)))
    assert picked.count('type="checkbox"') == 3
    assert [v for v in "123" if f'value="{v}" checked' in picked] == ["1", "3"]
    single = str(fields.question(Question(id="one", text="Which?"), response, 2, (2,)))
    assert [v for v in "123" if f'value="{v}" checked' in single] == ["2"] and 'type="radio"' in single
