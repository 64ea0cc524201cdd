import pytest

from departments.enums import Role
from jobs.enums import Kind, Status
from jobs.models import Job
from tests.factories import MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_job_page_follows_a_running_job_until_it_fails_with_its_message(live_server, page):
    admin = UserFactory(username="admin", full_name="系统管理员")
    MembershipFactory(user=admin, role=Role.ADMIN)
    job = Job.objects.create(kind=Kind.WORKBOOK, owner=admin, title="2021年度汇总表（Excel）", params={"year": 2021},
                             status=Status.RUNNING, done=3, total=12)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "Test-pass-2021")
    page.click("button[type=submit]")

    page.goto(f"{live_server.url}/jobs/{job.pk}/")
    assert page.locator("#job-count").inner_text() == "3 / 12"
    assert page.locator("#job-bar").inner_text() == "25%"
    Job.objects.filter(pk=job.pk).update(status=Status.FAILED, done=7, error="2021年度不存在。")

    page.wait_for_selector("#job-error:not(.d-none)")
    assert page.locator("#job-status").inner_text() == "失败"
    assert page.locator("#job-error").inner_text() == "2021年度不存在。"
    assert page.locator("#job-cancel").count() == 0
