import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jobs.enums import Kind, Status
from jobs.models import Job
from tests.reports.test_exporters import admin_user, open_year

pytestmark = pytest.mark.django_db
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def admin(client):
    user = admin_user()
    client.force_login(user, backend=MODEL_BACKEND)
    return user


def test_the_dashboard_button_starts_the_workbook_job_and_its_page_offers_the_download(client, admin):
    open_year("A1", "A2")

    response = client.post(reverse("year_job_start", args=[2021, "workbook"]), follow=True)

    job = Job.objects.get()
    html = response.content.decode()
    assert response.redirect_chain == [(f"/jobs/{job.pk}/", 302)]
    assert (job.kind, job.status, job.owner) == (Kind.WORKBOOK, Status.SUCCEEDED, admin)
    assert f'href="/jobs/{job.pk}/download/"' in html and 'id="job-cancel"' not in html
    download = client.get(reverse("job_download", args=[job.pk]))
    rows = load_workbook(io.BytesIO(b"".join(download.streaming_content)))["汇总"].iter_rows(min_row=3, values_only=True)
    assert [row[0] for row in rows] == ["A1", "A2", "合计"]


def test_the_status_json_is_what_the_page_polls(client, admin):
    open_year("A1")
    client.post(reverse("year_job_start", args=[2021, "workbook"]))
    job = Job.objects.get()

    state = json.loads(client.get(reverse("job_status", args=[job.pk])).content)

    assert state == {
        "status": "succeeded", "status_label": "已完成", "done": 27, "total": 27, "percent": 100,
        "seconds_left": None, "finished": True, "summary": "已生成2021年度汇总表。", "error": "",
        "download": f"/jobs/{job.pk}/download/", "result_name": "2021年度部门整体支出绩效自评汇总.xlsx",
    }


def test_the_nav_counts_finished_jobs_until_their_page_is_seen(client, admin):
    open_year("A1")
    job = Job.objects.create(kind=Kind.WORKBOOK, owner=admin, title="2021年度汇总表", params={"year": 2021},
                             status=Status.FAILED, error="2021年度不存在。")

    before = client.get(reverse("job_list")).content.decode()
    client.get(reverse("job_detail", args=[job.pk]))
    after = client.get(reverse("job_list")).content.decode()

    assert '<span class="badge text-bg-warning" id="nav-jobs-count"' in before
    assert 'id="nav-jobs-count"' not in after


def test_a_queued_job_is_cancelled_from_its_page(client, admin):
    job = Job.objects.create(kind=Kind.WORKBOOK, owner=admin, title="2021年度汇总表", params={"year": 2021})

    page = client.get(reverse("job_detail", args=[job.pk])).content.decode()
    client.post(reverse("job_cancel", args=[job.pk]))

    job.refresh_from_db()
    assert 'id="job-cancel"' in page
    assert job.status == Status.CANCELLED


def test_an_unknown_year_job_kind_is_404(client, admin):
    open_year("A1")

    assert client.post(reverse("year_job_start", args=[2021, "year_open"])).status_code == 404
