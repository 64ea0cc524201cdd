"""Denials and downloads the views do not record themselves are recorded by AuditMiddleware."""
import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import path

from audit.enums import Event
from audit.models import AuditEvent
from audit.services import audit_record
from departments.enums import Role
from reports.models import Report
from scoring.models import EvaluationYear, Rubric
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def denials():
    return list(
        AuditEvent.objects.filter(event=Event.PERMISSION_DENIED).values_list("username", "method", "path", "success")
    )


def test_another_departments_report_is_a_404_and_is_recorded(client):
    clerk = UserFactory(username="clerk")
    MembershipFactory(user=clerk, role=Role.CLERK, department=DepartmentFactory())
    year = EvaluationYear.objects.create(year=2021, rubric=Rubric.objects.create(name="2021"))
    hidden = Report.objects.create(evaluation_year=year, department=DepartmentFactory())
    client.force_login(clerk)

    response = client.get(f"/reports/{hidden.pk}/")

    assert response.status_code == 404
    assert denials() == [("clerk", "GET", f"/reports/{hidden.pk}/", False)]


def test_a_404_outside_the_reports_is_not_a_denial(client):
    client.force_login(UserFactory(username="clerk"))

    response = client.get("/no-such-page/")

    assert response.status_code == 404
    assert denials() == []


def test_a_permission_denied_is_recorded(client):
    client.force_login(UserFactory(username="secadmin", admin_role="security", is_staff=True))
    target = UserFactory(username="clerk")

    response = client.get(f"/admin/accounts/user/{target.pk}/password/")

    assert response.status_code == 403
    assert denials() == [("secadmin", "GET", f"/admin/accounts/user/{target.pk}/password/", False)]
    assert AuditEvent.objects.get(event=Event.PERMISSION_DENIED).detail == "HTTP 403"


def test_a_csrf_failure_is_recorded_with_its_reason():
    UserFactory(username="clerk")

    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"username": "clerk", "password": "x"})

    assert response.status_code == 403
    row = AuditEvent.objects.get(event=Event.PERMISSION_DENIED)
    assert (row.path, row.detail) == ("/accounts/login/", "CSRF: CSRF cookie not set.")


def plain_download(request):
    response = HttpResponse(b"a,b\n", content_type="text/csv")
    response["Content-Disposition"] = 'attachment; filename="x.csv"'
    return response


def recorded_export(request):
    audit_record(event=Event.EXPORT, request=request, detail="x.csv")
    return plain_download(request)


urlpatterns = [path("plain/", plain_download), path("recorded/", recorded_export)]


@pytest.mark.urls(__name__)
def test_a_file_response_no_view_recorded_is_recorded_as_a_download(client):
    client.get("/plain/")

    assert list(AuditEvent.objects.values_list("event", "path", "detail")) == [
        ("download", "/plain/", '文件：attachment; filename="x.csv"')
    ]


@pytest.mark.urls(__name__)
def test_a_file_response_its_view_recorded_is_not_recorded_twice(client):
    client.get("/recorded/")

    assert list(AuditEvent.objects.values_list("event", "detail")) == [("export", "x.csv")]
