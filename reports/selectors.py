"""Read-side queries for reports; every list, export and count goes through reports_visible_to."""
from django.db.models import Count, Exists, OuterRef, Q
from django.http import Http404
from django.utils.translation import gettext as _

from departments.enums import Role
from departments.models import Department, Membership
from departments.selectors import department_scope_q
from reports.enums import Status
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


def report_visible(user, pk):
    """The report `pk` if `user` may see it, with what the editor's and the review's pages print loaded; Http404
    otherwise (another department's report does not exist for them).

    The same people as reports_visible_to, decided by the rule reports.view_report (the memberships, read once
    per request by departments.selectors.roles_of) on the report fetched by its key: one query instead of the
    list's filter (its subqueries and the admin check) followed by the rule anyway.
    tests/reports/test_selectors.py asserts both agree for every role."""
    if not user.is_authenticated:
        raise Http404
    try:  # get(), not filter().first(): no ORDER BY to build (a third of the query's cost)
        report = Report.objects.select_related(
            "evaluation_year__rubric", "department__bureau", "department__office").get(pk=pk)
    except Report.DoesNotExist:
        raise Http404 from None
    if not user.has_perm("reports.view_report", report):
        raise Http404
    return report


def report_score_totals(report):
    """绩效自评综合得分 (sum of 自评得分), the reviewed total (复核得分 where set, else 自评得分)
    and 评价等次 by the year's bands: the reviewed grade once any 复核得分 exists.

    Returns a dict: self_total, review_total (None before any review), grade.
    """
    bands = [(b.label, b.min_score) for b in report.evaluation_year.grade_bands.all()]
    self_total, review_total, grade = score_totals(((e.self_score, e.review_score) for e in report.scores.all()), bands)
    return {"self_total": self_total, "review_total": review_total, "grade": grade}


def reports_of_member(user):
    """The reports of the departments where the user is a clerk or head (not those of an office they review)."""
    own = Membership.objects.filter(user=user, role__in=[Role.CLERK, Role.HEAD]).values("department")
    return reports_visible_to(user).filter(department__in=own)


def reports_awaiting_review(user):
    """财政审核 reports of the user's offices that the user may decide (their own departments excluded)."""
    offices = Membership.objects.filter(user=user, role=Role.REVIEWER).values("office")
    own = Membership.objects.filter(user=user, role__in=[Role.CLERK, Role.HEAD]).values("department")
    return (
        reports_visible_to(user).filter(status=Status.FINANCE_REVIEW, department__office__in=offices)
        .exclude(department__in=own)
    )


def reports_awaiting_head(user):
    """部门审核 reports of the departments the user heads."""
    heads = Membership.objects.filter(user=user, role=Role.HEAD).values("department")
    return reports_visible_to(user).filter(status=Status.DEPT_REVIEW, department__in=heads)


def status_counts(reports):
    """{status: count} of `reports` in one grouped query, every status present."""
    counts = dict(reports.order_by().values_list("status").annotate(n=Count("pk")))
    return {status: counts.get(status.value, 0) for status in Status}


def office_status_counts(reports):
    """[(office name, [count per status in workflow order], total)] of `reports`, in one grouped query."""
    offices = {}
    rows = reports.order_by().values_list("department__office__name", "status").annotate(n=Count("pk"))
    for office, status, count in rows:
        offices.setdefault(office or _("未分配科室"), {})[status] = count
    return [
        (office, [counts.get(s.value, 0) for s in Status], sum(counts.values()))
        for office, counts in sorted(offices.items())
    ]


def pending_departments(scoped, evaluation_year):
    """Who has not submitted in `evaluation_year`: the departments with a 草稿 report among `scoped` and the
    active departments without a report, as rows (code, name, office, returned, missing) by 预算编码.

    It walks the departments in 预算编码 order (the code's unique index) and tests each one with two lookups on
    the year's one-report-per-department index, so a page near the start reads about a page of departments
    however many the year holds; its size is `pending_count`, not a COUNT of this query."""
    drafts = scoped.order_by().filter(status=Status.DRAFT, department=OuterRef("pk"))
    reported = Report.objects.order_by().filter(evaluation_year=evaluation_year, department=OuterRef("pk"))
    return (
        Department.objects.annotate(
            draft=Exists(drafts), returned=Exists(drafts.filter(submitted_at__isnull=False)),
            missing=~Exists(reported),
        )
        .filter(Q(draft=True) | Q(is_active=True, missing=True))
        .order_by("code")
        .values_list("code", "name", "office__name", "returned", "missing")
    )


def pending_count(counts, evaluation_year):
    """How many rows pending_departments has, from the scope's `counts` by status (status_counts: a department
    has one report a year, so its 草稿 count is the departments with a draft) and two counts of departments
    (active, and active with a report this year), instead of counting the walk itself."""
    active = Department.objects.filter(is_active=True).count()
    reported = Report.objects.filter(evaluation_year=evaluation_year, department__is_active=True).count()
    return counts[Status.DRAFT] + active - reported


def extended_deadlines(evaluation_year):
    """{预算编码: deadline} of the departments an admin gave a later 报告 deadline for the year (the
    follow-up app's DeadlineExtension, read through the reverse relation so reports imports nothing of it).
    Every deadline check (home, dashboard, workbook) uses it over the year's own deadline."""
    return dict(
        Department.objects.filter(deadline_extensions__evaluation_year=evaluation_year)
        .values_list("code", "deadline_extensions__deadline")
    )
