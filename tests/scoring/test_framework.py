"""Each computed indicator of 财预〔2013〕53号 as a rule kind, with cases worked out by hand from the
framework's definition (the arithmetic is in each case's comment), band edges and zero or missing
denominators included."""
from decimal import Decimal as D

import pytest

from scoring.enums import RuleKind
from scoring.evaluate import suggest
from scoring.framework import DEFINITIONS
from scoring.validators import rubric_rule_problems

CAPPED_100 = {"scoring": "capped", "limit": "100", "per_point": "0.5"}
FLOOR_100 = {"scoring": "floor", "floor": "100", "per_point": "0.1"}
KEY_BANDS = {"scoring": "bands", "bands": [{"min": "90", "score": "4"}, {"min": "80", "score": "3"},
                                           {"min": "70", "score": "2"}, {"min": "60", "score": "1"},
                                           {"min": None, "score": "0"}]}
ADJUSTMENT_BANDS = {"scoring": "bands", "bands": [{"max": "0", "score": "2"}, {"max": "10", "score": "1.5"},
                                                  {"max": "20", "score": "1"}, {"max": "30", "score": "0.5"},
                                                  {"max": None, "score": "0"}]}


def run(kind, params, points, **figures):
    figures = {key.replace("__", "."): value for key, value in figures.items()}
    return suggest({"rule_kind": kind, "rule_params": params}, D(points), figures, {})


CASES = [
    # 在职人员控制率 = 在职人员数 / 编制数 × 100%; ≤100% full 4, −0.5 per point over.
    ("staff_control_rate", CAPPED_100, 4, {"report__in_service_count": 12, "report__staff_quota": 12},
     D(4)),  # 12/12 = 100%: on the limit, full
    ("staff_control_rate", CAPPED_100, 4, {"report__in_service_count": 25, "report__staff_quota": 24},
     D("1.92")),  # 25/24 = 104.1666…%: 4.1666… × 0.5 = 2.0833… → 2.08; 4 − 2.08
    ("staff_control_rate", CAPPED_100, 4, {"report__in_service_count": 13, "report__staff_quota": 10},
     D(0)),  # 130%: 30 × 0.5 = 15 ≥ 4, down to 0
    # “三公经费”变动率 = (本年预算 − 上年预算) / 上年预算 × 100%; ≤0 full 4, −0.5 per point over 0.
    ("three_public_change_rate", {"scoring": "capped", "limit": "0", "per_point": "0.5"}, 4,
     {"base_data__three_public_budget": D(3), "base_data__three_public_prev_budget": D(3)}, D(4)),  # 0%: on the limit
    ("three_public_change_rate", {"scoring": "capped", "limit": "0", "per_point": "0.5"}, 4,
     {"base_data__three_public_budget": D("3.06"), "base_data__three_public_prev_budget": D(3)},
     D(3)),  # 0.06/3 = 2%: 2 × 0.5 = 1
    ("three_public_change_rate", {"scoring": "capped", "limit": "0", "per_point": "0.5"}, 4,
     {"base_data__three_public_budget": D("2.5"), "base_data__three_public_prev_budget": D(3),
      "base_data__three_public_final": D(9), "base_data__three_public_prev_final": D(1)},
     D(4)),  # −16.67%: a cut scores full; the 决算 are not read
    # … on 决算 where a rubric says so: (本年决算, else the table, − 上年决算) / 上年决算.
    ("three_public_change_rate", {"scoring": "capped", "limit": "0", "per_point": "0.5", "basis": "final"}, 4,
     {"three_public__total": D("3.15"), "base_data__three_public_prev_final": D(3),
      "base_data__three_public_budget": D(3), "base_data__three_public_prev_budget": D(3)},
     D("1.5")),  # 0.15/3 = 5%: 5 × 0.5 = 2.5; 4 − 2.5
    # 重点支出安排率 = 重点项目支出 / 项目总支出 × 100%; bands ≥90 4, ≥80 3, ≥70 2, ≥60 1, else 0.
    ("key_expenditure_rate", KEY_BANDS, 4,
     {"base_data__key_project_expenditure": D(90), "base_data__project_expenditure": D(100)}, D(4)),  # 90%: edge
    ("key_expenditure_rate", KEY_BANDS, 4,
     {"base_data__key_project_expenditure": D("89.99"), "base_data__project_expenditure": D(100)}, D(3)),
    ("key_expenditure_rate", KEY_BANDS, 4,
     {"base_data__key_project_expenditure": D(60), "base_data__project_expenditure": D(100)}, D(1)),  # 60%: edge
    ("key_expenditure_rate", KEY_BANDS, 4,
     {"base_data__key_project_expenditure": D("59.99"), "base_data__project_expenditure": D(100)}, D(0)),
    ("key_expenditure_rate", KEY_BANDS, 4,
     {"base_data__key_project_expenditure": D(180), "expenditure__project": D(200)},
     D(4)),  # 项目支出 blank in 基础数据: the 支出 table's 200; 180/200 = 90%
    # 预算完成率 = 预算完成数 / 预算数 × 100%; ≥100 full 3, −0.1 per point under.
    ("budget_completion_rate", FLOOR_100, 3,
     {"base_data__budget_completed": D(1000), "base_data__budget_adjusted": D(1000)}, D(3)),  # 100%: edge
    ("budget_completion_rate", FLOOR_100, 3,
     {"base_data__budget_completed": D(950), "base_data__budget_adjusted": D(1000)}, D("2.5")),  # 95%: 5 × 0.1
    ("budget_completion_rate", FLOOR_100, 3,
     {"base_data__budget_completed": D(0), "base_data__budget_adjusted": D(1000)}, D(0)),  # 0%: 100 × 0.1 ≥ 3
    # 预算调整率 = 预算调整数 / 预算数 × 100% (a cut by its size); =0 2, ≤10 1.5, ≤20 1, ≤30 0.5, else 0.
    ("budget_adjustment_rate", ADJUSTMENT_BANDS, 2,
     {"base_data__budget_adjustment": D(0), "base_data__budget_initial": D(1000)}, D(2)),
    ("budget_adjustment_rate", ADJUSTMENT_BANDS, 2,
     {"base_data__budget_adjustment": D("0.04"), "base_data__budget_initial": D(1000)},
     D("1.5")),  # 0.004%: above 0 although it rounds to 0%
    ("budget_adjustment_rate", ADJUSTMENT_BANDS, 2,
     {"base_data__budget_adjustment": D(100), "base_data__budget_initial": D(1000)}, D("1.5")),  # 10%: edge
    ("budget_adjustment_rate", ADJUSTMENT_BANDS, 2,
     {"base_data__budget_adjustment": D(-150), "base_data__budget_initial": D(1000)}, D(1)),  # |−15%|
    ("budget_adjustment_rate", ADJUSTMENT_BANDS, 2,
     {"base_data__budget_adjustment": D("300.01"), "base_data__budget_initial": D(1000)}, D(0)),  # 30.001%
    # 支付进度率 = 实际支付进度 / 既定支付进度 × 100%.
    ("payment_progress_rate", FLOOR_100, 3,
     {"base_data__payment_progress_actual": D(45), "base_data__payment_progress_planned": D(50)},
     D(2)),  # 90%: 10 × 0.1 = 1
    ("payment_progress_rate", FLOOR_100, 3,
     {"base_data__payment_progress_actual": D(50), "base_data__payment_progress_planned": D(50)}, D(3)),
    # 结转结余率 = 结转结余总额 / 支出预算数 × 100%; ≤10 full 2, −0.2 per point over.
    ("carryover_rate", {"scoring": "capped", "limit": "10", "per_point": "0.2"}, 2,
     {"base_data__carryover_total": D(100), "base_data__budget_adjusted": D(1000)}, D(2)),  # 10%: edge
    ("carryover_rate", {"scoring": "capped", "limit": "10", "per_point": "0.2"}, 2,
     {"base_data__carryover_total": D(125), "base_data__budget_adjusted": D(1000)}, D("1.5")),  # 12.5%: 2.5 × 0.2
    # 结转结余变动率 = (本年结转结余 − 上年结转结余) / 上年结转结余 × 100%; ≤0 full 2, −0.2 per point.
    ("carryover_change_rate", {"scoring": "capped", "limit": "0", "per_point": "0.2"}, 2,
     {"base_data__carryover_total": D(103), "base_data__carryover_prev_total": D(100)}, D("1.4")),  # 3% × 0.2
    ("carryover_change_rate", {"scoring": "capped", "limit": "0", "per_point": "0.2"}, 2,
     {"base_data__carryover_total": D(90), "base_data__carryover_prev_total": D(100)}, D(2)),  # −10%
    # 公用经费控制率 = 实际支出公用经费 / 预算安排公用经费 × 100%; ≤100 full 3, −0.5 per point over.
    ("public_funds_control_rate", CAPPED_100, 3,
     {"base_data__public_funds_actual": D(20), "base_data__public_funds_budget": D(20)}, D(3)),
    ("public_funds_control_rate", CAPPED_100, 3,
     {"expenditure__public_use": D(21), "base_data__public_funds_budget": D(20)},
     D("0.5")),  # blank in 基础数据: the table's 公用支出 21; 105%: 5 × 0.5 = 2.5
    # “三公经费”控制率 = 实际支出数 / 预算安排数 × 100%; ≤100 full 3, −1 per point over.
    ("three_public_control_rate", {"scoring": "capped", "limit": "100", "per_point": "1"}, 3,
     {"base_data__three_public_final": D("2.81"), "base_data__three_public_budget": D(3)}, D(3)),  # 93.67%
    ("three_public_control_rate", {"scoring": "capped", "limit": "100", "per_point": "1"}, 3,
     {"base_data__three_public_final": D("3.03"), "base_data__three_public_budget": D(3)}, D(2)),  # 101%: 1 × 1
    # 政府采购执行率 = 实际政府采购金额 / 政府采购预算数 × 100%; ≥100 full 2, −0.2 per point under.
    ("procurement_rate", {"scoring": "floor", "floor": "100", "per_point": "0.2"}, 2,
     {"base_data__procurement_actual": D(98), "base_data__procurement_budget": D(100)}, D("1.6")),  # 2 × 0.2
    ("procurement_rate", {"scoring": "floor", "floor": "100", "per_point": "0.2"}, 2,
     {"base_data__procurement_actual": D(100), "base_data__procurement_budget": D(100)}, D(2)),
    # 固定资产利用率 = 实际在用固定资产总额 / 所有固定资产总额 × 100%.
    ("fixed_asset_utilization", FLOOR_100, 3, {"fixed_asset__in_use": D("92.43"), "fixed_asset__total": D("92.43")},
     D(3)),
    ("fixed_asset_utilization", FLOOR_100, 3, {"fixed_asset__in_use": D(90), "fixed_asset__total": D(100)},
     D(2)),  # 90%: 10 × 0.1
    # 实际完成率 = 实际完成工作数 / 计划工作数 × 100%; ≥100 full 5, −0.5 per point under.
    ("completion_rate", {"scoring": "floor", "floor": "100", "per_point": "0.5"}, 5,
     {"base_data__work_completed": 12, "base_data__work_planned": 10}, D(5)),  # 120%
    ("completion_rate", {"scoring": "floor", "floor": "100", "per_point": "0.5"}, 5,
     {"base_data__work_completed": 29, "base_data__work_planned": 30},
     D("3.33")),  # 96.666…%: 3.333… × 0.5 = 1.666… → 1.67
    # 完成及时率 = 及时完成实际工作数 / 实际完成工作数 × 100%.
    ("timeliness_rate", {"scoring": "floor", "floor": "100", "per_point": "0.5"}, 5,
     {"base_data__work_timely": 19, "base_data__work_completed": 20}, D("2.5")),  # 95%: 5 × 0.5
    # 质量达标率 = 质量达标实际工作数 / 实际完成工作数 × 100%.
    ("quality_rate", {"scoring": "floor", "floor": "100", "per_point": "0.5"}, 5,
     {"base_data__work_quality": 20, "base_data__work_completed": 20}, D(5)),
    ("quality_rate", {"scoring": "floor", "floor": "100", "per_point": "0.5"}, 5,
     {"base_data__work_quality": 18, "base_data__work_completed": 20}, D(0)),  # 90%: 10 × 0.5 ≥ 5
    # 重点工作办结率 = 重点工作实际完成数 / 交办或下达数 × 100%.
    ("key_work_rate", FLOOR_100, 5, {"base_data__key_work_completed": 4, "base_data__key_work_assigned": 5},
     D(3)),  # 80%: 20 × 0.1 = 2
]


@pytest.mark.parametrize(("kind", "params", "points", "figures", "value"), CASES)
def test_framework_kind_scores_as_the_definition_gives(kind, params, points, figures, value):
    result = run(kind, params, points, **figures)

    assert (result.status, result.value) == ("scored", value)


@pytest.mark.parametrize(("kind", "figures", "trace"), [
    ("staff_control_rate", {"report__in_service_count": 12, "report__staff_quota": 0}, "不适用：编制为0，无法计算比率"),
    ("staff_control_rate", {"report__staff_quota": 12}, "数据不足：缺少在职人数"),
    ("three_public_change_rate", {"base_data__three_public_budget": D(3), "base_data__three_public_prev_budget": D(0)},
     "不适用：三公经费上年预算为0，无法计算比率"),
    ("three_public_change_rate", {"base_data__three_public_budget": D(3)}, "数据不足：缺少三公经费上年预算"),
    ("key_expenditure_rate", {"base_data__key_project_expenditure": D(0), "base_data__project_expenditure": D(0)},
     "不适用：项目支出为0，无法计算比率"),
    ("budget_completion_rate", {"base_data__budget_completed": D(5), "base_data__budget_adjusted": D(0)},
     "不适用：调整后预算数为0，无法计算比率"),
    ("budget_adjustment_rate", {"base_data__budget_adjustment": D(5), "base_data__budget_initial": D(0)},
     "不适用：年初预算为0，无法计算比率"),
    ("payment_progress_rate", {"base_data__payment_progress_actual": D(5), "base_data__payment_progress_planned": D(0)},
     "不适用：既定支付进度为0，无法计算比率"),
    ("carryover_rate", {"base_data__carryover_total": D(5)}, "数据不足：缺少调整后预算数"),
    ("carryover_change_rate", {"base_data__carryover_total": D(5), "base_data__carryover_prev_total": D(0)},
     "不适用：上年结转结余总额为0，无法计算比率"),
    ("public_funds_control_rate", {"base_data__public_funds_actual": D(5), "base_data__public_funds_budget": D(0)},
     "不适用：公用经费预算数为0，无法计算比率"),
    ("three_public_control_rate", {"base_data__three_public_final": D(1)}, "数据不足：缺少三公经费本年预算"),
    ("procurement_rate", {"base_data__procurement_actual": D(0), "base_data__procurement_budget": D(0)},
     "不适用：政府采购预算为0，无法计算比率"),
    ("fixed_asset_utilization", {"fixed_asset__in_use": D(0), "fixed_asset__total": D(0)},
     "不适用：固定资产合计为0，无法计算比率"),
    ("completion_rate", {"base_data__work_completed": 3, "base_data__work_planned": 0},
     "不适用：计划工作数为0，无法计算比率"),
    ("timeliness_rate", {"base_data__work_timely": 0, "base_data__work_completed": 0},
     "不适用：实际完成工作数为0，无法计算比率"),
    ("quality_rate", {"base_data__work_completed": 5}, "数据不足：缺少质量达标工作数"),
    ("key_work_rate", {"base_data__key_work_completed": 2}, "数据不足：缺少重点工作交办数"),
])
def test_framework_kind_with_a_zero_or_missing_denominator_suggests_nothing(kind, figures, trace):
    result = run(kind, FLOOR_100, 3, **figures)

    assert (result.value, result.trace) == (None, trace)


def test_a_framework_kind_traces_its_own_figures():
    result = run("three_public_change_rate", {"scoring": "capped", "limit": "0", "per_point": "0.5"}, 4,
                 base_data__three_public_budget=D("3.06"), base_data__three_public_prev_budget=D(3))

    assert result.trace == ("（三公经费本年预算3.06 − 三公经费上年预算3）/ 三公经费上年预算3 = 2%，"
                            "超过0%共2个百分点，每个百分点扣0.5分，扣1分，得3分")


def test_a_framework_kind_without_a_scoring_shape_takes_its_default():
    # 政府采购执行率 defaults to a floor of 100%: 98% is 2 points under, 2 × 0.2 = 0.4.
    result = run("procurement_rate", {"floor": "100", "per_point": "0.2"}, 2,
                 base_data__procurement_actual=D(98), base_data__procurement_budget=D(100))

    assert result.value == D("1.6")


def test_every_framework_definition_is_a_rule_kind():
    assert sorted(DEFINITIONS) == sorted(k for k in RuleKind.values if k in DEFINITIONS)
    assert len(DEFINITIONS) == 16


def _node(kind, params, points=D(3)):
    return {"code": "x", "level": 3, "label": "测试指标", "points": points, "shares_points_with": None,
            "rule_kind": kind, "rule_params": params}


@pytest.mark.parametrize(("kind", "params", "problem"), [
    ("staff_control_rate", {"scoring": "capped", "per_point": "0.5", "numerator": "report.actual_headcount"},
     "三级指标“测试指标”的计分规则有误：“在职人员控制率”的数据项由共性指标定义确定，不能另设numerator。"),
    ("staff_control_rate", {"scoring": "ladder", "per_point": "0.5"},
     "三级指标“测试指标”的计分规则有误：计分方式“ladder”不存在，应为 capped、floor 或 bands。"),
    ("three_public_change_rate", {"scoring": "capped", "per_point": "0.5", "basis": "cash"},
     "三级指标“测试指标”的计分规则有误：口径“cash”不存在。"),
    ("procurement_rate", {"scoring": "floor"},
     "三级指标“测试指标”的计分规则有误：每个百分点扣分应为正数。"),
    ("key_work_rate", {"scoring": "bands", "bands": [{"min": "90", "score": "4"}]},
     "三级指标“测试指标”的计分规则有误：评分档得分应在0至3分之间。"),
    ("gross_margin", {}, "三级指标“测试指标”的计分规则有误：计分规则“gross_margin”不存在。"),
])
def test_framework_kind_parameters_are_checked(kind, params, problem):
    assert rubric_rule_problems([_node(kind, params)]) == [problem]


def test_sound_framework_rows_have_no_problems():
    nodes = [_node(kind, {"scoring": "capped", "per_point": "0.5"}) for kind in DEFINITIONS]

    assert rubric_rule_problems(nodes) == []
