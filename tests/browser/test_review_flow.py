"""The whole review in real Chromium: clerk → head (return) → clerk → head → reviewer (lowers a score,
returns) → clerk → head → reviewer (approves); sign-off blocks, verification page, refused edit.

Each person has their own browser context (their own session), as on their own computers.
Set REVIEW_SCREENSHOTS=<directory> to save the review pages as PNG files there.
"""
import os
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from reports.approval import document_digest
from reports.demo import SEED_DEPARTMENT, demo_load
from reports.enums import Status
from reports.models import Report, ScoreEntry
from reports.rendering import fmt_date
from tests.reports.review_support import MISSING_REASONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shoot(page, name):
    if os.environ.get("REVIEW_SCREENSHOTS"):
        folder = Path(os.environ["REVIEW_SCREENSHOTS"])
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"review-{name}.png"), full_page=False)


def success(page):
    return page.locator(".alert-success").first


def submit(page, base, report):
    page.goto(f"{base}/reports/{report.pk}/check/")
    page.click("#btn-submit")
    page.click("#confirm-ok")  # the confirmation (static/app/confirm.js)
    expect(success(page)).to_have_text("报告已提交部门审核，在退回之前不能再修改。")
    expect(page.locator(f"#report-{report.pk} .status-badge")).to_have_text("部门审核")


def cells(row):
    return row.locator("td").all_inner_texts()


def test_a_report_goes_through_both_reviews_with_a_return_each_and_is_approved(live_server, open_session):
    demo_load()
    report = Report.objects.get(department__code=SEED_DEPARTMENT[0], evaluation_year__year=2021)
    for code, reason in MISSING_REASONS.items():
        ScoreEntry.objects.filter(report=report, indicator__code=code).update(deduction_reason=reason)
    base = live_server.url
    today = fmt_date(timezone.localdate())

    # The clerk submits.
    clerk = open_session("clerk")
    submit(clerk, base, report)

    # The head is told, reads the report and returns it with a comment.
    head = open_session("head")
    expect(head.locator("#nav-notice-count")).to_have_text("1")
    head.click(f"#dept-review-{report.pk}")
    expect(head.locator(".review-header h1")).to_contain_text("部门审核")
    expect(head.locator(".report-sheet")).to_contain_text("评价报告综述")
    head.click("#btn-return")
    head.click("#confirm-ok")  # the confirmation (static/app/confirm.js)
    expect(head.locator("#error-comment")).to_have_text("请填写退回理由，说明需要修改的内容。")
    head.fill("#id_comment", "请填写评价组组长。")
    head.click("#btn-return")
    head.click("#confirm-ok")  # the confirmation (static/app/confirm.js)
    expect(success(head)).to_have_text("已退回：2021年度 岳阳市岳阳楼区融媒体中心的自评报告现为“草稿”。")

    # The clerk sees why, fills in the 评价组组长 and submits again.
    clerk.goto(f"{base}/")
    expect(clerk.locator("#nav-notice-count")).to_have_text("1")
    clerk.click("#nav-notices")
    shoot(clerk, "notices")
    notice = clerk.locator(".notice-text").first
    expect(notice).to_have_text("2021年度岳阳市岳阳楼区融媒体中心的自评报告被吴鹏翔退回，退回理由：请填写评价组组长。")
    notice.click()
    expect(clerk.locator(".move-comment").first).to_have_text("理由：请填写评价组组长。")
    clerk.goto(f"{base}/reports/{report.pk}/edit/people/")
    clerk.fill("#id_signoff-leader_name", "易建军")
    clerk.click("#btn-save")
    expect(success(clerk)).to_have_text("“评价人员和填报人”已保存。")
    submit(clerk, base, report)

    # The head sees what changed since the first submission, writes the opinion and approves.
    head.goto(f"{base}/")
    head.click(f"#dept-review-{report.pk}")
    shoot(head, "head")
    # expect(...) waits for the review page; reading cells at once could still see the dashboard.
    expect(head.locator("#submission-changes tbody tr td")).to_have_text(["签字和意见 · 评价组组长", "（空）", "易建军"])
    head.fill("#id_opinion", "同意报送。")
    head.click("#btn-approve")
    head.click("#confirm-ok")  # the confirmation (static/app/confirm.js)
    expect(success(head)).to_have_text("已审核通过，报送财政：2021年度 岳阳市岳阳楼区融媒体中心的自评报告现为“财政审核”。")

    # The reviewer finds it in the queue, lowers a score with a reason and returns it.
    reviewer = open_session("reviewer")
    expect(reviewer.locator("#nav-notice-count")).to_have_text("1")
    reviewer.click("#nav-review-queue")
    shoot(reviewer, "queue")
    row = reviewer.locator(f"#queue-{report.pk}")
    expect(row.locator(".status-badge")).to_have_text("财政审核")
    row.get_by_role("link", name="复核").click()
    expect(reviewer.locator(".review-header h1")).to_contain_text("财政审核")
    reviewer.fill("#id_review_score__staff_control_rate", "4")
    reviewer.click("#btn-save")
    expect(reviewer.locator("#review-row-staff_control_rate .invalid-feedback")).to_have_text(
        "复核得分与自评得分不同，请填写复核说明。")
    expect(reviewer.locator("#id_review_score__staff_control_rate")).to_have_value("4")
    shoot(reviewer, "review-error")
    reviewer.fill("#id_review_note__staff_control_rate", "在职人数超编1人，扣1分。")
    reviewer.click("#btn-save")
    expect(success(reviewer)).to_have_text("复核得分和意见已保存。")
    reviewer.fill("#id_comment", "请核实在职人数，并补充说明。")
    reviewer.click("#btn-return")
    reviewer.click("#confirm-ok")  # the confirmation (static/app/confirm.js)
    expect(success(reviewer)).to_have_text("已退回：2021年度 岳阳市岳阳楼区融媒体中心的自评报告现为“草稿”。")
    expect(reviewer).to_have_url(f"{base}/review/")  # back at the queue for the next one

    # The clerk sees the comment and the changed score, and submits again.
    clerk.goto(f"{base}/notices/")
    notice = clerk.locator(".notice-text").first
    expect(notice).to_have_text("2021年度岳阳市岳阳楼区融媒体中心的自评报告被刘建国退回，退回理由：请核实在职人数，并补充说明。")
    notice.click()
    expect(clerk.locator(".move-comment").first).to_have_text("理由：请核实在职人数，并补充说明。")
    shoot(clerk, "history")
    latest_edit = clerk.locator(".history-edit").first
    expect(latest_edit).to_contain_text("刘建国")
    assert [cells(row) for row in latest_edit.locator("tbody tr").all()] == [
        ["评分表 · 财政供养人员控制率 · 复核得分", "（空）", "4"],
        ["评分表 · 财政供养人员控制率 · 复核说明", "（空）", "在职人数超编1人，扣1分。"],
    ]
    clerk.click("#link-report")
    expect(clerk.locator(".report-sheet")).to_contain_text("复核说明：在职人数超编1人，扣1分。")
    submit(clerk, base, report)

    # The head approves again (the opinion is still there); the reviewer approves.
    head.goto(f"{base}/")
    head.click(f"#dept-review-{report.pk}")
    expect(head.locator("#id_opinion")).to_have_value("同意报送。")
    head.click("#btn-approve")
    head.click("#confirm-ok")  # the confirmation (static/app/confirm.js)
    expect(success(head)).to_have_text("已审核通过，报送财政：2021年度 岳阳市岳阳楼区融媒体中心的自评报告现为“财政审核”。")
    reviewer.goto(f"{base}/reports/{report.pk}/review/")
    expect(reviewer.locator("#submission-changes")).to_contain_text("本次提交与上次提交的内容相同。")
    expect(reviewer.locator("#id_review_score__staff_control_rate")).to_have_value("4")
    reviewer.fill("#id_opinion", "同意审定。")
    reviewer.click("#btn-approve")
    reviewer.click("#confirm-ok")  # the confirmation (static/app/confirm.js)
    expect(success(reviewer)).to_have_text("已审定通过：2021年度 岳阳市岳阳楼区融媒体中心的自评报告现为“已审定”。")

    # The sign-off blocks carry the names and dates the moves wrote.
    clerk.goto(f"{base}/reports/{report.pk}/")
    assert clerk.locator("tr.signoff p").all_inner_texts() == [
        "评价组组长（签字）：易建军", today,
        "部门（单位）意见：", "同意报送。", "部门（单位）负责人（签章）：吴鹏翔", today,
        "财政部门归口业务科室意见：", "同意审定。", "财政部门归口业务科室负责人（签章）：刘建国", today,
    ]

    # The public verification page confirms the digest, without a login.
    stored = Report.objects.get(pk=report.pk)
    assert (stored.status, stored.approved_digest) == (Status.APPROVED, document_digest(stored.approved_snapshot))
    clerk.goto(f"{base}/reports/{report.pk}/history/")
    expect(clerk.locator("#approved-digest")).to_have_text(stored.approved_digest)
    verify_url = clerk.locator("#link-verify").get_attribute("href")
    visitor = clerk.context.browser.new_page()  # no session: a stranger holding the PDF
    visitor.goto(f"{base}{verify_url}")
    expect(visitor.locator("#verify-meta")).to_contain_text("岳阳市岳阳楼区融媒体中心")
    visitor.fill("#id_digest", stored.approved_digest)
    visitor.click("#btn-verify")
    expect(visitor.locator("#verify-result")).to_have_text("一致：该摘要与系统中审定的报告内容相符。")
    shoot(visitor, "verify")
    visitor.fill("#id_digest", "0" * 64)
    visitor.click("#btn-verify")
    expect(visitor.locator("#verify-result")).to_have_text("不一致：该摘要与系统中审定的报告内容不符，报告可能被修改过。")
    visitor.close()

    # An edit of the approved report is refused, even when the page is forced to post.
    clerk.goto(f"{base}/reports/{report.pk}/edit/people/")
    expect(clerk.locator("#editor-form .alert-info")).to_have_text("这份报告当前为“已审定”，只能查看，不能修改。")
    expect(clerk.locator("#btn-save")).to_have_count(0)
    clerk.evaluate("""() => {
        const form = document.getElementById('editor-form');
        form.querySelector('fieldset').disabled = false;
        document.getElementById('id_signoff-leader_name').value = '篡改';
        form.submit();
    }""")
    expect(clerk.locator(".alert-danger").first).to_have_text("这份报告当前不能修改。")
    after = Report.objects.get(pk=report.pk)
    assert (after.leader_name, after.revision, after.approved_digest) == ("易建军", stored.revision,
                                                                           stored.approved_digest)
