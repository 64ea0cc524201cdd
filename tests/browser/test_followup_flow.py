"""A 整改 round trip in real Chromium: the reviewer records a finding on an approved report → the department
is told, answers with measures, responsible person, date and a file → the reviewer returns it (a reason is
required) → the department answers again → the reviewer accepts; history on the finding and the report.

Set FOLLOWUP_SCREENSHOTS=<directory> to save the pages as PNG files there.
"""
import datetime
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import User
from followup.models import Finding
from reports.demo import SEED_DEPARTMENT, demo_load
from reports.enums import Status
from reports.models import Report, ScoreEntry
from reports.workflow import move
from tests.evidence.support import pdf_bytes
from tests.reports.review_support import MISSING_REASONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shoot(page, name):
    if os.environ.get("FOLLOWUP_SCREENSHOTS"):
        folder = Path(os.environ["FOLLOWUP_SCREENSHOTS"])
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"followup-{name}.png"), full_page=True)


def success(page):
    return page.locator(".alert-success").first


def approved_report():
    demo_load()
    report = Report.objects.get(department__code=SEED_DEPARTMENT[0], evaluation_year__year=2021)
    for code, reason in MISSING_REASONS.items():
        ScoreEntry.objects.filter(report=report, indicator__code=code).update(deduction_reason=reason)
    for status, username, comment in ((Status.DEPT_REVIEW, "clerk", ""), (Status.FINANCE_REVIEW, "head", "同意。"),
                                      (Status.APPROVED, "reviewer", "同意。")):
        report = move(report, status, by=User.objects.get(username=username), comment=comment)
    return report


def answer(page, measures, file=None):
    page.fill("#id_measures", measures)
    page.fill("#id_responsible", "孟庆红")
    page.fill("#id_completed_on", timezone.localdate().isoformat())
    if file:
        page.set_input_files("#id_file", files=[file])
    page.click("#btn-reply-submit")
    page.click("#confirm-ok")  # the confirmation (static/app/confirm.js)
    expect(success(page)).to_have_text("整改答复已保存，现为“待验收”。")


def test_a_finding_is_answered_returned_answered_again_and_accepted(live_server, open_session, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    report = approved_report()
    base = live_server.url
    deadline = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()

    # The reviewer records a finding from the report's page; a missing description is refused at the field.
    reviewer = open_session("reviewer")
    reviewer.goto(f"{base}/reports/{report.pk}/")
    reviewer.click("#btn-new-finding")
    reviewer.select_option("#id_category", "budget")
    reviewer.check("#finding-places input[value='section/finance']")
    reviewer.fill("#id_deadline", deadline)
    reviewer.click("#btn-record-finding")
    expect(reviewer.locator("#error-description")).to_have_text("请填写问题描述。")
    expect(reviewer.locator("#id_deadline")).to_have_value(deadline)
    reviewer.fill("#id_description", "三公经费预算未细化到具体项目。")
    shoot(reviewer, "record")
    reviewer.click("#btn-record-finding")
    expect(success(reviewer)).to_have_text("已记录问题并向部门下达整改通知。")
    finding = Finding.objects.get()

    # The clerk is told (整改通知) and answers with a file.
    clerk = open_session("clerk")
    expect(clerk.locator("#nav-followup-count")).to_have_text("1")
    expect(clerk.locator("#home-followup")).to_contain_text("待整改 1 项")
    clerk.click("#nav-followup")
    notice = clerk.locator(".followup-notice-text").first
    expect(notice).to_contain_text("整改通知：刘建国在2021年度岳阳市岳阳楼区融媒体中心的自评报告中发现“预算编制”问题")
    notice.click()
    expect(clerk.locator("#finding-places")).to_have_text("收支情况")
    pdf = tmp_path / "预算细化说明.pdf"
    pdf.write_bytes(pdf_bytes())
    answer(clerk, "已将三公经费预算细化到项目。", file=str(pdf))
    expect(clerk.locator("#finding-evidence")).to_have_text("预算细化说明.pdf")

    # The reviewer returns it: a reason is required.
    reviewer.goto(f"{base}/followup/findings/{finding.pk}/")
    reviewer.click("#finding-move-open")
    reviewer.click("#confirm-ok")  # the confirmation (static/app/confirm.js)
    expect(reviewer.locator("#error-comment")).to_have_text("请填写退回的理由，说明还需整改的内容。")
    reviewer.fill("#id_comment", "请附预算批复文件。")
    reviewer.click("#finding-move-open")
    reviewer.click("#confirm-ok")  # the confirmation (static/app/confirm.js)
    expect(success(reviewer)).to_have_text("整改问题现为“待整改”。")

    # The clerk sees why, answers again.
    clerk.goto(f"{base}/followup/")
    expect(clerk.locator(".followup-notice-text").first).to_have_text(
        "2021年度岳阳市岳阳楼区融媒体中心“预算编制”问题的整改被刘建国退回，理由：请附预算批复文件。")
    clerk.goto(f"{base}/followup/findings/{finding.pk}/")
    expect(clerk.locator("#id_measures")).to_have_value("已将三公经费预算细化到项目。")
    answer(clerk, "已将三公经费预算细化到项目，附预算批复。")

    # The reviewer accepts.
    reviewer.goto(f"{base}/followup/findings/{finding.pk}/")
    reviewer.click("#finding-move-accepted")
    reviewer.click("#confirm-ok")  # the confirmation (static/app/confirm.js)
    expect(success(reviewer)).to_have_text("整改问题现为“已整改”。")
    expect(reviewer.locator("#finding-status")).to_have_text("已整改")
    expect(reviewer.locator("#finding-history .history-label")).to_have_text(
        ["下达整改通知", "提交整改答复", "退回重新整改", "提交整改答复", "验收通过"])
    shoot(reviewer, "accepted")

    # The report's history lists the follow-up among its edits.
    clerk.goto(f"{base}/reports/{report.pk}/history/")
    expect(clerk.locator("body")).to_contain_text("问题整改")
    assert Finding.objects.get().status == "accepted"
