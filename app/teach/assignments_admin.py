"""An assignment's life cycle for instructors: edit, duplicate, delete or archive, release answers now,
preview it as a student (nothing recorded), and export it as a Canvas quiz."""

from __future__ import annotations

from datetime import timedelta

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from app import clock
from app.extensions import db
from app.forms import CSRFForm
from app.models import Assignment, Section
from app.quiz.views import time_left
from app.security import role_required
from app.services import assignment_lifecycle as life
from app.services import assignment_preview as previews
from app.services import assignments, sections
from app.services.content import get_course
from app.teach.forms import AssignmentForm, DuplicateForm
from app.teach.views import TEACHERS, _utc, assignment_or_404, bp
from app.timezones import local_time, utc_to_local
from course.attempts import DEFAULT_GRACE_SECONDS
from course.exports.qti import AssignmentQuiz, to_qti_zip
from course.grading import correct_response, grade
from course.presentation import present
from course.responses import ResponseError, form_values, is_answered, parse_response

_LOCKED_FIELDS = {"lessons": "lesson_ids", "objectives": "objective_ids", "types": "question_types"}
_LOCKED_FIELDS |= {"num_questions": "num_questions", "time_limit_minutes": "time_limit_minutes", "counting": "counting"}


def _local(value, section: Section):
    """A stored UTC time as the naive wall-clock time a datetime-local field shows, in the section's zone."""
    local = utc_to_local(value, section.time_zone)
    return local.replace(tzinfo=None) if local is not None else None


@bp.route("/assignments/<int:assignment_id>/edit", methods=["GET", "POST"])
@role_required(*TEACHERS)
def assignment_edit(assignment_id: int):
    """Change an assignment's settings; once attempts exist, those that decide the draw and the count stay fixed."""
    assignment, section = assignment_or_404(assignment_id)
    course = get_course()
    current = life.settings_of(assignment)
    used = life.attempt_count(assignment)
    prefill = {
        "title": assignment.title,
        "lessons": list(current.lesson_ids),
        "objectives": list(current.objective_ids),
        "types": list(current.question_types),
        "num_questions": current.num_questions,
        "opens_at": _local(current.opens_at, section),
        "due_at": _local(current.due_at, section),
        "time_limit_minutes": current.time_limit_minutes,
        "grace_seconds": current.grace_seconds,
        "attempts_allowed": current.attempts_allowed,
        "counting": current.counting,
        "points": current.points,
        "feedback_policy": current.feedback_policy,
        "answers_policy": current.answers_policy,
    }
    form = AssignmentForm(data=prefill) if request.method == "GET" else AssignmentForm()
    form.submit.label.text = "Save changes"
    form.opens_at.label.text = f"Opens ({section.time_zone})"
    form.due_at.label.text = f"Due ({section.time_zone})"
    form.lessons.choices = [SelectChoice(lesson.id, lesson.title) for lesson in course.lessons if course.questions_for(lesson.id)]
    form.objectives.choices = [
        SelectChoice(o.id, f"{o.id}: {o.text}")
        for lesson in course.lessons
        for o in lesson.meta.objectives
        if course.questions_for(lesson.id)
    ]
    if used:
        # Fixed settings are shown as text, not fields: the form neither asks for nor accepts them.
        for name in _LOCKED_FIELDS:
            delattr(form, name)
    if form.validate_on_submit():
        fixed = {attr: getattr(current, attr) for attr in _LOCKED_FIELDS.values()}
        asked = (
            fixed
            if used
            else {
                "lesson_ids": tuple(form.lessons.data),
                "objective_ids": tuple(form.objectives.data or ()),
                "question_types": tuple(form.types.data or ()),
                "num_questions": form.num_questions.data,
                "time_limit_minutes": form.time_limit_minutes.data,
                "counting": form.counting.data,
            }
        )
        settings = assignments.AssignmentSettings(
            title=form.title.data,
            opens_at=_utc(form.opens_at.data, section),
            due_at=_utc(form.due_at.data, section),
            attempts_allowed=form.attempts_allowed.data,
            points=float(form.points.data),
            feedback_policy=form.feedback_policy.data,
            answers_policy=form.answers_policy.data,
            grace_seconds=DEFAULT_GRACE_SECONDS if form.grace_seconds.data is None else form.grace_seconds.data,
            **asked,
        )
        try:
            changed = life.update(current_user, assignment, course, settings)
        except assignments.AssignmentError as exc:
            form.form_errors.append(str(exc))
        else:
            flash("Changes saved; they are in the audit log." if changed else "Nothing changed.", "success")
            return redirect(url_for("teach.assignment", assignment_id=assignment.id))
    return render_template(
        "teach/assignment_edit.html",
        form=form,
        section=section,
        assignment=assignment,
        course=course,
        used=used,
        most_used=life.most_attempts_used(assignment) if used else 0,
        locked=life.LOCKED,
    ), 400 if form.form_errors else 200


@bp.route("/assignments/<int:assignment_id>/duplicate", methods=["GET", "POST"])
@role_required(*TEACHERS)
def assignment_duplicate(assignment_id: int):
    """Copy the assignment ("… (copy)", no attempts) into this section or another the user runs."""
    assignment, section = assignment_or_404(assignment_id)
    form = DuplicateForm(section_id=str(section.id))
    form.section_id.choices = [
        SelectChoice(str(s.id), s.name + (f" ({s.term})" if s.term else "")) for s in sections.visible_sections(current_user)
    ]
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(404 if request.form.get("section_id") else 400)  # a section not theirs does not exist for them
        target = db.session.get(Section, int(form.section_id.data))
        if target is None or not sections.can_manage(current_user, target):
            abort(404)
        try:
            copy = life.duplicate(current_user, assignment, target, get_course())
        except assignments.AssignmentError as exc:
            form.form_errors.append(f"Could not copy: {exc}")
        else:
            flash(f"Copied to “{copy.title}” in {target.name}, with no attempts. Check its dates.", "success")
            return redirect(url_for("teach.assignment_edit", assignment_id=copy.id))
    return render_template("teach/assignment_duplicate.html", assignment=assignment, section=section, form=form)


@bp.route("/assignments/<int:assignment_id>/delete", methods=["GET", "POST"])
@role_required(*TEACHERS)
def assignment_delete(assignment_id: int):
    """Delete an assignment nobody attempted, after a confirmation; with attempts, offer to archive it instead."""
    assignment, section = assignment_or_404(assignment_id)
    used = life.attempt_count(assignment)
    form = CSRFForm()
    if form.validate_on_submit():
        action = request.form.get("action")
        try:
            if action == "delete":
                title = assignment.title
                life.delete(current_user, assignment)
                flash(f"Assignment “{title}” deleted.", "success")
                return redirect(url_for("teach.section", section_id=section.id))
            if action in ("archive", "restore"):
                life.set_archived(current_user, assignment, action == "archive")
                flash(
                    "Archived: learners no longer see or start it; its grades stay in the exports."
                    if action == "archive"
                    else "Restored: learners see it again.",
                    "success",
                )
                return redirect(url_for("teach.assignment", assignment_id=assignment.id))
        except assignments.AssignmentError as exc:
            flash(str(exc), "error")
    return render_template("teach/assignment_delete.html", assignment=assignment, section=section, used=used, form=form)


@bp.route("/assignments/<int:assignment_id>/release", methods=["GET", "POST"])
@role_required(*TEACHERS)
def assignment_release(assignment_id: int):
    """After a confirmation, show feedback and answers to every learner who submitted (audited)."""
    assignment, section = assignment_or_404(assignment_id)
    form = CSRFForm()
    if form.validate_on_submit():
        if life.release_answers_now(current_user, assignment):
            flash("Answers released: every learner who submitted now sees feedback, answers and evidence.", "success")
        else:
            flash("Answers were already shown right after submitting; nothing changed.", "info")
        return redirect(url_for("teach.assignment", assignment_id=assignment.id))
    return render_template(
        "teach/assignment_release.html",
        assignment=assignment,
        section=section,
        form=form,
        already=life.answers_released_now(assignment),
    )


@bp.route("/assignments/<int:assignment_id>/canvas-qti.zip")
@role_required(*TEACHERS)
def assignment_export_qti(assignment_id: int):
    """Download the questions the assignment draws from as a Canvas QTI zip with its quiz settings."""
    assignment, _ = assignment_or_404(assignment_id)
    course = get_course()
    pool = assignments.assignment_pool(course, assignment)
    lessons = ", ".join(course.lesson_by_id[i].title for i in assignment.lesson_ids if i in course.lesson_by_id)
    quiz = AssignmentQuiz(
        title=assignment.title,
        points=assignment.points,
        num_questions=assignment.num_questions,
        attempts_allowed=assignment.attempts_allowed,
        time_limit_minutes=assignment.time_limit_minutes,
        counting=assignment.counting,
        feedback_policy=assignment.feedback_policy,
        answers_policy=assignment.answers_policy,
        description=f"Exported from Oversight. Lessons: {lessons}.",
    )
    data = to_qti_zip(pool, title=assignment.title, quiz=quiz, key=f"assignment-{assignment.id}")
    filename = f"oversight-assignment{assignment.id}-canvas-qti.zip"
    return Response(data, mimetype="application/zip", headers={"Content-Disposition": f'attachment; filename="{filename}"'})


# Preview as a student: one question per page like the quiz, the state in a signed token in the form.


def _preview_or_restart(assignment: Assignment):
    preview = previews.read(request.form.get("token"), assignment, current_user.id)
    if preview is None:
        flash("This preview expired or its form was changed: start it again.", "error")
    return preview


def _timer(preview, assignment: Assignment, section: Section) -> dict | None:
    end = previews.deadline(preview, assignment)
    if end is None:
        return None
    now = clock.now()
    same_day = utc_to_local(end, section.time_zone).date() == utc_to_local(now, section.time_zone).date()  # type: ignore[union-attr]
    return {
        "deadline_iso": end.isoformat(timespec="milliseconds"),
        "submit_by": local_time(end, section.time_zone, "%H:%M" if same_day else "%Y-%m-%d %H:%M"),
        "left": time_left((end - now).total_seconds()),
        "low": (end - now).total_seconds() <= 300,
    }


def _question_page(assignment, section, preview, index: int, typed: dict | None = None, error: str | None = None):
    course = get_course()
    drawn = previews.questions(preview, assignment, course)
    index = min(max(index, 0), len(drawn) - 1)
    question = drawn[index]
    shown = present(question, preview.seed)
    saved = previews.saved(preview, drawn)
    by_id = {q.id: q for q in drawn}
    return render_template(
        "teach/assignment_preview_take.html",
        assignment=assignment,
        section=section,
        question=question,
        shown=shown,
        index=index,
        total=len(drawn),
        drawn=drawn,
        values=typed if typed is not None else form_values(question, shown, saved.get(question.id)),
        saved={
            qid for qid, response in saved.items() if qid in by_id and is_answered(by_id[qid], response)
        },  # the learners' rule
        form=CSRFForm(),
        token=previews.issue(preview),
        timer=_timer(preview, assignment, section),
        error=error,
    ), 422 if error else 200


@bp.route("/assignments/<int:assignment_id>/preview", methods=["GET", "POST"])
@role_required(*TEACHERS)
def assignment_preview(assignment_id: int):
    """The learner's start page for a preview; Start draws the questions as a learner's start would. Nothing is recorded."""
    assignment, section = assignment_or_404(assignment_id)
    form = CSRFForm()
    if form.validate_on_submit():
        return _question_page(assignment, section, previews.start(assignment, current_user.id), 0)
    now = clock.now()
    limit, end = assignment.time_limit_minutes, previews.deadline(previews.start(assignment, current_user.id), assignment)
    return render_template(
        "teach/assignment_preview_start.html",
        assignment=assignment,
        section=section,
        form=form,
        due=previews.due_for_preview(assignment, now),
        cut_short=limit is not None and end is not None and end < now + timedelta(minutes=limit),
    )


@bp.route("/assignments/<int:assignment_id>/preview/answer", methods=["POST"])
@role_required(*TEACHERS)
def assignment_preview_answer(assignment_id: int):
    """Keep this page's answer in the preview's token, then show the page asked for (nothing is recorded)."""
    assignment, section = assignment_or_404(assignment_id)
    if not CSRFForm().validate_on_submit():
        abort(400)
    preview = _preview_or_restart(assignment)
    if preview is None:
        return redirect(url_for("teach.assignment_preview", assignment_id=assignment.id))
    course = get_course()
    drawn = previews.questions(preview, assignment, course)
    index = request.form.get("index", type=int)  # none: the review page, which only goes to a question
    if index is not None and not 0 <= index < len(drawn):
        abort(400)
    if previews.out_of_time(preview, assignment, clock.now()):
        return _results(assignment, section, preview, timed_out=True)
    if index is not None:
        question = drawn[index]
        try:
            previews.remember(preview, question, parse_response(question, present(question, preview.seed), request.form.getlist))
        except ResponseError as exc:
            typed = {name: set(values) if len(values) > 1 else values[0] for name, values in request.form.lists()}
            return _question_page(assignment, section, preview, index, typed, f"Not saved: {exc}")
    go = request.form.get("go", "next")
    if go.startswith("q") and go[1:].isdigit():
        target: int | None = int(go[1:])
    elif index is not None:
        target = {"next": index + 1, "previous": index - 1}.get(go)
    else:
        target = None
    if target is None or not 0 <= target < len(drawn):
        return _finish(assignment, section, preview, drawn)
    return _question_page(assignment, section, preview, target)


def _finish(assignment, section, preview, drawn):
    saved = previews.saved(preview, drawn)
    return render_template(
        "teach/assignment_preview_finish.html",
        assignment=assignment,
        section=section,
        drawn=drawn,
        answered=[q.id for q in drawn if q.id in saved and grade(q, saved[q.id]).answered],
        form=CSRFForm(),
        token=previews.issue(preview),
        timer=_timer(preview, assignment, section),
    )


@bp.route("/assignments/<int:assignment_id>/preview/submit", methods=["POST"])
@role_required(*TEACHERS)
def assignment_preview_submit(assignment_id: int):
    """Grade the preview and show what a learner submitting now would see, by the feedback policy (nothing is recorded)."""
    assignment, section = assignment_or_404(assignment_id)
    if not CSRFForm().validate_on_submit():
        abort(400)
    preview = _preview_or_restart(assignment)
    if preview is None:
        return redirect(url_for("teach.assignment_preview", assignment_id=assignment.id))
    return _results(assignment, section, preview, timed_out=previews.out_of_time(preview, assignment, clock.now()))


def _results(assignment, section, preview, timed_out: bool):
    course = get_course()
    drawn = previews.questions(preview, assignment, course)
    rows, score, pending = previews.results(preview, drawn)
    now = clock.now()
    show_feedback = previews.release_for_learner(assignment.feedback_policy, assignment, now)
    show_answers = previews.release_for_learner(assignment.answers_policy, assignment, now)
    return render_template(
        "teach/assignment_preview_results.html",
        assignment=assignment,
        section=section,
        rows=[(q, response, result, correct_response(q), present(q, preview.seed)) for q, response, result in rows],
        score=score,
        pending=pending,
        timed_out=timed_out,
        course=course,
        show_feedback=show_feedback or show_answers,
        show_answers=show_answers,
    )
