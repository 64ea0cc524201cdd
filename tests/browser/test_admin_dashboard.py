import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from departments.enums import Role
from reports.models import Report, ScoreEntry
from reports.yearly import year_open
from scoring.services import rubric_get_or_create_default
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_admin_opens_a_year_sees_its_dashboard_charts_and_downloads_the_summary(live_server, page, tmp_path):
    admin = UserFactory(username="admin", full_name="系统管理员")
    MembershipFactory(user=admin, role=Role.ADMIN)
    offices = {code: DepartmentFactory(code=code, name=f"单位{code}").office.name for code in ("106019", "106020")}
    last_year = year_open(year=2021, rubric=rubric_get_or_create_default(), deadline=datetime.date(2022, 5, 31))
    Report.objects.filter(evaluation_year=last_year.evaluation_year).update(contact_name="孟庆红")

    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "admin")
    page.fill("#id_password", "Test-pass-2021")
    page.click("button[type=submit]")
    page.click("#nav-manage")
    page.click("#open-year")
    page.fill("#id_year", "2022")
    page.fill("#id_deadline", "2099-05-31")
    page.click("#year-open-form button[type=submit]")

    # Opening the year is a background job (run at once in the test settings): its page says what it did.
    expect(page.locator("h1")).to_have_text("开启2022年度")
    expect(page.locator("#job-summary")).to_have_text(
        "已开启2022年度，为2个部门（单位）创建了草稿报告，其中2个沿用了上一年度的数据。"
    )
    page.click(".job-link")
    expect(page.locator("h1")).to_have_text("2022年度进度")
    expect(page.locator("[data-count]")).to_have_text(["2", "2", "0", "0", "0"])
    page.wait_for_selector("#chart-grades[data-drawn=true] svg")
    page.wait_for_selector("#chart-scores[data-drawn=true] svg")
    assert page.locator("#chart-grades svg text").all_text_contents() == [
        "单位数", "评价等次", "0", "1", "2", "优秀", "良好", "中", "差", "未评分", "0", "0", "0", "0", "2", "评价等次分布",
    ]
    assert page.locator("#chart-scores svg text").all_text_contents()[-1] == "综合得分分布"
    days = (datetime.date(2099, 5, 31) - timezone.localdate()).days
    assert page.locator("#pending tbody tr").all_inner_texts() == [
        f"106019\t单位106019\t{offices['106019']}\t草稿\t剩余{days}天",
        f"106020\t单位106020\t{offices['106020']}\t草稿\t剩余{days}天",
    ]
    ScoreEntry.objects.filter(report__evaluation_year__year=2022).update(self_score=Decimal("1"))
    page.click("#download-summary")
    expect(page.locator("#job-status")).to_have_text("已完成")
    with page.expect_download() as download:
        page.click("#job-download")
    path = tmp_path / "summary.xlsx"
    download.value.save_as(path)

    rows = list(load_workbook(path)["汇总"].iter_rows(min_row=3, values_only=True))
    assert download.value.suggested_filename == "2022年度部门整体支出绩效自评汇总.xlsx"
    assert [(row[0], row[3], row[9], row[11]) for row in rows] == [  # drafts are not graded
        ("106019", "草稿", 25, None), ("106020", "草稿", 25, None), ("合计", None, None, None),
    ]
