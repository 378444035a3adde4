"""Stream stored responses, one at a time, for the CSV and JSON exports."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import groupby
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from quiz.store import tables as t
from quiz.store.stats import Filters, where

HEAD = ("id", "quiz_id", "bank_version", "day", "locale", "origin", "outcome", "crisis", "consent", "careless")


def rows(conn: Connection, f: Filters, batch: int = 2000) -> Iterator[dict[str, Any]]:
    """Yield each response as {head fields, "answers": {...}, "scores": {scale: (raw, score)}}, in id order."""
    r, s = t.responses, t.response_scores
    # Answers come back as text and are parsed once per response, not once per joined score row.
    q = (
        sa.select(*[r.c[h] for h in HEAD], sa.cast(r.c.answers, sa.Text), s.c.scale, s.c.raw, s.c.score)
        .select_from(r.outerjoin(s, s.c.response_id == r.c.id))
        .where(*where(r, f))
        .order_by(r.c.id)
    )
    result = conn.execution_options(yield_per=batch, stream_results=True).execute(q)
    width = len(HEAD)
    for _, group in groupby(result, key=lambda row: row[0]):
        first, *rest = list(group)
        found = dict(zip(HEAD, first[:width], strict=True))
        found["answers"] = json.loads(first[width])
        found["scores"] = {
            row[width + 1]: (row[width + 2], row[width + 3]) for row in (first, *rest) if row[width + 1] is not None
        }
        yield found
