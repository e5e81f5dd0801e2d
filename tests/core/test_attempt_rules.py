"""The attempt lifecycle as plain rules: deadline, grace, state, release, frozen questions (no app, no database)."""

from datetime import UTC, datetime, timedelta

import pytest

from course.attempts import (
    AttemptState,
    accepts_answers,
    closed_at,
    deadline_for,
    effective_due,
    question_hash,
    released,
    restore,
    snapshot,
    state,
)
from tests.core.factories import matching, multiple_response, numeric, ordering, short_answer, single_choice, true_false

T = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DUE = T + timedelta(days=7)


def test_the_deadline_is_the_due_date_or_the_time_limit_whichever_comes_first():
    assert deadline_for(T, DUE, None) == DUE
    assert deadline_for(T, DUE, 30) == T + timedelta(minutes=30)
    assert deadline_for(T, DUE, 30, extra_minutes=15) == T + timedelta(minutes=45)
    assert deadline_for(DUE - timedelta(minutes=10), DUE, 30) == DUE  # started late: the due date still ends it
    assert deadline_for(T, None, None) is None
    assert deadline_for(T, None, 20) == T + timedelta(minutes=20)


def test_an_extension_moves_the_due_date_later_never_earlier():
    assert effective_due(DUE, None) == DUE
    assert effective_due(DUE, DUE + timedelta(days=2)) == DUE + timedelta(days=2)
    assert effective_due(DUE, DUE - timedelta(days=2)) == DUE


@pytest.mark.parametrize(
    ("late", "accepted"),
    [
        (timedelta(0), True),
        (timedelta(milliseconds=100), True),
        (timedelta(seconds=30), True),
        (timedelta(seconds=30, microseconds=1), False),
    ],
)
def test_answers_count_until_the_deadline_plus_grace(late, accepted):
    assert accepts_answers(DUE, 30, DUE + late) is accepted
    assert accepts_answers(None, 0, DUE + late) is True


def test_states_of_an_attempt():
    assert state(None, DUE, 30, DUE) is AttemptState.IN_PROGRESS
    assert state(None, DUE, 30, DUE + timedelta(seconds=31)) is AttemptState.OVERDUE
    assert state(DUE, DUE, 30, DUE + timedelta(days=1)) is AttemptState.SUBMITTED
    assert state(None, None, 0, DUE + timedelta(days=365)) is AttemptState.IN_PROGRESS


def test_an_attempt_closed_late_counts_as_submitted_at_its_deadline():
    assert closed_at(DUE, DUE + timedelta(hours=5)) == DUE
    assert closed_at(DUE, DUE - timedelta(hours=5)) == DUE - timedelta(hours=5)
    assert closed_at(None, DUE) == DUE


@pytest.mark.parametrize(
    ("policy", "submitted", "now", "shown"),
    [
        ("after_submit", True, T, True),
        ("after_submit", False, T, False),
        ("after_due", True, DUE - timedelta(seconds=1), False),
        ("after_due", True, DUE, True),
        ("after_due", False, DUE, False),
        ("never", True, DUE + timedelta(days=100), False),
    ],
)
def test_release_policies(policy, submitted, now, shown):
    assert released(policy, submitted, DUE, now) is shown


def test_an_unknown_release_policy_is_an_error():
    with pytest.raises(ValueError):
        released("sometimes", True, DUE, T)


@pytest.mark.parametrize(
    "question",
    [single_choice(), multiple_response(), true_false(), short_answer(), numeric(unit="cameras"), matching(), ordering()],
    ids=lambda q: q.type,
)
def test_a_snapshot_restores_the_same_question_and_hash(question):
    copy = restore(snapshot(question))
    assert copy == question.model_copy(update={"line": 0})
    assert question_hash(copy) == question_hash(question)


def test_any_content_change_changes_the_hash_but_the_file_line_does_not():
    question = single_choice()
    assert question_hash(question.model_copy(update={"line": 99})) == question_hash(question)
    assert question_hash(question.model_copy(update={"explanation": "Another reason."})) != question_hash(question)


def test_a_version_digest_ignores_an_unset_evidence_speaker_but_not_a_set_one():
    import hashlib
    import json

    from course.attempts import question_hash, snapshot
    from course.model import Evidence

    question = single_choice()
    # The digest graded attempts were stored with, before evidence could name a speaker.
    stored = snapshot(question)
    for evidence in stored["evidence"]:
        evidence.pop("speaker")
    assert question_hash(question) == hashlib.sha256(json.dumps(stored, sort_keys=True).encode()).hexdigest()
    spoken = question.model_copy(update={"evidence": [Evidence(source="s", quote="a b c d e", speaker="Toloka")]})
    assert question_hash(spoken) != question_hash(question)
