"""Every text the bank and the help directory write for a person reads at or below grade 8 (Flesch-Kincaid)."""

from __future__ import annotations

import pytest
import textstat
from test_properties import BANK

from quiz import support
from quiz.bank.model import Comparison, leaves

GRADE = 8


def bank_texts(bank) -> dict[str, str]:
    """Return each of the bank's own texts by where it is; the instruments' items are theirs, word for word."""
    found = {"intro": bank.intro, "disclaimer": bank.disclaimer}
    for section in bank.sections:
        found[f"sections.{section.id}.intro"] = section.intro or ""
        found.update({f"questions.{q.id}.hint": q.hint for q in section.questions if q.hint})
    for oid, text in bank.guidance.items():
        found[f"guidance.{oid}.headline"], found[f"guidance.{oid}.body"] = text.headline, text.body
        for variant in text.variants:
            found[f"guidance.{oid}.{variant.id}"] = f"{variant.headline or ''} {variant.body}"
    conditions = [*bank.flags.items(), *((r.id, r.when) for r in bank.outcomes)]
    conditions += [(oid, c) for oid, g in bank.guidance.items() for c in g.explain]
    for name, condition in conditions:
        for path, leaf in leaves(condition):
            if isinstance(leaf, Comparison) and leaf.because:
                found[f"because.{name}{path}"] = leaf.because
    profile = bank.profile
    found |= {f"profile.{k}": getattr(profile, k) for k in ("mixed", "all_well", "all_hard", "largest_gap")}
    found |= {f"profile.notes[{i}]": note.text for i, note in enumerate(profile.notes)}
    found |= {f"next_steps.{k}": v for k, v in bank.next_steps.model_dump().items()}
    return {where: text for where, text in found.items() if text}


def help_texts() -> dict[str, str]:
    """Return the crisis panel's words and every line's and step's plain sentence."""
    book = support.directory()
    found = {f"crisis.texts.{k}": v for k, v in book.texts.items()}
    for code, entry in book.countries.items():
        found |= {f"crisis.{code}.{line.name}": line.detail for line in entry.lines}
    for code, finding in book.therapists.items():
        found |= {f"therapists.{code}.{step.name}": step.detail for step in finding.steps}
    return found


TEXTS = {**bank_texts(BANK), **help_texts()}


def test_the_texts_cover_every_outcome_and_variant():
    for oid, text in BANK.guidance.items():
        assert f"guidance.{oid}.body" in TEXTS
        assert all(f"guidance.{oid}.{v.id}" in TEXTS for v in text.variants)
    assert len(TEXTS) > 100


@pytest.mark.parametrize("where", sorted(TEXTS))
def test_reads_at_or_below_grade_8(where):
    grade = textstat.flesch_kincaid_grade(TEXTS[where])
    assert grade <= GRADE, f"{where} reads at grade {grade}: {TEXTS[where]}"


def test_the_check_catches_hard_text():
    hard = "Notwithstanding considerable psychometric heterogeneity, comprehensive evaluation remains indispensable."
    assert textstat.flesch_kincaid_grade(hard) > GRADE
