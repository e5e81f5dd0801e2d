"""The class heatmap's cells as HTML: presentation, kept out of the dashboard service and out of Jinja's inner loop."""

from __future__ import annotations

from markupsafe import Markup

from app.services.dashboard import LessonColumns
from course.mastery import Mastery


def heat_cells(mastery: dict[str, Mastery], columns: list[LessonColumns]) -> Markup:
    """One learner's heatmap cells as HTML, built here rather than in Jinja.

    A 500-learner heatmap has some 15,000 cells; rendered cell by cell through Jinja they were half
    the dashboard's server time (bench.dashboard_500). Every value is a class name, a number, ✓ or ·,
    so nothing needs escaping.
    """
    cells = []
    for group in columns:
        for index, objective in enumerate(group.objectives):
            m = mastery[objective.id]
            shade = f"h{int(round(m.score * 5))}" if m.answers else "hx"
            text = "✓" if m.status == "mastered" else ("·" if not m.answers else str(int(round(m.score * 100))))
            cells.append(f'<td class="heat {shade}{" group-start" if index == 0 else ""}">{text}</td>')
    return Markup("".join(cells))
