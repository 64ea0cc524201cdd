"""Follow-up's list pages page through the database: as many queries for 30 rows as for 3 (as
tests/test_list_queries.py does for the other lists)."""
import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from followup.models import DeadlineExtension, Finding, ResultApplication
from reports.enums import Status
from reports.models import Report
from tests.factories import UserFactory
from tests.test_list_queries import SIZES, _admin, _measure, _year

pytestmark = pytest.mark.django_db


def _findings(n):
    admin = _admin()
    author = UserFactory()
    for index, report in enumerate(_year(n)):
        Finding.objects.create(report=report, category="budget", description=f"问题{index}", places=["section/finance"],
                               deadline=timezone.localdate() - datetime.timedelta(days=index % 2), created_by=author)
    return admin


def findings_list(n):
    return _findings(n), reverse("followup_home"), r'<tr id="finding-\d+"'


def results_list(n):
    admin = _admin()
    reports = _year(n)
    Report.objects.filter(pk__in=[r.pk for r in reports]).update(status=Status.APPROVED)
    for report in reports:
        ResultApplication.objects.create(evaluation_year=report.evaluation_year, department=report.department,
                                         grade="优秀", consequence="优先保障", decided_by=admin)
    return admin, reverse("followup_year_results", args=[2021]), r'<tr id="result-\w+">'


def extensions_list(n):
    admin = _admin()
    for report in _year(n):
        DeadlineExtension.objects.create(evaluation_year=report.evaluation_year, department=report.department,
                                         deadline=datetime.date(2022, 6, 30), reason="延期。", granted_by=admin)
    return admin, reverse("followup_year_extensions", args=[2021]), r"<tr><td>8\d{5}</td>"


def dashboard_with_overdue(n):
    return _findings(n), reverse("manage_year_dashboard", args=[2021]), r'<tr class="table-danger">'


SCENARIOS = {
    "findings_list": (findings_list, lambda n: n),
    "results_list": (results_list, lambda n: n),
    "extensions_list": (extensions_list, lambda n: n),
    "dashboard_with_overdue": (dashboard_with_overdue, lambda n: min(n // 2, 10)),  # the odd ones are overdue
}


@pytest.mark.parametrize("name", SCENARIOS)
def test_a_followup_list_runs_as_many_queries_for_30_rows_as_for_3(client, django_db_blocker, name):
    build, shown = SCENARIOS[name]
    measured = {}
    for n in SIZES:
        with django_db_blocker.unblock():
            sid = connection.savepoint()
            measured[n] = _measure(client, build, n)
            connection.savepoint_rollback(sid)
        client.logout()

    assert measured[3][0] == measured[30][0]
    assert (measured[3][1], measured[30][1]) == (shown(3), shown(30))
