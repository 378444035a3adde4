"""The loader's defences: YAML 1.2 booleans, alias bombs, oversized files, and rules the schema cannot say."""

from __future__ import annotations

import json
import subprocess
import sys
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


def key_bomb(levels: int) -> str:
    """Return the review's key bomb: one mapping key holding lists whose aliases repeat the list before ten times."""
    lists = ["&a0 [x, x, x, x, x, x, x, x, x, x]"]
    lists += [f"&a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, levels)]
    return f"? [{', '.join(lists)}]\n: 1\n"


# Runs in a child whose address space is capped, so a loader that expands the key fails there, not on this machine.
MEASURE = """
import json, resource, sys, time
from pathlib import Path
size = int(Path("/proc/self/statm").read_text().split()[0]) * resource.getpagesize()
resource.setrlimit(resource.RLIMIT_AS, (size + 1024 * 2**20, resource.RLIM_INFINITY))
from quiz.bank import InvalidBank, parse_bank
text = sys.stdin.read()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
started = time.perf_counter()
try:
    parse_bank(text, "bomb.yaml")
    errors = []
except InvalidBank as exc:
    errors = [str(e) for e in exc.errors]
seconds = time.perf_counter() - started
grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024  # ru_maxrss is in KiB on Linux
print(json.dumps({"seconds": seconds, "megabytes": grown, "errors": errors}))
"""


@pytest.mark.skipif(not Path("/proc/self/statm").exists(), reason="measures memory through Linux's /proc")
def test_the_30_level_key_bomb_is_refused_within_2_seconds_and_200_mb():
    text = key_bomb(30)
    assert len(text) < 2000
    done = subprocess.run(
        [sys.executable, "-c", MEASURE], input=text, capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    found = json.loads(done.stdout)
    assert found["seconds"] < 2 and found["megabytes"] < 200, found
    assert found["errors"] == ["bomb.yaml:1: (yaml): a key must be plain text, not a list or a mapping"]


def test_merge_keys_cannot_multiply_a_mapping():
    inner = "&m0 {k: 1}"
    for i in range(1, 30):
        inner = f"&m{i} {{<<: [{inner}, *m{i - 1}]}}"
    assert any("merge keys (<<) are not supported" in e for e in errors_of(f"top: {{<<: [{inner}]}}\n"))


@pytest.mark.parametrize(
    "text",
    [
        "? " + "k" * 5000 + "\n: 1\n",  # an unknown key, named in the path
        "a: 1\n? " + "k" * 5000 + "\n: 1\n? " + "k" * 5000 + "\n: 2\n",  # a duplicate key
        "? " + "9" * 4000 + "\n: 1\n",  # a number as a key
        "version: " + "9" * 5000 + "\n",  # a number too long to read
    ],
)
def test_errors_quote_at_most_80_characters_of_a_key_or_value(text):
    errors = errors_of(text)
    assert errors and all(len(e) < 200 for e in errors), [e[:300] for e in errors]
    assert not any("k" * 81 in e or "9" * 81 in e for e in errors)


def test_answer_values_stay_small_so_a_range_cannot_blow_up():
    broken = GOOD.replace("    max: 10\n", "    max: 100000000\n", 1)
    assert broken != GOOD
    assert any("ruler.max: Input should be less than or equal to 1000" in e for e in errors_of(broken))
