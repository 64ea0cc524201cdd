"""A return with marks in real Chromium: the reviewer sets a 复核得分, marks a section and a 评分表 row and
returns; the clerk sees 已退回修改 on the home page, in the editor and on the check page, the marked
section and row highlighted and the 复核得分 beside its row; the clerk fixes the row and resubmits; the
head forwards; the reviewer sees what changed in each marked place.

Set RETURN_SCREENSHOTS=<directory> to save the pages as PNG files there (docs/screenshots/ holds them).
"""
import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import User
from reports.demo import SEED_DEPARTMENT, demo_load
from reports.enums import Status
from reports.models import Report, ScoreEntry
from reports.workflow import move
from tests.reports.review_support import MISSING_REASONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shoot(page, name, locator=None):
    if os.environ.get("RETURN_SCREENSHOTS"):
        folder = Path(os.environ["RETURN_SCREENSHOTS"])
        folder.mkdir(parents=True, exist_ok=True)
        (locator or page).screenshot(path=str(folder / f"return-{name}.png"))


def test_a_marked_return_reaches_the_clerk_and_the_reviewer_sees_what_changed_there(live_server, open_session):
    demo_load()
    report = Report.objects.get(department__code=SEED_DEPARTMENT[0], evaluation_year__year=2021)
    for code, reason in MISSING_REASONS.items():
        ScoreEntry.objects.filter(report=report, indicator__code=code).update(deduction_reason=reason)
    clerk_user, head_user = (User.objects.get(username=name) for name in ("clerk", "head"))
    report = move(report, Status.DEPT_REVIEW, by=clerk_user)
    move(report, Status.FINANCE_REVIEW, by=head_user, comment="同意报送。")
    base = live_server.url

    # The reviewer lowers 财政供养人员控制率, marks 评价报告综述 and the 资金结余 row, and returns.
    reviewer = open_session("reviewer")
    reviewer.goto(f"{base}/reports/{report.pk}/review/")
    reviewer.fill("#id_review_score__staff_control_rate", "4")
    reviewer.fill("#id_review_note__staff_control_rate", "实有在职13人，超编1人。")
    reviewer.check("input[name=return_sections][value=narrative]")
    reviewer.check("#review-row-fund_balance input[name=return_rows]")
    reviewer.fill("#id_comment", "资金结余的扣分原因请写明结余金额；综述请补充存在的问题。")
    shoot(reviewer, "reviewer-marks", reviewer.locator("#review-form"))
    reviewer.click("#btn-return")
    reviewer.click("#confirm-ok")  # the confirmation (static/app/confirm.js)
    expect(reviewer.locator(".alert-success").first).to_have_text("已退回：2021年度 岳阳市岳阳楼区融媒体中心的自评报告现为“草稿”。")

    # The clerk's home says so, with who, why and what to fix.
    clerk = open_session("clerk")
    notice = clerk.locator(f"#returned-{report.pk}")
    expect(notice).to_contain_text("已退回修改 刘建国于")
    expect(notice).to_contain_text("在“财政审核”环节退回。 理由：资金结余的扣分原因请写明结余金额；综述请补充存在的问题。")
    expect(notice).to_contain_text("需修改：评价报告综述、评分表1项指标")
    shoot(clerk, "home", clerk.locator(f"#report-{report.pk}"))

    # The editor: the banner, the marked sections in the navigation, the row and its 复核得分.
    clerk.goto(f"{base}/reports/{report.pk}/edit/scores/")
    banner = clerk.locator("#returned-banner")
    expect(banner).to_contain_text("退回理由：资金结余的扣分原因请写明结余金额；综述请补充存在的问题。")
    expect(banner.locator(".returned-place")).to_have_text(["评价报告综述", "评分表 · 资金结余"])
    expect(clerk.locator(".editor-nav-link.returned-mark .editor-nav-title")).to_have_text(
        ["评分表 需修改", "评价报告综述 需修改"])
    expect(clerk.locator("tr.score-row.returned-mark")).to_have_count(1)
    expect(clerk.locator("#row-fund_balance")).to_have_class(re.compile(r"\breturned-mark\b"))
    expect(clerk.locator("#review-staff_control_rate")).to_have_text("复核4分实有在职13人，超编1人。")
    shoot(clerk, "editor-scores")
    clerk.locator("#row-fund_balance").scroll_into_view_if_needed()
    shoot(clerk, "editor-scores-row", clerk.locator("#row-fund_balance"))

    # The clerk fixes the marked row and 综述, then sees the banner on the check page and resubmits.
    clerk.fill("#id_scores-reason__fund_balance", "年末结余12.30万元，未超过上年结转。")
    clerk.click("#btn-save")
    expect(clerk.locator(".alert-success").first).to_have_text("“评分表”已保存。")
    clerk.click("#nav-narrative")
    expect(clerk.locator("#section-marked")).to_be_visible()
    clerk.fill("#id_narrative-problems", "一是预算编制不够精细；二是绩效目标设定偏宽。")
    clerk.click("#btn-save")
    expect(clerk.locator(".alert-success").first).to_have_text("“评价报告综述”已保存。")
    clerk.goto(f"{base}/reports/{report.pk}/check/")
    expect(clerk.locator("#returned-banner")).to_be_visible()
    shoot(clerk, "check")
    clerk.click("#btn-submit")
    clerk.click("#confirm-ok")  # the confirmation (static/app/confirm.js)
    expect(clerk.locator(".alert-success").first).to_have_text("报告已提交部门审核，在退回之前不能再修改。")
    expect(clerk.locator(f"#returned-{report.pk}")).to_have_count(0)

    # The head forwards it; the reviewer sees what changed in each marked place.
    head = open_session("head")
    head.click(f"#dept-review-{report.pk}")
    head.fill("#id_opinion", "同意报送。")
    head.click("#btn-approve")
    head.click("#confirm-ok")  # the confirmation (static/app/confirm.js)
    expect(head).to_have_url(f"{base}/")  # forwarded (the head is back home) before the reviewer looks
    reviewer.goto(f"{base}/reports/{report.pk}/review/")
    expect(reviewer.locator("#last-return-marks")).to_have_text("退回时标记：评价报告综述、评分表 · 资金结余")
    rows = reviewer.locator("#marked-changes tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("评价报告综述")
    expect(rows.nth(0)).to_contain_text("一是预算编制不够精细；二是绩效目标设定偏宽。")
    expect(rows.nth(1)).to_contain_text("评分表 · 资金结余 · 扣分原因和其他说明")
    expect(rows.nth(1)).to_contain_text("年末结余12.30万元，未超过上年结转。")
    shoot(reviewer, "reviewer-changes", reviewer.locator("#marked-changes"))
