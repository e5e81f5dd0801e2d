"""Use cases: the one layer that opens and commits database transactions.

The rule for where a transaction begins and ends: one public service call is one unit of work.
It begins with the call's first statement and ends with one `commit()` when the change is
complete, or a `rollback()` before it raises a refusal, so nothing is ever stored half-way. Views,
templates, forms and CLI commands never commit; they call a service. A service that needs another
service's change in the same unit calls a helper that adds to the session without committing
(for example `learning.schedule`, `audit.record`), never a public service that commits.

Rules two requests could break at once are not checked in Python before a write: the write itself
is conditional (`UPDATE ... WHERE submitted_at IS NULL`, checked by its row count) or a constraint
refuses it (unique indexes on open attempts, attempt numbers, practice nonces), and the service
turns the refusal into a clear answer for the user.
"""

from __future__ import annotations

from typing import Any, cast

from sqlalchemy.engine import CursorResult, Result


def rowcount(result: Result[Any]) -> int:
    """How many rows an UPDATE or DELETE matched: the count conditional writes are checked by."""
    # Session.execute is typed to return Result for any statement; for an UPDATE or DELETE it
    # returns a CursorResult, the class that has rowcount.
    return cast(CursorResult[Any], result).rowcount
