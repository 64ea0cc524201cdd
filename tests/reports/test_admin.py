"""Reports in /admin/: read-only for everyone, the superuser included (reports/admin.py)."""
import pytest

from reports.enums import Status
from reports.models import Report
from tests.factories import UserFactory
from tests.reports.review_support import advance, make_people, submittable_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved():
    people = make_people()
    return advance(submittable_report(people.department), people, Status.APPROVED)


def test_a_superuser_sees_an_approved_report_in_the_admin_but_cannot_change_it(client, approved):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    before = Report.objects.values("revision", "approved_digest", "verification_token", "functions").get(pk=approved.pk)
    url = f"/admin/reports/report/{approved.pk}/change/"

    page = client.get(url)
    response = client.post(url, {"functions": "改过的职能。", "approved_digest": "0" * 64, "verification_token": "x"})

    after = Report.objects.values("revision", "approved_digest", "verification_token", "functions").get(pk=approved.pk)
    assert (page.status_code, response.status_code) == (200, 403)
    assert page.context["has_change_permission"] is False
    assert after == before


@pytest.mark.parametrize("path", ["reports/report/add/", "reports/report/{pk}/delete/", "reports/task/add/",
                                  "budgets/incomerow/add/", "budgets/basedata/add/"])
def test_no_report_content_is_added_or_deleted_in_the_admin(client, approved, path):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))

    response = client.post("/admin/" + path.format(pk=approved.pk), {"post": "yes"})

    assert (response.status_code, Report.objects.filter(pk=approved.pk).exists()) == (
        404 if path.startswith("reports/task") else 403, True,
    )
