"""The 评分表's 逐项核对 answers and 不符合要求例数 move the suggested score as they are chosen
(static/app/scores.js, scoring.rules' arithmetic); the server's figure is the one saved, and a refused
save keeps the panel open with the answers just chosen."""
import os
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from reports.demo import SEED_DEPARTMENT, demo_load
from reports.models import Report, ScoreEntry

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def shoot(page, name, locator=None):
    if os.environ.get("EDITOR_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        (locator or page).screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def test_answers_move_the_suggestion_live_and_the_server_agrees(live_server, open_session):
    demo_load()
    report = Report.objects.get(department__code=SEED_DEPARTMENT[0], evaluation_year__year=2021)
    clerk = open_session("clerk")
    clerk.goto(f"{live_server.url}/reports/{report.pk}/edit/scores/")
    rules, security = clerk.locator("#row-asset_rules"), clerk.locator("#row-asset_security")

    rules.locator("details.score-inputs summary").click()
    rules.locator("select").nth(0).select_option("1")
    expect(rules.locator(".suggested-score")).to_have_text("—")
    expect(rules.locator(".trace")).to_have_text("数据不足：尚有1项未逐项核对")
    rules.locator("select").nth(1).select_option("0")
    security.locator(".score-inputs input").fill("５")

    expect(rules.locator(".suggested-score")).to_have_text("2")
    expect(rules.locator(".trace")).to_have_text(
        "①已制定或具有资产管理制度，且相关资产管理制度合法、合规、完整：符合，2分；②相关资产管理制度得到有效执行：不符合，0分；合计得2分")
    expect(security.locator(".suggested-score")).to_have_text("0")
    expect(security.locator(".trace")).to_have_text("不符合要求5例，每例扣1分，扣4分（扣完为止），得0分")
    security.locator(".score-inputs input").fill("1")
    expect(security.locator(".suggested-score")).to_have_text("3")
    shoot(clerk, "editor-scores-live", clerk.locator("#row-asset_rules"))
    rules.locator(".adopt-suggestion").click()
    security.locator(".adopt-suggestion").click()
    assert (clerk.input_value("#id_scores-score__asset_rules"), clerk.input_value("#id_scores-score__asset_security")) == (
        "2", "3")

    # A refused save (a 自评得分 the server cannot read) keeps the answers, the open panel and the live figure.
    clerk.fill("#id_scores-score__staff_control_rate", "五分半")
    clerk.click("#btn-save")
    expect(clerk.locator(".alert-danger").first).to_be_visible()
    expect(rules.locator("details.score-inputs")).to_have_attribute("open", "")
    assert [rules.locator("select").nth(i).input_value() for i in range(2)] == ["1", "0"]
    expect(rules.locator(".suggested-score")).to_have_text("2")
    expect(security.locator(".suggested-score")).to_have_text("3")
    shoot(clerk, "editor-scores-refused", rules)  # the row whose 逐项核对 panel stays open

    clerk.fill("#id_scores-score__staff_control_rate", "5")
    clerk.fill("#id_scores-reason__asset_rules", "资产管理制度执行不到位。")
    clerk.fill("#id_scores-reason__asset_security", "一项资产处置不规范。")
    clerk.click("#btn-save")
    expect(clerk.locator(".alert-success").first).to_be_visible()
    stored = {e.indicator.code: e for e in ScoreEntry.objects.filter(
        report=report, indicator__code__in=["asset_rules", "asset_security"]).select_related("indicator")}
    assert [(stored[c].suggested_score, stored[c].self_score) for c in ("asset_rules", "asset_security")] == [
        (Decimal("2.00"), Decimal("2.00")), (Decimal("3.00"), Decimal("3.00"))]
