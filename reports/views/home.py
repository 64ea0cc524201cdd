"""Each user's home page: what needs their action now and their counts, never every report.

- 本部门自评报告 (clerks and heads): their departments' reports, a page at a time, with what is
  still missing and their actions.
- 待我复核 (reviewers): how many reports of their offices wait in 财政审核, and the longest-waiting
  few with a link to the queue for the rest.
- 年度进度 (admins): the latest years' counts by status, with the dashboard and the jobs.
Reviewers and admins who are not members of a department do not get 本部门自评报告.
"""
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from departments.enums import Role
from departments.selectors import roles_of
from evalsite.paging import page_of
from reports.checks_submit import checks_for
from reports.consistency import COMPLETE, STATE_LABELS
from reports.enums import EDITABLE
from reports.enums import Status as S
from reports.forms.sections import SECTIONS
from reports.models import Report
from reports.returns import returns_for
from reports.selectors import (
    extended_deadlines,
    reports_awaiting_head,
    reports_awaiting_review,
    reports_of_member,
    reports_visible_to,
    status_counts,
)
from scoring.models import EvaluationYear

MY_REPORTS_PAGE = 20
WAITING_SHOWN = 10
YEARS_SHOWN = 3


def _earliest_years(reports):
    """{department id: the earliest year it has a report} in one query, for the copy-forward button."""
    earliest = {}
    rows = Report.objects.filter(department_id__in={r.department_id for r in reports}).values_list(
        "department_id", "evaluation_year__year"
    )
    for department_id, year in rows:
        earliest[department_id] = min(year, earliest.get(department_id, year))
    return earliest


def _report_rows(user, reports):
    checks = checks_for(reports)
    returns = returns_for(reports)
    earliest = _earliest_years(reports)
    today = timezone.localdate()
    extended = {}
    rows = []
    for report in reports:
        check = checks[report.pk]
        can_edit = user.has_perm("reports.edit_report", report)
        year = report.evaluation_year
        if year.pk not in extended:
            extended[year.pk] = extended_deadlines(year)
        deadline = extended[year.pk].get(report.department.code, year.deadline)
        rows.append({
            "report": report,
            "can_edit": can_edit,
            "editable_status": report.status in EDITABLE,
            "blocking": len(check.blocking),
            "unfinished": [
                {"title": cls.title, "state": check.states[key], "state_label": STATE_LABELS[check.states[key]]}
                for key, cls in SECTIONS.items() if check.states[key] != COMPLETE
            ],
            "can_copy_forward": can_edit and earliest.get(report.department_id, year.year) < year.year,
            "overdue": deadline is not None and deadline < today and report.status in EDITABLE,
            "extended_to": extended[year.pk].get(report.department.code),
            "returned": returns.get(report.pk),
        })
    return rows


def _my_reports(request):
    """本部门自评报告: one page of the user's departments' reports, grouped by year on the page."""
    page = page_of(request, reports_of_member(request.user).select_related(
        "department__bureau", "evaluation_year__rubric"), per_page=MY_REPORTS_PAGE)
    rows = _report_rows(request.user, list(page.object_list))
    years = []
    for row in rows:
        year = row["report"].evaluation_year
        if not years or years[-1]["year"] != year.year:
            years.append({"year": year.year, "deadline": year.deadline, "rows": []})
        years[-1]["rows"].append(row)
    return {"page": page, "years": years, "awaiting_head": reports_awaiting_head(request.user).count()}


def _waiting_review(user):
    waiting = reports_awaiting_review(user)
    return {
        "count": waiting.count(),
        "oldest": list(waiting.order_by("submitted_at", "pk")[:WAITING_SHOWN]),
        "status": S.FINANCE_REVIEW.value,
    }


def _year_progress(user):
    years = list(EvaluationYear.objects.order_by("-year")[:YEARS_SHOWN])
    visible = reports_visible_to(user)
    return [
        {"year": year, "counts": status_counts(visible.filter(evaluation_year=year))}
        for year in years
    ]


@login_required
def home(request):
    """The user's home page, one card per role they hold (see the module docstring)."""
    user = request.user
    roles = {role for role, _department, _office in roles_of(user)}
    administer = user.has_perm("reports.administer")
    context = {"member": bool(roles & {Role.CLERK, Role.HEAD}) or not (roles or administer)}
    if context["member"]:
        context["mine"] = _my_reports(request)
    if administer:
        context["progress"] = [
            {**item, "statuses": [(s, item["counts"][s]) for s in S], "total": sum(item["counts"].values())}
            for item in _year_progress(user)
        ]
    if Role.REVIEWER in roles:
        context["review"] = _waiting_review(user)
    return render(request, "reports/home.html", context)
