"""Every list page pages through the database: its query count is the same at 3 and at 30 rows.

Each scenario builds `n` rows of one list for one user and names the page that lists them; the test
requests it once to warm up (sessions, content types), then counts the queries of a second request
and checks how many rows the page shows (all 30 fit on one page, so every row is rendered).
"""
import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.enums import AdminRole
from audit.enums import Event
from audit.services import audit_record
from departments.enums import Role
from departments.models import Department
from reports.enums import Status
from reports.models import Notice, Report, StatusChange
from reports.yearly import year_open
from scoring.services import rubric_get_or_create_default
from tests.factories import DepartmentFactory, MembershipFactory, OfficeFactory, UserFactory
from tests.reports.editor_support import MODEL_BACKEND

pytestmark = pytest.mark.django_db
SIZES = (3, 30)


def _year(n, *, office=None):
    """A 2021 year opened for `n` new departments (of `office`); returns their reports by code."""
    office = office or OfficeFactory()
    for index in range(n):
        DepartmentFactory(code=f"8{index:05d}", name=f"单位{index}", office=office, bureau=office.bureau)
    year_open(year=2021, rubric=rubric_get_or_create_default(), deadline=datetime.date(2022, 5, 31))
    return list(Report.objects.filter(evaluation_year__year=2021).order_by("department__code"))


def _admin():
    user = UserFactory()
    MembershipFactory(user=user, role=Role.ADMIN)
    return user


def clerk_home(n):
    clerk = UserFactory()
    for report in _year(n):
        MembershipFactory(user=clerk, role=Role.CLERK, department=report.department)
    return clerk, reverse("home"), r'<tr id="report-\d+">'


def reviewer_home(n):
    office = OfficeFactory()
    reviewer = UserFactory()
    MembershipFactory(user=reviewer, role=Role.REVIEWER, office=office)
    reports = _year(max(n, 10), office=office)
    Report.objects.filter(pk__in=[r.pk for r in reports[:n]]).update(status=Status.FINANCE_REVIEW)
    return reviewer, reverse("home"), r'<tr id="waiting-\d+">'


def admin_home(n):
    _year(n)
    return _admin(), reverse("home"), r'<div class="card" id="progress-\d+">'


def review_queue(n):
    office = OfficeFactory()
    reviewer = UserFactory()
    MembershipFactory(user=reviewer, role=Role.REVIEWER, office=office)
    reports = _year(n, office=office)
    Report.objects.filter(pk__in=[r.pk for r in reports[::2]]).update(status=Status.FINANCE_REVIEW)
    return reviewer, reverse("review_queue"), r'<tr id="queue-\d+">'


def dashboard_late_list(n):
    _year(n)
    return _admin(), reverse("manage_year_dashboard", args=[2021]), r'<tr class="pending-row">'


def notices(n):
    clerk = UserFactory()
    actor = UserFactory()
    for report in _year(n):
        change = StatusChange.objects.create(
            report=report, from_status=Status.FINANCE_REVIEW, to_status=Status.DRAFT, by=actor, comment="请补充。")
        Notice.objects.create(recipient=clerk, report=report, change=change, kind=Notice.Kind.RETURNED)
    MembershipFactory(user=clerk, role=Role.CLERK, department=Department.objects.first())
    return clerk, reverse("notices"), r'<li class="list-group-item[^"]*" id="notice-\d+">'


def _superuser():
    return UserFactory(is_staff=True, is_superuser=True)


def audit_list(n):
    for index in range(n):
        audit_record(event=Event.LOGIN_FAILED, username=f"nobody{index}", success=False)
    return _superuser(), reverse("admin:audit_auditevent_changelist"), r'<tr>\s*<td class="action-checkbox">'


def department_list(n):
    _year(n)
    return _superuser(), reverse("admin:departments_department_changelist"), r'<tr>\s*<td class="action-checkbox">'


def user_list(n):
    for index in range(n):
        UserFactory(username=f"listed{index:03d}")
    return _superuser(), reverse("admin:accounts_user_changelist"), r'<tr>\s*<td class="action-checkbox">'


def membership_list(n):
    for report in _year(n):
        MembershipFactory(user=UserFactory(), role=Role.CLERK, department=report.department)
    # The security admin grants roles (a superuser only sees them: no row checkboxes for it).
    security = UserFactory(is_staff=True, admin_role=AdminRole.SECURITY)
    return security, reverse("admin:departments_membership_changelist"), r'<tr>\s*<td class="action-checkbox">'


def report_list(n):
    _year(n)
    # Reports are read-only in /admin/ (no actions, so no checkbox column): count the rows by their first cell.
    return _superuser(), reverse("admin:reports_report_changelist"), r'<tr>\s*<th class="field-evaluation_year[ "]'


def job_list(n):
    from jobs.enums import Kind
    from jobs.models import Job

    admin = _admin()
    for index in range(n):
        Job.objects.create(kind=Kind.WORKBOOK, owner=admin, title=f"汇总表{index}", params={"year": 2021})
    return admin, reverse("job_list"), r'<tr>\s*<td><a href="/jobs/'


def followup_findings(n):
    from followup.models import Finding

    admin = _admin()
    for report in _year(n):
        Finding.objects.create(report=report, category="budget", description="问题", deadline=datetime.date(2030, 1, 1),
                               created_by=admin)
    return admin, reverse("followup_home"), r'<tr id="finding-\d+"'


def followup_results(n):
    reports = _year(n)
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(status=Status.APPROVED)
    return _admin(), reverse("followup_year_results", args=[2021]), r'<tr id="result-\d+">'


def followup_extensions(n):
    from followup.models import DeadlineExtension

    admin = _admin()
    for report in _year(n):
        DeadlineExtension.objects.create(evaluation_year=report.evaluation_year, department=report.department,
                                         deadline=datetime.date(2022, 6, 30), reason="延期", granted_by=admin)
    return admin, reverse("followup_year_extensions", args=[2021]), r'<tr><td>8\d{5}</td>'


def targets_home(n):
    from targets.services import declaration_create

    clerk = UserFactory()
    for report in _year(n):
        MembershipFactory(user=clerk, role=Role.CLERK, department=report.department)
    for department in Department.objects.filter(memberships__user=clerk):
        declaration_create(department=department, year=2022, by=clerk)
    return clerk, reverse("targets_home"), r'<tr><td>2022</td><td><a href="/targets/\d+/">'


SCENARIOS = {
    "clerk_home": (clerk_home, lambda n: min(n, 20)),
    "reviewer_home": (reviewer_home, lambda n: min(n, 10)),
    "admin_home": (admin_home, lambda n: 1),
    "review_queue": (review_queue, lambda n: n),
    "dashboard_late_list": (dashboard_late_list, lambda n: n),
    "notices": (notices, lambda n: n),
    "audit_list": (audit_list, None),
    "department_list": (department_list, lambda n: n),
    "user_list": (user_list, None),
    "membership_list": (membership_list, lambda n: n),
    "report_list": (report_list, lambda n: n),
    "job_list": (job_list, lambda n: min(n, 20)),
    "followup_findings": (followup_findings, lambda n: n),
    "followup_results": (followup_results, lambda n: n),
    "followup_extensions": (followup_extensions, lambda n: n),
    "targets_home": (targets_home, lambda n: n),
}


def _measure(client, build, n):
    user, url, row = build(n)
    client.force_login(user, backend=MODEL_BACKEND)
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), len(re.findall(row, response.content.decode()))


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_list_page_runs_as_many_queries_for_30_rows_as_for_3(client, django_db_blocker, name):
    build, shown = SCENARIOS[name]
    measured = {}
    for n in SIZES:
        with django_db_blocker.unblock():
            sid = connection.savepoint()
            measured[n] = _measure(client, build, n)
            connection.savepoint_rollback(sid)
        client.logout()

    assert measured[3][0] == measured[30][0]
    if shown is not None:
        assert (measured[3][1], measured[30][1]) == (shown(3), shown(30))
    else:  # lists with rows of their own besides ours (the audit log records the logins too)
        assert measured[30][1] >= 30 > measured[3][1] >= 3
