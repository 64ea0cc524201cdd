"""One-way moves ask first in a native <dialog> (static/app/confirm.js, no CDN): 取消 sends nothing,
确定 sends the form with the button pressed."""
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from reports.demo import SEED_DEPARTMENT, demo_load
from reports.enums import Status
from reports.models import Report, ScoreEntry
from tests.reports.review_support import MISSING_REASONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_submitting_asks_first_and_cancel_keeps_the_draft(live_server, open_session):
    demo_load()
    report = Report.objects.get(department__code=SEED_DEPARTMENT[0], evaluation_year__year=2021)
    for code, reason in MISSING_REASONS.items():
        ScoreEntry.objects.filter(report=report, indicator__code=code).update(deduction_reason=reason)
    clerk = open_session("clerk")
    clerk.goto(f"{live_server.url}/reports/{report.pk}/check/")

    clerk.click("#btn-submit")

    dialog = clerk.locator("#confirm-dialog")
    expect(dialog).to_be_visible()
    expect(dialog.locator("#confirm-dialog-message")).to_have_text("提交后将不能再修改，报告将交给部门负责人审核。确定提交？")
    expect(dialog.locator("#confirm-ok")).to_have_text("提交部门审核")
    if os.environ.get("REVIEW_SCREENSHOTS"):
        folder = Path(os.environ["REVIEW_SCREENSHOTS"])
        folder.mkdir(parents=True, exist_ok=True)
        clerk.screenshot(path=str(folder / "confirm-submit.png"))
    clerk.click("#confirm-cancel")
    expect(dialog).to_be_hidden()
    assert Report.objects.get(pk=report.pk).status == Status.DRAFT

    clerk.keyboard.press("Escape")  # nothing pending: Esc does nothing either
    clerk.click("#btn-submit")
    clerk.click("#confirm-ok")
    expect(clerk.locator(".alert-success").first).to_have_text("报告已提交部门审核，在退回之前不能再修改。")
    assert Report.objects.get(pk=report.pk).status == Status.DEPT_REVIEW


def test_escape_closes_the_question_without_sending(live_server, open_session):
    demo_load()
    report = Report.objects.get(department__code=SEED_DEPARTMENT[0], evaluation_year__year=2021)
    for code, reason in MISSING_REASONS.items():
        ScoreEntry.objects.filter(report=report, indicator__code=code).update(deduction_reason=reason)
    clerk = open_session("clerk")
    clerk.goto(f"{live_server.url}/reports/{report.pk}/check/")

    clerk.click("#btn-submit")
    clerk.keyboard.press("Escape")

    expect(clerk.locator("#confirm-dialog")).to_be_hidden()
    expect(clerk).to_have_url(f"{live_server.url}/reports/{report.pk}/check/")
    assert Report.objects.get(pk=report.pk).status == Status.DRAFT
