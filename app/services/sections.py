"""Sections: create, join with a code, roster, remove; instructors see only their own."""
from __future__ import annotations

import secrets

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.models import Enrollment, Role, Section, User
from app.services import audit

# No 0/O or 1/I/L: codes are read aloud and typed from a projector.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


class SectionError(ValueError):
    """A section request that cannot be honoured; the message is for the user."""


def new_code(length: int = 8) -> str:
    """A random join code."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def create_section(instructor: User, name: str, term: str) -> Section:
    """Create a section owned by the instructor, with a fresh join code."""
    for _ in range(5):
        section = Section(name=name.strip(), term=term.strip(), instructor_id=instructor.id, join_code=new_code(),
                          created_at=clock.now())
        db.session.add(section)
        try:
            db.session.commit()
            return section
        except IntegrityError:  # a code collision: astronomically rare, so just draw again
            db.session.rollback()
    raise SectionError("Could not create a join code; try again.")


def visible_sections(user: User) -> list[Section]:
    """An admin sees every section; an instructor only their own."""
    stmt = select(Section).order_by(Section.created_at.desc())
    if not user.has_role(Role.ADMIN):
        stmt = stmt.where(Section.instructor_id == user.id)
    return list(db.session.scalars(stmt))


def can_manage(user: User, section: Section) -> bool:
    """Owner or admin."""
    return user.has_role(Role.ADMIN) or section.instructor_id == user.id


def find_by_code(code: str) -> Section | None:
    """The section with this join code (case and spaces ignored)."""
    cleaned = "".join(code.split()).upper()
    return db.session.scalar(select(Section).where(Section.join_code == cleaned)) if cleaned else None


def join(user: User, code: str) -> Section:
    """Enrol a student in the section with this code (joining twice is harmless)."""
    section = find_by_code(code)
    if section is None:
        raise SectionError("No section has that code. Check it with your instructor.")
    if db.session.get(Enrollment, (section.id, user.id)) is None:
        db.session.add(Enrollment(section_id=section.id, user_id=user.id, joined_at=clock.now()))
        try:
            db.session.commit()
        except IntegrityError:  # a double click raced the first join
            db.session.rollback()
    return section


def roster(section: Section) -> list[tuple[User, Enrollment]]:
    """Students of the section with their enrolment, by email."""
    stmt = (select(User, Enrollment).join(Enrollment, Enrollment.user_id == User.id)
            .where(Enrollment.section_id == section.id).order_by(User.email))
    return [(u, e) for u, e in db.session.execute(stmt)]


def roster_size(section_id: int) -> int:
    """How many students are enrolled."""
    return db.session.scalar(select(func.count()).select_from(Enrollment).where(Enrollment.section_id == section_id)) or 0


def remove(actor: User, section: Section, user_id: int) -> None:
    """Take a student off the roster (their answers stay theirs; the audit log records it)."""
    enrollment = db.session.get(Enrollment, (section.id, user_id))
    if enrollment is None:
        raise SectionError("That student is not in this section.")
    user = db.session.get(User, user_id)
    db.session.delete(enrollment)
    audit.record(actor.id, "roster.remove", f"section {section.id}", email=user.email if user else None)
    db.session.commit()


def sections_of_student(user_id: int) -> list[Section]:
    """The sections a student is enrolled in."""
    stmt = select(Section).join(Enrollment, Enrollment.section_id == Section.id).where(Enrollment.user_id == user_id)
    return list(db.session.scalars(stmt))
