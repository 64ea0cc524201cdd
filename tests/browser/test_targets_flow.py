"""Year-start targets in real Chromium: the clerk declares, the head forwards, the reviewer returns once
and approves; the year-end report carries the targets read-only, the clerk enters 实际值 and sees 完成率,
a shortfall flag and its 偏差原因; an approved 调整申请 shows in the report.

Set TARGET_SCREENSHOTS=<directory> to save the pages as PNG files there.
"""
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from reports.demo import SEED_DEPARTMENT, demo_load
from reports.models import Report
from targets.models import Declaration, IndicatorResult
from targets.yearend import report_targets

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shoot(page, name):
    if os.environ.get("TARGET_SCREENSHOTS"):
        folder = Path(os.environ["TARGET_SCREENSHOTS"])
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"targets-{name}.png"), full_page=True)


def success(page):
    return page.locator(".alert-success").first


def test_targets_are_declared_reviewed_and_held_to_in_the_year_end_report(live_server, open_session):
    demo_load()
    report = Report.objects.get(department__code=SEED_DEPARTMENT[0], evaluation_year__year=2021)

    # The clerk declares the year's targets.
    clerk = open_session("clerk")
    clerk.click("#nav-targets")
    clerk.fill("#id_year", "2021")
    clerk.click("#declare")
    expect(success(clerk)).to_have_text("已创建2021年度的绩效目标申报。")
    clerk.fill("#id_budget-budget_general", "260.48")
    clerk.click("[data-add-row=tasks]")
    clerk.fill("#id_tasks-0-text", "负责全区新闻报道计划的制定实施")
    clerk.click("[data-add-row=goals]")
    clerk.fill("#id_goals-0-text", "及时宣传报道区内经济、政治、文化、社会和生态文明建设中的大事")
    clerk.click("[data-add-row=ind-quantity]")
    clerk.fill("#id_ind-quantity-0-name", "中央级主流党媒发稿")
    clerk.fill("#id_ind-quantity-0-value", "很多")
    clerk.click("#save")
    expect(clerk.locator("#formset-ind-quantity td.cell-value .invalid-feedback")).to_have_text("请输入数字，如 129 或 98.5。")
    expect(clerk.locator("#id_ind-quantity-0-name")).to_have_value("中央级主流党媒发稿")
    clerk.fill("#id_ind-quantity-0-value", "129")
    clerk.fill("#id_ind-quantity-0-unit", "篇")
    clerk.click("[data-add-row=ind-cost]")
    clerk.fill("#id_ind-cost-0-name", "三公经费支出")
    clerk.select_option("#id_ind-cost-0-direction", "le")
    clerk.fill("#id_ind-cost-0-value", "2.81")
    clerk.fill("#id_ind-cost-0-unit", "万元")
    clerk.click("[data-add-row=ind-satisfaction]")
    clerk.fill("#id_ind-satisfaction-0-name", "社会反响")
    clerk.select_option("#id_ind-satisfaction-0-direction", "qual")
    clerk.fill("#id_ind-satisfaction-0-qualitative_value", "良好")
    shoot(clerk, "editor")
    clerk.click("#save-and-view")
    expect(success(clerk)).to_have_text("已保存。")
    expect(clerk.locator("#target-tree tbody tr")).to_have_count(3)
    clerk.click("#move-dept_review")
    clerk.click("#confirm-ok")  # the confirmation (static/app/confirm.js)
    expect(clerk.locator("#declaration-status")).to_have_text("部门审核")
    declaration = Declaration.objects.get(year=2021, department__code=SEED_DEPARTMENT[0])

    # The head forwards it to the finance bureau.
    head = open_session("head")
    head.goto(f"{live_server.url}/targets/")
    head.locator("#target-notices a").first.click()
    head.fill("#id_comment", "同意报送。")
    head.click("#move-finance_review")
    head.click("#confirm-ok")  # the confirmation (static/app/confirm.js)
    expect(head.locator("#declaration-status")).to_have_text("财政审核")

    # The reviewer returns it once (a return needs a reason), then approves the corrected version.
    reviewer = open_session("reviewer")
    reviewer.goto(f"{live_server.url}/targets/{declaration.pk}/")
    reviewer.click("#move-draft")
    reviewer.click("#confirm-ok")  # the confirmation (static/app/confirm.js)
    expect(reviewer.locator("#declaration-moves .invalid-feedback")).to_have_text("请填写退回的理由。")
    reviewer.fill("#id_comment", "满意度指标请写明调查对象。")
    reviewer.click("#move-draft")
    reviewer.click("#confirm-ok")  # the confirmation (static/app/confirm.js)
    expect(reviewer.locator("#declaration-status")).to_have_text("草稿")

    clerk.goto(f"{live_server.url}/targets/{declaration.pk}/edit/")
    clerk.fill("#id_ind-satisfaction-0-name", "服务对象满意度（社会反响）")
    clerk.click("#save-and-view")
    clerk.click("#move-dept_review")
    clerk.click("#confirm-ok")  # the confirmation (static/app/confirm.js)
    expect(clerk.locator("#declaration-status")).to_have_text("部门审核")  # the move is done before the head looks
    head.goto(f"{live_server.url}/targets/{declaration.pk}/")
    head.click("#move-finance_review")
    head.click("#confirm-ok")  # the confirmation (static/app/confirm.js)
    expect(head.locator("#declaration-status")).to_have_text("财政审核")
    reviewer.goto(f"{live_server.url}/targets/{declaration.pk}/")
    reviewer.click("#move-approved")
    reviewer.click("#confirm-ok")  # the confirmation (static/app/confirm.js)
    expect(reviewer.locator("#declaration-status")).to_have_text("已批复")
    expect(reviewer.locator("#declaration-history tbody tr")).to_have_count(6)
    shoot(reviewer, "approved")

    # The year-end report: the targets read-only, the clerk enters the actuals.
    clerk.goto(f"{live_server.url}/reports/{report.pk}/edit/goals/")
    table = clerk.locator("#results-table")
    expect(table.locator(".result-row")).to_have_count(3)
    expect(table.locator(".result-row").nth(0).locator(".target-value")).to_have_text("≥ 129 篇")
    expect(table.locator("input[name*=value__]")).to_have_count(2)  # 实际值 only; the 指标值 are text
    posts, cost, mood = (row.indicator for row in report_targets(report).rows)
    clerk.fill(f"#id_results-actual_value__{posts.pk}", "100")
    clerk.fill(f"#id_results-actual_value__{cost.pk}", "2.5")
    clerk.select_option(f"#id_results-outcome__{mood.pk}", "met")
    clerk.click("#btn-save")
    row = table.locator(f"[data-indicator='{posts.pk}']")
    expect(row.locator(".completion")).to_contain_text("77.52%")
    expect(row.locator(".shortfall-flag")).to_have_text("未完成")
    clerk.goto(f"{live_server.url}/reports/{report.pk}/check/")
    expect(clerk.get_by_text("绩效目标“中央级主流党媒发稿”未完成，请填写偏差原因。")).to_be_visible()
    clerk.goto(f"{live_server.url}/reports/{report.pk}/edit/goals/")
    clerk.fill(f"#id_results-deviation_reason__{posts.pk}", "上级媒体版面压缩，中央级稿件减少。")
    clerk.click("#btn-save")
    expect(row.locator(f"#id_results-deviation_reason__{posts.pk}")).to_have_value("上级媒体版面压缩，中央级稿件减少。")
    assert IndicatorResult.objects.get(indicator=posts).deviation_reason == "上级媒体版面压缩，中央级稿件减少。"
    shoot(clerk, "report")

    # A 调整申请 lowers the 发稿 target; once approved the report shows the adjusted target and says so.
    clerk.goto(f"{live_server.url}/targets/{declaration.pk}/")
    clerk.click("#request-adjustment")
    clerk.fill("#id_adjust-reason", "上级下调中央级媒体发稿任务。")
    clerk.fill("#id_rows-0-value", "100")
    clerk.click("#submit-adjustment")
    clerk.click("#confirm-ok")  # the confirmation (static/app/confirm.js)
    expect(clerk.locator("#adjustment-status")).to_have_text("财政审核")
    adjustment_url = clerk.url
    reviewer.goto(adjustment_url)
    expect(reviewer.locator("#adjustment-lines tbody td")).to_have_text(["中央级主流党媒发稿", "≥ 129 篇", "≥ 100 篇"])
    reviewer.click("#adjust-move-approved")
    reviewer.click("#confirm-ok")  # the confirmation (static/app/confirm.js)
    expect(reviewer.locator("#adjustment-status")).to_have_text("已批准")

    clerk.goto(f"{live_server.url}/reports/{report.pk}/edit/goals/")
    expect(row.locator(".target-value")).to_have_text("≥ 100 篇 已调整")
    expect(row.locator(".completion")).to_contain_text("100.00%")
    expect(clerk.locator("#targets-adjusted")).to_contain_text("上级下调中央级媒体发稿任务。")
    shoot(clerk, "adjusted")

    # The report's own page prints the carried targets with their 完成情况 and says they were adjusted.
    clerk.goto(f"{live_server.url}/reports/{report.pk}/")
    printed = clerk.locator("#report-targets")
    expect(printed.locator("tbody tr").first).to_contain_text("中央级主流党媒发稿")
    expect(printed.locator("tbody tr").first).to_contain_text("≥ 100 篇")
    expect(printed).to_contain_text("上级媒体版面压缩，中央级稿件减少。")
    expect(clerk.locator("#report-targets-adjusted")).to_contain_text("上级下调中央级媒体发稿任务。")
    shoot(clerk, "report-page")

    # The department's 绩效档案 shows the year's completion in its table and chart.
    clerk.goto(f"{live_server.url}/targets/{declaration.pk}/")
    clerk.click("#department-archive")
    expect(clerk.locator("#archive-years .archive-year[data-year='2021'] .completion")).to_have_text("100.00%")
    expect(clerk.locator("#archive-chart .completion-dot")).to_have_count(1)
    shoot(clerk, "archive")
