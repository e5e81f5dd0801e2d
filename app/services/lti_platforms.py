"""Registering LMS platforms with the tool, and the URLs an admin pastes into the LMS."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.lti.models import LtiDeployment, LtiPlatform
from app.services import audit


class PlatformError(Exception):
    """A registration that cannot be stored; the message says what to fix."""


@dataclass(frozen=True)
class PlatformDetails:
    """What the LMS's admin gives the tool's admin."""

    name: str
    issuer: str
    client_id: str
    auth_login_url: str
    auth_token_url: str
    key_set_url: str
    deployment_ids: tuple[str, ...]
    auth_audience: str | None = None


def _url(value: str, label: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if parts.scheme not in ("https", "http") or not parts.netloc:
        raise PlatformError(f"{label} must be a full URL starting with https:// (http:// only for a test platform).")
    return value


def _clean(details: PlatformDetails) -> PlatformDetails:
    if not details.name.strip():
        raise PlatformError("Give the platform a name (for example the LMS and the institution).")
    if not details.issuer.strip() or not details.client_id.strip():
        raise PlatformError("The issuer and the client id are both needed (the LMS shows them when you add the tool).")
    deployments = tuple(d.strip() for d in details.deployment_ids if d.strip())
    if not deployments:
        raise PlatformError("Give at least one deployment id (the LMS shows it once the tool is deployed).")
    return PlatformDetails(
        name=details.name.strip()[:120],
        issuer=details.issuer.strip(),
        client_id=details.client_id.strip(),
        auth_login_url=_url(details.auth_login_url, "The authorisation (OIDC) URL"),
        auth_token_url=_url(details.auth_token_url, "The access token URL"),
        key_set_url=_url(details.key_set_url, "The platform's key set (JWKS) URL"),
        deployment_ids=deployments,
        auth_audience=(details.auth_audience or "").strip() or None,
    )


def register(actor_id: int | None, details: PlatformDetails) -> LtiPlatform:
    """Add a platform or update the one with the same issuer and client id; commit."""
    details = _clean(details)
    platform = db.session.scalar(
        select(LtiPlatform).where(LtiPlatform.issuer == details.issuer, LtiPlatform.client_id == details.client_id)
    )
    created = platform is None
    if platform is None:
        platform = LtiPlatform(issuer=details.issuer, client_id=details.client_id)
        db.session.add(platform)
    platform.name, platform.auth_login_url = details.name, details.auth_login_url
    platform.auth_token_url, platform.key_set_url = details.auth_token_url, details.key_set_url
    platform.auth_audience = details.auth_audience
    db.session.flush()
    db.session.execute(delete(LtiDeployment).where(LtiDeployment.platform_id == platform.id))
    for deployment_id in dict.fromkeys(details.deployment_ids):
        db.session.add(LtiDeployment(platform_id=platform.id, deployment_id=deployment_id[:255]))
    audit.record(
        actor_id,
        "lti.platform_registered" if created else "lti.platform_updated",
        f"platform {platform.id}",
        issuer=details.issuer,
    )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise PlatformError("That registration changed at the same moment; reload and try again.") from None
    return platform


def remove(actor_id: int, platform_id: int) -> bool:
    """Delete a registration (its links, contexts and pending grades go with it); commit."""
    platform = db.session.get(LtiPlatform, platform_id)
    if platform is None:
        return False
    db.session.delete(platform)
    audit.record(actor_id, "lti.platform_removed", f"platform {platform_id}", issuer=platform.issuer)
    db.session.commit()
    return True


def all_platforms() -> list[tuple[LtiPlatform, list[str]]]:
    """Every platform with its deployment ids."""
    platforms = list(db.session.scalars(select(LtiPlatform).order_by(LtiPlatform.name)))
    deployments: dict[int, list[str]] = {}
    for row in db.session.scalars(select(LtiDeployment).order_by(LtiDeployment.deployment_id)):
        deployments.setdefault(row.platform_id, []).append(row.deployment_id)
    return [(p, deployments.get(p.id, [])) for p in platforms]


def frame_origins() -> list[str]:
    """Origins allowed to show Oversight in a frame: those of the registered platforms."""
    origins: set[str] = set()
    for issuer, login in db.session.execute(select(LtiPlatform.issuer, LtiPlatform.auth_login_url)):
        for url in (issuer, login):
            parts = urlsplit(url)
            if parts.scheme in ("https", "http") and parts.netloc:
                origins.add(f"{parts.scheme}://{parts.netloc}")
    return sorted(origins)


def tool_urls(base: str) -> dict[str, str]:
    """What to paste into the LMS, from the tool's public base URL (e.g. https://oversight.example.edu)."""
    base = base.rstrip("/")
    return {
        "Login initiation (OIDC) URL": f"{base}/lti/login",
        "Redirect / launch URL": f"{base}/lti/launch",
        "Target link URI": f"{base}/lti/launch",
        "Deep linking URL": f"{base}/lti/launch",
        "Tool key set (JWKS) URL": f"{base}/lti/jwks",
    }
