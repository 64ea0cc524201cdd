import datetime
from decimal import Decimal

import pytest
from django.template.loader import render_to_string

from budgets.models import ExpenditureRow, FixedAssetRow, IncomeRow, ThreePublicRow
from reports.enums import Category
from reports.layout import Cell
from reports.models import Evaluator, Narrative, QualitativeGoal, QuantitativeIndicator, Report, ScoreEntry, Task
from reports.rendering import (
    BLANK_DATE,
    fmt_date,
    fmt_score,
    money_table,
    narrative_sections,
    numbered,
    qualitative_rows,
    quantitative_rows,
    report_output_context,
    rubric_table,
    spaced,
)
from scoring.services import rubric_get_or_create_default, year_create
from tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

SEED_SCORES = {
    "staff_control_rate": 5, "three_public_change_rate": 5, "key_expenditure_rate": 5,
    "budget_adjustment_rate": 3, "payment_progress": 3, "fund_balance": 2, "three_public_control_rate": 6,
    "budget_rules": 3, "fund_compliance": 3, "info_disclosure": 3, "procurement_rate": 3, "card_payment_rate": 2,
    "asset_rules": 3, "asset_security": 4, "fixed_asset_utilization": 3,
    "duty_xiaokang": 5, "duty_growth_pole": 7, "duty_gov_report": 5, "duty_livelihood": 2, "duty_key_projects": 2,
    "duty_other": 4, "benefit_economic": 5, "benefit_social": 5, "benefit_ecological": 5, "satisfaction": 5,
}


@pytest.fixture
def year():
    return year_create(year=2021, rubric=rubric_get_or_create_default())


@pytest.fixture
def report(year):
    department = DepartmentFactory(code="106019", name="岳阳市岳阳楼区融媒体中心")
    return Report.objects.create(evaluation_year=year, department=department, report_date=datetime.date(2022, 5, 9))


def score_all(report, scores=SEED_SCORES, **extra):
    indicators = {i.code: i for i in report.evaluation_year.rubric.indicators.filter(level=3)}
    ScoreEntry.objects.bulk_create(
        ScoreEntry(report=report, indicator=indicators[code], self_score=Decimal(value), **extra.get(code, {}))
        for code, value in scores.items()
    )


class Row:
    """A stand-in for a model row where only attributes matter (pure functions take any object)."""

    def __init__(self, **attrs):
        self.__dict__.update(attrs)


# --- Formatting -----------------------------------------------------------------------------
@pytest.mark.parametrize(("value", "printed"), [
    (None, ""), (Decimal("0"), "0"), (Decimal("0.00"), "0"), (Decimal("98.00"), "98"), (Decimal("2.50"), "2.5"),
    (Decimal("100"), "100"), (Decimal("15.00"), "15"),
])
def test_fmt_score_prints_no_trailing_zeros(value, printed):
    assert fmt_score(value) == printed


def test_fmt_date_prints_chinese_date_without_padding():
    assert fmt_date(datetime.date(2022, 5, 9)) == "2022年5月9日"
    assert fmt_date(None) == ""


@pytest.mark.parametrize(("label", "printed"), [("投入", "投  入"), ("过程", "过  程"), ("预算配置", "预算配置")])
def test_spaced_spreads_two_character_labels(label, printed):
    assert spaced(label) == printed


def test_numbered_prefixes_each_text():
    assert numbered("任务", ["甲；", "乙。"]) == ["任务1：甲；", "任务2：乙。"]


# --- 收支 tables ----------------------------------------------------------------------------
def test_money_table_prints_blank_as_blank_and_zero_as_zero_without_total_for_one_row():
    row = Row(org_name="本级", total=Decimal("92.43"), in_use=Decimal("92.43"), rented=Decimal("0.00"), other=None)

    table = money_table([row], ("total", "in_use", "rented", "other"))

    assert table.rows == [(["本级"], ["92.43", "92.43", "0", ""])]
    assert table.total is None
    assert (table.blank, table.columns, table.data_pct) == (["", "", "", ""], 4, 20)


def test_money_table_adds_total_row_for_several_institutions():
    rows = [
        Row(org_name="本级", total=Decimal("100.50"), carried_over=None),
        Row(org_name="下属单位", total=Decimal("20.25"), carried_over=None),
        Row(org_name="下属单位二", total=Decimal("0"), carried_over=None),
    ]

    table = money_table(rows, ("total", "carried_over"))

    assert table.total == ["120.75", ""]


def test_money_table_breaks_a_long_institution_name_into_even_lines():
    row = Row(org_name="岳阳市岳阳楼区融媒体中心新闻采编部", total=None)

    table = money_table([row], ("total",))

    assert table.rows[0][0] == ["岳阳市岳阳楼", "区融媒体中心", "新闻采编部"]


# --- 三、goals -----------------------------------------------------------------------------
def test_qualitative_rows_number_goals_and_merge_equal_results():
    goals = [Row(target="甲", actual="已完成"), Row(target="乙", actual="已完成"), Row(target="丙", actual="部分完成")]

    rows = qualitative_rows(goals)

    assert [r.target for r in rows] == ["目标1：甲", "目标2：乙", "目标3：丙"]
    assert [r.actual for r in rows] == [
        Cell(["已完成"], open=True), Cell(["（同上）"], cont=True), Cell(["部分完成"]),
    ]


def test_quantitative_rows_prefix_only_categories_with_several_rows_and_keep_empty_categories():
    indicators = [
        Row(category=Category.QUALITY, target="甲", actual="已完成"),
        Row(category=Category.QUALITY, target="乙", actual="已完成"),
        Row(category=Category.TIMELINESS, target="及时", actual="已完成"),
        Row(category=Category.SATISFACTION, target="满意", actual="98%"),
    ]

    rows = quantitative_rows(indicators)

    assert [(r.group.lines, r.group.cont, r.category.lines, r.category.cont, r.target, r.actual) for r in rows] == [
        (["产出目标"], False, ["质量指标"], False, "指标1：甲", "已完成"),
        (["产出目标"], True, ["质量指标"], True, "指标2：乙", "已完成"),
        (["产出目标"], True, ["数量指标"], False, "", ""),
        (["产出目标"], True, ["时效指标"], False, "及时", "已完成"),
        (["产出目标"], True, ["成本指标"], False, "", ""),
        (["效益目标"], False, ["社会效益"], False, "", ""),
        (["效益目标"], True, ["经济效益"], False, "", ""),
        (["效益目标"], True, ["生态效益"], False, "", ""),
        (["效益目标"], True, ["社会公众", "或服务对", "象满意度"], False, "满意", "98%"),
    ]
    assert [r.note for r in rows if r.note] == [
        "（部门工作实绩，包含上级部门和区委区政府布置的重点工作、实事任务等，根据部门实际进行调整细化）", "（预期实现的效益）",
    ]
    assert [r.group.open for r in rows] == [True, True, True, True, False, True, True, True, False]


# --- 评分表 ---------------------------------------------------------------------------------
def test_rubric_table_merges_first_and_second_levels_and_breaks_their_points_onto_a_line(report):
    score_all(report)

    rows, points_total, reviewed = rubric_table(report.evaluation_year.rubric.indicators.all(), report.scores.all())

    shown = [(r.level1.lines, r.level2.lines) for r in rows if not r.level2.cont]
    assert shown == [
        (["投  入", "（15分）"], ["预算配置", "（15分）"]),
        (["过  程", "（40分）"], ["预算执行", "（15分）"]),
        (["过  程", "（40分）"], ["预算管理", "（15分）"]),
        (["过  程", "（40分）"], ["资产管理", "（10分）"]),
        (["产  出", "（25分）"], ["职责履行", "（25分）"]),
        (["效  果", "（20分）"], ["履职效益", "（20分）"]),
    ]
    assert [r.level1.cont for r in rows[:8]] == [False, True, True, False, True, True, True, True]
    assert (points_total, reviewed) == ("100", False)


def test_rubric_table_prints_every_row_with_points_and_self_score(report):
    score_all(report)

    rows, _total, _reviewed = rubric_table(report.evaluation_year.rubric.indicators.all(), report.scores.all())

    assert len(rows) == 25
    assert [(r.label, r.points.lines, r.self_score) for r in rows[:3]] == [
        (["财政供养人", "员控制率"], ["5"], "5"), (["“三公经", "费”变动率"], ["5"], "5"), (["重点支出", "安排率"], ["5"], "5"),
    ]
    assert [r.self_score for r in rows] == [str(v) for v in SEED_SCORES.values()]


def test_rubric_table_merges_duty_standard_over_six_rows(report):
    rows, _total, _reviewed = rubric_table(report.evaluation_year.rubric.indicators.all(), [])

    duty = rows[15:21]
    assert duty[0].standard.lines[0].startswith("此项指标根据区综合绩效考核领导小组办公室")
    assert [(r.standard.cont, r.standard.open) for r in duty] == [(False, True)] + [(True, True)] * 4 + [(True, False)]
    assert [r.points.lines for r in duty] == [["5"], ["7"], ["5"], ["2"], ["2"], ["4"]]


def test_rubric_table_prints_shared_benefit_points_once_over_three_rows(report):
    score_all(report)

    rows, _total, _reviewed = rubric_table(report.evaluation_year.rubric.indicators.all(), report.scores.all())

    benefit = rows[21:]
    assert [r.label for r in benefit] == [["经济效益"], ["社会效益"], ["生态效益"], ["社会公众或服", "务对象满意度"]]
    assert [r.points for r in benefit] == [
        Cell(["15"], open=True), Cell([""], cont=True, open=True), Cell([""], cont=True), Cell(["5"]),
    ]
    assert [r.self_score for r in benefit] == ["5", "5", "5", "5"]


def test_rubric_table_shows_review_scores_once_any_row_is_reviewed(report):
    score_all(report, extra={})
    entry = report.scores.get(indicator__code="fund_balance")
    entry.review_score = Decimal("1")
    entry.review_note = "结余超过上年结转"
    entry.deduction_reason = "有结余"
    entry.save()

    rows, _total, reviewed = rubric_table(report.evaluation_year.rubric.indicators.all(), report.scores.all())

    row = rows[5]
    assert reviewed is True
    assert (row.label, row.self_score, row.review_score, row.reason) == (
        ["资金结余"], "2", "1", "有结余\n复核说明：结余超过上年结转",
    )
    assert rows[0].review_score == "5"


# --- 五 --------------------------------------------------------------------------------------
def test_narrative_sections_follow_the_outline_numbering():
    narrative = Narrative(overview="第一段\n\n第二段", problems="问题")

    sections = narrative_sections(narrative)

    assert [(s.number, s.title) for s in sections] == [
        ("一、", "部门（单位）概况"),
        ("（一）", "部门（单位）基本情况"),
        ("（二）", "部门（单位）整体支出规模、使用方向和主要内容、涉及范围等"),
        ("二、", "部门（单位）整体支出管理及使用情况"),
        ("（一）", "基本支出"),
        ("（二）", "专项支出"),
        ("1.", "专项资金安排落实、总投入等情况分析"),
        ("2.", "专项资金实际使用情况分析"),
        ("3.", "专项资金管理情况分析"),
        ("三、", "部门（单位）专项组织实施情况"),
        ("（一）", "专项组织情况分析"),
        ("（二）", "专项管理情况分析"),
        ("四、", "部门（单位）整体支出绩效情况"),
        ("五、", "存在的主要问题"),
        ("六、", "改进措施和有关建议"),
    ]
    assert sections[0].paragraphs == ["第一段", "第二段"]
    assert sections[13].paragraphs == ["问题"]


# --- The whole context ----------------------------------------------------------------------
def test_context_derives_total_and_grade_from_scores(report):
    score_all(report)

    context = report_output_context(report)

    assert (context["self_total"], context["review_total"], context["grade"]) == ("98分", "", "优秀")
    assert (context["rubric"].points_total, context["rubric"].self_total) == ("100", "98")


def test_context_prints_cover_and_blank_sign_off_dates(report):
    report.leader_signed_on = datetime.date(2022, 5, 10)
    report.save()

    context = report_output_context(report)

    assert context["cover"] == {
        "region": "岳阳楼区", "year": 2021, "department_name": "岳阳市岳阳楼区融媒体中心",
        "department_code": "106019", "method": "部门（单位）绩效自评", "body": "部门（单位）评价组",
        "date": "2022年5月9日", "issuer": "岳阳楼区财政局（制）",
    }
    assert context["signoff"]["leader_date"] == "2022年5月10日"
    assert context["signoff"]["dept_date"] == BLANK_DATE == "年    月    日"
    assert context["self_total"] == context["grade"] == ""


def fill(report, n):
    """n rows in every list and table of the report."""
    for i in range(n):
        Task.objects.create(report=report, order=i, text=f"任务{i}")
        QualitativeGoal.objects.create(report=report, order=i, target=f"目标{i}", actual="已完成")
        QuantitativeIndicator.objects.create(report=report, order=i, category=Category.QUANTITY, target=f"指标{i}")
        Evaluator.objects.create(report=report, order=i, name=f"评价人{i}")
        IncomeRow.objects.create(report=report, order=i, org_name=f"单位{i}", total=Decimal("1.00"))
        ExpenditureRow.objects.create(report=report, order=i, org_name=f"单位{i}", total=Decimal("1.00"))
        ThreePublicRow.objects.create(report=report, order=i, org_name=f"单位{i}", total=Decimal("0"))
        FixedAssetRow.objects.create(report=report, order=i, org_name=f"单位{i}")
    Narrative.objects.create(report=report, overview="概况")
    score_all(report)


@pytest.mark.parametrize("n", [1, 3])
def test_context_loads_in_a_fixed_number_of_queries(report, n, django_assert_num_queries):
    fill(report, n)
    fresh = Report.objects.select_related("evaluation_year", "department").get(pk=report.pk)

    # 14 for the form, 1 for the department's approved targets of the year (none here).
    with django_assert_num_queries(15):
        report_output_context(fresh)


def test_templates_print_without_queries(report, django_assert_num_queries):
    fill(report, 3)
    context = report_output_context(Report.objects.get(pk=report.pk))

    with django_assert_num_queries(0):
        html = render_to_string("reports/report_pdf.html", context)

    assert "合计" in html
    assert html.count('<td class="level3">') == 25
    assert "keep" not in html  # nothing that grows with the data is kept together
