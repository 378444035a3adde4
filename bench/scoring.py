"""Measure how many responses to the default bank one core scores per second, validation included.

Two paths are timed, each from raw answers. "scoring", which the target of 20,000/s applies to: check the answers
(ids, types, values), drop answers to hidden questions, score scales, indices and flags, and choose the outcome.
"with guidance text", reported for reference: the same plus the outcome's wording and explanation (reasons,
per-area profile), as the API returns it. The answer sets are generated up front, so only scoring is timed.
The paths and a reference loop take turns, round after round, and each path's best round counts, as with
timeit; the median round is printed too. Run: python bench/scoring.py [--sets 4000] [--rounds 25]
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import timeit
from collections import Counter
from collections.abc import Callable
from pathlib import Path

# Run as a script, this folder comes first on sys.path, where bench/http.py would hide the standard library's http.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from quiz.catalog import load_catalog  # noqa: E402
from quiz.checks import bank_questions, response_of  # noqa: E402
from quiz.guidance import assess, choose  # noqa: E402
from quiz.model import Bank  # noqa: E402
from quiz.scoring import check_answers, score  # noqa: E402

TARGET = 20_000
HIGHER_IS_BETTER = ("who5_", "self_", "readiness_", "lg_")  # the other answers rise with distress
QUESTIONS = Path(__file__).resolve().parent.parent / "questions"


def answer_sets(bank: Bank, count: int, seed: int) -> list[dict[str, object]]:
    """Generate complete answer sets, from thriving to struggling, so that every outcome turns up."""
    rng = random.Random(seed)
    questions = [(q.id, q.kind, sorted(o.value for o in response_of(bank, q).choices())) for q in bank_questions(bank)]
    found = []
    for _ in range(count):
        distress = rng.random() ** 2  # most people who take it are not in distress
        answers: dict[str, object] = {}
        for qid, kind, values in questions:
            if kind == "multi":
                answers[qid] = rng.sample(values, rng.randint(0, len(values)))
                continue
            lean = 1 - distress if qid.startswith(HIGHER_IS_BETTER) else distress
            at = round(min(1.0, max(0.0, rng.gauss(lean, 0.25))) * (len(values) - 1))
            answers[qid] = values[at]
        if rng.random() < 0.9:
            answers["phq9_9"] = 0  # thoughts of self-harm are the exception, not one answer in four
        found.append(answers)
    return found


def decide_all(bank: Bank, sets: list[dict[str, object]]) -> Counter[str]:
    """Check, score and choose the outcome for every answer set; count the outcomes."""
    outcomes: Counter[str] = Counter()
    for raw in sets:
        clean, _ = check_answers(bank, raw)
        outcomes[choose(bank, score(bank, clean))] += 1
    return outcomes


def explain_all(bank: Bank, sets: list[dict[str, object]]) -> Counter[str]:
    """Check, score and fully explain every answer set; count the outcomes."""
    outcomes: Counter[str] = Counter()
    for raw in sets:
        clean, _ = check_answers(bank, raw)
        outcomes[assess(bank, clean)[1].id] += 1
    return outcomes


def alternate(rounds: int, runs: dict[str, Callable[[], object]]) -> dict[str, list[float]]:
    """Time each run once per round, the runs taking turns, and return each run's CPU times."""
    # Taking turns, each run meets the same swings in the machine's speed, which last seconds on this one.
    found: dict[str, list[float]] = {name: [] for name in runs}
    for _ in range(rounds):
        for name, run in runs.items():
            cpu = time.process_time()
            run()
            found[name].append(time.process_time() - cpu)
    return found


def machine_reference() -> None:
    """Run a fixed pure-Python loop 2,000 times, so figures from different machines compare."""
    timeit.timeit("sum(range(1000))", number=2000)


def main() -> None:
    """Run the benchmark and print the best round."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=4000, help="answer sets per round")
    parser.add_argument("--rounds", type=int, default=25, help="rounds; the best one counts, as with timeit")
    parser.add_argument("--seed", type=int, default=20)
    args = parser.parse_args()

    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core, as the target says
    bank = load_catalog([QUESTIONS])["coaching-fit"]
    sets = answer_sets(bank, args.sets, args.seed)
    outcomes = explain_all(bank, sets[:100])  # warm up: compile the bank's plan
    assert decide_all(bank, sets) == (outcomes := explain_all(bank, sets)), "both paths must agree"
    mix = ", ".join(f"{name} {n}" for name, n in outcomes.most_common())
    print(f"bank: {bank.id} v{bank.version}; {len(sets)} answer sets; outcomes: {mix}")
    times = alternate(
        args.rounds,
        {
            "machine": machine_reference,
            "scoring": lambda: decide_all(bank, sets),
            "with guidance text": lambda: explain_all(bank, sets),
        },
    )
    print(f"machine: sum(range(1000)) takes {min(times['machine']) / 2000 * 1e6:.1f} us at best (as python -m timeit)")
    for name, target in (("scoring", True), ("with guidance text", False)):
        best, median = min(times[name]), statistics.median(times[name])
        rate = len(sets) / best
        goal = f"target >= {TARGET:,}" + ("" if rate >= TARGET else ", BELOW TARGET") if target else "for reference"
        print(
            f"{name}: {rate:,.0f} responses/s, {best * 1e6 / len(sets):.1f} us each ({goal}); "
            f"median round {len(sets) / median:,.0f}/s"
        )


if __name__ == "__main__":
    main()
