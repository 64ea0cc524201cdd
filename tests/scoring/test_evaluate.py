from decimal import Decimal as D

import pytest

from reports.enums import Category
from reports.models import ScoreEntry
from scoring.evaluate import evaluate, report_evaluate, report_score
from scoring.services import rubric_create, rubric_get_or_create_default, rubric_nodes_from_db, year_create
from tests.scoring.conftest import make_report

pytestmark = pytest.mark.django_db

SEED_SUGGESTIONS = {
    "staff_control_rate": ("scored", D(5)),
    "three_public_change_rate": ("missing_data", None),
    "key_expenditure_rate": ("missing_data", None),
    "budget_adjustment_rate": ("missing_data", None),
    "payment_progress": ("missing_data", None),
    "fund_balance": ("scored", D(3)),
    "three_public_control_rate": ("missing_data", None),
    "budget_rules": ("missing_data", None),
    "fund_compliance": ("missing_data", None),
    "info_disclosure": ("missing_data", None),
    "procurement_rate": ("missing_data", None),
    "card_payment_rate": ("missing_data", None),
    "asset_rules": ("missing_data", None),
    "asset_security": ("missing_data", None),
    "fixed_asset_utilization": ("scored", D(3)),
    "duty_xiaokang": ("manual", None),
    "duty_growth_pole": ("manual", None),
    "duty_gov_report": ("manual", None),
    "duty_livelihood": ("manual", None),
    "duty_key_projects": ("manual", None),
    "duty_other": ("manual", None),
    "benefit_economic": ("manual", None),
    "benefit_social": ("manual", None),
    "benefit_ecological": ("manual", None),
    "satisfaction": ("scored", D(5)),
}
EXTERNAL = "人工评分：此项根据区综合绩效考核领导小组办公室对部门工作实绩的考核分数折算，由人工填报，系统不计算建议得分"
BENEFIT = "人工评分：效益指标由部门对照定量目标的完成情况自评，系统不计算建议得分"


# --- The seed demo ------------------------------------------------------------------------------
def test_seed_report_suggestions(seed_report):
    sheet = report_evaluate(seed_report)

    assert {row.code: (row.result.status, row.suggestion) for row in sheet.rows} == SEED_SUGGESTIONS


def test_seed_report_traces(seed_report):
    traces = {row.code: row.trace for row in report_evaluate(seed_report).rows}

    assert traces == {
        "staff_control_rate": "在职人数12 / 编制13 = 92.31%，不超过100%，得5分",
        "three_public_change_rate": "数据不足：缺少三公经费本年预算",
        "key_expenditure_rate": "数据不足：缺少重点项目支出",
        "budget_adjustment_rate": "数据不足：缺少预算调整数",
        "payment_progress": "数据不足：缺少未按进度下达的专项个数",
        "fund_balance": "累计结余、当年结余均未填写，按收入合计260.48 − 支出合计260.48 = 0计算结余，无结余，得3分",
        "three_public_control_rate": "数据不足：缺少三公经费本年预算",
        "budget_rules": "数据不足：尚未逐项勾选评分标准",
        "fund_compliance": "数据不足：尚未填写不符合要求的例数",
        "info_disclosure": "数据不足：尚未逐项勾选评分标准",
        "procurement_rate": "数据不足：缺少政府采购实际支出",
        "card_payment_rate": "数据不足：缺少公务卡实际刷卡金额",
        "asset_rules": "数据不足：尚未逐项勾选评分标准",
        "asset_security": "数据不足：尚未填写不符合要求的例数",
        "fixed_asset_utilization": "在用固定资产92.43 / 固定资产合计92.43 = 100%，达到100%，得3分",
        "duty_xiaokang": EXTERNAL, "duty_growth_pole": EXTERNAL, "duty_gov_report": EXTERNAL,
        "duty_livelihood": EXTERNAL, "duty_key_projects": EXTERNAL, "duty_other": EXTERNAL,
        "benefit_economic": BENEFIT, "benefit_social": BENEFIT, "benefit_ecological": BENEFIT,
        "satisfaction": "满意度98%，属于“95%（含）以上”档，得5分",
    }


def test_seed_report_flags_benefits_declared_none_and_lists_scores_below_points_without_reason(seed_report):
    sheet = report_evaluate(seed_report)

    assert {row.code: row.flag_reasons for row in sheet.flagged} == {
        "benefit_economic": ("定量目标中经济效益填报为“无”，自评得分却为5分。",),
        "benefit_ecological": ("定量目标中生态效益填报为“无”，自评得分却为5分。",),
    }
    assert sheet.problems == [
        "“资金结余”自评得分2分，低于分值3分，未填写扣分原因。",
        "“公务卡刷卡率”自评得分2分，低于分值3分，未填写扣分原因。",
    ]


def test_seed_report_totals_98_and_is_graded_excellent(seed_report):
    sheet = report_evaluate(seed_report)

    assert (sheet.self_total, sheet.review_total, sheet.final_total, sheet.grade) == (D(98), None, D(98), "优秀")


def test_seed_fund_balance_suggestion_is_above_the_self_score(seed_report):
    row = next(row for row in report_evaluate(seed_report).rows if row.code == "fund_balance")

    assert (row.self_score, row.suggestion, row.flagged, row.deduction_reason) == (D(2), D(3), False, "")


# --- report_score -------------------------------------------------------------------------------
def test_report_score_stores_suggestions_traces_and_flags_on_the_entries(seed_report):
    report_score(report=seed_report)

    stored = {
        e.indicator.code: (e.suggested_score, e.flagged)
        for e in ScoreEntry.objects.filter(report=seed_report).select_related("indicator")
    }
    assert stored == {code: (value, code in {"benefit_economic", "benefit_ecological"})
                      for code, (_status, value) in SEED_SUGGESTIONS.items()}
    economic = ScoreEntry.objects.get(report=seed_report, indicator__code="benefit_economic")
    assert economic.suggestion_trace == BENEFIT + "\n定量目标中经济效益填报为“无”，自评得分却为5分。"


def test_report_score_creates_missing_entries_and_keeps_entered_scores(year_2021):
    report = make_report(year_2021, staff_quota=13, in_service_count=12,
                         scores={"staff_control_rate": {"self_score": D(4), "deduction_reason": "超编"}})

    report_score(report=report)

    entries = ScoreEntry.objects.filter(report=report).select_related("indicator")
    assert entries.count() == 25
    staff = entries.get(indicator__code="staff_control_rate")
    assert (staff.self_score, staff.deduction_reason, staff.suggested_score, staff.suggestion_trace, staff.flagged) == (
        D(4), "超编", D(5), "在职人数12 / 编制13 = 92.31%，不超过100%，得5分", False,
    )
    satisfaction = entries.get(indicator__code="satisfaction")
    assert (satisfaction.self_score, satisfaction.suggested_score, satisfaction.suggestion_trace) == (
        None, None, "数据不足：缺少满意度",
    )


def test_report_score_is_repeatable(year_2021):
    report = make_report(year_2021, staff_quota=13, in_service_count=14,
                         scores={"staff_control_rate": {"self_score": D(5)}})
    report_score(report=report)

    report_score(report=report)

    staff = ScoreEntry.objects.get(report=report, indicator__code="staff_control_rate")
    assert ScoreEntry.objects.filter(report=report).count() == 25
    assert (staff.suggested_score, staff.flagged) == (D("1.15"), True)
    assert staff.suggestion_trace == (
        "在职人数14 / 编制13 = 107.69%，超过100%共7.69个百分点，每个百分点扣0.5分，扣3.85分，得1.15分\n"
        "自评得分5分高于建议得分1.15分。"
    )


# --- Figures from the report --------------------------------------------------------------------
def _row(report, code):
    return next(row for row in report_evaluate(report).rows if row.code == code)


def test_three_public_final_falls_back_to_the_table_total_and_says_so(year_2021):
    report = make_report(year_2021, three_public=[{"total": D("2.81"), "reception": D("2.81")}],
                         base_data={"three_public_budget": D(3), "three_public_prev_final": D("2.5")})

    control = _row(report, "three_public_control_rate")

    assert (control.suggestion, control.trace) == (
        D(6), "三公经费本年决算未填写，取三公经费表合计2.81；三公经费本年决算2.81 / 三公经费本年预算3 = 93.67%，不超过100%，得6分",
    )


def test_three_public_final_and_the_table_total_differing_scores_the_base_data_and_says_by_how_much(year_2021):
    report = make_report(year_2021, three_public=[{"total": D("2.81"), "reception": D("2.81")}],
                         base_data={"three_public_budget": D(3), "three_public_final": D("3.20")})

    control = _row(report, "three_public_control_rate")

    assert (control.suggestion, control.trace) == (
        D(0), "三公经费本年决算3.2与三公经费表合计2.81不一致（相差0.39），按三公经费本年决算计分；"
        "三公经费本年决算3.2 / 三公经费本年预算3 = 106.67%，超过100%共6.67个百分点，每个百分点扣1分，扣6分（扣完为止），得0分",
    )


def test_three_public_change_rate_compares_this_year_budget_with_last_year_budget(year_2021):
    # 财预〔2013〕53号: (本年度三公经费预算数 − 上年度三公经费预算数) / 上年度三公经费预算数 × 100%:
    # (3.1 − 3) / 3 = 3.333…% over 0, 3.333… × 0.5 = 1.666… deducted, 5 − 1.67 = 3.33; the 决算 play no part.
    report = make_report(year_2021, three_public=[{"total": D("2.81"), "reception": D("2.81")}],
                         base_data={"three_public_budget": D("3.1"), "three_public_prev_budget": D(3),
                                    "three_public_prev_final": D("2.5")})

    change = _row(report, "three_public_change_rate")

    assert (change.suggestion, change.trace) == (
        D("3.33"), "（三公经费本年预算3.1 − 三公经费上年预算3）/ 三公经费上年预算3 = 3.33%，"
        "超过0%共3.33个百分点，每个百分点扣0.5分，扣1.67分，得3.33分",
    )


def test_base_data_three_public_final_wins_over_the_table(year_2021):
    report = make_report(year_2021, three_public=[{"total": D("2.81")}],
                         base_data={"three_public_budget": D(3), "three_public_final": D("3.03")})

    assert _row(report, "three_public_control_rate").trace == (
        "三公经费本年决算3.03与三公经费表合计2.81不一致（相差0.22），按三公经费本年决算计分；"
        "三公经费本年决算3.03 / 三公经费本年预算3 = 101%，超过100%共1个百分点，每个百分点扣1分，扣1分，得5分"
    )


def test_base_data_rates(year_2021):
    report = make_report(year_2021, base_data={
        "budget_initial": D(200), "budget_adjustment": D(20), "project_expenditure": D(50),
        "key_project_expenditure": D(40), "special_fund_count": 4, "special_fund_late_count": 1,
        "procurement_budget": D(10), "procurement_actual": D("9.5"), "card_due": D(20), "card_actual": D(9),
        "satisfaction": D("85"),
    })

    rows = {row.code: (row.suggestion, row.trace) for row in report_evaluate(report).rows}

    assert rows["budget_adjustment_rate"] == (D(2), "预算调整数20 / 年初预算200 = 10%，属于“0%-10%（含）”档，得2分")
    assert rows["key_expenditure_rate"] == (D(4), "重点项目支出40 / 项目支出50 = 80%，属于“80%（含）-90%”档，得4分")
    assert rows["payment_progress"] == (D("2.5"), "未按进度下达的专项1个，每个扣0.5分，扣0.5分，得2.5分")
    assert rows["procurement_rate"] == (D(2), "政府采购实际支出9.5 / 政府采购预算10 = 95%，低于100%共5个百分点，每个百分点扣0.2分，扣1分，得2分")
    assert rows["card_payment_rate"] == (
        D(2), "公务卡实际刷卡金额9 / 公务卡应结算金额20 = 45%，低于50%共5个百分点，每个百分点扣0.2分，扣1分，得2分",
    )
    assert rows["satisfaction"] == (D(3), "满意度85%，属于“85%（含）-95%”档，得3分")


def test_no_special_fund_at_all_scores_payment_progress_full(year_2021):
    report = make_report(year_2021, base_data={"special_fund_count": 0})

    assert (_row(report, "payment_progress").suggestion, _row(report, "payment_progress").trace) == (
        D(3), "专项资金个数为0，无可扣分情形，得3分",
    )


def test_zero_project_expenditure_makes_key_expenditure_not_applicable(year_2021):
    report = make_report(year_2021, base_data={"project_expenditure": D(0), "key_project_expenditure": D(0)})

    row = _row(report, "key_expenditure_rate")

    assert (row.result.status, row.suggestion, row.trace) == ("not_applicable", None, "不适用：项目支出为0，无法计算比率")


def test_satisfaction_falls_back_to_the_declared_percentage(year_2021):
    report = make_report(year_2021, quantitative=[(Category.SATISFACTION, "社会反响良好", "90%")])

    assert _row(report, "satisfaction").trace == (
        "满意度未填写，取定量目标中满意度完成情况90；满意度90%，属于“85%（含）-95%”档，得3分"
    )


def test_balance_uses_the_surplus_against_the_carryover(year_2021):
    report = make_report(year_2021, income=[{"total": D(100), "carried_over": D(10), "public_finance": D(90)}],
                         expenditure=[{"total": D(95), "basic": D(95), "accumulated_surplus": D(5)}])

    assert _row(report, "fund_balance").trace == "累计结余5，有结余但不超过上年结转10，得2分"


def test_table_rows_of_several_units_add_up(year_2021):
    report = make_report(year_2021, fixed_assets=[{"total": D(60), "in_use": D(50)}, {"total": D(40), "in_use": D(40)}])

    assert _row(report, "fixed_asset_utilization").trace == (
        "在用固定资产90 / 固定资产合计100 = 90%，低于100%共10个百分点，每个百分点扣0.1分，扣1分，得2分"
    )


def test_checklist_and_violation_rows_score_what_people_tick_and_count(year_2021):
    report = make_report(year_2021, scores={
        "budget_rules": {"self_score": D(3), "inputs": {"checked": [True, False, True]}},
        "fund_compliance": {"self_score": D(3), "inputs": {"violations": 1}},
        "asset_security": {"self_score": D(4), "inputs": {"violations": 0}},
    })

    rows = {row.code: row for row in report_evaluate(report).rows}

    assert (rows["budget_rules"].suggestion, rows["budget_rules"].trace) == (D(2), (
        "①已制定或具有预算资金管理办法，内部财务管理制度、会计核算制度等管理制度：符合，1分；"
        "②相关管理制度合法、合规、完整：不符合，0分；③相关管理制度得到有效执行：符合，1分；合计得2分"
    ))
    assert (rows["fund_compliance"].suggestion, rows["fund_compliance"].trace) == (
        D(2), "不符合要求1例，每例扣1分，扣1分，得2分",
    )
    assert (rows["asset_security"].suggestion, rows["asset_security"].flagged) == (D(4), False)
    assert [r.code for r in rows.values() if r.flagged] == ["budget_rules", "fund_compliance"]


@pytest.mark.parametrize("violations", ["x", -1, True, None, 1.5])
def test_violation_counts_that_are_not_whole_numbers_are_missing(year_2021, violations):
    report = make_report(year_2021, scores={"fund_compliance": {"inputs": {"violations": violations}}})

    assert _row(report, "fund_compliance").result.status == "missing_data"


# --- Flags and problems, on plain data ----------------------------------------------------------
@pytest.fixture
def nodes(db):
    return rubric_nodes_from_db(rubric_get_or_create_default())


def figures(**overrides):
    return {"declared_none": {}, **overrides}


def test_benefit_without_any_quantitative_target_counts_as_declared_none(year_2021):
    report = make_report(year_2021, quantitative=[(Category.SOCIAL, "获奖", "已完成")],
                         scores={"benefit_economic": {"self_score": D(5)}, "benefit_social": {"self_score": D(5)},
                                 "benefit_ecological": {"self_score": D(0)}})

    flagged = [row.code for row in report_evaluate(report).rows if row.flagged]

    assert flagged == ["benefit_economic"]


def test_self_score_equal_to_the_suggestion_is_not_flagged(nodes):
    sheet = evaluate(nodes, figures(**{"report.in_service_count": 13, "report.staff_quota": 13}),
                     {"staff_control_rate": {"self_score": D(5)}})

    assert sheet.flagged == []


def test_shared_points_are_checked_as_a_group(nodes):
    entries = {"benefit_economic": {"self_score": D(5)}, "benefit_social": {"self_score": D(5)},
               "benefit_ecological": {"self_score": D(2)}}

    sheet = evaluate(nodes, figures(), entries)

    assert sheet.problems == ["经济效益、社会效益、生态效益共用分值15分，自评得分合计12分，未填写扣分原因。"]


def test_shared_points_over_the_group_total_is_a_problem(nodes):
    entries = {"benefit_economic": {"self_score": D(10)}, "benefit_social": {"self_score": D(5), "deduction_reason": "x"},
               "benefit_ecological": {"self_score": D(2)}}

    assert evaluate(nodes, figures(), entries).problems == ["经济效益、社会效益、生态效益共用分值15分，得分合计17分，超过分值。"]


def test_a_reason_given_clears_the_problem(nodes):
    sheet = evaluate(nodes, figures(), {"fund_balance": {"self_score": D(2), "deduction_reason": "有结余"}})

    assert sheet.problems == []


def test_review_scores_make_the_final_total_and_grade(nodes):
    # Full points everywhere; the three 效益 rows share 15 as 5 + 5 + 5.
    entries = {row["code"]: {"self_score": row["points"] or D(5)} for row in nodes if row["level"] == 3}
    entries["benefit_economic"]["self_score"] = D(5)
    entries["duty_growth_pole"]["review_score"] = D(0)
    entries["benefit_economic"]["review_score"] = D(0)

    sheet = evaluate(nodes, figures(), entries, bands=[("优秀", D(90)), ("良好", D(80)), ("中", D(60)), ("差", D(0))])

    assert (sheet.self_total, sheet.review_total, sheet.grade) == (D(100), D(88), "良好")


# --- A year's own rubric with 个性化指标 -------------------------------------------------------
def custom_rubric():
    """The 2021 rubric with 职责履行 replaced by two 个性化指标 and one more under 履职效益 (still 100)."""
    nodes = [n for n in rubric_nodes_from_db(rubric_get_or_create_default()) if not n["code"].startswith("duty_")
             or n["code"] == "duty_performance" or n["code"] == "duty_benefit"]
    nodes += [
        {"code": "custom_articles", "level": 3, "parent": "duty_performance", "label": "各级媒体发稿完成情况",
         "points": D(15), "shares_points_with": None, "rule_kind": "checklist", "is_custom": True,
         "rule_params": {"items": [{"label": "中央级主流党媒发稿100篇以上", "points": "10"},
                                   {"label": "区级平台发稿4000篇以上", "points": "5"}]}},
        {"code": "custom_safety", "level": 3, "parent": "duty_performance", "label": "新闻舆论安全",
         "points": D(10), "shares_points_with": None, "rule_kind": "violations", "is_custom": True,
         "rule_params": {"count_label": "舆论安全事故", "per_case": "5"}},
        {"code": "custom_app", "level": 3, "parent": "duty_benefit", "label": "楼区融媒App用户增长",
         "points": D(5), "shares_points_with": None, "rule_kind": "manual", "is_custom": True, "rule_params": {}},
    ]
    for node in nodes:
        if node["code"] == "benefit_economic":
            node["points"] = D(10)
    for order, node in enumerate(nodes, start=1):
        node["order"] = order
    return rubric_create(name="2022年度评分表（含个性化指标）", nodes=nodes)


def test_a_rubric_with_custom_indicators_scores_a_report_end_to_end(db):
    year = year_create(year=2022, rubric=custom_rubric())
    report = make_report(year, staff_quota=10, in_service_count=10, scores={
        "custom_articles": {"self_score": D(15), "inputs": {"checked": [True, False]}},
        "custom_safety": {"self_score": D(10), "inputs": {"violations": 0}},
        "custom_app": {"self_score": D(5)},
        "staff_control_rate": {"self_score": D(5)},
        "benefit_economic": {"self_score": D(10)},
    })

    sheet = report_score(report=report)

    rows = {row.code: (row.points, row.suggestion, row.flagged) for row in sheet.rows}
    assert len(rows) == 22
    assert rows["custom_articles"] == (D(15), D(10), True)
    assert rows["custom_safety"] == (D(10), D(10), False)
    assert rows["custom_app"] == (D(5), None, False)
    assert rows["benefit_economic"] == (D(10), None, True)
    assert (sheet.self_total, sheet.grade) == (D(45), "差")
    assert ScoreEntry.objects.filter(report=report, flagged=True).count() == 2


def test_a_row_with_broken_rule_parameters_says_so_instead_of_failing_the_sheet(nodes):
    broken = [dict(n, rule_params={"numerator": "report.in_service_count"}) if n["code"] == "staff_control_rate" else n
              for n in nodes]

    sheet = evaluate(broken, figures(), {})

    row = next(row for row in sheet.rows if row.code == "staff_control_rate")
    assert (row.result.status, row.trace) == ("not_applicable", "不适用：计分规则参数有误，请管理员检查评分表")
    assert len(sheet.rows) == 25
