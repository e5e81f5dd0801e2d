"""What a validated LTI launch does: link the account, the context's section and its role there, then pick a page.

An account is found by (platform, sub) only; a new one gets the LMS's email when no local account
holds it, otherwise a placeholder, and an unusable password (it signs in through the LMS). Roles
apply to the launching context only: a Learner is enrolled in its section; an Instructor, teaching
assistant, content developer or administrator of the course becomes staff of that section (and an
instructor account if it was a learner's), never a site admin.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.lti.models import LtiContext, LtiContextStaff, LtiIdentity, LtiLineItem, LtiPlatform
from app.models import Assignment, Attempt, Enrollment, Role, ScoreOverride, Section, SectionRemoval, User
from app.services import audit, lti_grades

CLAIM = "https://purl.imsglobal.org/spec/lti/claim/"
AGS_CLAIM = "https://purl.imsglobal.org/spec/lti-ags/claim/endpoint"
NRPS_CLAIM = "https://purl.imsglobal.org/spec/lti-nrps/claim/namesroleservice"
TARGET_PARAM = "oversight_target"  # custom parameter set by deep linking: "lesson:<id>" or "assignment:<id>"

STAFF_ROLES = ("Instructor", "TeachingAssistant", "ContentDeveloper", "Administrator", "Mentor")


@dataclass(frozen=True)
class Launched:
    """Who was signed in, in which section, as what, and the page to open."""

    user: User
    section: Section
    staff: bool
    target: str | None  # "lesson:<id>", "assignment:<id>" or None (the section's home)
    deep_linking: bool


def is_staff(roles: list[str]) -> bool:
    """Whether LTI roles make someone staff of the context (context roles, or their short or institution forms)."""
    for role in roles:
        name = role.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
        if name in STAFF_ROLES:
            return True
    return False


def platform_for(claims: dict[str, Any]) -> LtiPlatform:
    """The registered platform that issued these (validated) claims."""
    aud = claims["aud"]
    client_id = aud[0] if isinstance(aud, list) and len(aud) == 1 else claims.get("azp", aud)
    platform = db.session.scalar(
        select(LtiPlatform).where(LtiPlatform.issuer == claims["iss"], LtiPlatform.client_id == client_id)
    )
    assert platform is not None, "a validated launch has a registered platform"
    return platform


def _placeholder_email(platform: LtiPlatform, sub: str) -> str:
    host = urlsplit(platform.issuer).hostname or "lms"
    return f"lti-{platform.id}-{secrets.token_hex(6)}@{host}.invalid"


def link_account(platform: LtiPlatform, sub: str, email: str | None) -> User:
    """The account linked to (platform, sub), created on first launch (race-safe: the link's key decides)."""
    found = db.session.scalar(
        select(User)
        .join(LtiIdentity, LtiIdentity.user_id == User.id)
        .where(LtiIdentity.platform_id == platform.id, LtiIdentity.sub == sub)
    )
    if found is not None:
        return found
    wanted = (email or "").strip().lower()
    taken = not wanted or db.session.scalar(select(User.id).where(User.email == wanted)) is not None
    user = User(email=_placeholder_email(platform, sub) if taken else wanted, role=Role.STUDENT.value, created_at=clock.now())
    user.set_password(secrets.token_urlsafe(32))  # never told to anyone: this account signs in through its LMS
    db.session.add(user)
    db.session.flush()
    db.session.add(LtiIdentity(platform_id=platform.id, sub=sub, user_id=user.id))
    try:
        db.session.flush()
    except IntegrityError:  # another request linked this sub first: use theirs
        db.session.rollback()
        return link_account(platform, sub, email)
    audit.record(None, "lti.account_created", audit.user_ref(user.id), platform_id=platform.id)
    return user


def link_context(platform: LtiPlatform, claims: dict[str, Any], owner: User | None) -> LtiContext:
    """The context's link to a section, made by the first staff launch (a learner cannot create a section)."""
    context_claim = claims.get(CLAIM + "context") or {}
    context_id = str(context_claim.get("id") or "")
    if not context_id:
        raise ValueError("The launch names no course (context), so Oversight cannot tell which section it is.")
    context = db.session.scalar(
        select(LtiContext).where(LtiContext.platform_id == platform.id, LtiContext.context_id == context_id)
    )
    if context is None:
        if owner is None:
            raise PermissionError("This course is not set up in Oversight yet: an instructor must open the tool first.")
        title = str(context_claim.get("title") or context_claim.get("label") or "LMS course")[:120]
        section = Section(
            name=title, term=platform.name[:60], instructor_id=owner.id, join_code=_fresh_code(), created_at=clock.now()
        )
        db.session.add(section)
        db.session.flush()
        context = LtiContext(
            platform_id=platform.id,
            context_id=context_id,
            section_id=section.id,
            deployment_id=claims[CLAIM + "deployment_id"],
            title=title,
        )
        db.session.add(context)
        db.session.flush()
        audit.record(owner.id, "lti.section_linked", f"section {section.id}", platform_id=platform.id, context_id=context_id)
    services = claims.get(AGS_CLAIM) or {}
    if services.get("lineitems"):
        context.lineitems_url = services["lineitems"]
        context.ags_scopes = list(services.get("scope") or [])
    memberships = (claims.get(NRPS_CLAIM) or {}).get("context_memberships_url")
    if memberships:
        context.memberships_url = memberships
    return context


def _fresh_code() -> str:
    from app.services.sections import fresh_code

    return fresh_code()


def grant(context: LtiContext, user: User, staff: bool) -> None:
    """Give the user their role in the context's section (and only there)."""
    if staff:
        if user.role == Role.STUDENT.value:
            user.role = Role.INSTRUCTOR.value
        if db.session.get(LtiContextStaff, (context.id, user.id)) is None:
            db.session.add(LtiContextStaff(context_pk=context.id, user_id=user.id))
        return
    if db.session.get(SectionRemoval, (context.section_id, user.id)) is not None:
        raise PermissionError("Your instructor removed you from this course's section in Oversight; ask them to readmit you.")
    if db.session.get(Enrollment, (context.section_id, user.id)) is None:
        db.session.add(Enrollment(section_id=context.section_id, user_id=user.id, joined_at=clock.now()))


def _target(claims: dict[str, Any], section: Section) -> str | None:
    custom = claims.get(CLAIM + "custom") or {}
    target = str(custom.get(TARGET_PARAM) or "")
    kind, _, ident = target.partition(":")
    if kind == "lesson" and ident:
        return target
    if kind == "assignment" and ident.isdigit():
        assignment = db.session.get(Assignment, int(ident))
        return target if assignment is not None and assignment.section_id == section.id else None
    return None


def remember_line_item(context: LtiContext, target: str | None, claims: dict[str, Any]) -> None:
    """Keep the line item the platform made for a deep-linked assignment (its URL arrives in the launch)."""
    if not target or not target.startswith("assignment:"):
        return
    url = (claims.get(AGS_CLAIM) or {}).get("lineitem")
    if not url:
        return
    assignment_id = int(target.partition(":")[2])
    row = db.session.get(LtiLineItem, (assignment_id, context.id))
    if row is None:
        db.session.add(LtiLineItem(assignment_id=assignment_id, context_pk=context.id, url=url))
        db.session.flush()
        # Results given before the column existed (attempts started outside the LMS, overrides) go to it too.
        earlier = set(db.session.scalars(select(Attempt.user_id).where(Attempt.assignment_id == assignment_id)))
        earlier |= set(db.session.scalars(select(ScoreOverride.user_id).where(ScoreOverride.assignment_id == assignment_id)))
        lti_grades.grade_changed(assignment_id, earlier)
    else:
        row.url = url


def accept(claims: dict[str, Any]) -> Launched:
    """Apply a validated launch (link account, context, role, line item) in one transaction; commit."""
    platform = platform_for(claims)
    roles = [str(r) for r in claims.get(CLAIM + "roles") or []]
    staff = is_staff(roles)
    deep_linking = claims.get(CLAIM + "message_type") == "LtiDeepLinkingRequest"
    if deep_linking and not staff:
        raise PermissionError("Only an instructor can place Oversight content in the course.")
    try:
        user = link_account(platform, str(claims["sub"]), claims.get("email"))
        if not user.active:
            raise PermissionError("This Oversight account is deactivated. Ask the course admin.")
        context = link_context(platform, claims, user if staff else None)
        grant(context, user, staff)
        section = db.session.get(Section, context.section_id)
        assert section is not None
        target = _target(claims, section)
        remember_line_item(context, target, claims)
        audit.record(user.id, "lti.launch", audit.user_ref(user.id), platform_id=platform.id, section_id=section.id, staff=staff)
        db.session.commit()
    except Exception:
        db.session.rollback()
        raise
    return Launched(user, section, staff, target, deep_linking)


def refuse(reason: str, claims: dict[str, Any] | None = None) -> None:
    """Audit a refused launch (nothing else is stored); commit."""
    claims = claims or {}
    audit.record(None, "lti.launch_refused", "lti", reason=reason[:300], issuer=str(claims.get("iss", ""))[:200])
    db.session.commit()
