"""绩效目标 in real Chromium: the 目标N：/指标N： before each row follows rows added and ticked 删除, and a pasted
number is saved once (issue #13). Set EDITOR_SCREENSHOTS=1 to write docs/screenshots/editor-goals-numbering.png."""
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from reports.demo import DEMO_PASSWORD, SEED_DEPARTMENT, demo_load
from reports.enums import Category
from reports.models import QualitativeGoal, Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def numbers(page, prefix):
    return page.locator(f'tbody[data-rows="{prefix}"] .row-number').all_inner_texts()


def test_goal_numbers_follow_the_rows_and_a_pasted_number_is_saved_once(live_server, page):
    demo_load()
    report = Report.objects.get(department__code=SEED_DEPARTMENT[0])
    goals = QualitativeGoal.objects.filter(report=report).count()
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.goto(f"{live_server.url}/reports/{report.pk}/edit/goals/")

    assert numbers(page, "qualitative") == [f"目标{n}：" for n in range(1, goals + 1)]
    page.click('[data-add-row="qualitative"]')
    assert numbers(page, "qualitative")[-1] == f"目标{goals + 1}："
    # Ticking 删除 on the first goal renumbers the others; unticking gives its number back.
    page.check("#id_qualitative-0-DELETE")
    assert numbers(page, "qualitative") == ["", *[f"目标{n}：" for n in range(1, goals + 1)]]
    page.uncheck("#id_qualitative-0-DELETE")
    assert numbers(page, "qualitative")[0] == "目标1："

    # A 定量 category with one indicator prints no number; a second one numbers both.
    timeliness = f"q-{Category.TIMELINESS}"
    rows = page.locator(f'tbody[data-rows="{timeliness}"] tr.formset-row').count()
    if rows == 0:
        page.click(f'[data-add-row="{timeliness}"]')
        page.fill(f"#id_{timeliness}-0-target", "按时完成")
        page.fill(f"#id_{timeliness}-0-actual", "已完成")
        rows = 1
    if rows == 1:
        assert numbers(page, timeliness) == [""]
    page.click(f'[data-add-row="{timeliness}"]')
    assert numbers(page, timeliness) == [f"指标{n}：" for n in range(1, rows + 2)]

    page.fill(f"#id_qualitative-{goals}-target", "目标９：做好新闻宣传\n（第二行）")
    page.fill(f"#id_qualitative-{goals}-actual", "已完成")
    page.fill(f"#id_{timeliness}-{rows}-target", "指标２:稿件当日发布")
    page.fill(f"#id_{timeliness}-{rows}-actual", "已完成")
    page.locator(f"#id_qualitative-{goals}-target").scroll_into_view_if_needed()
    if os.environ.get("EDITOR_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / "editor-goals-numbering.png"))
    page.click("#btn-save")
    expect(page.locator(".alert-success").first).to_have_text("“绩效目标”已保存。")

    last = QualitativeGoal.objects.filter(report=report).order_by("-order").first()
    assert last.target == "做好新闻宣传\n（第二行）"
    assert report.quantitative_indicators.filter(category=Category.TIMELINESS).order_by("-order").first().target == (
        "稿件当日发布")
    assert numbers(page, "qualitative")[-1] == f"目标{goals + 1}："

    # Saving again untouched changes nothing.
    revision = Report.objects.get(pk=report.pk).revision
    page.click("#btn-save")
    expect(page.locator(".alert-info").first).to_contain_text("没有需要保存的修改")
    assert Report.objects.get(pk=report.pk).revision == revision
