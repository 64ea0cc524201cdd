"""The admin starts the notice and PDF jobs from 年度管理 and the year's dashboard and lands on the job's page."""
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from reports.demo import demo_load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shot(page, name):
    if os.environ.get("REVIEW_SCREENSHOTS"):
        folder = Path(os.environ["REVIEW_SCREENSHOTS"])
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / name), full_page=True)


def test_the_admin_sends_the_reminders_and_sees_the_dashboards_pdf_and_notice_jobs(live_server, open_session):
    demo_load()
    admin = open_session("admin")
    admin.goto(f"{live_server.url}/manage/")
    shot(admin, "manage-years-reminders.png")

    admin.click("#send-reminders")

    expect(admin.locator("body")).to_contain_text("已发送报告截止提醒")
    shot(admin, "job-reminders.png")
    admin.goto(f"{live_server.url}/manage/years/2021/")
    expect(admin.locator("#refresh-pdfs")).to_have_text("重新生成全部已审定报告PDF")
    expect(admin.locator("#year-notice")).to_have_text("发送年度开启通知")
    shot(admin, "dashboard-year-jobs.png")
