"""A clerk fills the demo's empty 2021 report in real Chromium, section by section, and submits it.

Set EDITOR_SCREENSHOTS=1 to write each section at 1366×768 to docs/screenshots/editor-*.png.
"""
import copy
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from reports.demo import DEMO_PASSWORD, SECOND_DEPARTMENT, SEED_DEPARTMENT, demo_load
from reports.editing import report_save_section
from reports.forms.sections import SECTIONS
from reports.interchange import report_export
from reports.models import Report
from scoring.evaluate import report_score
from scoring.models import Indicator
from tests.reports.editor_support import clerk_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
# 扣分原因 the clerk gives where the seed scores below 分值 without one (the check page requires it).
REASONS = {"fund_balance": "有结余，但未超过上年结转。", "card_payment_rate": "公务卡刷卡率未达到要求。"}
# Amounts typed the way a clerk copies them from a paper draft; the rest are typed as stored.
FORGIVING = {("income", "public_finance"): "２６０．４８", ("expenditure", "personnel"): " 143.46 ",
             ("three_public", "total"): "2.81万元"}
TABLE_PREFIX = {"income": "income", "expenditure": "expenditure", "three_public": "three_public",
                "fixed_assets": "fixed_asset"}


def shoot(page, name):
    if os.environ.get("EDITOR_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(SCREENSHOTS / f"editor-{name}.png"))


def typed(value):
    return "" if value is None else str(value)


def add_rows(page, prefix, rows, fill_row):
    for index, row in enumerate(rows):
        page.click(f'[data-add-row="{prefix}"]')
        fill_row(index, row)


def log_in(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_have_text("我的自评报告")


def save_and_continue(page, title):
    page.click("#btn-save-next")
    expect(page.locator(".alert-success").first).to_have_text(f"“{title}”已保存。")


def fill_cover(page, seed):
    for name, value in {**seed["cover"], **seed["overview"]}.items():
        page.fill(f"#id_cover-{name}", typed(value))
    add_rows(page, "tasks", seed["tasks"], lambda i, text: page.fill(f"#id_tasks-{i}-text", text))


def fill_finance(page, seed, own_name):
    for key, prefix in TABLE_PREFIX.items():
        def fill_row(index, row, prefix=prefix, key=key):
            for field, value in row.items():
                value = own_name if field == "org_name" else FORGIVING.get((key, field), typed(value))
                page.fill(f"#id_{prefix}-{index}-{field}", value)
        # An empty table starts with one row named after the department; the others are added.
        expect(page.locator(f"#id_{prefix}-0-org_name")).to_have_value(own_name)
        rows = seed[key]
        if rows:
            fill_row(0, rows[0])
        for index, row in enumerate(rows[1:], start=1):
            page.click(f'[data-add-row="{prefix}"]')
            fill_row(index, row)


def fill_goals(page, seed):
    def fill_goal(prefix):
        def fill(index, row):
            page.fill(f"#id_{prefix}-{index}-target", row["target"])
            page.fill(f"#id_{prefix}-{index}-actual", row["actual"])
        return fill

    add_rows(page, "qualitative", seed["qualitative_goals"], fill_goal("qualitative"))
    by_category = {}
    for row in seed["quantitative"]:
        by_category.setdefault(row["category"], []).append(row)
    for category, rows in by_category.items():
        add_rows(page, f"q-{category}", rows, fill_goal(f"q-{category}"))


def expected_reasons(seed):
    """The seed's 扣分原因, with REASONS where a score below 分值 has none."""
    points = {i.code: i.max_points for i in Indicator.objects.filter(level=3).select_related("shares_points_with")}
    reasons = {}
    for row in seed["scores"]:
        reason = row["deduction_reason"]
        if not reason and row["self_score"] is not None and Decimal(row["self_score"]) < points[row["code"]] \
                and row["code"] in REASONS:
            reason = REASONS[row["code"]]
        reasons[row["code"]] = reason
    return reasons


def normalised(doc, own_name):
    doc = copy.deepcopy(doc)
    doc.pop("department")
    doc.pop("status")
    for key in TABLE_PREFIX:
        for row in doc[key]:
            row["org_name"] = row["org_name"].replace(own_name, "本部门")
    return doc


def test_a_clerk_fills_the_empty_report_section_by_section_and_submits_it(live_server, page):
    demo_load()
    seed_report = Report.objects.get(department__code=SEED_DEPARTMENT[0])
    seed = report_export(seed_report)
    report = Report.objects.get(department__code=SECOND_DEPARTMENT[0])
    own_name = SECOND_DEPARTMENT[1]
    log_in(page, live_server, "clerk2")
    shoot(page, "home")
    page.locator(f"#report-{report.pk}").get_by_role("link", name="填写", exact=True).click()

    # 封面和基本概况
    expect(page.locator("#nav-cover .state-badge")).to_have_text("未填写")
    fill_cover(page, seed)
    expect(page.locator("#id_cover-actual_headcount + .live-hint")).to_have_text("✓ 与各项之和一致")
    shoot(page, "cover")
    save_and_continue(page, "封面和基本概况")
    expect(page.locator("#nav-cover .state-badge")).to_have_text("已完成")

    # 收支情况: a mistyped 收入合计 first
    fill_finance(page, seed, own_name)
    page.fill("#id_income-0-total", "206.48")
    expect(page.locator("#id_income-0-total + .live-hint")).to_have_text("收入合计应等于各项之和 260.48")
    page.click("#btn-save-next")
    expect(page.locator("td.cell-total .invalid-feedback").first).to_have_text(
        "收入合计应等于上年结转、公共财政拨款、政府基金拨款、纳入专户管理的非税收入拨款、其他收入之和："
        "填写为 206.48，各项之和为 260.48。")
    expect(page.locator("#nav-finance .state-badge")).to_have_text("有错误")
    assert page.input_value("#id_income-0-total") == "206.48"
    assert page.input_value("#id_income-0-public_finance") == "２６０．４８"
    assert page.input_value("#id_expenditure-0-personnel") == " 143.46 "
    assert page.input_value("#id_three_public-0-total") == "2.81万元"
    assert page.input_value("#id_fixed_asset-0-total") == "92.43"
    assert page.input_value("#id_fixed_asset-0-org_name") == own_name
    shoot(page, "finance-error")
    page.fill("#id_income-0-total", "260.48")
    expect(page.locator("#id_income-0-total + .live-hint")).to_have_text("✓ 与各项之和一致")
    shoot(page, "finance")
    save_and_continue(page, "收支情况")

    # 基础数据
    for name, value in seed["base_data"].items():
        page.fill(f"#id_base-{name}", typed(value))
    shoot(page, "base-data")
    save_and_continue(page, "基础数据")

    # 绩效目标
    fill_goals(page, seed)
    shoot(page, "goals")
    save_and_continue(page, "绩效目标")

    # 评分表
    reasons = expected_reasons(seed)
    for row in seed["scores"]:
        page.fill(f"#id_scores-score__{row['code']}", typed(row["self_score"]))
        page.fill(f"#id_scores-reason__{row['code']}", reasons[row["code"]])
    expect(page.locator("#score-total")).to_have_text("98")
    expect(page.locator("#score-grade")).to_have_text("优秀")
    shoot(page, "scores")
    save_and_continue(page, "评分表")

    # 评价报告综述
    for name, value in seed["narrative"].items():
        page.fill(f"#id_narrative-{name}", value)
    shoot(page, "narrative")
    save_and_continue(page, "评价报告综述")

    # 评价人员和填报人
    def fill_evaluator(index, row):
        for field, value in row.items():
            page.fill(f"#id_evaluators-{index}-{field}", value)

    add_rows(page, "evaluators", seed["evaluators"], fill_evaluator)
    for name in ("leader_name", "leader_signed_on", "filler_name", "filler_phone"):
        page.fill(f"#id_signoff-{name}", typed(seed["signoff"][name]))
    shoot(page, "people")
    page.click("#btn-save-check")

    # 检查并提交
    expect(page.locator("#check-summary")).to_have_text("没有需要处理的问题，可以提交部门审核。 下列提示请核实。")
    assert [re.sub(r"\s+", "", t) for t in page.locator(".editor-nav-link .state-badge").all_inner_texts()] == [
        "已完成", "已完成", "未完成", "已完成", "已完成", "已完成", "已完成"]
    shoot(page, "check")
    page.click("#btn-submit")
    page.click("#confirm-ok")  # the confirmation (static/app/confirm.js)
    expect(page.locator(f"#report-{report.pk} .status-badge")).to_have_text("部门审核")

    report.refresh_from_db()
    expected = normalised(seed, SEED_DEPARTMENT[1])
    for row in expected["scores"]:
        row["deduction_reason"] = reasons[row["code"]]
    assert normalised(report_export(report), own_name) == expected


def test_leaving_a_page_with_unsaved_changes_asks_first(live_server, page):
    demo_load()
    report = Report.objects.get(department__code=SECOND_DEPARTMENT[0])
    log_in(page, live_server, "clerk2")
    page.goto(f"{live_server.url}/reports/{report.pk}/edit/cover/")
    dialogs = []

    def dismiss(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()

    page.on("dialog", dismiss)
    page.fill("#id_cover-contact_name", "周丽")
    expect(page.locator("#dirty-note")).to_be_visible()
    page.click("#nav-finance")
    for _attempt in range(50):  # the dialog comes asynchronously; a busy machine may take longer than a moment
        if dialogs:
            break
        page.wait_for_timeout(100)

    assert dialogs == ["beforeunload"]
    assert page.url.endswith("/edit/cover/")
    assert page.input_value("#id_cover-contact_name") == "周丽"


def test_the_editor_is_usable_on_a_phone(live_server, browser):
    demo_load()
    report = Report.objects.get(department__code=SEED_DEPARTMENT[0])
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True,
                                  has_touch=True, device_scale_factor=1)
    page = context.new_page()
    log_in(page, live_server, "clerk")

    page.goto(f"{live_server.url}/reports/{report.pk}/edit/finance/")

    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    box = page.locator("#id_income-0-total").bounding_box()
    assert box["width"] > 300
    shoot(page, "phone-finance")
    page.goto(f"{live_server.url}/reports/{report.pk}/edit/scores/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shoot(page, "phone-scores")
    context.close()


def test_a_stale_save_in_the_browser_shows_both_versions_and_keeps_what_was_typed(live_server, page):
    demo_load()
    report = Report.objects.get(department__code=SEED_DEPARTMENT[0])
    log_in(page, live_server, "clerk")
    page.goto(f"{live_server.url}/reports/{report.pk}/edit/finance/")
    page.fill("#id_fixed_asset-0-total", "93.43")
    page.fill("#id_fixed_asset-0-in_use", "93.43")
    # Meanwhile another clerk of the department saves the same table.
    theirs = SECTIONS["finance"](report).cleaned()
    theirs["fixed_asset"][0].update(total=Decimal("92.50"), in_use=Decimal("92.50"))
    report_save_section(report=report, section="finance", data=theirs, revision=report.revision,
                        by=clerk_of(report.department, username="other"))

    page.click("#btn-save")

    expect(page.locator("#conflict")).to_be_visible()
    expect(page.locator(".alert-danger").first).to_contain_text("未保存：您编辑期间，这份报告已被他人保存")
    assert page.input_value("#id_fixed_asset-0-total") == "93.43"
    assert page.locator(".conflict-table tbody tr").all_inner_texts() == [
        "固定资产（万元） 第1行 · 固定资产合计\t92.50\t93.43", "固定资产（万元） 第1行 · 在用固定资产\t92.50\t93.43"]
    shoot(page, "conflict")
    page.click("#btn-save")
    expect(page.locator(".alert-success").first).to_have_text("“收支情况”已保存。")
    assert report.fixed_asset_rows.get().total == Decimal("93.43")


def test_adopting_the_suggestions_fills_exact_scores_that_save_without_a_flag(live_server, page):
    # 在职14 / 编制13: 5 − 7.69… × 0.5 = 1.15, off the 0.5 step; 资金结余 suggests 3 where the seed scored 2.
    demo_load()
    report = Report.objects.get(department__code=SEED_DEPARTMENT[0])
    Report.objects.filter(pk=report.pk).update(in_service_count=14, retired_count=1)
    report_score(report=Report.objects.get(pk=report.pk))
    log_in(page, live_server, "clerk")
    page.goto(f"{live_server.url}/reports/{report.pk}/edit/scores/")

    page.click("#row-staff_control_rate .adopt-suggestion")

    assert page.input_value("#id_scores-score__staff_control_rate") == "1.15"
    expect(page.locator("#row-staff_control_rate .live-hint")).to_have_text("低于分值，请填写扣分原因")
    expect(page.locator("#dirty-note")).to_be_visible()
    page.click("#adopt-all-suggestions")
    assert page.input_value("#id_scores-score__fund_balance") == "3"
    assert page.input_value("#id_scores-score__duty_xiaokang") == "5"  # 人工评分: left as it was
    page.fill("#id_scores-reason__staff_control_rate", "超编1人")
    page.fill("#id_scores-reason__card_payment_rate", "公务卡刷卡率未达到要求。")
    shoot(page, "scores-adopted")
    page.click("#btn-save")

    expect(page.locator(".alert-success").first).to_have_text("“评分表”已保存。")
    entries = {e.indicator.code: e for e in report.scores.select_related("indicator")}
    assert (entries["staff_control_rate"].self_score, entries["staff_control_rate"].flagged) == (Decimal("1.15"), False)
    assert (entries["fund_balance"].self_score, entries["fund_balance"].flagged) == (Decimal("3"), False)
