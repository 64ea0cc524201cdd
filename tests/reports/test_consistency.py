import copy
from decimal import Decimal

import pytest

from reports.checks_submit import check_data_for
from reports.consistency import (
    COMPLETE,
    EMPTY,
    ERROR,
    HAS_ERRORS,
    INCOMPLETE,
    MISSING,
    WARNING,
    Problem,
    report_problems,
    section_states,
)
from scoring.evaluate import report_score
from tests.reports.editor_support import blank_report, seed_report

pytestmark = pytest.mark.django_db

BASE_WARNING = Problem(
    "base-data", "id_base-three_public_prev_final",
    "基础数据未填写：三公经费上年决算数、三公经费本年预算数、三公经费本年决算数、年初预算数、预算调整数、项目支出、重点项目支出、"
    "专项资金个数、未按进度下达的专项个数、政府采购预算数、政府采购实际数、公务卡应结算金额、公务卡实际刷卡金额、三公经费上年预算数。"
    "系统无法计算相关指标的建议得分（没有发生的填0）。", MISSING, blocking=False,
)
SEED_PROBLEMS = [
    BASE_WARNING,
    Problem("scores", "id_scores-reason__fund_balance", "“资金结余”自评得分2分低于分值3分，请填写扣分原因。"),
    Problem("scores", "id_scores-reason__card_payment_rate", "“公务卡刷卡率”自评得分2分低于分值3分，请填写扣分原因。"),
    Problem("scores", "id_scores-score__benefit_economic",
            "“经济效益”：定量目标中经济效益填报为“无”，自评得分却为5分。请核实。", WARNING),
    Problem("scores", "id_scores-score__benefit_ecological",
            "“生态效益”：定量目标中生态效益填报为“无”，自评得分却为5分。请核实。", WARNING),
]


@pytest.fixture
def seed_data():
    report = seed_report()
    return check_data_for([report])[report.pk]


def with_reasons(data):
    data = copy.deepcopy(data)
    for row in data["scores"]:
        if row["code"] in ("fund_balance", "card_payment_rate"):
            row["deduction_reason"] = "按评分标准扣分"
    return data


def test_the_seed_report_lacks_only_two_deduction_reasons_and_gets_three_warnings(seed_data):
    assert report_problems(seed_data) == SEED_PROBLEMS
    assert [p.blocking for p in SEED_PROBLEMS] == [False, True, True, False, False]


def test_section_states_of_the_seed_report(seed_data):
    problems = report_problems(seed_data)

    assert section_states(seed_data, problems) == {
        "cover": COMPLETE, "finance": COMPLETE, "base-data": INCOMPLETE, "goals": COMPLETE,
        "scores": INCOMPLETE, "narrative": COMPLETE, "people": COMPLETE,
    }


def test_a_blank_report_is_empty_everywhere_and_lists_what_is_missing():
    report = blank_report()
    data = check_data_for([report])[report.pk]

    problems = report_problems(data)

    assert section_states(data, problems) == dict.fromkeys(
        ("cover", "finance", "base-data", "goals", "scores", "narrative", "people"), EMPTY)
    assert [p.message for p in problems if p.section == "finance"] == [
        "请填写年度收入情况表。", "请填写年度支出和结余情况表。", "请填写三公经费表。", "请填写固定资产表。",
    ]
    assert Problem("cover", "id_cover-contact_name", "请填写联系人。") in problems
    assert Problem("goals", "formset-q-economic", "请填写经济效益的绩效目标（没有时填“无”）。") in problems
    assert Problem("people", "formset-evaluators", "请至少填写一名评价人员。") in problems
    assert Problem("scores", "id_scores-score__staff_control_rate", "请填写“财政供养人员控制率”的自评得分。") in problems
    assert sum(1 for p in problems if p.section == "narrative") == 12


def test_a_broken_identity_is_an_error_at_its_cell(seed_data):
    data = with_reasons(seed_data)
    data["income"][0]["total"] = Decimal("260.00")

    problems = [p for p in report_problems(data) if p.blocking]

    assert problems == [Problem(
        "finance", "id_income-0-total",
        "年度收入情况表“岳阳市岳阳楼区融媒体中心”：收入合计应等于上年结转、公共财政拨款、政府基金拨款、纳入专户管理的非税收入拨款、"
        "其他收入之和：填写为 260.00，各项之和为 260.48。", ERROR,
    )]
    assert section_states(data, report_problems(data))["finance"] == HAS_ERRORS


def test_narrative_amounts_must_agree_with_the_tables(seed_data):
    data = with_reasons(seed_data)
    data["expenditure"][0].update(total=Decimal("261.48"), basic=Decimal("261.48"), public_use=Decimal("118.02"))

    problems = [p for p in report_problems(data) if p.section == "narrative"]

    assert [p.message for p in problems] == [
        "综述“（二）部门（单位）整体支出规模、使用方向和主要内容、涉及范围等”中整体支出为260.48万元，与收支情况表中的支出合计261.48万元不一致。",
        "综述“（二）部门（单位）整体支出规模、使用方向和主要内容、涉及范围等”中基本支出为260.48万元，与收支情况表中的基本支出261.48万元不一致。",
        "综述“（二）部门（单位）整体支出规模、使用方向和主要内容、涉及范围等”中公用经费为117.02万元，与收支情况表中的公用支出118.02万元不一致。",
        "综述“（一）基本支出”中基本支出为260.48万元，与收支情况表中的基本支出261.48万元不一致。",
        "综述“（一）基本支出”中公用经费为117.02万元，与收支情况表中的公用支出118.02万元不一致。",
    ]
    assert {(p.anchor, p.kind) for p in problems} == {
        ("id_narrative-expenditure_scope", ERROR), ("id_narrative-basic_expenditure", ERROR)}


def test_narrative_amounts_in_full_width_digits_are_read_too(seed_data):
    data = with_reasons(seed_data)
    data["narrative"]["problems"] = "整体支出为２６０．４９万元。"

    problems = [p.message for p in report_problems(data) if p.anchor == "id_narrative-problems"]

    assert problems == ["综述“五、存在的主要问题”中整体支出为260.49万元，与收支情况表中的支出合计260.48万元不一致。"]


def test_narrative_headcounts_must_agree_with_the_overview(seed_data):
    data = with_reasons(seed_data)
    data["report"].update(actual_headcount=24, temporary_count=9)

    problems = [p.message for p in report_problems(data) if p.section == "narrative"]

    assert problems == [
        "综述“（一）部门（单位）基本情况”中现有人数23人，与基本概况中的实有人数24人不一致。",
        "综述“（一）部门（单位）基本情况”中临聘8人，与基本概况中的借调临聘人数9人不一致。",
    ]


def test_a_headcount_that_does_not_add_up_is_an_error_on_the_cover(seed_data):
    data = with_reasons(seed_data)
    data["report"]["actual_headcount"] = 22

    problems = [p for p in report_problems(data) if p.section == "cover"]

    assert problems == [Problem("cover", "id_cover-actual_headcount",
                                "实有人数应等于在职人数、退休人数与借调临聘人数之和：填写为 22，各项之和为 23。", ERROR)]


def test_shared_points_above_the_group_are_an_error(seed_data):
    data = with_reasons(seed_data)
    for row in data["scores"]:
        if row["code"] == "benefit_social":
            row["self_score"] = Decimal("10")

    problems = [p for p in report_problems(data) if p.kind == ERROR]

    assert problems == [Problem("scores", "id_scores-score__benefit_economic",
                                "经济效益、社会效益、生态效益共用分值15分，得分合计20分超过了分值。", ERROR)]


def test_shared_points_below_the_group_need_one_reason(seed_data):
    data = with_reasons(seed_data)
    for row in data["scores"]:
        if row["code"] == "benefit_ecological":
            row["self_score"] = Decimal("0")

    problems = [p for p in report_problems(data) if p.blocking]

    assert problems == [Problem("scores", "id_scores-reason__benefit_economic",
                                "经济效益、社会效益、生态效益共用分值15分，自评得分合计10分，请填写扣分原因。")]


def test_a_score_above_the_suggestion_is_a_warning(seed_data):
    data = with_reasons(seed_data)
    for row in data["scores"]:
        if row["code"] == "staff_control_rate":
            row["suggested_score"] = Decimal("4.5")

    problems = [p for p in report_problems(data) if p.anchor == "id_scores-score__staff_control_rate"]

    assert problems == [Problem("scores", "id_scores-score__staff_control_rate",
                                "“财政供养人员控制率”：自评得分5分高于建议得分4.5分。请核实。", WARNING)]
    assert problems[0].detail == "在职人数12 / 编制13 = 92.31%，不超过100%，得5分"


def test_a_benefit_declared_none_is_flagged_whenever_it_scores_even_below_the_shared_points(seed_data):
    data = with_reasons(seed_data)
    for row in data["scores"]:
        if row["code"] in ("benefit_economic", "benefit_ecological"):
            row["self_score"] = Decimal("0.5")
        if row["code"] == "benefit_social":
            row["deduction_reason"] = "效益目标部分完成。"

    problems = [p.message for p in report_problems(data) if p.kind == WARNING]

    assert problems == ["“经济效益”：定量目标中经济效益填报为“无”，自评得分却为0.5分。请核实。",
                        "“生态效益”：定量目标中生态效益填报为“无”，自评得分却为0.5分。请核实。"]


def test_the_check_list_flags_exactly_the_rows_the_scoring_stores_as_flagged():
    report = seed_report()
    report_score(report=report)
    data = check_data_for([report])[report.pk]

    flagged = {p.anchor.removeprefix("id_scores-score__") for p in report_problems(data) if p.kind == WARNING}

    assert flagged == {row["code"] for row in data["scores"] if row["flagged"]} == {"benefit_economic",
                                                                                     "benefit_ecological"}


def test_a_score_off_the_step_is_an_error(seed_data):
    data = with_reasons(seed_data)
    data["scores"][0]["self_score"] = Decimal("4.3")

    problems = [p for p in report_problems(data) if p.kind == ERROR]

    assert problems == [Problem("scores", "id_scores-score__staff_control_rate",
                                "“财政供养人员控制率”的自评得分应在0至5分之间，且为0.5分的整数倍。", ERROR)]


def test_with_the_reasons_given_nothing_blocks_the_seed_report(seed_data):
    assert [p for p in report_problems(with_reasons(seed_data)) if p.blocking] == []
