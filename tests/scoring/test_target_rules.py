"""The target_completion rule kind: hand-computed cases, band and floor edges, reports without targets."""
from decimal import Decimal as D

import pytest

from reports.models import Report
from scoring.evaluate import suggest
from scoring.inputs import report_figures
from scoring.target_rules import TargetRate, target_completion
from scoring.validators import rubric_rule_problems
from targets.models import IndicatorResult, TargetIndicator
from tests.reports.editor_support import blank_report
from tests.targets.conftest import people  # noqa: F401 (the fixture)
from tests.targets.test_yearend import approved

OUTPUT = ("quantity", "quality", "timeliness")


def rate(name, category, value, entered=True):
    return TargetRate(name=name, category=category, rate=None if value is None else D(value), entered=entered)


RATES = [rate("发稿", "quantity", "77.52"), rate("稿件质量", "quality", "120"), rate("按时发布", "timeliness", "95"),
         rate("三公经费", "cost", "50")]


def test_proportional_scores_the_capped_mean_of_the_chosen_categories():
    result = target_completion(RATES, full=D(10), categories=OUTPUT)

    # (77.52 + 100 + 95) / 3 = 90.84; 10 × 90.84% = 9.084 → 9.08
    assert result.value == D("9.08")
    assert result.trace == (
        "数量指标、质量指标、时效指标共3项：发稿77.52%；稿件质量120%（按100%计）；按时发布95%；平均完成率 = 90.84%，"
        "得分 = 分值10 × 90.84% = 9.08分"
    )


def test_proportional_rounds_half_up():
    # mean 62.5%, 5 × 62.5% = 3.125 → 3.13
    result = target_completion([rate("a", "quantity", "50"), rate("b", "quantity", "75")], full=D(5),
                               categories=("quantity",))

    assert result.value == D("3.13")


@pytest.mark.parametrize(("mean", "value"), [("100", D(5)), ("99.5", D("4.95")), ("90", D(4)), ("0", D(0))])
def test_floor_deducts_per_point_under_the_floor(mean, value):
    result = target_completion([rate("a", "quantity", mean)], full=D(5), categories=("quantity",),
                               scoring="floor", floor=D(100), per_point=D("0.1"))

    assert result.value == value


def test_floor_per_started_point_counts_a_part_as_a_whole_point():
    result = target_completion([rate("a", "quantity", "99.5")], full=D(5), categories=("quantity",),
                               scoring="floor", per_point=D("0.1"), deduction="per_started_point")

    assert result.value == D("4.9")


@pytest.mark.parametrize(("mean", "value"), [("90", D(5)), ("89.99", D(3)), ("60", D(3)), ("59", D(0))])
def test_bands_score_by_the_band_the_mean_falls_in(mean, value):
    table = [{"min": "90", "score": "5"}, {"min": "60", "score": "3"}, {"min": None, "score": "0"}]

    result = target_completion([rate("满意度", "satisfaction", mean)], full=D(5), categories=("satisfaction",),
                               scoring="bands", table=table)

    assert result.value == value


@pytest.mark.parametrize(("rows", "status", "reason"), [
    (None, "manual", "本年度没有已批复的绩效目标，此项按评分标准人工评分"),
    ([rate("三公经费", "cost", "50")], "manual", "已批复的绩效目标中没有数量指标、质量指标、时效指标，此项按评分标准人工评分"),
    ([rate("发稿", "quantity", None, entered=False), rate("质量", "quality", "90")], "missing_data",
     "尚有1项绩效目标未填写实际值：发稿"),
    ([rate("发稿", "quantity", None)], "not_applicable", "数量指标、质量指标、时效指标的完成率均不适用（指标值为0）"),
])
def test_a_row_without_rates_suggests_nothing_and_says_why(rows, status, reason):
    result = target_completion(rows, full=D(10), categories=OUTPUT)

    assert (result.value, result.status, result.reason) == (None, status, reason)


def test_an_indicator_without_a_rate_is_left_out_of_the_mean_and_the_trace_says_so():
    result = target_completion([rate("a", "quantity", "80"), rate("b", "quantity", None)], full=D(10),
                               categories=("quantity",))

    assert result.value == D(8)
    assert "（另有1项不适用完成率，不计入）" in result.trace


@pytest.mark.parametrize(("params", "problem"), [
    ({}, "请列出计分所依据的绩效目标类别（categories）"),
    ({"categories": ["quantity", "nope"]}, "绩效目标类别“nope”不存在"),
    ({"categories": ["quantity"], "scoring": "x"}, "计分方式“x”不存在，应为 proportional、floor 或 bands"),
    ({"categories": ["quantity"], "scoring": "floor"}, "每个百分点扣分应为正数"),
    ({"categories": ["quantity"], "scoring": "floor", "per_point": "0.1", "floor": "120"}, "完成率下限应在0至100之间"),
    ({"categories": ["quantity"], "scoring": "bands"}, "请设置评分档"),
    ({"categories": ["quantity"], "scoring": "bands", "bands": [{"min": None, "score": "9"}]}, "评分档得分应在0至5分之间"),
    ({"categories": ["quantity"], "scoring": "floor", "per_point": "0.1"}, None),
])
def test_the_rubric_validation_names_what_is_wrong(params, problem):
    node = {"code": "x", "level": 3, "label": "产出数量", "points": D(5), "rule_kind": "target_completion",
            "rule_params": params, "parent": None, "shares_points_with": None}

    problems = rubric_rule_problems([node])

    assert problems == ([f"三级指标“产出数量”的计分规则有误：{problem}。"] if problem else [])


@pytest.mark.django_db
def test_a_report_with_approved_targets_is_scored_from_its_actuals(people):  # noqa: F811
    declaration = approved(people)
    report = blank_report(people.department)
    posts = TargetIndicator.objects.get(declaration=declaration, name="中央级主流党媒发稿")
    node = {"rule_kind": "target_completion", "rule_params": {"categories": ["quantity"]}}
    before = suggest(node, D(5), report_figures(Report.objects.get(pk=report.pk)), {})
    IndicatorResult.objects.create(report=report, indicator=posts, actual_value=D(100))

    after = suggest(node, D(5), report_figures(Report.objects.get(pk=report.pk)), {})

    assert before.reason == "尚有1项绩效目标未填写实际值：中央级主流党媒发稿"
    assert (after.value, after.trace) == (
        D("3.88"), "数量指标共1项：中央级主流党媒发稿77.52%；平均完成率 = 77.52%，得分 = 分值5 × 77.52% = 3.88分",
    )


@pytest.mark.django_db
def test_a_report_without_approved_targets_is_scored_as_before(people):  # noqa: F811
    report = blank_report(people.department)
    node = {"rule_kind": "target_completion", "rule_params": {"categories": ["quantity"]}}

    result = suggest(node, D(5), report_figures(report), {})

    assert result.trace == "人工评分：本年度没有已批复的绩效目标，此项按评分标准人工评分"
