"""Read-side queries of follow-up; every list and lookup of findings goes through findings_visible_to."""
from django.db.models import Q
from django.utils import timezone

from departments.selectors import department_scope_q
from followup.enums import UNRESOLVED, FindingStatus
from followup.models import DeadlineExtension, Finding, ResultApplication
from reports.editing import SECTION_TITLES


def findings_visible_to(user):
    """The findings a user may see: their departments', their offices', or all for an admin."""
    if not user.is_authenticated:
        return Finding.objects.none()
    return (
        Finding.objects.filter(department_scope_q(user, "report__department"))
        .select_related("report__department__office", "report__evaluation_year", "created_by")
        .order_by("deadline", "pk")
    )


def overdue_q(today=None):
    """Findings past their 整改期限 and not answered (待整改): the department has not done its part."""
    return Q(status=FindingStatus.OPEN, deadline__lt=today or timezone.localdate())


def unresolved_q():
    return Q(status__in=UNRESOLVED)


def report_places(report):
    """{place key: label} of what a finding may concern: the editor's sections and the rubric's 三级 rows."""
    places = {f"section/{key}": title for key, title in SECTION_TITLES.items()}
    for code, label in report.evaluation_year.rubric.indicators.filter(level=3).order_by("order").values_list(
        "code", "label"
    ):
        places[f"scores/{code}"] = f"评分表 · {label}"
    return places


def place_labels(finding, places=None):
    places = places if places is not None else report_places(finding.report)
    return [places.get(key, key) for key in finding.places]


def carried_candidates(report):
    """Last year's findings of the report's department not yet accepted: what 上年问题整改情况 lists."""
    return (
        Finding.objects.filter(
            report__department_id=report.department_id, report__evaluation_year__year=report.evaluation_year.year - 1,
            status__in=UNRESOLVED,
        ).select_related("report__evaluation_year").order_by("deadline", "pk")
    )


def deadline_for(evaluation_year, department_id):
    """The department's 报告 deadline for the year: its extension if an admin granted one, else the year's."""
    extension = DeadlineExtension.objects.filter(evaluation_year=evaluation_year, department_id=department_id).first()
    return extension.deadline if extension else evaluation_year.deadline


def extensions_of(evaluation_year):
    """{department id: extended deadline} of a year, in one query."""
    return dict(
        DeadlineExtension.objects.filter(evaluation_year=evaluation_year).values_list("department_id", "deadline")
    )


def results_of_member(user):
    """The 结果应用 of the user's departments."""
    return ResultApplication.objects.filter(department_scope_q(user)).select_related(
        "evaluation_year", "department").order_by("-evaluation_year__year", "department__code")
