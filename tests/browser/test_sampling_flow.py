"""A 抽评 in real Chromium: the admin draws a sample with a seed, assigns a re-reviewer from another
office, who scores the 评分表 (a wrong score is refused at its row, the input kept) and submits; the
admin reads the deviation table. Set SAMPLING_SCREENSHOTS=<directory> to save the pages as PNG files."""
import os
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from accounts.models import User
from departments.enums import Role
from departments.models import Membership, Office
from reports.demo import DEMO_PASSWORD, SEED_DEPARTMENT, demo_load
from reports.enums import Status
from reports.models import Report, ScoreEntry
from reports.workflow import move
from sampling.models import Draw, ScoreSheet
from tests.reports.review_support import MISSING_REASONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def shoot(page, name):
    if os.environ.get("SAMPLING_SCREENSHOTS"):
        folder = Path(os.environ["SAMPLING_SCREENSHOTS"])
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"sampling-{name}.png"), full_page=True)


def _approved_demo_report():
    demo_load()
    report = Report.objects.get(department__code=SEED_DEPARTMENT[0], evaluation_year__year=2021)
    for code, reason in MISSING_REASONS.items():
        ScoreEntry.objects.filter(report=report, indicator__code=code).update(deduction_reason=reason)
    users = {u.username: u for u in User.objects.filter(username__in=["clerk", "head", "reviewer"])}
    report = move(report, Status.DEPT_REVIEW, by=users["clerk"])
    report = move(report, Status.FINANCE_REVIEW, by=users["head"], comment="同意报送。")
    return move(report, Status.APPROVED, by=users["reviewer"], comment="同意。")


def test_an_admin_draws_a_sample_a_re_reviewer_scores_it_and_the_deviation_table_shows(live_server, open_session):
    report = _approved_demo_report()
    office = Office.objects.create(bureau=report.department.bureau, name="教科文科")
    rereviewer = User(username="reviewer2", full_name="孙复核")
    rereviewer.set_password(DEMO_PASSWORD)
    rereviewer.save()
    Membership.objects.create(user=rereviewer, role=Role.REVIEWER, office=office)
    base = live_server.url

    # The admin draws one report with seed 20211231, re-reviewers from another office only.
    admin = open_session("admin")
    admin.goto(f"{base}/manage/")
    admin.click("#nav-sampling")
    admin.click("#new-draw")
    admin.fill("#id_count", "1")
    admin.check("#id_other_office")
    admin.fill("#id_seed", "20211231")
    admin.click("#draw-submit")
    expect(admin.locator(".alert-success")).to_have_text("已抽取1份报告（随机种子 20211231）。")
    expect(admin.locator("#draw-seed")).to_have_text("20211231")
    expect(admin.locator("#draw-repeat")).to_have_text("以同一种子和条件重新抽取，结果一致。")
    row = admin.locator(f"#sample-{report.department.code}")
    # The original reviewer (刘建国, same office) is not offered; the other office's reviewer is.
    options = row.locator("select option").all_inner_texts()
    assert options == ["---------", "孙复核（reviewer2）"]
    row.locator("select").select_option(label="孙复核（reviewer2）")
    row.locator("button").click()
    expect(admin.locator(".alert-success")).to_have_text("已指定复核人。")
    expect(admin.locator(f"#sample-{report.department.code} .badge")).to_have_text("复核中")
    shoot(admin, "draw")

    # The re-reviewer finds the task, scores with one score too high, is told at the row and keeps the input.
    scorer = open_session("reviewer2")
    scorer.click("#nav-sheets")
    scorer.click(f"text={report.department.name}")
    own = {code: f"{score.normalize():f}" for code, score in
           ScoreEntry.objects.filter(report=report).values_list("indicator__code", "self_score")}
    for code, score in own.items():
        scorer.fill(f"#id_score__{code}", score)
    scorer.fill("#id_score__satisfaction", "6")
    scorer.click("#sheet-submit")
    expect(scorer.locator("#sheet-row-satisfaction .invalid-feedback")).to_have_text("得分应在0至5分之间。")
    expect(scorer.locator("#id_score__satisfaction")).to_have_value("6")
    scorer.fill("#id_score__satisfaction", "3.5")
    scorer.fill("#id_reason__satisfaction", "满意度调查样本不足，不能支撑满分。")
    scorer.fill("#id_score__fund_balance", "1")
    scorer.fill("#id_reason__fund_balance", "结余偏大。")
    scorer.click("#sheet-submit")
    expect(scorer.locator("[role=alert].alert-success")).to_have_text("评分已提交。")
    expect(scorer.locator("#sheet-submitted")).to_contain_text("已于")
    shoot(scorer, "sheet")

    # The admin reads the deviation table: per office, per department and per row.
    admin.goto(f"{base}/sampling/draws/{Draw.objects.get().pk}/")
    expect(admin.locator(f"#sample-{report.department.code} .badge")).to_have_text("已提交")
    admin.click("#deviation-link")
    sheet = ScoreSheet.objects.get()
    own_total = sum(ScoreEntry.objects.filter(report=report).values_list("self_score", flat=True))
    assert sheet.total == own_total - Decimal("2.5")  # 满意度 5 → 3.5, 资金结余 2 → 1
    office_row = admin.locator("#deviation-offices tbody tr").first
    expect(office_row.locator("td").first).to_have_text(report.department.office.name)
    departments = admin.locator("#deviation-departments tbody tr")
    expect(departments).to_have_count(1)
    marked = admin.locator("#deviation-rows tbody tr.table-warning")
    expect(marked).to_have_count(2)
    expect(marked.filter(has_text="社会公众或服务对象满意度").locator("td").nth(8)).to_have_text(
        "满意度调查样本不足，不能支撑满分。")
    shoot(admin, "deviation")
