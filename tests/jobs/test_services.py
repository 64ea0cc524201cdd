import datetime
import io
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone
from openpyxl import load_workbook

from jobs.enums import Kind, Status
from jobs.models import Job, WorkerBeat
from jobs.runners import RUNNERS, run_workbook
from jobs.services import Outcome, job_cancel, job_execute, job_start, jobs_recover
from reports.exporters.summary import summary_workbook_write
from reports.models import Report
from reports.selectors import reports_visible_to
from scoring.models import EvaluationYear
from scoring.services import rubric_get_or_create_default
from tests.factories import DepartmentFactory, UserFactory
from tests.reports.test_exporters import admin_user, open_year

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def cells(source):
    workbook = load_workbook(source, read_only=True)
    return {ws.title: [tuple(row) for row in ws.iter_rows(values_only=True)] for ws in workbook.worksheets}


def synchronous_workbook(user, year):
    out = io.BytesIO()
    summary_workbook_write(out, reports=reports_visible_to(user), evaluation_year=EvaluationYear.objects.get(year=year),
                           include_missing=True)
    out.seek(0)
    return out


def stored_files(job):
    folder = f"jobs/{job.pk}"
    attempts, _files = default_storage.listdir(folder)
    return sorted(f"{folder}/{a}/{name}" for a in attempts for name in default_storage.listdir(f"{folder}/{a}")[1])


def workbook_job(owner, **fields):
    return Job.objects.create(kind=Kind.WORKBOOK, owner=owner, title="2021年度汇总表", params={"year": 2021}, **fields)


def test_the_workbook_job_file_equals_the_synchronous_export():
    open_year("A1", "A2", "A3")
    admin = admin_user()

    job = job_start(kind=Kind.WORKBOOK, owner=admin, title="2021年度汇总表", params={"year": 2021})

    assert (job.status, job.done, job.total, job.error) == (Status.SUCCEEDED, job.total, 2 * 3 + 3 * 25, "")
    assert job.result_name == "2021年度部门整体支出绩效自评汇总.xlsx"
    assert stored_files(job) == [job.result.name]
    with job.result.open("rb") as handle:
        assert cells(handle) == cells(synchronous_workbook(admin, 2021))


def test_a_job_interrupted_mid_way_is_retried_and_yields_one_result():
    open_year("A1", "A2")
    admin = admin_user()
    long_ago = timezone.now() - timedelta(hours=1)
    WorkerBeat.objects.create(worker_id="paused", beat_at=long_ago)
    job = workbook_job(admin)

    def paused_then_late(job, progress):
        # While attempt 1 runs, its worker stops beating; another worker's recovery starts attempt 2, which
        # finishes. Then attempt 1 wakes up and delivers a file of its own.
        assert jobs_recover() == [job.pk]
        return Outcome(file=io.BytesIO(b"late"), filename="late.xlsx")

    late = job_execute(job.pk, 1, runner=paused_then_late, worker_id="paused")

    job.refresh_from_db()
    assert (late, job.status, job.attempt) == (None, Status.SUCCEEDED, 2)
    assert stored_files(job) == [job.result.name] and job.result.name.startswith(f"jobs/{job.pk}/2/")
    with job.result.open("rb") as handle:
        assert cells(handle) == cells(synchronous_workbook(admin, 2021))


def test_a_superseded_attempt_stops_at_its_next_progress_update_and_leaves_no_file():
    open_year("A1")
    admin = admin_user()
    WorkerBeat.objects.create(worker_id="paused", beat_at=timezone.now() - timedelta(hours=1))
    job = workbook_job(admin)

    def recovered_then_runs(job, progress):
        jobs_recover()
        return run_workbook(job, progress)

    job_execute(job.pk, 1, runner=recovered_then_runs, worker_id="paused")

    job.refresh_from_db()
    assert (job.status, job.attempt, len(stored_files(job))) == (Status.SUCCEEDED, 2, 1)


def test_a_running_job_of_a_live_worker_is_left_alone():
    open_year("A1")
    WorkerBeat.objects.create(worker_id="alive")
    job = workbook_job(admin_user(), status=Status.RUNNING, worker_id="alive")

    assert jobs_recover() == []
    job.refresh_from_db()
    assert (job.status, job.attempt) == (Status.RUNNING, 1)


def test_a_job_whose_worker_died_too_often_fails_with_a_message(settings):
    settings.JOBS_MAX_ATTEMPTS = 3
    job = workbook_job(admin_user(), status=Status.RUNNING, worker_id="gone", attempt=3)

    jobs_recover()

    job.refresh_from_db()
    assert (job.status, job.error) == (Status.FAILED, "任务执行进程多次中断（3次），已停止重试，请联系管理员。")


def test_a_queued_job_cancelled_never_runs():
    open_year("A1")
    admin = admin_user()
    job = workbook_job(admin)

    assert job_cancel(job=job, by=admin) is True
    ran = job_execute(job.pk, 1, runner=RUNNERS[Kind.WORKBOOK])

    job.refresh_from_db()
    assert (ran, job.status, job.error, bool(job.result)) == (None, Status.CANCELLED, "已取消。", False)


def test_a_running_job_cancelled_stops_and_keeps_no_file():
    open_year("A1", "A2")
    admin = admin_user()
    job = workbook_job(admin)

    def cancelled_while_running(job, progress):
        job_cancel(job=Job.objects.get(pk=job.pk), by=admin)
        return run_workbook(job, progress)

    status = job_execute(job.pk, 1, runner=cancelled_while_running)

    job.refresh_from_db()
    assert (status, job.status, bool(job.result), default_storage.exists(f"jobs/{job.pk}")) == (
        Status.CANCELLED, Status.CANCELLED, False, False)


def test_only_the_owner_cancels_a_job():
    job = workbook_job(admin_user())

    assert job_cancel(job=job, by=UserFactory()) is False
    job.refresh_from_db()
    assert job.status == Status.QUEUED


def test_a_job_that_fails_says_why_in_chinese():
    admin = admin_user()

    job = job_start(kind=Kind.WORKBOOK, owner=admin, title="2030年度汇总表", params={"year": 2030})

    assert (job.status, job.error, bool(job.result)) == (Status.FAILED, "2030年度不存在。", False)


def test_opening_a_year_as_a_job_creates_the_reports_and_says_so():
    DepartmentFactory(code="106019")
    DepartmentFactory(code="106020")
    rubric = rubric_get_or_create_default()

    job = job_start(kind=Kind.YEAR_OPEN, owner=admin_user(), title="开启2022年度", params={
        "year": 2022, "rubric": rubric.pk, "deadline": "2023-05-31", "bands": [["优秀", "90"], ["合格", "0"]]})

    year = EvaluationYear.objects.get(year=2022)
    assert (job.status, job.summary) == (
        Status.SUCCEEDED, "已开启2022年度，为2个部门（单位）创建了草稿报告，其中0个沿用了上一年度的数据。")
    assert (year.deadline, list(year.grade_bands.values_list("label", flat=True))) == (
        datetime.date(2023, 5, 31), ["优秀", "合格"])
    assert Report.objects.filter(evaluation_year=year).count() == 2


def test_opening_a_year_twice_fails_the_second_job_and_writes_nothing():
    open_year("A1")
    rubric = rubric_get_or_create_default()
    before = Report.objects.count()

    job = job_start(kind=Kind.YEAR_OPEN, owner=admin_user(), title="开启2021年度",
                    params={"year": 2021, "rubric": rubric.pk, "deadline": "2022-05-31"})

    assert (job.status, job.error) == (Status.FAILED, "2021年度已开启，不能重复开启。")
    assert Report.objects.count() == before


def test_a_year_opening_retried_after_its_commit_does_not_open_the_year_again():
    DepartmentFactory(code="106019")
    rubric = rubric_get_or_create_default()
    job = job_start(kind=Kind.YEAR_OPEN, owner=admin_user(), title="开启2022年度",
                    params={"year": 2022, "rubric": rubric.pk, "deadline": "2023-05-31"})

    again = job_execute(job.pk, job.attempt, runner=RUNNERS[Kind.YEAR_OPEN])

    assert again is None
    assert Report.objects.filter(evaluation_year__year=2022).count() == 1


def test_the_year_dossiers_job_stores_one_zip_that_says_what_it_holds():
    import zipfile

    open_year("A1")

    job = job_start(kind=Kind.YEAR_DOSSIERS, owner=admin_user(), title="2021年度档案", params={"year": 2021})

    assert (job.status, job.result_name, job.error) == (Status.SUCCEEDED, "2021年度已审定报告档案.zip", "")
    with job.result.open("rb") as handle:
        assert zipfile.ZipFile(handle).namelist() == ["README.txt"]
