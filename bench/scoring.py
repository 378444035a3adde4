"""Print how many responses to the default bank one core scores per second, from raw answers to guidance.

Each response goes the way the API takes it: check the answers, walk the bank, score scales, indices and flags,
and decide the outcome with its wording, reasons and area profile. The answer sets are drawn up front, so only
scoring is timed. The floor is 2,000 a second (a coach's site sends tens to hundreds a day); it is a floor to
reach plainly, not a goal. Run: python bench/scoring.py [--sets 2000] [--rounds 5]
"""

from __future__ import annotations

import argparse
import random
import sys
import time
import timeit
from collections import Counter
from pathlib import Path

# Run as a script, this folder comes first on sys.path, where bench/http.py would hide the standard library's http.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

from quiz.bank import Bank  # noqa: E402
from quiz.catalog import load_catalog  # noqa: E402
from quiz.engine import check_answers, decide, score, walk  # noqa: E402

FLOOR = 2_000
HIGHER_IS_BETTER = ("who5_", "self_", "readiness_", "lg_")  # the other answers rise with distress
QUESTIONS = Path(__file__).resolve().parent.parent / "questions"


def answer_sets(bank: Bank, count: int, seed: int) -> list[dict[str, object]]:
    """Draw complete answer sets, from thriving to struggling, so that every outcome turns up."""
    rng = random.Random(seed)
    found = []
    for _ in range(count):
        distress = rng.random() ** 2  # most people who take it are not in distress
        answers: dict[str, object] = {}
        for qid, question in bank.questions.items():
            values = sorted(bank.options[qid])
            if question.kind == "multi":
                answers[qid] = rng.sample(values, rng.randint(0, len(values)))
                continue
            lean = 1 - distress if qid.startswith(HIGHER_IS_BETTER) else distress
            answers[qid] = values[round(min(1.0, max(0.0, rng.gauss(lean, 0.25))) * (len(values) - 1))]
        if rng.random() < 0.9:
            answers["phq9_9"] = 0  # thoughts of self-harm are the exception, not one answer in four
        found.append(answers)
    return found


def run(bank: Bank, sets: list[dict[str, object]]) -> Counter[str]:
    """Check, walk, score and decide every answer set; count the outcomes."""
    outcomes: Counter[str] = Counter()
    for raw in sets:
        clean, _ = check_answers(bank, raw)
        outcomes[decide(bank, score(bank, walk(bank, clean))).id] += 1
    return outcomes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    bank = load_catalog([QUESTIONS])["coaching-fit"]
    sets = answer_sets(bank, args.sets, seed=1)
    times = []
    for _ in range(args.rounds):
        start = time.perf_counter()
        outcomes = run(bank, sets)
        times.append(time.perf_counter() - start)
    best = min(times)
    reference = min(timeit.repeat("sum(range(1000))", number=1000, repeat=5)) * 1000
    print(f"machine: sum(range(1000)) takes {reference:.1f} µs (about 16 µs on this machine when it is quiet)")
    print(f"outcomes: {dict(sorted(outcomes.items()))}")
    print(f"scored with guidance: {len(sets) / best:,.0f} responses/s on one core (best of {args.rounds} rounds;")
    print(f"  {best / len(sets) * 1e6:,.0f} µs each; floor {FLOOR:,}/s)")


if __name__ == "__main__":
    main()
