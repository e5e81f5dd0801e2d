"""review card state: the app's own versioned shape instead of fsrs's Card.to_dict()

Rows of review_card.card written by fsrs 6's `Card.to_dict()`
  {"card_id": 1, "state": 2, "step": null, "stability": 8.3, "difficulty": 1.0, "due": "...", "last_review": "..."}
become version 1 of the app's own shape (see course.scheduling.CardState)
  {"v": 1, "state": 2, "step": null, "stability": 8.3, "difficulty": 1.0, "due": "...+00:00", "last_review": "...+00:00"}
and downgrade turns them back. The conversion is written out here, not imported: a migration must do
the same thing whatever later code and fsrs versions do. Rows in neither shape are left as they are.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 16:30:00

"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BATCH = 1000
FSRS_KEYS = {"card_id", "state", "step", "stability", "difficulty", "due", "last_review"}
review_card = sa.table(
    "review_card",
    sa.column("user_id", sa.Integer()),
    sa.column("question_id", sa.String(length=80)),
    sa.column("card", sa.JSON()),
)


def _utc_iso(text):
    moment = datetime.fromisoformat(text)
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    return moment.isoformat()


def _number(value):
    return None if value is None else float(value)


def to_version_1(card):
    """fsrs 6's to_dict() shape -> version 1; None for anything else (already converted, or unreadable)."""
    if not isinstance(card, dict) or "v" in card or not ({"card_id", "state", "due"} <= set(card) <= FSRS_KEYS):
        return None
    try:
        return {
            "v": 1,
            "state": int(card["state"]),
            "step": card.get("step"),
            "stability": _number(card.get("stability")),
            "difficulty": _number(card.get("difficulty")),
            "due": _utc_iso(card["due"]),
            "last_review": _utc_iso(card["last_review"]) if card.get("last_review") else None,
        }
    except (TypeError, ValueError):
        return None


def to_fsrs(card):
    """Version 1 -> fsrs 6's to_dict() shape (the app always used card id 1); None for anything else."""
    if not isinstance(card, dict) or card.get("v") != 1:
        return None
    return {
        "card_id": 1,
        "state": card.get("state"),
        "step": card.get("step"),
        "stability": card.get("stability"),
        "difficulty": card.get("difficulty"),
        "due": card.get("due"),
        "last_review": card.get("last_review"),
    }


def _rewrite(convert):
    """Convert every row's card in primary-key order, a batch at a time (the table may be large)."""
    bind = op.get_bind()
    key = sa.tuple_(review_card.c.user_id, review_card.c.question_id)
    update = (
        review_card.update()
        .where(review_card.c.user_id == sa.bindparam("uid"), review_card.c.question_id == sa.bindparam("qid"))
        .values(card=sa.bindparam("new_card"))
    )
    last = None
    while True:
        query = (
            sa.select(review_card.c.user_id, review_card.c.question_id, review_card.c.card)
            .order_by(review_card.c.user_id, review_card.c.question_id)
            .limit(BATCH)
        )
        if last is not None:
            query = query.where(key > sa.tuple_(sa.literal(last[0]), sa.literal(last[1])))
        rows = bind.execute(query).all()
        if not rows:
            return
        changed = [{"uid": uid, "qid": qid, "new_card": new} for uid, qid, card in rows if (new := convert(card)) is not None]
        if changed:
            bind.execute(update, changed)
        last = rows[-1][:2]


def upgrade():
    _rewrite(to_version_1)


def downgrade():
    _rewrite(to_fsrs)
