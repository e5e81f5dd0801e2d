"""Sections: create, rename, archive, join with a code, roster, remove and re-admit, new codes, hand-over.

Instructors see only their own sections.

A removal is a `SectionRemoval` row next to the enrollment it ended, so every query that reads
`enrollment` (rosters, grades, dashboards) keeps meaning "members now"; joining checks the removal.
"""

from __future__ import annotations

import secrets

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.attributes import set_committed_value

from app import clock
from app.extensions import db
from app.models import Enrollment, RetiredJoinCode, Role, Section, SectionRemoval, User
from app.services import audit, rowcount
from app.timezones import is_zone

# No 0/O or 1/I/L: codes are read aloud and typed from a projector.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class SectionError(ValueError):
    """A section request that cannot be honoured; the message is for the user."""


def new_code(length: int = 8) -> str:
    """A random join code."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def fresh_code() -> str:
    """A join code no section has now or had before (a retired code must keep pointing at its section)."""
    for _ in range(10):
        code = new_code()
        if db.session.get(RetiredJoinCode, code) is None and find_by_code(code) is None:
            return code
    raise SectionError("Could not create a join code; try again.")


def create_section(instructor: User, name: str, term: str, time_zone: str = "UTC") -> Section:
    """Create a section owned by the instructor, with a fresh join code and the zone its times are shown in."""
    if not is_zone(time_zone):
        raise SectionError("Choose a time zone from the list.")
    for _ in range(5):
        section = Section(
            name=name.strip(),
            term=term.strip(),
            instructor_id=instructor.id,
            join_code=fresh_code(),
            time_zone=time_zone,
            created_at=clock.now(),
        )
        db.session.add(section)
        try:
            db.session.commit()
            return section
        except IntegrityError:  # a code collision: astronomically rare, so just draw again
            db.session.rollback()
    raise SectionError("Could not create a join code; try again.")


def visible_sections(user: User) -> list[Section]:
    """An admin sees every section; an instructor their own and those an LMS says they teach (LTI)."""
    from app.lti.models import LtiContext, LtiContextStaff

    stmt = select(Section).order_by(Section.created_at.desc())
    if not user.has_role(Role.ADMIN):
        taught = select(LtiContext.section_id).join(LtiContextStaff, LtiContextStaff.context_pk == LtiContext.id)
        stmt = stmt.where((Section.instructor_id == user.id) | Section.id.in_(taught.where(LtiContextStaff.user_id == user.id)))
    return list(db.session.scalars(stmt))


def can_manage(user: User, section: Section) -> bool:
    """Owner, admin, or someone the LMS says teaches the section's course (for that section only)."""
    if user.has_role(Role.ADMIN) or section.instructor_id == user.id:
        return True
    from app.lti.models import LtiContext, LtiContextStaff

    taught = (
        select(LtiContextStaff.user_id)
        .join(LtiContext, LtiContext.id == LtiContextStaff.context_pk)
        .where(LtiContext.section_id == section.id, LtiContextStaff.user_id == user.id)
    )
    return user.has_role(Role.INSTRUCTOR) and db.session.scalar(taught.limit(1)) is not None


def find_by_code(code: str) -> Section | None:
    """The section with this join code (case and spaces ignored)."""
    cleaned = "".join(code.split()).upper()
    return db.session.scalar(select(Section).where(Section.join_code == cleaned)) if cleaned else None


def join(user: User, code: str) -> Section:
    """Enrol a student in the section with this code (joining twice is harmless; a removed student is refused)."""
    section, retired = find_by_code(code), None
    if section is None:
        cleaned = "".join(code.split()).upper()
        retired = db.session.get(RetiredJoinCode, cleaned) if cleaned else None
        section = db.session.get(Section, retired.section_id) if retired is not None else None
    if section is None:
        raise SectionError("No section has that code. Check it with your instructor.")
    if db.session.get(Enrollment, (section.id, user.id)) is not None:
        return section
    if db.session.get(SectionRemoval, (section.id, user.id)) is not None:
        raise SectionError(f"You were removed from {section.name}. If you should be in it, ask your instructor to re-admit you.")
    if section.archived_at is not None:
        raise SectionError(f"{section.name} is archived: it takes no new students. If you should be in it, ask your instructor.")
    if retired is not None:
        raise SectionError("That code has been replaced by a new one. Ask your instructor for the current code.")
    db.session.add(Enrollment(section_id=section.id, user_id=user.id, joined_at=clock.now()))
    try:
        db.session.commit()
    except IntegrityError:  # a double click raced the first join
        db.session.rollback()
    return section


def rename(actor: User, section: Section, name: str, term: str) -> None:
    """Change the section's name and term (audited, before and after; codes, roster and grades stay)."""
    name, term = name.strip(), term.strip()
    if not name:
        raise SectionError("Give the section a name.")
    before = {"name": section.name, "term": section.term}
    if before == {"name": name, "term": term}:
        return
    section.name, section.term = name, term
    audit.record(actor.id, "section.rename", f"section {section.id}", before=before, after={"name": name, "term": term})
    db.session.commit()


def set_archived(actor: User, section: Section, archived: bool) -> bool:
    """Archive a section (no new members or attempts; data and grades kept) or bring it back; audited.

    Return False when it already was in that state (a double click), so the caller can say so.
    """
    # Conditional on the state the instructor saw, so a double click archives (and audits) once.
    stmt = update(Section).where(Section.id == section.id)
    stmt = stmt.where(Section.archived_at.is_(None)) if archived else stmt.where(Section.archived_at.is_not(None))
    when = clock.now() if archived else None
    if rowcount(db.session.execute(stmt.values(archived_at=when).execution_options(synchronize_session=False))) != 1:
        db.session.rollback()
        db.session.refresh(section)
        return False
    set_committed_value(section, "archived_at", when)
    audit.record(actor.id, "section.archive" if archived else "section.unarchive", f"section {section.id}")
    db.session.commit()
    return True


def starting_refused(section: Section) -> str | None:
    """Why a learner cannot start this section's assignments now (it is archived), or None."""
    if section.archived_at is None:
        return None
    return f"{section.name} is archived: its assignments can no longer be started. Your past attempts and grades are kept."


def enrolled_student(section: Section, user_id: int) -> User | None:
    """The student, if they are on the section's roster now."""
    if db.session.get(Enrollment, (section.id, user_id)) is None:
        return None
    return db.session.get(User, user_id)


def roster(section: Section) -> list[tuple[User, Enrollment]]:
    """Students of the section with their enrolment, by email."""
    stmt = (
        select(User, Enrollment)
        .join(Enrollment, Enrollment.user_id == User.id)
        .where(Enrollment.section_id == section.id)
        .order_by(User.email)
    )
    return [(u, e) for u, e in db.session.execute(stmt)]


def roster_size(section_id: int) -> int:
    """How many students are enrolled."""
    return db.session.scalar(select(func.count()).select_from(Enrollment).where(Enrollment.section_id == section_id)) or 0


def removed(section: Section) -> list[tuple[User, SectionRemoval]]:
    """Students removed from the section (who cannot join again until re-admitted), by email."""
    stmt = (
        select(User, SectionRemoval)
        .join(SectionRemoval, SectionRemoval.user_id == User.id)
        .where(SectionRemoval.section_id == section.id)
        .order_by(User.email)
    )
    return [(u, r) for u, r in db.session.execute(stmt)]


def remove(actor: User, section: Section, user_id: int) -> None:
    """Take a student off the roster and keep them off until re-admitted (their answers stay theirs; audited)."""
    # The delete's row count decides, so a double click removes (and audits) once.
    if (
        rowcount(db.session.execute(delete(Enrollment).where(Enrollment.section_id == section.id, Enrollment.user_id == user_id)))
        != 1
    ):
        db.session.rollback()
        raise SectionError("That student is not in this section.")
    if db.session.get(SectionRemoval, (section.id, user_id)) is None:  # else a join raced an earlier removal
        db.session.add(SectionRemoval(section_id=section.id, user_id=user_id, removed_at=clock.now()))
    audit.record(actor.id, "roster.remove", f"section {section.id}", user_id=user_id)
    db.session.commit()


def readmit(actor: User, section: Section, user_id: int) -> User:
    """Lift a removal and put the student back on the roster (audited); return the student."""
    stmt = delete(SectionRemoval).where(SectionRemoval.section_id == section.id, SectionRemoval.user_id == user_id)
    if rowcount(db.session.execute(stmt)) != 1:
        db.session.rollback()
        raise SectionError("That student was not removed from this section.")
    if db.session.get(Enrollment, (section.id, user_id)) is None:
        db.session.add(Enrollment(section_id=section.id, user_id=user_id, joined_at=clock.now()))
    audit.record(actor.id, "roster.readmit", f"section {section.id}", user_id=user_id)
    db.session.commit()
    return db.session.get_one(User, user_id)  # the removal row's foreign key kept the user


def new_join_code(actor: User, section: Section) -> str:
    """Replace the section's join code: the old one admits no one from now on (audited); return the new code."""
    old, code = section.join_code, fresh_code()
    db.session.add(RetiredJoinCode(code=old, section_id=section.id, retired_at=clock.now()))
    section.join_code = code
    # No codes in the log: a code is a key to the section, not a record of what happened.
    audit.record(actor.id, "section.new_code", f"section {section.id}")
    try:
        db.session.commit()
    except IntegrityError:  # a double click: the other request already replaced this code
        db.session.rollback()
        db.session.refresh(section)
        if section.join_code == old:
            raise SectionError("Could not create a join code; try again.") from None
    return section.join_code


def instructors_to_hand_over_to(section: Section) -> list[User]:
    """Active instructors other than the one who runs the section, by email."""
    stmt = (
        select(User)
        .where(User.role == Role.INSTRUCTOR.value, User.active.is_(True), User.id != section.instructor_id)
        .order_by(User.email)
    )
    return list(db.session.scalars(stmt))


def hand_over(actor: User, section: Section, instructor_id: int) -> User:
    """Give the section (roster, assignments, grades) to another active instructor (admins only; audited)."""
    if not actor.has_role(Role.ADMIN):
        raise SectionError("Only an admin can hand a section over.")
    target = db.session.get(User, instructor_id)
    previous = section.instructor_id
    if target is None or not target.active or not target.has_role(Role.INSTRUCTOR) or target.id == previous:
        raise SectionError("Choose an active instructor other than the one who runs the section.")
    # Conditional on the owner the admin saw, so two admins at once cannot both record a hand-over from them.
    moved = rowcount(
        db.session.execute(
            update(Section)
            .where(Section.id == section.id, Section.instructor_id == previous)
            .values(instructor_id=target.id)
            .execution_options(synchronize_session=False)
        )
    )
    if moved != 1:
        db.session.rollback()
        raise SectionError("The section changed hands meanwhile; look again before handing it over.")
    set_committed_value(section, "instructor_id", target.id)
    audit.record(
        actor.id, "section.hand_over", f"section {section.id}", subject_id=previous, from_user_id=previous, to_user_id=target.id
    )
    db.session.commit()
    return target


def sections_of_student(user_id: int) -> list[Section]:
    """The sections a student is enrolled in."""
    stmt = select(Section).join(Enrollment, Enrollment.section_id == Section.id).where(Enrollment.user_id == user_id)
    return list(db.session.scalars(stmt))


def set_time_zone(actor: User, section: Section, time_zone: str) -> None:
    """Change the zone a section's times are entered and shown in (audited; stored UTC times stay put)."""
    if not is_zone(time_zone):
        raise SectionError("Choose a time zone from the list.")
    before, section.time_zone = section.time_zone, time_zone
    audit.record(actor.id, "section.time_zone", f"section {section.id}", before=before, after=time_zone)
    db.session.commit()
