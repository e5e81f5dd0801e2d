"""The audit log: every admin and override action, who did it and when."""
from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import AuditLog


def record(actor_id: int | None, action: str, target: str, **detail: Any) -> None:
    """Add an entry to the current transaction (the caller commits with its change)."""
    db.session.add(AuditLog(actor_id=actor_id, action=action, target=target[:200], detail=detail, created_at=clock.now()))


def recent(limit: int = 100, offset: int = 0) -> list[AuditLog]:
    """Newest entries first."""
    return list(db.session.scalars(select(AuditLog).order_by(AuditLog.id.desc()).offset(offset).limit(limit)))
