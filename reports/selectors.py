"""Read-side queries for reports; every list, export and count goes through reports_visible_to."""

from departments.selectors import department_scope_q
from reports.models import Report
from scoring.grades import score_totals


def reports_visible_to(user):
    """The reports a user may see: their departments', their office's, or all for an admin."""
    if not user.is_authenticated:
        return Report.objects.none()
    return (
        Report.objects.filter(department_scope_q(user))
        .select_related("evaluation_year", "department", "department__office")
        .order_by("-evaluation_year__year", "department__code")
    )


def report_score_totals(report):
    """绩效自评综合得分 (sum of 自评得分), the reviewed total (复核得分 where set, else 自评得分)
    and 评价等次 by the year's bands: the reviewed grade once any 复核得分 exists.

    Returns a dict: self_total, review_total (None before any review), grade.
    """
    bands = [(b.label, b.min_score) for b in report.evaluation_year.grade_bands.all()]
    self_total, review_total, grade = score_totals(((e.self_score, e.review_score) for e in report.scores.all()), bands)
    return {"self_total": self_total, "review_total": review_total, "grade": grade}
