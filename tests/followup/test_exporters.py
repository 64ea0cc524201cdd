import datetime

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from followup.exporters import results_workbook_write
from followup.services import finding_reply, result_record
from reports.exporters.summary import summary_workbook_write
from reports.models import Report
from reports.selectors import reports_visible_to
from tests.followup.support import approved_world, record

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def test_the_years_workbook_has_a_rectification_sheet_with_text_kept_as_text(tmp_path):
    people, report = approved_world()
    late = record(report, people, description="=SUM(A1:A3) 预算编制不细化", places=("section/finance", "scores/fund_balance"))
    answered = record(report, people, description="资产未入账。")
    finding_reply(finding=answered, revision=answered.revision, measures="@已入账", responsible="孟庆红",
                  completed_on=TODAY, submit=True, by=people.clerk)
    type(late).objects.filter(pk=late.pk).update(deadline=TODAY - datetime.timedelta(days=4))
    path = tmp_path / "year.xlsx"

    summary_workbook_write(path, reports=reports_visible_to(people.admin), evaluation_year=report.evaluation_year,
                           include_missing=True)

    sheet = load_workbook(path)["整改"]
    rows = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    fund_balance = report.evaluation_year.rubric.indicators.get(code="fund_balance").label
    code, name, office = people.department.code, people.department.name, people.department.office.name
    assert rows[0][:9] == ["预算编码", "部门（单位）名称", "归口业务科室", "问题类别", "问题描述", "涉及内容", "整改期限", "状态", "逾期天数"]
    assert [row[:6] for row in rows[1:]] == [
        [code, name, office, "预算编制", "=SUM(A1:A3) 预算编制不细化", f"收支情况；评分表 · {fund_balance}"],
        [code, name, office, "预算编制", "资产未入账。", "收支情况"],
    ]
    assert (rows[1][4], sheet.cell(3, 5).data_type) == ("=SUM(A1:A3) 预算编制不细化", "s")
    assert (rows[1][6].date(), rows[1][7], rows[1][8]) == (TODAY - datetime.timedelta(days=4), "待整改", 4)
    assert (rows[2][7], rows[2][8], rows[2][9], sheet.cell(4, 10).data_type) == ("待验收", None, "@已入账", "s")


def test_the_sheet_lists_only_the_reports_the_user_may_see(tmp_path):
    people, report = approved_world()
    record(report, people)
    path = tmp_path / "year.xlsx"

    summary_workbook_write(path, reports=reports_visible_to(people.other_reviewer),
                           evaluation_year=report.evaluation_year, include_missing=False)

    assert load_workbook(path)["整改"].max_row == 2  # title and header only


def test_the_results_workbook_for_the_budget_office(tmp_path):
    people, report = approved_world()
    result_record(evaluation_year=report.evaluation_year, department=people.department, grade="优秀",
                  consequence="优先保障", note="+86 追加", by=people.admin)
    path = tmp_path / "results.xlsx"

    results_workbook_write(path, evaluation_year=report.evaluation_year)

    sheet = load_workbook(path)["结果应用"]
    assert sheet["A1"].value == "2021年度绩效评价结果应用"
    assert [c.value for c in sheet[3]][:7] == [
        people.department.code, people.department.name, people.department.office.name, "优秀", "优先保障", "+86 追加",
        "系统管理员"]
    assert sheet.cell(3, 6).data_type == "s"
    assert Report.objects.count() == 1
