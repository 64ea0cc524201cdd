"""The notice and PDF jobs (jobs.runners): deadline reminders, the year's opening notice, re-rendering every
approved PDF of a year; each through jobs.services.job_execute, retried and cancelled."""
import datetime
from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from followup.enums import NoticeKind
from followup.models import Notice
from jobs.enums import Kind, Status
from jobs.models import Job, WorkerBeat
from jobs.runners import RUNNERS, run_pdf_refresh, run_year_notice
from jobs.services import job_cancel, job_execute, job_start, jobs_recover
from reports import pdf
from reports.enums import Status as ReportStatus
from reports.models import Report
from reports.pdf import archive_rendition
from scoring.services import rubric_get_or_create_default
from tests.reports.review_support import advance, make_people, submittable_report

pytestmark = pytest.mark.django_db
DEADLINE = datetime.date(2023, 5, 31)
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def open_2022(people):
    return job_start(kind=Kind.YEAR_OPEN, owner=people.admin, title="开启2022年度", params={
        "year": 2022, "rubric": rubric_get_or_create_default().pk, "deadline": DEADLINE.isoformat()})


def notices(kind):
    return sorted(Notice.objects.filter(kind=kind).values_list("recipient__username", "text"))


def paused_job(owner, kind, params):
    """A queued job whose attempt 1 runs on a worker that has stopped beating (jobs_recover gives it up)."""
    WorkerBeat.objects.create(worker_id="paused", beat_at=timezone.now() - timedelta(hours=1))
    return Job.objects.create(kind=kind, owner=owner, title="任务", params=params)


# --- 截止提醒 ----------------------------------------------------------------------------------------
def test_the_reminders_job_sends_the_days_reminders_with_progress_and_says_how_many():
    people = make_people()
    open_2022(people)

    job = job_start(kind=Kind.REMINDERS, owner=people.admin, title="截止提醒",
                    params={"date": (DEADLINE - timedelta(days=3)).isoformat()})

    assert (job.status, job.done, job.total, job.summary) == (
        Status.SUCCEEDED, 2, 2, "已发送报告截止提醒3条、整改提醒0条。")  # two departments: clerk + head, other clerk
    assert [user for user, _text in notices(NoticeKind.REMINDER)] == ["clerk", "clerk2", "head"]


def test_a_reminders_job_interrupted_and_retried_sends_each_reminder_once():
    people = make_people()
    open_2022(people)
    job = paused_job(people.admin, Kind.REMINDERS, {"date": DEADLINE.isoformat()})

    def recovered_while_sending(job, progress):
        outcome = RUNNERS[Kind.REMINDERS](job, progress)  # attempt 1 writes the reminders…
        assert jobs_recover() == [job.pk]  # …then its worker is given up for dead: attempt 2 runs to the end
        return outcome

    late = job_execute(job.pk, 1, runner=recovered_while_sending, worker_id="paused")

    job.refresh_from_db()
    assert (late, job.status, job.attempt, job.summary) == (None, Status.SUCCEEDED, 2, "已发送报告截止提醒0条、整改提醒0条。")
    assert len(notices(NoticeKind.REMINDER)) == 3


def test_send_reminders_enqueues_the_job_for_an_admin(capsys):
    people = make_people()
    open_2022(people)

    call_command("send_reminders", "--date", DEADLINE.isoformat(), "--job", "admin")

    job = Job.objects.get(kind=Kind.REMINDERS)
    assert (job.owner, job.params, job.status) == (people.admin, {"date": "2023-05-31"}, Status.SUCCEEDED)
    assert capsys.readouterr().out == f"已创建任务 {job.pk}（已完成）。\n"


def test_the_admin_starts_the_reminders_job_from_the_years_page(client):
    people = make_people()
    client.force_login(people.admin, backend=MODEL_BACKEND)

    page = client.get(reverse("manage_index")).content.decode()
    response = client.post(reverse("reminders_job_start"))

    job = Job.objects.get(kind=Kind.REMINDERS)
    assert f'action="{reverse("reminders_job_start")}"' in page
    assert (response.status_code, response.url, job.params) == (
        302, f"/jobs/{job.pk}/", {"date": timezone.localdate().isoformat()})


# --- 年度开启通知 ----------------------------------------------------------------------------------
def test_opening_a_year_enqueues_the_notice_to_every_departments_clerks_and_heads():
    people = make_people()

    open_2022(people)

    job = Job.objects.get(kind=Kind.YEAR_NOTICE)
    report = Report.objects.get(evaluation_year__year=2022, department=people.department)
    assert (job.owner, job.status, job.done, job.total, job.summary) == (
        people.admin, Status.SUCCEEDED, 2, 2, "已向2个部门（单位）发送2022年度开启通知3条。")
    assert notices(NoticeKind.YEAR_OPEN) == [
        ("clerk", "2022年度部门整体支出绩效自评已开启，岳阳市岳阳楼区融媒体中心的自评报告已建好草稿，截止日期为2023-05-31，请及时填报。"),
        ("clerk2", "2022年度部门整体支出绩效自评已开启，岳阳市岳阳楼区档案馆的自评报告已建好草稿，截止日期为2023-05-31，请及时填报。"),
        ("head", "2022年度部门整体支出绩效自评已开启，岳阳市岳阳楼区融媒体中心的自评报告已建好草稿，截止日期为2023-05-31，请及时填报。"),
    ]
    assert Notice.objects.get(recipient=people.clerk, kind=NoticeKind.YEAR_OPEN).url == f"/reports/{report.pk}/"


def test_a_year_notice_job_interrupted_and_retried_writes_each_notice_once():
    people = make_people()
    open_2022(people)
    Notice.objects.filter(kind=NoticeKind.YEAR_OPEN).delete()
    job = paused_job(people.admin, Kind.YEAR_NOTICE, {"year": 2022})

    def recovered_after_its_notices(job, progress):
        outcome = run_year_notice(job, progress)
        jobs_recover()
        return outcome

    job_execute(job.pk, 1, runner=recovered_after_its_notices, worker_id="paused")

    job.refresh_from_db()
    assert (job.status, job.attempt, job.summary) == (Status.SUCCEEDED, 2, "已向2个部门（单位）发送2022年度开启通知0条。")
    assert len(notices(NoticeKind.YEAR_OPEN)) == 3


def test_a_failed_year_opening_sends_no_notice():
    people = make_people()
    open_2022(people)

    again = open_2022(people)

    assert (again.status, Job.objects.filter(kind=Kind.YEAR_NOTICE).count()) == (Status.FAILED, 1)


# --- 重新生成全部已审定报告PDF ----------------------------------------------------------------------
@pytest.fixture
def approved(django_capture_on_commit_callbacks):
    """An approved 2021 report with the archive its approval made, and its people."""
    people = make_people()
    with django_capture_on_commit_callbacks(execute=True):
        report = advance(submittable_report(people.department), people, ReportStatus.APPROVED)
    report = Report.objects.get(pk=report.pk)
    assert archive_rendition(report) == ""
    return people, report


@pytest.fixture
def renders(monkeypatch):
    """The reports WeasyPrint was asked to render (the real renderer still runs)."""
    rendered, render = [], pdf.report_render_pdf

    def counted(*, report, **kwargs):
        rendered.append(report.pk)
        return render(report=report, **kwargs)

    monkeypatch.setattr(pdf, "report_render_pdf", counted)
    return rendered


def archived_files():
    found = []

    def walk(folder):
        folders, files = default_storage.listdir(folder)
        found.extend(f"{folder}/{name}" for name in files)
        for sub in folders:
            walk(f"{folder}/{sub}")

    walk("approved")
    return found


def test_the_refresh_job_renders_every_approved_pdf_again_and_replaces_its_archive(
    approved, renders, client, django_capture_on_commit_callbacks,
):
    people, report = approved
    client.force_login(people.admin, backend=MODEL_BACKEND)

    with django_capture_on_commit_callbacks(execute=True):  # the replaced file is deleted once the row commits
        response = client.post(reverse("year_job_start", args=[2021, "pdf_refresh"]))

    job = Job.objects.get(kind=Kind.PDF_REFRESH)
    stored = Report.objects.get(pk=report.pk)
    assert (response.url, job.status, job.done, job.total, job.summary) == (
        f"/jobs/{job.pk}/", Status.SUCCEEDED, 1, 1, "已重新生成2021年度1份已审定报告的PDF，失败0份。")
    assert renders == [report.pk]
    assert stored.approved_pdf.name.endswith(f"report-{report.pk}-{report.approved_digest[:16]}-{job.pk.hex[:8]}.pdf")
    assert archived_files() == [stored.approved_pdf.name]  # the replaced archive is gone
    assert client.get(reverse("report_pdf", args=[report.pk])).content == stored.approved_pdf.read()


def test_a_refresh_job_interrupted_and_retried_renders_each_report_once(
    approved, renders, django_capture_on_commit_callbacks,
):
    people, report = approved
    job = paused_job(people.admin, Kind.PDF_REFRESH, {"year": 2021})

    def recovered_after_rendering(job, progress):
        outcome = run_pdf_refresh(job, progress)  # attempt 1 re-renders the report…
        jobs_recover()  # …is given up for dead, and attempt 2 runs: the report is already this job's rendition
        return outcome

    with django_capture_on_commit_callbacks(execute=True):
        late = job_execute(job.pk, 1, runner=recovered_after_rendering, worker_id="paused")

    job.refresh_from_db()
    stored = Report.objects.get(pk=report.pk)
    assert (late, job.status, job.attempt) == (None, Status.SUCCEEDED, 2)
    assert renders == [report.pk]
    assert archive_rendition(stored) == job.pk.hex[:8]
    assert archived_files() == [stored.approved_pdf.name]


def test_a_refresh_job_cancelled_while_rendering_stores_nothing(approved, monkeypatch):
    people, report = approved
    before = report.approved_pdf.name
    job = Job.objects.create(kind=Kind.PDF_REFRESH, owner=people.admin, title="任务", params={"year": 2021})
    render = pdf.report_render_pdf

    def cancelled_meanwhile(*, report, **kwargs):
        job_cancel(job=Job.objects.get(pk=job.pk), by=people.admin)
        return render(report=report, **kwargs)

    monkeypatch.setattr(pdf, "report_render_pdf", cancelled_meanwhile)

    status = job_execute(job.pk, 1, runner=RUNNERS[Kind.PDF_REFRESH])

    assert (status, Report.objects.get(pk=report.pk).approved_pdf.name, archived_files()) == (
        Status.CANCELLED, before, [before])
