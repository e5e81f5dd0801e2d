"""Accounts: registration, authentication, passwords (and their recovery) and roles."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import Role, User
from app.services.sessions import end_every_session

MIN_PASSWORD = 10
MAX_PASSWORD = 128
# Grade exports carry the email verbatim (the LMS matches learners by it), and a spreadsheet runs a
# cell starting with one of these as a formula, so such an email is refused when an account is made.
FORMULA_STARTS = ("-", "+", "=", "@")


class AccountError(ValueError):
    """A request about an account that cannot be honoured; the message is for the user."""


class AccountDeactivated(AccountError):
    """The right password for an account an admin has deactivated."""


def normalise_email(email: str) -> str:
    """Compare emails case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def find_by_email(email: str) -> User | None:
    """Return the account with this email, if any."""
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


def check_email_rules(email: str) -> None:
    """Refuse an email that a spreadsheet would read as a formula."""
    if normalise_email(email).startswith(FORMULA_STARTS):
        raise AccountError(
            "An email cannot start with -, +, = or @: grade exports must carry it unchanged "
            "and spreadsheets would read it as a formula. Use another address."
        )


def check_password_rules(password: str) -> None:
    """Refuse passwords that are too short or too long."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Use at least {MIN_PASSWORD} characters.")
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"Use at most {MAX_PASSWORD} characters.")


def create_user(email: str, password: str, role: Role = Role.STUDENT, *, demo: bool = False) -> User:
    """Create an account; refuses a taken or formula-like email without storing anything."""
    check_email_rules(email)
    check_password_rules(password)
    user = User(email=normalise_email(email), role=Role(role).value, is_demo=demo)
    user.set_password(password)
    db.session.add(user)
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        raise AccountError("An account with this email already exists.") from None
    return user


def authenticate(email: str, password: str) -> User | None:
    """Return the active user whose password matches, else None (same answer for every failure).

    Raises AccountDeactivated for the right password of a deactivated account: only someone who
    knows the password learns the account's status.
    """
    user = find_by_email(email)
    if user is None:
        # Hash anyway so a missing account takes as long as a wrong password.
        User(email="", password_hash="").set_password(password)
        return None
    if not user.check_password(password):
        return None
    if not user.active:
        raise AccountDeactivated("This account is deactivated. Ask a course admin if you need it back.")
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Change a password after checking the current one; ends the user's other sessions."""
    if not user.check_password(current):
        raise AccountError("The current password is not correct.")
    if new == current:
        raise AccountError("Choose a new password different from the current one.")
    check_password_rules(new)
    user.set_password(new)
    user.must_change_password = False
    end_every_session(user)  # the view signs this device in again with a new session id
    db.session.commit()


def _reset_password(user: User, password: str, temporary: bool) -> None:
    check_password_rules(password)
    user.set_password(password)
    user.must_change_password = temporary
    end_every_session(user)


def _existing(user_id: int) -> User:
    """The user with this id, or a refusal the admin pages show."""
    user = db.session.get(User, user_id)
    if user is None:
        raise AccountError("No such user.")
    return user


def set_temporary_password(actor: User, user_id: int, password: str) -> User:
    """Give another user a password they must change at their next log-in; ends their sessions (audited)."""
    user = _existing(user_id)
    if user.id == actor.id:
        raise AccountError("You cannot set a temporary password for yourself; change your own password on your account page.")
    _reset_password(user, password, temporary=True)
    from app.services import audit

    audit.record(actor.id, "user.temporary_password", audit.user_ref(user.id), subject_id=user.id)
    db.session.commit()
    return user


def set_password_by_email(email: str, password: str, *, temporary: bool = True) -> User:
    """Set an account's password from the command line; ends its sessions (audited, without an actor)."""
    user = find_by_email(email)
    if user is None:
        raise AccountError(f"No account with the email {normalise_email(email)}.")
    _reset_password(user, password, temporary)
    from app.services import audit

    audit.record(
        None, "user.temporary_password" if temporary else "user.password_set", audit.user_ref(user.id), subject_id=user.id
    )
    db.session.commit()
    return user


def set_role(actor: User, user_id: int, role: Role) -> User:
    """Change a user's role; an admin cannot demote themselves (someone must stay admin)."""
    user = _existing(user_id)
    if user.id == actor.id and role is not Role.ADMIN:
        raise AccountError("You cannot remove your own admin role; ask another admin.")
    if user.role != role.value:
        from app.services import audit

        audit.record(actor.id, "user.role", audit.user_ref(user.id), subject_id=user.id, before=user.role, after=role.value)
        end_every_session(user)  # a privilege change: the user signs in again, with a new session id
    user.role = role.value
    db.session.commit()
    return user


def set_active(actor: User, user_id: int, active: bool) -> User:
    """Deactivate (or reactivate) an account; a deactivated user is logged out everywhere."""
    user = _existing(user_id)
    if user.id == actor.id:
        raise AccountError("You cannot deactivate your own account.")
    if user.active != active:
        from app.services import audit

        user.active = active
        end_every_session(user)
        audit.record(actor.id, "user.activate" if active else "user.deactivate", audit.user_ref(user.id), subject_id=user.id)
        db.session.commit()
    return user


def count_users() -> int:
    """How many accounts exist."""
    return db.session.scalar(select(func.count()).select_from(User)) or 0


@dataclass(frozen=True)
class DemoLogin:
    """A demo account's credentials, safe to print because they are public by design."""

    email: str
    password: str
    role: Role


DEMO_LOGINS = (
    DemoLogin("student@example.org", "demo-student-pass", Role.STUDENT),
    DemoLogin("instructor@example.org", "demo-instructor-pass", Role.INSTRUCTOR),
    DemoLogin("admin@example.org", "demo-admin-pass", Role.ADMIN),
)


def ensure_demo_accounts() -> list[DemoLogin]:
    """On an empty database create one demo account per role; return what was created."""
    if count_users():
        return []
    for login in DEMO_LOGINS:
        create_user(login.email, login.password, login.role, demo=True)
    return list(DEMO_LOGINS)
