from decimal import Decimal

import pytest
from django.urls import reverse

from reports.checks_submit import report_check
from reports.models import Report
from targets.enums import AdjustmentStatus, Status
from targets.models import IndicatorResult, TargetIndicator
from targets.services import adjustment_save
from targets.workflow import adjustment_move, move
from targets.yearend import report_targets
from tests.reports.editor_support import blank_report, login, page_data
from tests.targets.conftest import declaration_of

pytestmark = pytest.mark.django_db


def approved(people, year=2021):
    declaration = declaration_of(people.department, year=year)
    declaration = move(declaration, Status.DEPT_REVIEW, by=people.clerk)
    declaration = move(declaration, Status.FINANCE_REVIEW, by=people.head)
    return move(declaration, Status.APPROVED, by=people.reviewer)


def indicator(declaration, name):
    return TargetIndicator.objects.get(declaration=declaration, name=name)


def test_a_report_without_approved_targets_keeps_its_free_text_goals(people):
    report = blank_report(people.department)
    declaration_of(people.department)  # a draft does not count

    assert report_targets(report) is None
    assert "results" not in page_data(report, "goals") and "q-quantity-TOTAL_FORMS" in page_data(report, "goals")


def test_the_goals_page_shows_the_approved_targets_read_only_and_stores_the_actuals(client, people):
    declaration = approved(people)
    report = blank_report(people.department)
    posts, cost, mood = (indicator(declaration, n) for n in ("中央级主流党媒发稿", "三公经费支出", "社会反响"))
    login(client, people.clerk)
    data = page_data(report, "goals", **{
        f"results-actual_value__{posts.pk}": "100", f"results-actual_value__{cost.pk}": "2.5",
        f"results-outcome__{mood.pk}": "met", f"results-deviation_reason__{posts.pk}": "",
        "qualitative-0-actual": "已完成",
    })

    response = client.post(reverse("report_section", args=[report.pk, "goals"]), data)

    assert response.status_code == 302
    assert sorted(IndicatorResult.objects.values_list("indicator__name", "actual_value", "outcome")) == [
        ("三公经费支出", Decimal("2.5000"), ""), ("中央级主流党媒发稿", Decimal("100.0000"), ""), ("社会反响", None, "met"),
    ]
    page = client.get(reverse("report_section", args=[report.pk, "goals"])).content.decode()
    assert "≥ 129 篇" in page and "77.52%" in page and "shortfall-flag" in page
    assert f'name="results-value__{posts.pk}"' not in page  # the 指标值 is not an input
    problems = [p.message for p in report_check(Report.objects.get(pk=report.pk)).problems if p.section == "goals"]
    assert problems == ["绩效目标“中央级主流党媒发稿”未完成，请填写偏差原因。"]


def test_a_bad_actual_value_is_refused_at_its_field_and_kept(client, people):
    declaration = approved(people)
    report = blank_report(people.department)
    posts = indicator(declaration, "中央级主流党媒发稿")
    login(client, people.clerk)
    data = page_data(report, "goals", **{f"results-actual_value__{posts.pk}": "一百二十"})

    response = client.post(reverse("report_section", args=[report.pk, "goals"]), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert "请输入数字，如 129 或 98.5。" in page and 'value="一百二十"' in page
    assert IndicatorResult.objects.count() == 0


def test_a_reason_clears_the_shortfall_problem(client, people):
    declaration = approved(people)
    report = blank_report(people.department)
    posts, cost, mood = (indicator(declaration, n) for n in ("中央级主流党媒发稿", "三公经费支出", "社会反响"))
    login(client, people.clerk)
    client.post(reverse("report_section", args=[report.pk, "goals"]), page_data(report, "goals", **{
        f"results-actual_value__{posts.pk}": "100", f"results-actual_value__{cost.pk}": "2.5",
        f"results-outcome__{mood.pk}": "met", f"results-deviation_reason__{posts.pk}": "上级媒体版面压缩。",
        "qualitative-0-actual": "已完成",
    }))

    problems = [p.message for p in report_check(Report.objects.get(pk=report.pk)).problems if p.section == "goals"]

    assert problems == []


def test_the_report_shows_the_adjusted_targets_and_says_so(client, people):
    declaration = approved(people)
    report = blank_report(people.department)
    posts = indicator(declaration, "中央级主流党媒发稿")
    adjustment = adjustment_save(declaration=declaration, reason="上级调整发稿任务。", by=people.clerk, rows=[
        {"id": posts.pk, "direction": "ge", "value": Decimal(100), "unit": "篇", "qualitative_value": ""},
    ])
    adjustment = adjustment_move(adjustment, AdjustmentStatus.FINANCE_REVIEW, by=people.clerk)
    adjustment_move(adjustment, AdjustmentStatus.APPROVED, by=people.reviewer)
    login(client, people.clerk)

    page = client.get(reverse("report_section", args=[report.pk, "goals"])).content.decode()

    assert "≥ 100 篇" in page and "≥ 129 篇" not in page
    assert "绩效目标已按批准的调整申请调整" in page and "上级调整发稿任务。" in page
