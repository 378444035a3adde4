"""The loader's defences: YAML 1.2 booleans, alias bombs, oversized files, and rules the schema cannot say."""

from __future__ import annotations

from pathlib import Path

import pytest

from quiz.bank import InvalidBank, parse_bank
from quiz.bank.loading import MAX_BYTES

GOOD = (Path(__file__).resolve().parent / "banks" / "good.yaml").read_text()


def errors_of(text: str) -> list[str]:
    """Return the printed errors for a bank text, failing if it validates."""
    with pytest.raises(InvalidBank) as caught:
        parse_bank(text, "bank.yaml")
    return [str(e) for e in caught.value.errors]


def test_yes_and_no_stay_text_in_labels():
    text = GOOD.replace(
        "response_scales:", "response_scales:\n  answer: {options: [{value: 0, label: No}, {value: 1, label: Yes}]}", 1
    )
    bank = parse_bank(text, "good.yaml")
    assert [o.label for o in bank.response_scales["answer"].choices] == ["No", "Yes"]


def test_alias_bomb_is_refused_quickly():
    bomb = "a: &a [x,x,x,x,x,x,x,x,x,x]\n"
    for name, prev in zip("bcdefg", "abcdef", strict=True):
        bomb += f"{name}: &{name} [" + ",".join([f"*{prev}"] * 10) + "]\n"
    assert any("too large" in e for e in errors_of(bomb))


def test_oversized_bank_is_refused():
    assert any("must be under" in e for e in errors_of("# " + "x" * MAX_BYTES))


def test_show_if_cannot_use_an_index():
    with_index = GOOD + "\nindices:\n  need: {label: Need, terms: [{weight: 1, scale: low}]}\n"
    parse_bank(with_index, "good.yaml")
    broken = with_index.replace("show_if: {scale: low, gte: 3}", "show_if: {index: need, gte: 30}", 1)
    assert broken != with_index
    assert "bank.yaml:26: sections[1].show_if: a show-if cannot use an index" in "\n".join(errors_of(broken))


def test_response_scale_needs_two_values():
    broken = GOOD.replace("response_scales:", "response_scales:\n  lonely: {options: [{value: 1, label: Only}]}", 1)
    assert any("at least two different values" in e for e in errors_of(broken))


def test_example_answers_must_be_whole_numbers_not_booleans():
    assert "examples:" in GOOD
    broken = GOOD.replace("examples:", "examples:\n  - {name: bool, answers: {low_1: true}, expect: fine}", 1)
    assert any("examples[0].answers.low_1" in e for e in errors_of(broken))


DEFAULT = (Path(__file__).resolve().parent.parent / "questions" / "coaching-fit.yaml").read_text()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "  safety:\n    item: phq9_9\n    gte: 1",
            "  safety:\n    item: phq9_9\n    gte: 2",
            "the 'safety' flag must be",
        ),
        (
            "  - {id: crisis_support, when: {flag: safety}}\n",
            "  - {id: crisis_support, when: {flag: severe}}\n",
            "the first outcome must be",
        ),
        (
            "      - id: phq9_9\n        response: phq9\n",
            "      - id: phq9_9\n        show_if: {scale: depression, gte: 3}\n        response: phq9\n",
            "must be asked of everyone",
        ),
        (
            "    headline: You deserve support right now\n    call_to_action: crisis",
            "    headline: You deserve support right now\n    call_to_action: booking",
            "crisis guidance must use call_to_action: crisis",
        ),
    ],
)
def test_a_bank_cannot_weaken_the_crisis_path(old, new, message):
    assert old in DEFAULT, old
    assert any(message in e for e in errors_of(DEFAULT.replace(old, new, 1)))


def test_a_self_harm_answer_chooses_crisis_support_whatever_the_flags_say(bank):
    from quiz.engine import Scores
    from quiz.engine.outcome import choose

    assert choose(bank, Scores(answers={"phq9_9": 1}, scales={}, indices={}, flags=())) == "crisis_support"
