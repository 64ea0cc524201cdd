"""The year workbook's 绩效目标 sheet, read back from the written file."""
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from reports.exporters.summary import summary_workbook_write
from reports.models import Report
from targets.models import IndicatorResult
from tests.reports.editor_support import blank_report
from tests.targets.test_yearend import approved, indicator

pytestmark = pytest.mark.django_db


def test_the_workbook_lists_each_approved_indicator_with_its_actual_rate_and_reason(people, tmp_path):
    declaration = approved(people)
    report = blank_report(people.department)
    blank_report(people.other_department)  # no approved targets: no rows
    posts, mood = indicator(declaration, "中央级主流党媒发稿"), indicator(declaration, "社会反响")
    IndicatorResult.objects.create(report=report, indicator=posts, actual_value=Decimal(100),
                                   deviation_reason="=版面压缩")
    IndicatorResult.objects.create(report=report, indicator=mood, outcome="met")
    path = tmp_path / "year.xlsx"

    summary_workbook_write(path, reports=Report.objects.all(), evaluation_year=report.evaluation_year,
                           include_missing=False)

    sheet = load_workbook(path)["绩效目标"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    code, name = people.department.code, people.department.name
    assert rows[0][0] == "2021年度绩效目标完成情况"
    assert rows[1] == ["预算编码", "部门（单位）名称", "一级指标", "二级指标", "三级指标", "指标值", "实际值", "实际完成",
                       "完成率（%）", "是否完成", "偏差原因", "调整"]
    assert rows[2:] == [
        [code, name, "产出指标", "数量指标", "中央级主流党媒发稿", "≥ 129 篇", 100, None, 77.52, "未完成", "=版面压缩", None],
        [code, name, "产出指标", "成本指标", "三公经费支出", "≤ 2.81 万元", None, None, None, None, None, None],
        [code, name, "满意度指标", "满意度指标", "社会反响", "良好", None, "达成", 100, "完成", None, None],
    ]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)


def test_a_year_without_approved_targets_has_no_targets_sheet(people, tmp_path):
    report = blank_report(people.department)
    path = tmp_path / "year.xlsx"

    summary_workbook_write(path, reports=Report.objects.all(), evaluation_year=report.evaluation_year,
                           include_missing=False)

    assert "绩效目标" not in load_workbook(path).sheetnames
