"""Cookie-free quiz state: a form token, the answers so far and result permalinks, each encrypted and authenticated."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import time
import zlib
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from quiz.bank.model import AnswerValue, Bank

# One key per kind of token, so a token of one kind never opens as another.
FORM_INFO = b"quiz.form-token.v2"
STATE_INFO = b"quiz.state.v2"
RESULT_INFO = b"quiz.result-permalink.v2"
SPENT_INFO = b"quiz.spent-form-token.v1"
NONCE_BYTES = 12
TAMPERED = "This page has expired or its hidden data was changed."


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


class Sealer:
    """Encrypt and authenticate small JSON payloads with AES-GCM, so a token shows nothing, not even its time."""

    def __init__(self, secret_key: str | bytes, info: bytes):
        self._aead = AESGCM(derive_key(secret_key, info))

    def seal(self, payload: Any) -> str:
        """Return the payload compressed, encrypted under a fresh nonce, and base64url-encoded without padding."""
        nonce = os.urandom(NONCE_BYTES)
        data = zlib.compress(json.dumps(payload, separators=(",", ":")).encode(), 9)
        return base64.urlsafe_b64encode(nonce + self._aead.encrypt(nonce, data, None)).decode().rstrip("=")

    def open(self, token: str) -> Any:
        """Return the payload of a token this sealer made; raise StateError for anything else."""
        try:
            raw = base64.b64decode(token + "=" * (-len(token) % 4), altchars=b"-_", validate=True)
            data = self._aead.decrypt(raw[:NONCE_BYTES], raw[NONCE_BYTES:], None)
            return json.loads(zlib.decompress(data))
        except (InvalidTag, binascii.Error, UnicodeError, ValueError, zlib.error) as exc:
            raise StateError(TAMPERED) from exc


class Tokens:
    """Issue and check the three kinds of token for one secret key."""

    def __init__(self, secret_key: str | bytes, max_age: int, result_max_age: int = 0):
        self.max_age = max_age
        self.result_max_age = result_max_age  # 0: result links never expire
        self._form = Sealer(secret_key, FORM_INFO)
        self._state = Sealer(secret_key, STATE_INFO)
        self._result = Sealer(secret_key, RESULT_INFO)
        self._spent_key = derive_key(secret_key, SPENT_INFO)

    def form_token(self, bank: Bank) -> str:
        """Return a single-use token naming the quiz and bank version; it replaces a session CSRF token."""
        return self._form.seal({"q": bank.id, "v": bank.version, "t": int(time.time()), "n": secrets.token_hex(8)})

    def check_form_token(self, token: str, bank: Bank) -> float:
        """Return the token's age in seconds; raise StateError unless it is ours, fresh, and for this bank."""
        payload = self._form.open(token)
        if not isinstance(payload, dict) or not isinstance(payload.get("n"), str):
            raise StateError(TAMPERED)
        if (payload.get("q"), payload.get("v")) != (bank.id, bank.version):
            raise StateError("This form was made for another quiz or an older version of it.")
        return self._age(payload)

    def spent_digest(self, token: str) -> str:
        """Return what marks a checked form token as used: an HMAC of its random part, never the token itself."""
        nonce = str(self._form.open(token)["n"])
        return hmac.new(self._spent_key, nonce.encode(), hashlib.sha256).hexdigest()

    def dump_state(self, bank: Bank, state: QuizState) -> str:
        """Encrypt the state for a hidden field, so a shared screen's page source shows no answers."""
        payload = {
            "q": bank.id,
            "v": bank.version,
            "t": int(time.time()),
            "at": state.at,
            "a": state.answers,  # JSON writes a multiple choice (a tuple) as a list
            "r": list(state.rendered),
            "c": state.consent,
            "o": state.origin,
            "k": state.confirmed,
        }
        return self._state.seal(payload)

    def load_state(self, token: str, bank: Bank) -> QuizState:
        """Check and unpack a state field; raise StateError if it is not ours, stale, or for another bank."""
        payload = self._state.open(token)
        try:
            self._age(payload)
            if (payload["q"], payload["v"]) != (bank.id, bank.version):
                raise StateError("These answers were made for another quiz or an older version of it.")
            answers = {str(k): tuple(v) if isinstance(v, list) else v for k, v in payload["a"].items()}
            return QuizState(
                payload["at"], answers, tuple(payload["r"]), bool(payload["c"]), payload["o"], bool(payload["k"])
            )
        except (KeyError, TypeError, AttributeError) as exc:
            raise StateError("The saved answers could not be read.") from exc

    def result_token(self, bank: Bank, answers: dict[str, AnswerValue]) -> str:
        """Encrypt the answers and the link's expiry into a permalink token; nothing in it is readable."""
        # Answers go as a list in question order (the bank version pins the order), which keeps the link short.
        values = [answers.get(qid) for qid in _order(bank)]
        expires = int(time.time()) + self.result_max_age if self.result_max_age > 0 else None
        return self._result.seal({"q": bank.id, "v": bank.version, "x": expires, "a": values})

    def load_result(self, token: str, bank: Bank) -> dict[str, Any]:
        """Decrypt a permalink token into raw answers; raise StateError if it is not ours or has expired."""
        try:
            payload = self._result.open(token)
        except StateError as exc:
            raise StateError("This result link is not valid. It may have been copied incompletely.") from exc
        if not isinstance(payload, dict) or (payload.get("q"), payload.get("v")) != (bank.id, bank.version):
            raise StateError("This result link was made for another quiz or an older version of it.")
        expires = payload.get("x")
        if expires is not None and (not isinstance(expires, int) or expires < time.time()):
            raise StateError("This result link has expired. Take the quiz again to see a fresh result.")
        order, values = _order(bank), payload.get("a")
        if not isinstance(values, list) or len(values) != len(order):
            raise StateError("This result link is not valid.")
        return {qid: value for qid, value in zip(order, values, strict=True) if value is not None}

    def _age(self, payload: Any) -> float:
        """Return how long ago a form token or state was issued; raise StateError past max_age."""
        issued = payload.get("t") if isinstance(payload, dict) else None
        if not isinstance(issued, int):
            raise StateError(TAMPERED)
        age = time.time() - issued
        if age > self.max_age:
            raise StateError("This page has expired. Please start again.")
        return max(0.0, age)


def derive_key(secret_key: str | bytes, info: bytes) -> bytes:
    """Derive a 32-byte key for one use from the app's secret, so rotating the secret retires every token."""
    secret = secret_key.encode() if isinstance(secret_key, str) else secret_key
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret)


def _order(bank: Bank) -> list[str]:
    return [q.id for section in bank.sections for q in section.questions]
