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
