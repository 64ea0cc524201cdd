from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from budgets.models import BaseData, ExpenditureRow, IncomeRow
from departments.enums import Role
from departments.models import Bureau, Department, Office
from reports.demo import SEED_FILE, demo_load, seed_document
from reports.enums import Status
from reports.interchange import document_blank, document_dumps, document_problems, report_export, report_import
from reports.limits import LIST_LIMITS
from reports.models import Narrative, Report, ScoreEntry, Task
from reports.workflow import move
from scoring.models import EvaluationYear, GradeBand, Rubric
from scoring.services import rubric_get_or_create_default, year_create
from tests.factories import DepartmentFactory, MembershipFactory

pytestmark = pytest.mark.django_db


def row_counts():
    """Rows of every model of the domain apps."""
    return {
        model._meta.label: model.objects.count()
        for app in ("accounts", "departments", "scoring", "reports", "budgets")
        for model in apps.get_app_config(app).get_models()
    }


def empty_the_database():
    """Remove every report, year, rubric, department, office and bureau (users stay)."""
    Report.objects.all().delete()
    EvaluationYear.objects.all().delete()
    Rubric.objects.all().delete()
    Department.objects.all().delete()
    Office.objects.all().delete()
    Bureau.objects.all().delete()


def rich_document():
    """The seed with every kind of value filled: two rows, dates, review scores, inputs, a signed surplus."""
    doc = seed_document()
    del doc["status"], doc["derived"]
    doc["income"].append({
        "org_name": "下属单位", "total": "10.50", "carried_over": "0.50", "public_finance": "10.00",
        "government_fund": None, "special_account": None, "other": None,
    })
    doc["expenditure"][0]["current_surplus"] = "-1.25"
    doc["signoff"].update({"leader_name": "吴鹏翔", "leader_signed_on": "2022-05-09", "dept_opinion": "同意。\n报送财政。"})
    doc["base_data"].update({"special_fund_count": 2, "special_fund_late_count": 1, "budget_initial": "250.00"})
    doc["scores"][5].update({"deduction_reason": "有结余，未超过上年结转。", "review_score": "2.50", "review_note": "复核"})
    doc["scores"][8]["inputs"] = {"violations": 1, "checked": [True, False], "note": {"b": 1, "a": 2}}
    return doc


def test_seed_file_is_an_export_byte_for_byte_after_import():
    text = SEED_FILE.read_text(encoding="utf-8")

    report = report_import(document=seed_document())

    assert document_dumps(report_export(report)) == text


def test_export_import_into_an_empty_database_export_is_identical():
    demo_load()
    first = document_dumps(report_export(Report.objects.get(department__code="106019")))
    empty_the_database()
    assert Report.objects.count() == Rubric.objects.count() == Bureau.objects.count() == 0

    report = report_import(document=seed_document())

    assert document_dumps(report_export(report)) == first


def test_rich_document_round_trips_identically_with_sorted_inputs():
    report = report_import(document=rich_document())
    first = report_export(report)

    again = report_export(report_import(document=first))

    assert document_dumps(again) == document_dumps(first)
    assert first["scores"][8]["inputs"] == {"checked": [True, False], "note": {"a": 2, "b": 1}, "violations": 1}
    assert list(first["scores"][8]["inputs"]) == ["checked", "note", "violations"]
    assert first["income"][1] == {
        "org_name": "下属单位", "total": "10.50", "carried_over": "0.50", "public_finance": "10.00",
        "government_fund": None, "special_account": None, "other": None,
    }
    assert first["expenditure"][0]["current_surplus"] == "-1.25"
    assert first["derived"] == {"self_total": "98.00", "review_total": "98.50", "grade": "优秀"}


def test_export_keys_are_in_the_documented_order():
    doc = report_export(report_import(document=seed_document()))

    assert list(doc) == [
        "format", "version", "year", "department", "status", "cover", "overview", "tasks", "income", "expenditure",
        "three_public", "fixed_assets", "base_data", "qualitative_goals", "quantitative", "evaluators", "signoff",
        "narrative", "scores", "derived",
    ]
    assert list(doc["scores"][0]) == ["code", "self_score", "deduction_reason", "review_score", "review_note", "inputs"]


def test_money_is_a_two_decimal_string_and_a_blank_cell_is_null_not_zero():
    report = report_import(document=seed_document())

    doc = report_export(report)

    assert doc["fixed_assets"] == [
        {"org_name": "岳阳市岳阳楼区融媒体中心", "total": "92.43", "in_use": "92.43", "rented": "0.00", "other": None}
    ]
    row = report.fixed_asset_rows.get()
    assert (row.rented, row.other) == (Decimal("0.00"), None)


def test_amounts_with_fewer_decimals_are_accepted_and_exported_with_two():
    doc = seed_document()
    doc["three_public"][0].update({"total": "2.8", "reception": "2.80"})
    doc["fixed_assets"][0].update({"total": "92", "in_use": "92", "rented": "0"})

    exported = report_export(report_import(document=doc))

    assert exported["three_public"][0]["total"] == "2.80"
    assert (exported["fixed_assets"][0]["total"], exported["fixed_assets"][0]["rented"]) == ("92.00", "0.00")


def test_importing_twice_leaves_one_report_with_the_same_rows():
    report_import(document=seed_document())
    counts = row_counts()

    report = report_import(document=seed_document())

    assert row_counts() == counts
    assert Report.objects.filter(department__code="106019").count() == 1
    assert report.revision == 2
    assert (Task.objects.count(), ScoreEntry.objects.count(), Narrative.objects.count()) == (5, 25, 1)


def test_import_replaces_the_content_of_the_existing_report():
    report = report_import(document=seed_document())
    doc = seed_document()
    doc["tasks"] = ["只有一项任务"]
    doc["evaluators"] = []
    doc["narrative"]["problems"] = "无"

    again = report_import(document=doc)

    assert again.pk == report.pk
    exported = report_export(again)
    assert (exported["tasks"], exported["evaluators"], exported["narrative"]["problems"]) == (["只有一项任务"], [], "无")


def test_import_refuses_a_report_under_review_and_writes_nothing():
    report = report_import(document=seed_document())
    clerk = MembershipFactory(role=Role.CLERK, department=report.department).user
    report = move(report, Status.DEPT_REVIEW, by=clerk)
    doc = seed_document()
    doc["tasks"] = []
    counts = row_counts()

    with pytest.raises(ValidationError) as raised:
        report_import(document=doc)

    assert raised.value.messages == ["2021年度预算编码为106019的报告处于“部门审核”状态，只有草稿可以通过导入覆盖。"]
    assert row_counts() == counts
    assert Report.objects.get(pk=report.pk).revision == report.revision


def test_import_refuses_to_overwrite_an_approved_report_and_writes_nothing():
    demo_load()
    report = Report.objects.get(department__code="106019")
    report = move(report, Status.DEPT_REVIEW, by=User.objects.get(username="clerk"))
    report = move(report, Status.FINANCE_REVIEW, by=User.objects.get(username="head"))
    move(report, Status.APPROVED, by=User.objects.get(username="reviewer"))
    doc = seed_document()
    doc["tasks"] = []
    counts = row_counts()

    with pytest.raises(ValidationError) as raised:
        report_import(document=doc)

    assert raised.value.messages == ["2021年度预算编码为106019的报告处于“已审定”状态，只有草稿可以通过导入覆盖。"]
    assert row_counts() == counts


def test_import_creates_the_department_and_the_year_when_missing():
    assert Department.objects.count() == EvaluationYear.objects.count() == 0

    report = report_import(document=seed_document())

    department = report.department
    assert (department.code, department.name, department.bureau.name) == ("106019", "岳阳市岳阳楼区融媒体中心", "岳阳楼区财政局")
    assert report.evaluation_year.rubric == rubric_get_or_create_default()
    assert list(GradeBand.objects.values_list("label", "min_score")) == [
        ("优秀", Decimal("90")), ("良好", Decimal("80")), ("中", Decimal("60")), ("差", Decimal("0")),
    ]
    assert report.status == Status.DRAFT


def test_import_keeps_an_existing_department_and_year():
    department = DepartmentFactory(code="106019", name="融媒体中心")
    year = year_create(year=2021, rubric=rubric_get_or_create_default())

    report = report_import(document=seed_document())

    assert (report.department, report.evaluation_year) == (department, year)
    assert Department.objects.get().name == "融媒体中心"


def test_seed_document_has_no_problems():
    assert document_problems(seed_document()) == []


def test_an_invalid_document_is_refused_whole_with_every_problem_in_chinese():
    doc = seed_document()
    doc["extra"] = 1
    doc["cover"]["report_date"] = "2022/05/09"
    doc["overview"]["actual_headcount"] = 24
    del doc["signoff"]["filler_phone"]
    doc["tasks"].append("")
    doc["income"][0]["total"] = "260.481"
    doc["income"][0]["other"] = "-1.00"
    doc["expenditure"][0]["personnel"] = "143.00"
    doc["three_public"][0]["total"] = "2.80"
    doc["fixed_assets"][0]["rented"] = 0
    doc["base_data"]["satisfaction"] = "101.00"
    doc["quantitative"][0]["category"] = "speed"
    doc["scores"][0]["code"] = "nope"
    doc["scores"][1]["self_score"] = "5.50"
    doc["scores"][2]["self_score"] = "4.30"
    doc["scores"][21]["self_score"] = "6.00"
    counts = row_counts()

    with pytest.raises(ValidationError) as raised:
        report_import(document=doc)

    assert raised.value.messages == [
        "extra：未知字段。",
        "cover.report_date：应为 YYYY-MM-DD 格式的日期（如“2022-05-09”）或 null。",
        "overview.actual_headcount：实有人数应等于在职人数、退休人数与借调临聘人数之和：填写为 24，各项之和为 23。",
        "signoff.filler_phone：缺少此字段。",
        "tasks[5]：不能为空。",
        "income[0].total：最多保留两位小数：“260.481”。",
        "income[0].other：不能为负数。",
        "expenditure[0].basic：基本支出应等于人员支出、公用支出之和：填写为 260.48，各项之和为 260.02。",
        "three_public[0].total：三公经费合计应等于公务接待费、公务用车运维费、公务用车购置费、因公出国费之和："
        "填写为 2.80，各项之和为 2.81。",
        "fixed_assets[0].rented：应为带两位小数的数字字符串（如“260.48”）或 null。",
        "base_data.satisfaction：不能大于100。",
        "quantitative[0].category：未知的指标类别“speed”，应为 quality、quantity、timeliness、cost、social、economic、"
        "ecological、satisfaction 之一。",
        "scores[0].code：评分表中没有指标代码“nope”。",
        "scores[1].self_score：自评得分应在0至5分之间。",
        "scores[2].self_score：自评得分须为0.5分的整数倍。",
        "scores：缺少指标“财政供养人员控制率”（staff_control_rate）的评分行。",
        "scores：经济效益、社会效益、生态效益共用分值15分，得分合计不能超过15分。",
    ]
    assert document_problems(doc) == raised.value.messages
    assert row_counts() == counts


def test_an_invalid_document_changes_nothing_of_the_existing_report():
    report_import(document=seed_document())
    before = document_dumps(report_export(Report.objects.get()))
    doc = seed_document()
    doc["tasks"] = ["新任务"]
    doc["scores"][0]["review_score"] = "9.00"

    with pytest.raises(ValidationError) as raised:
        report_import(document=doc)

    assert raised.value.messages == ["scores[0].review_score：复核得分应在0至5分之间。"]
    assert document_dumps(report_export(Report.objects.get())) == before


@pytest.mark.parametrize(("value", "message"), [
    ("1e3", "“1e3”不是有效的数字。"),
    (" 2.81", "“ 2.81”不是有效的数字。"),
    (2.81, "应为带两位小数的数字字符串（如“260.48”）或 null。"),
    ("1000000000000.00", "数值过大。"),
])
def test_amounts_must_be_decimal_strings(value, message):
    doc = seed_document()
    doc["three_public"][0]["reception"] = value

    assert document_problems(doc) == [f"three_public[0].reception：{message}"]


@pytest.mark.parametrize(("value", "message"), [
    ("13", "应为整数或 null。"),
    (True, "应为整数或 null。"),
    (-1, "不能为负数。"),
])
def test_headcounts_must_be_whole_numbers(value, message):
    doc = seed_document()
    doc["overview"]["staff_quota"] = value

    assert document_problems(doc) == [f"overview.staff_quota：{message}"]


def test_missing_sections_and_wrong_types_are_listed_once_each():
    doc = seed_document()
    del doc["narrative"], doc["derived"], doc["status"]
    doc["tasks"] = "任务"
    doc["evaluators"] = [{"name": "吴鹏翔", "title": "主任"}]
    doc["scores"][3] = "3.00"

    assert document_problems(doc) == [
        "narrative：缺少此字段。",
        "tasks：应为数组（可为 []）。",
        "evaluators[0].unit：缺少此字段。",
        "scores[3]：应为 JSON 对象。",
        "scores：缺少指标“预算调整率”（budget_adjustment_rate）的评分行。",
    ]


@pytest.mark.parametrize(("doc", "problems"), [
    ([], ["文档应为 JSON 对象。"]),
    ({"format": "other"}, ["format：应为“evalsite.report”，这不是本系统的自评报告文档。"]),
    ({"format": "evalsite.report", "version": 2}, ["version：不支持的版本 2，本系统读取版本 1。"]),
])
def test_a_document_of_another_format_is_refused_with_one_problem(doc, problems):
    assert document_problems(doc) == problems


def test_status_and_derived_are_ignored_on_import():
    doc = seed_document()
    doc["status"] = "approved"
    doc["derived"] = {"self_total": "1.00", "grade": "差"}

    report = report_import(document=doc)

    assert report.status == Status.DRAFT
    assert report_export(report)["derived"] == {"self_total": "98.00", "review_total": None, "grade": "优秀"}


def test_a_report_without_rows_exports_blanks_and_every_rubric_row():
    year = year_create(year=2021, rubric=rubric_get_or_create_default())
    department = DepartmentFactory(code="106020", name="岳阳市岳阳楼区档案馆")
    report = Report.objects.create(evaluation_year=year, department=department, issuer="岳阳楼区财政局（制）")

    doc = report_export(report)

    assert doc == {**document_blank(year=2021, code="106020", name="岳阳市岳阳楼区档案馆", issuer="岳阳楼区财政局（制）"),
                   "status": "draft", "derived": {"self_total": None, "review_total": None, "grade": None}}
    assert len(doc["scores"]) == 25
    assert doc["scores"][0] == {
        "code": "staff_control_rate", "self_score": None, "deduction_reason": "", "review_score": None,
        "review_note": "", "inputs": {},
    }
    assert doc["base_data"]["satisfaction"] is None


def test_a_blank_document_imports_as_an_empty_draft_with_its_rows():
    rubric_get_or_create_default()

    report = report_import(document=document_blank(year=2021, code="106020", name="岳阳市岳阳楼区档案馆"))

    assert (report.status, report.tasks.count(), report.scores.count()) == (Status.DRAFT, 0, 25)
    assert BaseData.objects.filter(report=report).count() == Narrative.objects.filter(report=report).count() == 1
    assert IncomeRow.objects.count() == ExpenditureRow.objects.count() == 0


def test_export_takes_a_fixed_number_of_queries(django_assert_num_queries):
    report = report_import(document=rich_document())

    # (the 13th reads the 佐证材料, the 14th and 15th the findings and 上年问题整改情况 of followup)
    with django_assert_num_queries(15):
        report_export(report)


def test_import_takes_as_many_queries_for_full_lists_as_for_five_rows():
    report_import(document=rich_document())
    bigger = rich_document()
    bigger["tasks"] = [f"任务{i}" for i in range(LIST_LIMITS["tasks"])]
    bigger["evaluators"] = [{"name": f"评价人{i}", "title": "", "unit": ""} for i in range(LIST_LIMITS["evaluators"])]

    with CaptureQueriesContext(connection) as small:
        report_import(document=rich_document())
    with CaptureQueriesContext(connection) as large:
        report_import(document=bigger)

    assert len(large.captured_queries) == len(small.captured_queries)


@pytest.mark.django_db
def test_import_stores_the_scoring_suggestions_and_flags():
    demo_load()
    report = Report.objects.get(department__code="106019")

    stored = {
        e.indicator.code: (e.suggested_score, e.flagged)
        for e in report.scores.select_related("indicator").filter(Q(suggested_score__isnull=False) | Q(flagged=True))
    }
    assert stored == {
        "staff_control_rate": (Decimal("5.00"), False),
        "fund_balance": (Decimal("3.00"), False),
        "fixed_asset_utilization": (Decimal("3.00"), False),
        "satisfaction": (Decimal("5.00"), False),
        "benefit_economic": (None, True),
        "benefit_ecological": (None, True),
    }


def test_an_import_accepts_a_self_score_equal_to_the_suggestion_its_own_figures_give():
    # 在职14 / 编制13 = 107.69…%: 5 − 7.69… × 0.5 = 1.15, off the 0.5 step but exact; 1.2 is neither.
    doc = seed_document()
    doc["overview"].update(in_service_count=14, retired_count=1)
    doc["scores"][0].update(self_score="1.15", deduction_reason="超编1人")
    doc["scores"][1].update(self_score="4.85", deduction_reason="")

    assert document_problems(doc) == ["scores[1].self_score：自评得分须为0.5分的整数倍。"]


def test_an_import_of_a_document_without_the_later_base_data_keys_reads_them_as_blank():
    doc = seed_document()
    for key in ("three_public_prev_budget", "work_planned", "key_work_completed"):
        del doc["base_data"][key]

    report = report_import(document=doc)

    assert (report.base_data.three_public_prev_budget, report.base_data.satisfaction) == (None, Decimal("98.00"))


@pytest.mark.parametrize("value", ["١٢٣", "５", "𝟓", "1.５0", "-١"])
def test_amounts_accept_ascii_digits_only(value):
    from reports.interchange.fields import Amount, Problem

    with pytest.raises(Problem):
        Amount(max_digits=14).parse(value)


@pytest.mark.parametrize("value", ["２０２２-05-09", "2022-0５-09"])
def test_dates_accept_ascii_digits_only(value):
    from reports.interchange.fields import Date, Problem

    with pytest.raises(Problem):
        Date().parse(value)
