"""Cookie-free quiz state: a signed form token, signed answers so far, and encrypted result permalinks."""

from __future__ import annotations

import base64
import json
import time
import zlib
from dataclasses import dataclass, field
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from itsdangerous import BadData, URLSafeTimedSerializer

from quiz.bank.model import AnswerValue, Bank

FORM_SALT = "quiz.form-token"
STATE_SALT = "quiz.state"
RESULT_INFO = b"quiz.result-permalink.v1"


class StateError(ValueError):
    """A token was tampered with, forged, expired, or made for another quiz or bank version."""


@dataclass(slots=True)
class QuizState:
    """What the hidden `state` field carries between steps; no personal data."""

    at: str | None = None
    answers: dict[str, AnswerValue] = field(default_factory=dict)
    rendered: tuple[str, ...] = ()
    consent: bool = False
    origin: str | None = None
    confirmed: bool = False  # the person confirmed answers that looked careless


class Tokens:
    """Issue and check the three kinds of token for one secret key."""

    def __init__(self, secret_key: str | bytes, max_age: int):
        self.max_age = max_age
        self._form = URLSafeTimedSerializer(secret_key, salt=FORM_SALT)
        self._state = URLSafeTimedSerializer(secret_key, salt=STATE_SALT)
        self._fernet = Fernet(_derive_key(secret_key))

    def form_token(self, bank: Bank) -> str:
        """Return a time-stamped token naming the quiz and bank version; it replaces a session CSRF token."""
        return str(self._form.dumps({"q": bank.id, "v": bank.version}))

    def check_form_token(self, token: str, bank: Bank) -> float:
        """Return the token's age in seconds; raise StateError unless it is ours, fresh, and for this bank."""
        try:
            payload, issued = self._form.loads(token, max_age=self.max_age, return_timestamp=True)
        except BadData as exc:
            raise StateError("This page has expired or its hidden data was changed.") from exc
        if payload != {"q": bank.id, "v": bank.version}:
            raise StateError("This form was made for another quiz or an older version of it.")
        return max(0.0, time.time() - issued.timestamp())

    def dump_state(self, bank: Bank, state: QuizState) -> str:
        """Sign and compress the state for a hidden field."""
        payload = {
            "q": bank.id,
            "v": bank.version,
            "at": state.at,
            "a": _plain(state.answers),
            "r": list(state.rendered),
            "c": state.consent,
            "o": state.origin,
            "k": state.confirmed,
        }
        return str(self._state.dumps(payload))

    def load_state(self, token: str, bank: Bank) -> QuizState:
        """Check and unpack a state field; raise StateError if it is not ours, stale, or for another bank."""
        payload = self._load(self._state, token)
        try:
            if (payload["q"], payload["v"]) != (bank.id, bank.version):
                raise StateError("These answers were made for another quiz or an older version of it.")
            answers = {str(k): tuple(v) if isinstance(v, list) else v for k, v in payload["a"].items()}
            return QuizState(
                payload["at"], answers, tuple(payload["r"]), bool(payload["c"]), payload["o"], bool(payload["k"])
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise StateError("The saved answers could not be read.") from exc

    def result_token(self, bank: Bank, answers: dict[str, AnswerValue]) -> str:
        """Encrypt the answers into a permalink token, so a shared screen or history shows nothing readable."""
        # Answers go as a list in question order (the bank version pins the order), which keeps the link short.
        values = [_plain_value(answers.get(qid)) for qid in _order(bank)]
        raw = json.dumps({"q": bank.id, "v": bank.version, "a": values}, separators=(",", ":"))
        return self._fernet.encrypt(zlib.compress(raw.encode(), 9)).decode().rstrip("=")

    def load_result(self, token: str, bank: Bank, max_age: int | None = None) -> dict[str, Any]:
        """Decrypt a permalink token into raw answers; raise StateError if it is not ours or too old."""
        padded = token + "=" * (-len(token) % 4)
        try:
            data = self._fernet.decrypt(padded.encode("ascii"), ttl=max_age)
            payload = json.loads(zlib.decompress(data))
        except (InvalidToken, UnicodeError, ValueError, zlib.error) as exc:
            raise StateError("This result link is not valid. It may have been copied incompletely.") from exc
        if not isinstance(payload, dict) or (payload.get("q"), payload.get("v")) != (bank.id, bank.version):
            raise StateError("This result link was made for another quiz or an older version of it.")
        order, values = _order(bank), payload.get("a")
        if not isinstance(values, list) or len(values) != len(order):
            raise StateError("This result link is not valid.")
        return {qid: value for qid, value in zip(order, values, strict=True) if value is not None}

    def _load(self, serializer: URLSafeTimedSerializer, token: str) -> Any:
        try:
            return serializer.loads(token, max_age=self.max_age)
        except BadData as exc:
            raise StateError("This page has expired or its hidden data was changed.") from exc


def _derive_key(secret_key: str | bytes) -> bytes:
    """Derive a Fernet key from the app's secret, so rotating the secret also retires old permalinks."""
    secret = secret_key.encode() if isinstance(secret_key, str) else secret_key
    key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=RESULT_INFO).derive(secret)
    return base64.urlsafe_b64encode(key)


def _plain(answers: dict[str, AnswerValue]) -> dict[str, Any]:
    return {k: _plain_value(v) for k, v in answers.items()}


def _plain_value(value: AnswerValue | None) -> Any:
    return list(value) if isinstance(value, tuple) else value


def _order(bank: Bank) -> list[str]:
    return [q.id for section in bank.sections for q in section.questions]
