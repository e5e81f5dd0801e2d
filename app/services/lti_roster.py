"""Names and Role Provisioning: bring an LMS course's roster into its section before anyone launches.

Members are linked by (platform, sub) as at launch and given their role in that section only.
Paging follows the `Link: <...>; rel="next"` header (PyLTI1p3 reads it). Members the LMS marks
Inactive or Deleted are left as they are: removing a learner from a section stays an instructor's
decision in Oversight (the roster page), so an LMS glitch cannot drop anyone's grades.
"""

from __future__ import annotations

from dataclasses import dataclass

from pylti1p3.names_roles import NamesRolesProvisioningService

from app import clock
from app.extensions import db
from app.lti.models import LtiContext, LtiPlatform
from app.lti.tool import ToolServiceConnector, registration_for
from app.models import User
from app.services import audit
from app.services.lti_launches import grant, is_staff, link_account

NRPS_SCOPE = "https://purl.imsglobal.org/spec/lti-nrps/scope/contextmembership.readonly"


@dataclass(frozen=True)
class RosterSync:
    """What a roster sync did."""

    learners: int
    staff: int
    skipped: int
    pages: int


class RosterError(Exception):
    """The roster could not be read; the message says why."""


def sync(actor: User, context: LtiContext) -> RosterSync:
    """Read every page of the context's membership and link each active member; commit."""
    if not context.memberships_url:
        raise RosterError("The LMS has not offered its roster service for this course (no memberships URL in a launch yet).")
    platform = db.session.get(LtiPlatform, context.platform_id)
    assert platform is not None
    service = NamesRolesProvisioningService(
        ToolServiceConnector(registration_for(platform)),
        {"context_memberships_url": context.memberships_url, "service_versions": ["2.0"]},  # type: ignore[typeddict-unknown-key]
    )
    learners = staff = skipped = pages = 0
    try:
        url: str | None = context.memberships_url
        while url:
            page = service.get_members_page(url)
            pages += 1
            members, url = page[0], page[1]
            for member in members:
                if member.get("status", "Active") != "Active" or not member.get("user_id"):
                    skipped += 1
                    continue
                user = link_account(platform, str(member["user_id"]), member.get("email"))
                is_teacher = is_staff(list(member.get("roles") or []))
                grant(context, user, is_teacher)
                staff += is_teacher
                learners += not is_teacher
    except Exception as exc:
        db.session.rollback()
        if isinstance(exc, PermissionError):
            raise RosterError(str(exc)) from exc
        raise RosterError(f"The LMS did not return its roster: {type(exc).__name__}: {exc}") from exc
    context.roster_synced_at = clock.now()
    audit.record(actor.id, "lti.roster_sync", f"section {context.section_id}", learners=learners, staff=staff, pages=pages)
    db.session.commit()
    return RosterSync(learners, staff, skipped, pages)
