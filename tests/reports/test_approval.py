"""The approved PDF's archive (reports.approval.archive_pdf): outside the row lock, retried, its state shown."""
import logging

import pytest
import weasyprint
from django.core import mail
from django.urls import reverse

from reports import pdf
from reports.approval import PDF_FAILED, PDF_PENDING, archive_pdf, pdf_state
from reports.enums import Status
from reports.models import Report
from tests.reports.editor_support import login
from tests.reports.review_support import advance

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(people, report, settings, tmp_path, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    settings.ADMINS = [("绩效科", "admin@example.invalid")]
    return advance(report, people, Status.FINANCE_REVIEW)


class BrokenHTML(weasyprint.HTML):
    """WeasyPrint failing the way a renderer bug does (the assertion of a box taller than a page)."""

    def render(self, *args, **kwargs):
        raise AssertionError("assert not page_is_empty")


def approve(report, people, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return advance(report, people, Status.APPROVED)


def test_approval_archives_the_pdf_once_committed(approved, people, django_capture_on_commit_callbacks):
    report = approve(approved, people, django_capture_on_commit_callbacks)

    stored = Report.objects.get(pk=report.pk)
    assert stored.approved_pdf.name.endswith(f"-{stored.approved_digest[:16]}.pdf")
    assert (pdf_state(stored), stored.pdf_failed_at) == (None, None)


def test_a_failing_renderer_never_fails_the_approval_and_is_retried_logged_and_shown(
    approved, people, client, monkeypatch, caplog, django_capture_on_commit_callbacks,
):
    monkeypatch.setattr(pdf, "HTML", BrokenHTML)
    caplog.set_level(logging.WARNING, logger="reports.approval")

    report = approve(approved, people, django_capture_on_commit_callbacks)

    stored = Report.objects.get(pk=report.pk)
    assert (stored.status, bool(stored.approved_pdf), pdf_state(stored)) == (Status.APPROVED, False, PDF_FAILED)
    attempts = [r for r in caplog.records if r.getMessage().startswith(f"PDF archive of report {report.pk} failed (")]
    assert [r.exc_info[0] for r in attempts] == [AssertionError] * 3
    assert [m.subject for m in mail.outbox] == [f"[Django] 审定报告PDF生成失败（报告 {report.pk}）"]
    login(client, people.reviewer)
    page = client.get(reverse("report_detail", args=[report.pk])).content.decode()
    download = client.get(reverse("report_pdf", args=[report.pk]), follow=True)  # tries again, fails again
    assert 'data-state="failed">PDF 生成失败，已通知管理员</span>' in page
    assert download.redirect_chain == [(reverse("report_detail", args=[report.pk]), 302)]
    assert [str(m) for m in download.context["messages"]] == ["PDF 生成失败，已通知管理员"]


def test_a_later_run_archives_it_and_clears_the_failure(
    approved, people, client, monkeypatch, django_capture_on_commit_callbacks,
):
    monkeypatch.setattr(pdf, "HTML", BrokenHTML)
    report = approve(approved, people, django_capture_on_commit_callbacks)
    monkeypatch.undo()

    archived = archive_pdf(report.pk)

    stored = Report.objects.get(pk=report.pk)
    assert archived.pk == report.pk
    assert (bool(stored.approved_pdf), stored.pdf_failed_at, pdf_state(stored)) == (True, None, None)
    login(client, people.reviewer)
    response = client.get(reverse("report_pdf", args=[report.pk]))
    assert response.content == stored.approved_pdf.read()


def test_an_approved_report_waiting_for_its_pdf_says_so(approved, people, client):
    report = advance(approved, people, Status.APPROVED)  # on-commit callbacks not run: the archive is pending

    login(client, people.reviewer)
    page = client.get(reverse("report_detail", args=[report.pk])).content.decode()

    assert pdf_state(Report.objects.get(pk=report.pk)) == PDF_PENDING
    assert 'data-state="pending">PDF 生成中</span>' in page


def test_a_render_of_a_report_reopened_meanwhile_is_not_stored(approved, people, monkeypatch):
    report = advance(approved, people, Status.APPROVED)
    render = pdf.report_render_pdf

    def reopen_while_rendering(*, report):
        content = render(report=report)
        Report.objects.filter(pk=report.pk).update(status=Status.DRAFT, approved_digest="")
        return content

    monkeypatch.setattr(pdf, "report_render_pdf", reopen_while_rendering)

    archive_pdf(report.pk)

    assert not Report.objects.get(pk=report.pk).approved_pdf


def test_archive_pdfs_command_retries_every_approved_report_without_its_pdf(
    approved, people, monkeypatch, django_capture_on_commit_callbacks,
):
    import io

    from django.core.management import call_command

    monkeypatch.setattr(pdf, "HTML", BrokenHTML)
    report = approve(approved, people, django_capture_on_commit_callbacks)
    monkeypatch.undo()
    out = io.StringIO()

    call_command("archive_pdfs", stdout=out)

    assert out.getvalue() == "已生成 1 份，失败 0 份。\n"
    assert pdf_state(Report.objects.get(pk=report.pk)) is None
