import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from departments.enums import Role
from reports.enums import Status
from reports.models import ScoreEntry
from reports.workflow import move
from tests.factories import MembershipFactory, UserFactory
from tests.reports.editor_support import blank_report, clerk_of, login, seed_report

pytestmark = pytest.mark.django_db


def row_text(html, report):
    match = re.search(rf'<tr id="report-{report.pk}">(.*?)</tr>', html, re.S)
    assert match
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_home_needs_a_login(client):
    response = client.get("/")

    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/")


def test_home_lists_a_blank_report_with_everything_still_to_do(client):
    report = blank_report()
    login(client, clerk_of(report.department))

    html = client.get("/").content.decode()

    assert "<h1 class=\"h4\">我的自评报告</h1>" in html
    assert re.search(r'<section class="year-group mb-4" id="year-2021">', html)
    assert row_text(html, report) == (
        f"{report.department.code} {report.department.name} 草稿 "
        "未填写 封面和基本概况 未填写 收支情况 未填写 基础数据 未填写 绩效目标 未填写 评分表 未填写 评价报告综述 "
        "未填写 评价人员和填报人 共64处待处理 填写 检查并提交"
    )


def test_home_shows_what_is_left_of_a_nearly_finished_report(client):
    report = seed_report()
    login(client, clerk_of(report.department))

    html = client.get("/").content.decode()

    assert row_text(html, report) == (
        f"{report.department.code} {report.department.name} 草稿 未完成 基础数据 未完成 评分表 共2处待处理 填写 检查并提交"
    )


def test_home_shows_a_finished_draft_as_ready_and_a_submitted_one_as_submitted(client):
    ready, submitted = seed_report(), seed_report()
    clerk = UserFactory()
    for report in (ready, submitted):
        MembershipFactory(user=clerk, role=Role.CLERK, department=report.department)
        ScoreEntry.objects.filter(report=report, indicator__code__in=["fund_balance", "card_payment_rate"]).update(
            deduction_reason="按评分标准扣分")
    move(submitted, Status.DEPT_REVIEW, by=clerk)
    login(client, clerk)

    html = client.get("/").content.decode()

    assert row_text(html, ready).endswith("草稿 未完成 基础数据 填写 检查并提交")
    assert row_text(html, submitted).endswith("部门审核 已提交 查看")


def test_home_offers_copy_forward_when_last_years_report_exists(client):
    department = seed_report().department
    new = blank_report(department=department, year=2022)
    login(client, clerk_of(department))

    html = client.get("/").content.decode()

    assert [m for m in re.findall(r'<section class="year-group mb-4" id="year-(\d+)">', html)] == ["2022", "2021"]
    assert f'action="/reports/{new.pk}/copy-forward/"' in html
    assert html.count("从上一年度复制") == 1


def _home_queries(client):
    with CaptureQueriesContext(connection) as context:
        assert client.get("/").status_code == 200
    return len(context)


def test_home_query_count_does_not_grow_with_the_number_of_reports(client):
    one_clerk, three_clerk = UserFactory(), UserFactory()
    MembershipFactory(user=one_clerk, role=Role.CLERK, department=seed_report().department)
    for _ in range(3):
        MembershipFactory(user=three_clerk, role=Role.CLERK, department=seed_report().department)

    login(client, one_clerk)
    _home_queries(client)
    one = _home_queries(client)
    login(client, three_clerk)
    _home_queries(client)
    three = _home_queries(client)

    assert one == three


def _people_with_reports():
    from tests.reports.review_support import make_people

    people = make_people()
    blank_report(people.department)
    blank_report(people.other_department)
    return people


def test_a_reviewer_home_shows_what_waits_for_review_and_not_my_reports(client):
    people = _people_with_reports()
    from reports.models import Report

    waiting = Report.objects.get(department=people.other_department)
    Report.objects.filter(pk=waiting.pk).update(status=Status.FINANCE_REVIEW)
    login(client, people.reviewer)

    html = client.get("/").content.decode()

    assert "我的自评报告" not in html
    assert re.sub(r"<[^>]+>|\s+", "", re.search(r'<p id="review-count">(.*?)</p>', html, re.S).group(1)) == (
        "1份报告等待财政审核。打开审核列表")
    assert re.findall(r'<tr id="waiting-(\d+)">', html) == [str(waiting.pk)]
    assert f'href="/reports/{waiting.pk}/review/"' in html


def test_an_admin_home_shows_the_years_counts_and_not_my_reports(client):
    people = _people_with_reports()
    login(client, people.admin)

    html = client.get("/").content.decode()

    assert "我的自评报告" not in html
    card = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", re.search(
        r'<div class="card" id="progress-2021">(.*?)</div></div></div>', html, re.S).group(1))).strip()
    assert card == "2021年度 · 截止日期 — 草稿 2 部门审核 0 财政审核 0 已审定 0 合计 2"


def test_a_head_home_counts_what_waits_for_the_heads_decision(client):
    people = _people_with_reports()
    from reports.models import Report

    Report.objects.filter(department=people.department).update(status=Status.DEPT_REVIEW)
    login(client, people.head)

    html = client.get("/").content.decode()

    assert re.sub(r"<[^>]+>|\s+", "", re.search(r'<p[^>]*id="head-count">(.*?)</p>', html, re.S).group(1)) == (
        "1份报告等待您审核。")
    assert "<h1 class=\"h4\">我的自评报告</h1>" in html


def test_my_reports_page_twenty_at_a_time(client):
    clerk = UserFactory()
    reports = [blank_report() for _ in range(21)]
    for report in reports:
        MembershipFactory(user=clerk, role=Role.CLERK, department=report.department)
    login(client, clerk)

    first = client.get("/").content.decode()
    second = client.get("/", {"page": 2}).content.decode()

    assert len(re.findall(r'<tr id="report-\d+">', first)) == 20
    assert re.findall(r'<tr id="report-(\d+)">', second) == [str(max(reports, key=lambda r: r.department.code).pk)]
