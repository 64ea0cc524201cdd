"""A rubric to and from an Excel sheet: round trips, and sheets refused with every problem by row."""
import io
from decimal import Decimal as D

import pytest
from openpyxl import Workbook, load_workbook

from scoring.models import Rubric
from scoring.services import (
    rubric_export_sheet,
    rubric_get_or_create_default,
    rubric_get_or_create_template,
    rubric_import_sheet,
    rubric_nodes_from_db,
    year_create,
)
from scoring.sheets import COLUMNS, read_rubric_sheet

pytestmark = pytest.mark.django_db


def edited(data, edit):
    """The workbook `data` after `edit(sheet)` on its 评分表 sheet, as bytes."""
    workbook = load_workbook(io.BytesIO(data))
    edit(workbook["评分表"])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def row_of(sheet, code):
    column = list(COLUMNS).index("code") + 1
    return next(row for row in range(2, sheet.max_row + 1) if sheet.cell(row=row, column=column).value == code)


def cell(sheet, code, key):
    return sheet.cell(row=row_of(sheet, code), column=list(COLUMNS).index(key) + 1)


@pytest.mark.parametrize("template", ["yueyang_2021", "framework_2013"])
def test_export_then_import_into_a_new_year_gives_identical_rows(template):
    original = rubric_get_or_create_template(template)

    result = rubric_import_sheet(file=io.BytesIO(rubric_export_sheet(original)), name="导入的评分表")
    year = year_create(year=2030, rubric=result.rubric)

    assert result.problems == []
    assert year.rubric.name == "导入的评分表"
    assert rubric_nodes_from_db(year.rubric) == rubric_nodes_from_db(original)


def test_the_sheet_prints_a_shared_points_group_once_in_a_merged_cell_and_names_its_rubric():
    workbook = load_workbook(io.BytesIO(rubric_export_sheet(rubric_get_or_create_default())))
    sheet = workbook["评分表"]

    merged = [str(r) for r in sheet.merged_cells.ranges]
    assert merged == [f"E{row_of(sheet, 'benefit_economic')}:E{row_of(sheet, 'benefit_ecological')}"]
    assert cell(sheet, "benefit_economic", "points").value == 15
    assert cell(sheet, "benefit_social", "shares").value == "benefit_economic"
    assert workbook["说明"]["B1"].value == "2021年度部门整体支出绩效评价评分表"
    assert [c.value for c in sheet[1]] == list(COLUMNS.values())


def test_a_sheet_with_wrong_sums_an_unknown_rule_kind_and_bad_parameters_is_refused_with_every_problem():
    data = rubric_export_sheet(rubric_get_or_create_default())
    sheet = load_workbook(io.BytesIO(data))["评分表"]
    rows = {code: row_of(sheet, code) for code in (
        "budget_allocation", "staff_control_rate", "fund_balance", "procurement_rate", "asset_management",
        "asset_security")}
    rubrics = Rubric.objects.count()

    def break_it(sheet):
        cell(sheet, "staff_control_rate", "points").value = 6
        cell(sheet, "fund_balance", "kind").value = "gross_margin"
        cell(sheet, "procurement_rate", "params").value = "{per_point: 0.2"
        cell(sheet, "asset_security", "points").value = "四分"

    result = rubric_import_sheet(file=io.BytesIO(edited(data, break_it)), name="有误的评分表")

    assert [str(p) for p in result.problems] == [
        f"第{rows['budget_allocation']}行：二级指标“预算配置”分值为15分，其下三级指标分值合计为16分。",
        f"第{rows['fund_balance']}行：三级指标“资金结余”的计分规则有误：计分规则“gross_margin”不存在。",
        f"第{rows['procurement_rate']}行：规则参数应为JSON对象（如 {{\"per_case\": \"1\"}}）。",
        f"第{rows['procurement_rate']}行：三级指标“政府采购执行率”的计分规则有误：每个百分点扣分应为正数。",
        f"第{rows['asset_management']}行：二级指标“资产管理”分值为10分，其下三级指标分值合计为6分。",
        f"第{rows['asset_security']}行：分值“四分”不是数字。",
    ]
    assert (result.rubric, Rubric.objects.count()) == (None, rubrics)


def test_a_dry_run_of_a_sound_sheet_lists_no_problem_and_writes_nothing():
    data = rubric_export_sheet(rubric_get_or_create_default())
    rubrics = Rubric.objects.count()

    result = rubric_import_sheet(file=io.BytesIO(data), name="试导入", dry_run=True)

    assert (result.problems, len(result.nodes), result.rubric, Rubric.objects.count()) == ([], 35, None, rubrics)


def test_a_name_already_taken_is_refused():
    original = rubric_get_or_create_default()

    result = rubric_import_sheet(file=io.BytesIO(rubric_export_sheet(original)))

    assert [str(p) for p in result.problems] == ["已有名为“2021年度部门整体支出绩效评价评分表”的评分表，请换一个名称。"]


def province_sheet():
    """A province's 评分表 typed by hand: no codes, a merged 分值 for two 效益 rows, rule names in Chinese."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "评分表"
    sheet.append(["一级指标", "二级指标", "三级指标", "评分标准", "分值", "计分规则", "规则参数（JSON）"])
    sheet.append(["投入", None, None, None, 40])
    sheet.append([None, "预算配置", None, None, 40])
    sheet.append([None, None, "在职人员控制率", "≤100%得满分", 20, "在职人员控制率",
                  '{"scoring": "capped", "per_point": "1"}'])
    sheet.append([None, None, "管理制度", "①有制度", 20, "逐项计分",
                  '{"items": [{"label": "有制度", "points": "20"}]}'])
    sheet.append(["效果", None, None, None, 60])
    sheet.append([None, "履职效益", None, None, 60])
    sheet.append([None, None, "经济效益", None, 60])
    sheet.append([None, None, "社会效益", None, None])
    sheet.merge_cells("E8:E9")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer


def test_a_hand_typed_province_sheet_reads_with_made_up_codes_and_merged_shared_points():
    name, nodes, problems = read_rubric_sheet(province_sheet())

    assert (name, problems) == ("", [])
    assert [(n["code"], n["level"], n["parent"], n["label"], n["points"], n["shares_points_with"], n["rule_kind"])
            for n in nodes] == [
        ("row2", 1, None, "投入", D(40), None, "manual"),
        ("row3", 2, "row2", "预算配置", D(40), None, "manual"),
        ("row4", 3, "row3", "在职人员控制率", D(20), None, "staff_control_rate"),
        ("row5", 3, "row3", "管理制度", D(20), None, "checklist"),
        ("row6", 1, None, "效果", D(60), None, "manual"),
        ("row7", 2, "row6", "履职效益", D(60), None, "manual"),
        ("row8", 3, "row7", "经济效益", D(60), None, "manual"),
        ("row9", 3, "row7", "社会效益", None, "row8", "manual"),
    ]


def test_a_label_starting_with_an_equals_sign_stays_text_both_ways():
    data = rubric_export_sheet(rubric_get_or_create_default())

    def rename(sheet):
        label = cell(sheet, "staff_control_rate", "third")
        label.value, label.data_type = "=在职人员控制率", "s"

    result = rubric_import_sheet(file=io.BytesIO(edited(data, rename)), name="省评分表")
    sheet = load_workbook(io.BytesIO(rubric_export_sheet(result.rubric)))["评分表"]

    assert result.rubric.indicators.get(code="staff_control_rate").label == "=在职人员控制率"
    assert (cell(sheet, "staff_control_rate", "third").value, cell(sheet, "staff_control_rate", "third").data_type) == (
        "=在职人员控制率", "s")


def test_a_file_that_is_not_a_workbook_is_refused():
    result = rubric_import_sheet(file=io.BytesIO(b"not a workbook"), name="坏文件")

    assert [str(p) for p in result.problems] == ["无法读取文件，请上传 .xlsx 格式的 Excel 文件。"]


def test_rows_out_of_place_are_named_by_row():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(list(COLUMNS.values()))
    sheet.append([None, None, "孤立的三级指标", None, 100])
    sheet.append(["投入", "预算配置", None, None, 100])
    buffer = io.BytesIO()
    workbook.save(buffer)

    _name, _nodes, problems = read_rubric_sheet(buffer)

    assert [str(p) for p in problems] == [
        "第2行：三级指标“孤立的三级指标”上方没有二级指标。",
        "第3行：应在一级、二级、三级指标中恰好一列填写指标名称。",
        "一级指标分值合计应为100分，现为0分。",
    ]
