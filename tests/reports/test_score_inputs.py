"""The 评分表 page's 逐项核对 (checklist answers) and 不符合要求例数 (violation counts) feed the suggestions."""
from decimal import Decimal

import pytest
from django.urls import reverse

from reports.models import ScoreEntry
from tests.reports.editor_support import clerk_of, login, page_data, seed_report

pytestmark = pytest.mark.django_db


@pytest.fixture
def report_and_client(client):
    report = seed_report()
    login(client, clerk_of(report.department))
    return report, client


def entry(report, code):
    return ScoreEntry.objects.select_related("indicator").get(report=report, indicator__code=code)


def test_the_page_offers_checklist_answers_and_violation_counts(report_and_client):
    report, client = report_and_client

    response = client.get(reverse("report_section", args=[report.pk, "scores"]))

    form = response.context["section"].forms["scores"]
    rows = {row.indicator.code: row for row in form.rows()}
    assert [label for label, _field in rows["info_disclosure"].checks] == [
        "按规定内容公开预决算信息（1分）", "按规定时限公开预决算信息（0.5分）", "基础数据信息和会计信息资料真实（0.5分）",
        "基础数据信息和会计信息资料完整（0.5分）", "基础数据信息和汇集信息资料准确（0.5分）",
    ]
    assert rows["fund_compliance"].violations is not None
    assert rows["payment_progress"].violations is None  # counted from 基础数据, not typed here
    assert rows["staff_control_rate"].checks == ()


def test_answers_and_counts_are_stored_and_scored(report_and_client):
    report, client = report_and_client
    data = page_data(report, "scores", **{
        "scores-check__info_disclosure__0": "1", "scores-check__info_disclosure__1": "0",
        "scores-check__info_disclosure__2": "1", "scores-check__info_disclosure__3": "1",
        "scores-check__info_disclosure__4": "1",
        "scores-violations__asset_security": "１",
        "scores-score__info_disclosure": "2.5", "scores-reason__info_disclosure": "未按时限公开。",
        "scores-score__asset_security": "3", "scores-reason__asset_security": "一项资产处置不规范。",
    })

    response = client.post(reverse("report_section", args=[report.pk, "scores"]), data)

    assert response.status_code == 302
    disclosure, security = entry(report, "info_disclosure"), entry(report, "asset_security")
    assert disclosure.inputs == {"checked": [True, False, True, True, True]}
    assert (disclosure.suggested_score, disclosure.flagged) == (Decimal("2.50"), False)
    assert security.inputs == {"violations": 1}
    assert (security.suggested_score, security.flagged) == (Decimal("3.00"), False)


def test_a_partly_answered_checklist_suggests_nothing_and_keeps_the_answers(report_and_client):
    report, client = report_and_client
    data = page_data(report, "scores", **{"scores-check__budget_rules__0": "1"})

    client.post(reverse("report_section", args=[report.pk, "scores"]), data)

    rules = entry(report, "budget_rules")
    assert rules.inputs == {"checked": [True, None, None]}
    assert (rules.suggested_score, rules.suggestion_trace) == (None, "数据不足：尚有2项未逐项核对")
    response = client.get(reverse("report_section", args=[report.pk, "scores"]))
    form = response.context["section"].forms["scores"]
    assert [form[f"check__budget_rules__{i}"].value() for i in range(3)] == ["1", "", ""]


def test_a_self_score_above_what_the_answers_allow_is_flagged(report_and_client):
    report, client = report_and_client
    data = page_data(report, "scores", **{
        "scores-check__asset_rules__0": "0", "scores-check__asset_rules__1": "1",
    })

    client.post(reverse("report_section", args=[report.pk, "scores"]), data)

    rules = entry(report, "asset_rules")
    assert (rules.self_score, rules.suggested_score, rules.flagged) == (Decimal("3.00"), Decimal("1.00"), True)


def test_a_bad_violation_count_is_refused_at_the_field(report_and_client):
    report, client = report_and_client
    data = page_data(report, "scores", **{"scores-violations__fund_compliance": "两例"})

    response = client.post(reverse("report_section", args=[report.pk, "scores"]), data)

    form = response.context["section"].forms["scores"]
    assert form.errors["violations__fund_compliance"] == ["请输入整数，如 23。"]
    assert form["violations__fund_compliance"].value() == "两例"
    assert entry(report, "fund_compliance").inputs == {}


def test_saving_the_page_without_answers_stores_no_inputs(report_and_client):
    report, client = report_and_client

    client.post(reverse("report_section", args=[report.pk, "scores"]), page_data(report, "scores"))

    assert list(ScoreEntry.objects.filter(report=report).exclude(inputs={}).values_list("inputs", flat=True)) == []


def _details_open(html, code):
    import re

    row = re.search(rf'<tr class="score-row[^"]*" id="row-{code}">(.*?)</tr>', html, re.S).group(1)
    return bool(re.search(r'<details class="score-inputs small mt-1" open>', row))


def test_after_a_refused_save_the_panel_stays_open_with_the_answers_just_chosen(report_and_client):
    report, client = report_and_client
    data = page_data(report, "scores", **{
        "scores-check__budget_rules__0": "1", "scores-check__budget_rules__1": "0",
        "scores-score__staff_control_rate": "六分",  # refused: the page comes back with everything chosen
    })

    response = client.post(reverse("report_section", args=[report.pk, "scores"]), data)

    html = response.content.decode()
    form = response.context["section"].forms["scores"]
    assert (response.status_code, list(form.errors)) == (200, ["score__staff_control_rate"])
    assert (_details_open(html, "budget_rules"), _details_open(html, "asset_rules")) == (True, False)
    assert [form[f"check__budget_rules__{i}"].value() for i in range(3)] == ["1", "0", ""]
    assert 'data-unsaved="1"' in html  # scores.js recomputes the suggestion from these answers on load
    assert entry(report, "budget_rules").inputs == {}


def test_rows_decided_by_answers_carry_their_rule_for_the_live_suggestion(report_and_client):
    import json

    report, client = report_and_client

    response = client.get(reverse("report_section", args=[report.pk, "scores"]))

    rows = {row.indicator.code: row for row in response.context["section"].forms["scores"].rows()}
    assert json.loads(rows["asset_rules"].live) == {"rule": "checklist", "full": "3", "items": [
        {"label": "已制定或具有资产管理制度，且相关资产管理制度合法、合规、完整", "points": "2"},
        {"label": "相关资产管理制度得到有效执行", "points": "1"}]}
    assert json.loads(rows["fund_compliance"].live) == {
        "rule": "violations", "full": "3", "per_case": "1", "label": "不符合要求", "unit": "例"}
    assert (rows["payment_progress"].live, rows["staff_control_rate"].live) == ("", "")
    assert 'data-live="{&quot;rule&quot;: &quot;checklist&quot;' in response.content.decode()
