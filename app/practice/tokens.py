"""The practice form's signed token: which question, the presentation seed it was shown with, and a one-time nonce.

The seed travels with the form so the answer is read against the order the learner saw (it
changes after each answer); the nonce makes a replayed or double-clicked submit find the first
answer instead of recording a second one with a different score.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer


@dataclass(frozen=True)
class PracticeToken:
    """What the practice form carries back."""

    question_id: str
    seed: str
    nonce: str


def _serializer() -> URLSafeSerializer:
    secret = current_app.secret_key
    assert secret is not None  # config.load sets SECRET_KEY or refuses to build the app
    return URLSafeSerializer(secret, salt="practice-form")


def issue(question_id: str, seed: str) -> str:
    """A signed token for a practice form shown now."""
    return _serializer().dumps({"q": question_id, "s": seed, "n": secrets.token_urlsafe(16)})


def read(token: str | None, question_id: str) -> PracticeToken | None:
    """The token's contents, or None if it is missing, forged or for another question."""
    if not token:
        return None
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("q") != question_id or not all(isinstance(data.get(k), str) for k in "sn"):
        return None
    return PracticeToken(data["q"], data["s"], data["n"])
