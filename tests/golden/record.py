"""Record what the scoring API answers for a fixed, seeded spread of answer sets: `python tests/golden/record.py`.

The file it writes (api_responses.json.gz) is what tests/test_golden.py holds the API to. Re-record it only when
the bank or the guidance changes on purpose, and say in the commit which outcomes changed and why.
"""

from __future__ import annotations

import gzip
import json
import os
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
FILE = HERE / "api_responses.json.gz"
QUIZ = "coaching-fit"
CASES = 1200
SEED = 20261130
BETTER_WHEN_HIGH = ("who5_", "self_", "readiness_")


def answer_sets(bank: dict[str, Any], rng: random.Random, count: int) -> list[dict[str, Any]]:
    """Draw complete, partial and malformed answer sets from the bank as the API describes it."""
    questions = [q for s in bank["sections"] for q in s["questions"]]
    found = []
    for n in range(count):
        distress = rng.betavariate(1.5, 2.5)  # calmer sets too, so every outcome turns up
        answers: dict[str, Any] = {}
        for q in questions:
            values = [o["value"] for o in q["options"]]
            if q["kind"] == "multi":
                answers[q["id"]] = sorted(rng.sample(values, rng.randint(0, len(values))))
                continue
            ordered = sorted(values)
            lean = distress if rng.random() < 0.7 else rng.random()
            if q["id"].startswith(BETTER_WHEN_HIGH) or q["id"].endswith("_sat"):
                lean = 1 - lean
            at = min(len(ordered) - 1, max(0, round(lean * (len(ordered) - 1) + rng.uniform(-1, 1))))
            answers[q["id"]] = ordered[at]
        if "phq9_9" in answers and rng.random() < 0.8:
            answers["phq9_9"] = 0
        kind = n % 20
        if kind in (17, 18):  # partial: some answers left out
            for qid in rng.sample(list(answers), rng.randint(1, 8)):
                del answers[qid]
        elif kind == 19:  # malformed: a wrong value, type or key
            qid = rng.choice(list(answers))
            answers[qid] = rng.choice([99, -5, "2", 1.5, None, [1, 1], True])
            if rng.random() < 0.3:
                answers["not_a_question"] = 1
        found.append(answers)
    return found


def record() -> list[dict[str, Any]]:
    """Score every answer set through the API and return the cases."""
    sys.path.insert(0, str(HERE.parent.parent))
    with tempfile.TemporaryDirectory() as instance:
        os.environ["QUIZ_INSTANCE_PATH"] = instance
        from quiz import create_app

        app = create_app({"TESTING": True, "SECRET_KEY": "golden" * 32, "SUBMIT_LIMIT": "1000000 per minute"})
        client = app.test_client(use_cookies=False)
        bank = client.get(f"/api/v1/quizzes/{QUIZ}").get_json()
        cases = []
        for answers in answer_sets(bank, random.Random(SEED), CASES):
            reply = client.post(f"/api/v1/quizzes/{QUIZ}/score", json={"answers": answers})
            cases.append({"answers": answers, "status": reply.status_code, "body": reply.get_json()})
        return cases


if __name__ == "__main__":
    cases = record()
    FILE.write_bytes(gzip.compress(json.dumps(cases, sort_keys=True).encode(), 9, mtime=0))
    outcomes: dict[str, int] = {}
    for case in cases:
        key = (case["body"].get("outcome") or {}).get("id", f"HTTP {case['status']}")
        outcomes[key] = outcomes.get(key, 0) + 1
    print(f"recorded {len(cases)} cases in {FILE.name}: {dict(sorted(outcomes.items()))}")
