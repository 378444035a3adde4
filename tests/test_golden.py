"""The scoring API gives, for 1,200 seeded answer sets, exactly the JSON recorded in tests/golden/."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parent / "golden" / "api_responses.json.gz"
CASES = json.loads(gzip.decompress(GOLDEN.read_bytes()))


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    """One app for every case: scoring stores nothing."""
    from quiz import create_app

    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("QUIZ_INSTANCE_PATH", str(tmp_path_factory.mktemp("instance")))
        app = create_app({"TESTING": True, "SECRET_KEY": "golden" * 32, "SUBMIT_LIMIT": "1000000 per minute"})
        yield app.test_client(use_cookies=False)


def test_golden_file_covers_every_outcome_and_bad_input():
    outcomes = {(c["body"].get("outcome") or {}).get("id") for c in CASES}
    assert len(CASES) >= 1000
    assert {"crisis_support", "therapy_first", "therapy_and_coaching", "parts_work_coaching", "coaching"} <= outcomes
    assert any(c["status"] == 422 for c in CASES)


def test_api_gives_the_recorded_json(api):
    differ = []
    for at, case in enumerate(CASES):
        reply = api.post("/api/v1/quizzes/coaching-fit/score", json={"answers": case["answers"]})
        if (reply.status_code, reply.get_json()) != (case["status"], case["body"]):
            differ.append(at)
    assert not differ, f"{len(differ)} of {len(CASES)} cases differ, first {differ[:10]}"
