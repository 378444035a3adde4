"""The bank validator: each broken bank in tests/banks fails with its own file:line: key.path: message."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
import yaml
from click.testing import CliRunner

from quiz import create_app
from quiz.bank import InvalidBank, load_bank, parse_bank
from quiz.catalog import load_catalog
from quiz.cli import main
from quiz.engine import check_answers, check_examples, walk

ROOT = Path(__file__).resolve().parent.parent
BANKS = Path(__file__).resolve().parent / "banks"
QUESTIONS = ROOT / "questions"
DEFAULT_BANK = QUESTIONS / "coaching-fit.yaml"

# file -> every expected error as (line, key path, a fragment of the message)
BROKEN = {
    "unknown_key.yaml": [(22, "sections[0].questions[1].colour", "unknown key")],
    "missing_text.yaml": [(22, "sections[0].questions[1].text", "missing required key")],
    "duplicate_ids.yaml": [
        (21, "sections[0].questions[0].id", "duplicate question id 'low_1'"),
        (23, "sections[0].questions[2].id", "duplicate question id 'low_1'"),
    ],
    "value_out_of_range.yaml": [(45, "flags.safety.gte", "value 9 is outside the response scale of 'harm' (0-3)")],
    "example_out_of_range.yaml": [(60, "examples[2].answers.harm", "must be one of [0, 1, 2, 3]")],
    "undeclared_scale.yaml": [(22, "sections[0].questions[1].scale", "unknown scale 'mood'")],
    "band_gap.yaml": [(38, "scales.low.bands", "bands leave a gap: no band covers 2 (range 0-6)")],
    "band_overlap.yaml": [(40, "scales.low.bands[1]", "bands overlap at 2")],
    "unknown_item.yaml": [(45, "flags.safety.item", "unknown question 'self_harm'")],
    "unknown_scale.yaml": [(46, "flags.positive.scale", "unknown scale 'mood'")],
    "unknown_flag.yaml": [(48, "outcomes[0].when.flag", "unknown flag 'danger'")],
    "no_catch_all.yaml": [(51, "outcomes[3].when", "the last outcome must be a catch-all: 'when: always'")],
    "no_guidance.yaml": [(50, "outcomes[2].id", "outcome 'wait' has no guidance")],
    "example_mismatch.yaml": [
        (59, "examples[1].expect", "example 'low mood' gives 'therapy', not the expected 'coaching'")
    ],
    "item_against_score.yaml": [(50, "outcomes[2].when.lte", "compare 'ready' with a number")],
    "malformed.yaml": [(4, "(yaml)", "mapping values are not allowed here")],
    "not_mapping.yaml": [(1, "(top)", "a bank must be a mapping of keys")],
}


def test_every_broken_bank_is_listed():
    on_disk = {p.name for p in BANKS.glob("*.yaml")} - {"good.yaml"}
    assert on_disk == set(BROKEN)


def test_good_bank_loads_with_its_examples():
    banks = load_catalog([BANKS / "good.yaml"])
    assert list(banks) == ["tiny"]
    tiny = banks["tiny"]
    assert [q.id for s in tiny.sections for q in s.questions] == ["low_1", "low_2", "harm", "sleep", "ready", "before"]
    assert {e.expect for e in tiny.examples} == {r.id for r in tiny.outcomes}


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_bank_fails_in_load_catalog(name):
    path = BANKS / name
    with pytest.raises(InvalidBank) as caught:
        load_catalog([path])
    found = [(e.file, e.line, e.path) for e in caught.value.errors]
    assert found == [(str(path), line, key) for line, key, _ in BROKEN[name]]
    for error, (_, _, fragment) in zip(caught.value.errors, BROKEN[name], strict=True):
        assert fragment in error.message


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_broken_bank_fails_in_quiz_validate(name):
    path = BANKS / name
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1, result.output
    lines = result.output.splitlines()
    assert len(lines) == len(BROKEN[name]), result.output
    for line, (number, key, fragment) in zip(lines, BROKEN[name], strict=True):
        assert line.startswith(f"{path}:{number}: {key}: "), line
        assert fragment in line


def test_golden_examples_are_checked_only_by_the_full_validation():
    path = BANKS / "example_mismatch.yaml"
    bank = load_bank(path)  # structure and references alone are fine
    assert bank.examples[1].expect == "coaching"
    with pytest.raises(InvalidBank):
        load_catalog([path])


def test_errors_from_several_files_are_all_reported(tmp_path):
    for name in ("good.yaml", "band_gap.yaml", "unknown_flag.yaml"):
        shutil.copy(BANKS / name, tmp_path / name)
    with pytest.raises(InvalidBank) as caught:
        load_catalog([tmp_path])
    assert sorted((Path(e.file).name, e.line) for e in caught.value.errors) == [
        ("band_gap.yaml", 38),
        ("unknown_flag.yaml", 48),
    ]


def test_two_banks_with_one_quiz_id_are_refused(tmp_path):
    shutil.copy(BANKS / "good.yaml", tmp_path / "a.yaml")
    shutil.copy(BANKS / "good.yaml", tmp_path / "b.yaml")
    with pytest.raises(InvalidBank) as caught:
        load_catalog([tmp_path])
    assert [str(e) for e in caught.value.errors] == [f"{tmp_path / 'b.yaml'}:1: id: duplicate quiz id 'tiny'"]


def test_quiz_validate_questions_exits_0():
    result = CliRunner().invoke(main, ["validate", str(QUESTIONS)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("ok: coaching-fit v")


def test_quiz_validate_good_bank_exits_0():
    result = CliRunner().invoke(main, ["validate", str(BANKS / "good.yaml")])
    assert result.exit_code == 0, result.output
    assert result.output == "ok: tiny v1 (6 questions)\n"


def test_quiz_validate_reports_a_missing_path():
    result = CliRunner().invoke(main, ["validate", str(BANKS / "no-such-bank.yaml")])
    assert result.exit_code == 2
    assert "no such file or folder" in result.output


def test_app_refuses_to_start_on_an_invalid_bank(tmp_path, monkeypatch):
    monkeypatch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path / "instance"))
    shutil.copy(BANKS / "band_gap.yaml", tmp_path / "band_gap.yaml")
    with pytest.raises(InvalidBank) as caught:
        create_app({"TESTING": True, "SECRET_KEY": "x" * 32, "BANKS_DIR": str(tmp_path)})
    assert [e.line for e in caught.value.errors] == [38]


# --- the default bank ---------------------------------------------------------------------------


def test_default_bank_golden_examples_cover_every_outcome(bank):
    assert {e.expect for e in bank.examples} == {r.id for r in bank.outcomes}
    names = " ".join(e.name for e in bank.examples)
    assert "quiet struggle" in names


def test_default_bank_golden_examples_answer_exactly_the_questions_shown(bank):
    for example in bank.examples:
        clean, errors = check_answers(bank, dict(example.answers))
        assert not errors, (example.name, errors)
        route = walk(bank, clean)
        assert route.answers == clean, (example.name, sorted(set(clean) - set(route.answers)))
        assert not route.missing(), example.name


def test_default_bank_has_a_crisis_example_where_everything_else_looks_well(bank):
    crisis = [e for e in bank.examples if e.expect == "crisis_support"]
    calm = [e for e in crisis if all(e.answers[i] == 0 for i in ("phq2_1", "phq2_2", "gad2_1", "gad2_2"))]
    assert calm, "a crisis example with calm mood answers shows the safety item alone decides"


def test_a_wrong_expect_in_the_default_bank_is_caught_at_its_line():
    text = DEFAULT_BANK.read_text(encoding="utf-8")
    start = text.index("\nexamples:")
    at = text.index("expect: coaching", start)
    line = text.count("\n", 0, at) + 1
    broken = text[:at] + "expect: not_yet" + text[at + len("expect: coaching") :]
    with pytest.raises(InvalidBank) as caught:
        parse_bank(broken, "coaching-fit.yaml", (check_examples,))
    [error] = caught.value.errors
    assert (error.line, error.path) == (line, "examples[0].expect")
    assert "gives 'coaching', not the expected 'not_yet'" in error.message


# --- the JSON Schema ----------------------------------------------------------------------------


def test_committed_schema_matches_quiz_schema():
    result = CliRunner().invoke(main, ["schema"])
    assert result.exit_code == 0
    committed = (QUESTIONS / "bank.schema.json").read_text(encoding="utf-8")
    stale = "questions/bank.schema.json is stale: run `quiz schema > questions/bank.schema.json`"
    assert result.output == committed, stale


def _schema_validator():
    schema = json.loads((QUESTIONS / "bank.schema.json").read_text(encoding="utf-8"))
    cls = jsonschema.validators.validator_for(schema)
    cls.check_schema(schema)
    return cls(schema)


def test_default_bank_validates_against_the_schema():
    data = yaml.safe_load(DEFAULT_BANK.read_text(encoding="utf-8"))
    errors = [e.message for e in _schema_validator().iter_errors(data)]
    assert errors == []


def test_schema_rejects_an_unknown_key():
    data = yaml.safe_load((BANKS / "unknown_key.yaml").read_text(encoding="utf-8"))
    errors = list(_schema_validator().iter_errors(data))
    assert errors, "the schema should refuse the unknown key 'colour'"
    assert any("colour" in str(e) for e in errors)


def test_the_readme_scoring_table_lists_the_banks_outcomes_in_order(bank):
    readme = (ROOT / "README.md").read_text()
    table = readme[readme.index("## The scoring model") : readme.index("**Two-step screening")]
    rows = re.findall(r"^\| (\d+) \| `([a-z_]+)` \|", table, re.M)
    assert [outcome for _, outcome in rows] == [r.id for r in bank.outcomes]
    assert [int(n) for n, _ in rows] == list(range(1, len(bank.outcomes) + 1))
    for variant in (v.id for g in bank.guidance.values() for v in g.variants):
        assert f"`{variant}`" in table, variant
