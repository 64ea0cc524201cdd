import copy
import json
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from scoring.rules import FIGURE_LABELS
from scoring.services import DEFAULT_RUBRIC_FILE, rubric_nodes_from_data
from scoring.validators import (
    custom_indicator_problems,
    rubric_problems,
    rubric_rule_problems,
    validate_grade_bands,
    validate_rubric,
    validate_rubric_structure,
)


@pytest.fixture
def nodes():
    return rubric_nodes_from_data(json.loads(DEFAULT_RUBRIC_FILE.read_text(encoding="utf-8")))


def node(nodes, code):
    return next(n for n in nodes if n["code"] == code)


def messages(error):
    return error.value.messages


# --- The default rubric -------------------------------------------------------------------------
def test_the_seed_rubric_is_sound_in_structure_rules_and_custom_indicators(nodes):
    validate_rubric(nodes, figure_keys=FIGURE_LABELS.keys())

    assert (rubric_problems(nodes), rubric_rule_problems(nodes, FIGURE_LABELS.keys()), custom_indicator_problems(nodes)) == (
        [], [], [],
    )


def test_the_seed_rubric_points_add_up_at_every_level(nodes):
    def own(kids):
        return sum((n["points"] for n in kids if not n["shares_points_with"]), D(0))

    firsts = [n for n in nodes if n["level"] == 1]

    assert own(firsts) == D(100)
    for parent in (n for n in nodes if n["level"] in (1, 2)):
        assert own([n for n in nodes if n["parent"] == parent["code"]]) == parent["points"]


# --- Structure ----------------------------------------------------------------------------------
def test_a_third_level_row_changed_alone_breaks_two_sums(nodes):
    node(nodes, "staff_control_rate")["points"] = D(6)

    with pytest.raises(ValidationError) as error:
        validate_rubric_structure(nodes)

    assert messages(error) == ["二级指标“预算配置”分值为15分，其下三级指标分值合计为16分。"]


def test_levels_that_do_not_reach_100(nodes):
    for code in ("staff_control_rate", "budget_allocation", "input"):
        node(nodes, code)["points"] += D(1)

    assert rubric_problems(nodes) == ["一级指标分值合计应为100分，现为101分。"]


def test_shared_points_count_once(nodes):
    node(nodes, "benefit_social")["points"] = D(15)

    assert rubric_problems(nodes) == ["三级指标“社会效益”与“经济效益”共用分值，不能另设分值。"]


@pytest.mark.parametrize(("change", "expected"), [
    ({"code": "staff_control_rate"}, ["指标代码“staff_control_rate”重复。"]),
    ({"parent": "input"}, ["三级指标“新指标”的上级指标应为二级指标。"]),
    ({"points": None}, ["三级指标“新指标”未设置分值。"]),
    ({"points": D(-1)}, ["三级指标“新指标”的分值不能为负数。", "二级指标“预算配置”分值为15分，其下三级指标分值合计为14分。"]),
    ({"shares_points_with": "satisfaction", "points": None}, ["三级指标“新指标”只能与同一二级指标下的三级指标共用分值。"]),
])
def test_structure_messages(nodes, change, expected):
    new = {"code": "new_row", "level": 3, "parent": "budget_allocation", "label": "新指标", "points": D(0),
           "shares_points_with": None}
    new.update(change)

    assert rubric_problems([*nodes, new]) == expected


def test_a_first_level_row_without_children(nodes):
    kept = [n for n in nodes if n["code"] not in {"duty_performance"} and n["parent"] != "duty_performance"]

    assert rubric_problems(kept) == ["一级指标“产出”下没有二级指标。"]


# --- Rules --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("code", "params", "detail"), [
    ("staff_control_rate", {"numerator": "report.in_service_count", "per_point": "0.5"}, "缺少分母"),
    ("staff_control_rate", {"numerator": "report.nothing", "denominator": "report.staff_quota", "per_point": "0.5"},
     "分子“report.nothing”不是可用的数据项"),
    ("staff_control_rate", {"numerator": "report.in_service_count", "denominator": "report.staff_quota",
                            "per_point": "0"}, "每个百分点扣分应为正数"),
    ("staff_control_rate", {"numerator": "report.in_service_count", "denominator": "report.staff_quota",
                            "per_point": "0.5", "deduction": "rounded"},
     "扣分方式应为按比例（pro_rata）或不足一个百分点按一个计（per_started_point）"),
    ("satisfaction", {"value": "base_data.satisfaction", "bands": []}, "请设置评分档"),
    ("satisfaction", {"value": "base_data.satisfaction", "bands": [{"min": "95", "score": "5"}, {"max": None, "score": "0"}]},
     "评分档应统一以下限（min）或上限（max）表示"),
    ("satisfaction", {"value": "base_data.satisfaction", "bands": [{"min": "95", "score": "6"}]}, "评分档得分应在0至5分之间"),
    ("fund_balance", {"none": "4", "within_carryover": "2", "above_carryover": "0"}, "结余各情形得分应在0至3分之间"),
    ("budget_rules", {"items": [{"label": "a", "points": "1"}, {"label": "b", "points": "1"}]},
     "逐项计分各项分值合计为2分，应等于分值3分"),
    ("budget_rules", {"items": [{"label": "a", "points": "x"}]}, "逐项计分的各项分值应为非负数"),
    ("budget_rules", {}, "请列出逐项计分的各项"),
    ("fund_compliance", {"per_case": "-1"}, "每例扣分应为正数"),
    ("three_public_control_rate", {"numerator": "base_data.three_public_final", "numerator_fallback": "x.y",
                                   "denominator": "base_data.three_public_budget", "per_point": "1"},
     "分子备用数据项“x.y”不是可用的数据项"),
    ("payment_progress", {"count": "base_data.special_fund_late_count", "population": "nothing", "per_case": "0.5"},
     "事项总数“nothing”不是可用的数据项"),
])
def test_rule_parameter_messages(nodes, code, params, detail):
    if "numerator" in params:  # the generic ratio rule, whose parameters name the figures
        node(nodes, code)["rule_kind"] = "capped_ratio"
    node(nodes, code)["rule_params"] = params
    label = node(nodes, code)["label"]

    assert rubric_rule_problems(nodes, FIGURE_LABELS.keys()) == [f"三级指标“{label}”的计分规则有误：{detail}。"]


def test_unknown_rule_kind(nodes):
    node(nodes, "duty_other")["rule_kind"] = "magic"

    with pytest.raises(ValidationError) as error:
        validate_rubric(nodes)

    assert messages(error) == ["三级指标“其他工作实绩指标完成情况”的计分规则有误：计分规则“magic”不存在。"]


def test_shared_rows_are_checked_against_the_group_points(nodes):
    node(nodes, "benefit_social")["rule_kind"] = "bands"
    node(nodes, "benefit_social")["rule_params"] = {"value": "base_data.satisfaction",
                                                     "bands": [{"min": "50", "score": "15"}, {"min": None, "score": "0"}]}

    assert rubric_rule_problems(nodes, FIGURE_LABELS.keys()) == []


# --- 个性化指标 -----------------------------------------------------------------------------------
@pytest.mark.parametrize(("parent", "level", "ok"), [
    ("duty_performance", 3, True), ("duty_benefit", 3, True), ("output", 2, True), ("effect", 2, True),
    ("budget_allocation", 3, False), ("process", 2, False), (None, 1, False),
])
def test_custom_indicators_only_under_output_and_effect(nodes, parent, level, ok):
    custom = {"code": "custom", "level": level, "parent": parent, "label": "个性化", "points": D(0),
              "shares_points_with": None, "is_custom": True}

    expected = [] if ok else ["个性化指标“个性化”只能设在产出或效果之下。"]
    assert custom_indicator_problems([*copy.deepcopy(nodes), custom]) == expected


# --- Grade bands --------------------------------------------------------------------------------
@pytest.mark.parametrize("bands", [
    [("优秀", D(90)), ("良好", D(80)), ("中", D(60)), ("差", D(0))],
    [("优秀", D(80)), ("良好", D(70)), ("合格", D(60)), ("不合格", D(0))],
    [("全部", D(0))],
])
def test_valid_grade_bands(bands):
    assert validate_grade_bands(bands) is None


@pytest.mark.parametrize(("bands", "expected"), [
    ([], ["请至少设置一个评价等次。"]),
    ([("优秀", D(90)), ("优秀", D(0))], ["评价等次名称不能重复。"]),
    ([("优秀", D(90)), ("良好", D(90)), ("差", D(0))], ["评价等次的最低分不能重复。"]),
    ([("优秀", D(101)), ("差", D(0))], ["等次“优秀”的最低分应在0至100之间。"]),
    ([("优秀", D(90)), ("良好", D(60))], ["最低的评价等次应从0分起，否则部分总分没有等次。"]),
    ([("差", D(-1))], ["等次“差”的最低分应在0至100之间。", "最低的评价等次应从0分起，否则部分总分没有等次。"]),
])
def test_grade_band_messages(bands, expected):
    with pytest.raises(ValidationError) as error:
        validate_grade_bands(bands)

    assert messages(error) == expected
