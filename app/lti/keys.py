"""The tool's RSA signing keys: kept in the database (never in the repository), rotated with an overlap.

The newest unretired key signs (service token requests, deep-linking responses). A rotation
retires the old key but keeps publishing it in the JWKS for the overlap, so a platform that cached
the old key set still verifies messages signed just before the switch.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from jwcrypto.jwk import JWK  # type: ignore[import-untyped]
from sqlalchemy import delete, or_, select

from app import clock
from app.extensions import db
from app.lti.models import LtiKey

OVERLAP = timedelta(days=3)  # longer than platforms cache a tool's key set (Canvas and Moodle: hours)


def _new_key() -> LtiKey:
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = private.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    jwk = JWK.from_pem(pem.encode())
    public: dict[str, Any] = json.loads(jwk.export_public())
    kid = jwk.thumbprint()
    public.update(kid=kid, alg="RS256", use="sig")
    return LtiKey(kid=kid, private_pem=pem, public_jwk=public, created_at=clock.now())


def signing_key() -> LtiKey:
    """The key that signs now, made on first use (the caller's transaction commits it)."""
    key = db.session.scalar(select(LtiKey).where(LtiKey.retired_at.is_(None)).order_by(LtiKey.created_at.desc()).limit(1))
    if key is None:
        key = _new_key()
        db.session.add(key)
        db.session.flush()
    return key


def published() -> list[dict[str, Any]]:
    """Public keys to publish: the signing key and any retired within the overlap."""
    since = clock.now() - OVERLAP
    keys = db.session.scalars(
        select(LtiKey).where(or_(LtiKey.retired_at.is_(None), LtiKey.retired_at > since)).order_by(LtiKey.created_at)
    )
    return [dict(key.public_jwk) for key in keys]


def rotate() -> tuple[LtiKey, list[str]]:
    """Make a new signing key, retire the others (published for the overlap), drop those past it; commit."""
    now = clock.now()
    db.session.execute(delete(LtiKey).where(LtiKey.retired_at.is_not(None), LtiKey.retired_at <= now - OVERLAP))
    retired = list(db.session.scalars(select(LtiKey).where(LtiKey.retired_at.is_(None))))
    for key in retired:
        key.retired_at = now
    new = _new_key()
    db.session.add(new)
    db.session.commit()
    return new, [key.kid for key in retired]
