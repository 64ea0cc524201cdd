"""A rubric to and from an Excel sheet, so that a bureau can bring its province's 评分表.

The sheet 评分表 has one row per indicator in order: the name in the 一级, 二级 or 三级 column (which
one says the level; the row belongs to the nearest row above it one level up), 评分标准, 分值, the
指标代码 (optional: a blank one is made from the row number), 共用分值 (the 指标代码 of the row holding
a 分值 that this row shares; a 分值 cell merged over several 三级 rows says the same), 计分规则 (its
code or its Chinese name, blank for 人工评分), 规则参数 (a JSON object) and 个性化指标 (是/否). The
sheet 说明 holds the rubric's name; 计分规则 lists the rule kinds.

`read_rubric_sheet` returns the plain nodes scoring.services creates a rubric from and every problem
of the sheet, each with its row number; `rubric_workbook` writes nodes back. No ORM here.
"""
import io
import json
import re
import zipfile
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException
from openpyxl.worksheet.datavalidation import DataValidation

from departments.importer import Problem  # one row-numbered sheet problem for every sheet import
from evalsite.xlsx import UnreadableWorkbook, xlsx_check
from scoring.enums import Level, RuleKind
from scoring.framework import DEFINITIONS
from scoring.rules import FIGURE_LABELS
from scoring.validators import located_custom_problems, located_rubric_problems, located_rule_problems

SHEET = "评分表"
ABOUT_SHEET = "说明"
KINDS_SHEET = "计分规则"
LEVEL_COLUMNS = ("一级指标", "二级指标", "三级指标")
COLUMNS = {
    "first": "一级指标", "second": "二级指标", "third": "三级指标", "standard": "评分标准", "points": "分值",
    "code": "指标代码", "shares": "共用分值（主指标代码）", "kind": "计分规则", "params": "规则参数（JSON）",
    "custom": "个性化指标",
}
WIDTHS = {"first": 10, "second": 12, "third": 22, "standard": 60, "points": 8, "code": 26, "shares": 20,
          "kind": 24, "params": 60, "custom": 10}
CODE = re.compile(r"^[-a-zA-Z0-9_]{1,60}$")
LABEL_MAX, POINTS_MAX = 200, Decimal("999.99")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
YES, NO = frozenset({"是", "y", "yes", "true", "1", "√"}), frozenset({"", "否", "n", "no", "false", "0"})
PREFIX = "共性指标："
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
WRAP = Alignment(wrap_text=True, vertical="top")


def kind_names():
    """{what a sheet may write in 计分规则: rule kind}: the code, the Chinese name, the name without 共性指标："""
    names = {}
    for kind in RuleKind:
        names[kind.value] = kind.value
        names[str(kind.label)] = kind.value
        names[str(kind.label).removeprefix(PREFIX)] = kind.value
    return names


def kind_description(kind):
    definition = DEFINITIONS.get(kind.value)
    return str(definition.formula) if definition else ""


# --- Writing ------------------------------------------------------------------------------------
def _text(cell, value):
    """A text cell that stays text: never a formula or an error cell (a label may start with "=")."""
    cell.value = CONTROL.sub("", value or "")
    cell.data_type = "s"
    cell.alignment = WRAP


def rubric_workbook(nodes, *, name):
    """The .xlsx bytes of a rubric given as plain nodes (scoring.services.rubric_nodes_from_db)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    keys = list(COLUMNS)
    sheet.append(list(COLUMNS.values()))
    for index, key in enumerate(keys, start=1):
        cell = sheet.cell(row=1, column=index)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        sheet.column_dimensions[get_column_letter(index)].width = WIDTHS[key]
    sheet.freeze_panes = "A2"
    column = {key: index for index, key in enumerate(keys, start=1)}
    rows = {}
    for offset, node in enumerate(nodes):
        row = offset + 2
        rows[node["code"]] = row
        level_key = ("first", "second", "third")[node["level"] - 1]
        _text(sheet.cell(row=row, column=column[level_key]), node["label"])
        _text(sheet.cell(row=row, column=column["standard"]), node.get("standard") or "")
        if node.get("points") is not None:
            cell = sheet.cell(row=row, column=column["points"], value=Decimal(node["points"]))
            cell.number_format = "0.##"
        _text(sheet.cell(row=row, column=column["code"]), node["code"])
        _text(sheet.cell(row=row, column=column["shares"]), node.get("shares_points_with") or "")
        if node["level"] == Level.THIRD:
            _text(sheet.cell(row=row, column=column["kind"]), node.get("rule_kind") or RuleKind.MANUAL)
            params = node.get("rule_params") or {}
            _text(sheet.cell(row=row, column=column["params"]), json.dumps(params, ensure_ascii=False) if params else "")
        _text(sheet.cell(row=row, column=column["custom"]), "是" if node.get("is_custom") else "")
    _merge_shared_points(sheet, nodes, rows, column["points"])
    _kinds_sheet(workbook, sheet, column["kind"], len(nodes) + 1)
    about = workbook.create_sheet(ABOUT_SHEET)
    _text(about.cell(row=1, column=1), _("评分表名称"))
    _text(about.cell(row=1, column=2), name)
    about.column_dimensions["B"].width = 60
    for row, line in enumerate(_instructions(), start=3):
        _text(about.cell(row=row, column=1), line)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _merge_shared_points(sheet, nodes, rows, points_column):
    """Print a shared 分值 once, merged over its group, where the group's rows follow each other."""
    groups = {}
    for node in nodes:
        if node.get("shares_points_with"):
            groups.setdefault(node["shares_points_with"], [rows[node["shares_points_with"]]]).append(rows[node["code"]])
    for members in groups.values():
        if members == list(range(members[0], members[0] + len(members))):
            sheet.merge_cells(start_row=members[0], end_row=members[-1], start_column=points_column,
                              end_column=points_column)


def _kinds_sheet(workbook, sheet, kind_column, last_row):
    kinds = workbook.create_sheet(KINDS_SHEET)
    kinds.append([_("计分规则"), _("名称"), _("共性指标定义")])
    for index in range(1, 4):
        kinds.cell(row=1, column=index).font = HEADER_FONT
    for kind in RuleKind:
        kinds.append([kind.value, str(kind.label), kind_description(kind)])
    kinds.column_dimensions["A"].width, kinds.column_dimensions["B"].width = 28, 32
    kinds.column_dimensions["C"].width = 80
    letter = get_column_letter(kind_column)
    choice = DataValidation(type="list", formula1=f"'{KINDS_SHEET}'!$A$2:$A${len(RuleKind) + 1}", allow_blank=True)
    choice.error = _("请从“计分规则”表中选择")
    sheet.add_data_validation(choice)
    choice.add(f"{letter}2:{letter}{max(last_row, 2) + 200}")


def _instructions():
    return [
        _("每行一个指标，按顺序排列：指标名称填在一级、二级或三级指标中的一列，它归属于上方最近的上一级指标。"),
        _("三级指标分值合计等于其二级指标分值，二级合计等于一级，一级合计为100分。"),
        _("几个三级指标共用一个分值时，分值只填在第一行，其余行的“共用分值”填第一行的指标代码（或合并分值单元格）。"),
        _("计分规则填“计分规则”表中的代码或名称，留空为人工评分；规则参数为JSON对象，如"
          " {\"scoring\": \"capped\", \"limit\": \"100\", \"per_point\": \"0.5\"}。"),
        _("指标代码可留空，系统按行号生成；被共用分值引用的指标须填写代码。"),
    ]


# --- Reading ------------------------------------------------------------------------------------
def _cell_text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return CONTROL.sub("", str(value)).strip()


def _points(value):
    """(Decimal or None, problem or None) from a 分值 cell."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None, None
    if isinstance(value, bool):
        return None, _("分值应为数字。")
    try:
        number = Decimal(str(value).strip().removesuffix("分")) if not isinstance(value, float) else Decimal(repr(value))
    except InvalidOperation:
        return None, _("分值“%(value)s”不是数字。") % {"value": _cell_text(value)}
    if not number.is_finite() or number < 0 or number > POINTS_MAX:
        return None, _("分值应在0至999.99之间。")
    if number != number.quantize(Decimal("0.01")):
        return None, _("分值最多保留两位小数。")
    return number, None


# A rubric has a few hundred rows at most; the sheet is loaded whole (merged cells), so it is checked first.
MAX_ROWS = 2_000
MAX_COLUMNS = 50


def _open(file):
    """(workbook, None) or (None, the Chinese reason it cannot be read)."""
    try:
        xlsx_check(file, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS)
        return load_workbook(file, data_only=True), None
    except UnreadableWorkbook as error:
        return None, error.message
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError):
        return None, _("无法读取文件，请上传 .xlsx 格式的 Excel 文件。")


def read_rubric_sheet(file):
    """(name or "", plain nodes, [Problem]) from an .xlsx file (a path or a file object)."""
    workbook, reason = _open(file)
    if workbook is None:
        return "", [], [Problem(None, reason)]
    sheet = workbook[SHEET] if SHEET in workbook.sheetnames else workbook.worksheets[0]
    name = ""
    if ABOUT_SHEET in workbook.sheetnames:
        name = _cell_text(workbook[ABOUT_SHEET].cell(row=1, column=2).value)
    header = [_cell_text(cell.value) for cell in next(sheet.iter_rows(min_row=1, max_row=1), ())]
    column = {key: header.index(title) for key, title in COLUMNS.items() if title in header}
    missing = [COLUMNS[key] for key in ("first", "second", "third", "points") if key not in column]
    if missing:
        return name, [], [Problem(1, _("缺少列：%(columns)s。") % {"columns": "、".join(missing)})]
    merged = _merged_leads(sheet, column["points"] + 1)
    nodes, problems, row_of, latest = [], [], {}, {}
    kinds = kind_names()
    for row_number, cells in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        values = {key: cells[index] if index < len(cells) else None for key, index in column.items()}
        if all(_cell_text(v) == "" for v in values.values()):
            continue
        node, row_problems = _read_row(row_number, values, latest, kinds, merged, row_of)
        problems.extend(row_problems)
        if node is not None:
            node["order"] = len(nodes) + 1
            nodes.append(node)
            row_of.setdefault(node["code"], row_number)
            latest[node["level"]] = node["code"]
            for deeper in range(node["level"] + 1, 4):
                latest.pop(deeper, None)
    if not nodes and not problems:
        problems.append(Problem(None, _("表中没有指标。")))
    # A row already refused for its own cells is not blamed again for what follows from them
    # (a 分值 that is not a number is also "未设置"); the sums above it and its rule still are.
    refused = {problem.row for problem in problems}
    for code, message in located_rubric_problems(nodes):
        if row_of.get(code) not in refused or row_of.get(code) is None:
            problems.append(Problem(row_of.get(code), message))
    for code, message in located_rule_problems(nodes, FIGURE_LABELS.keys()) + located_custom_problems(nodes):
        problems.append(Problem(row_of.get(code), message))
    problems.sort(key=lambda p: (p.row is None, p.row or 0))
    return name, nodes, problems


def _merged_leads(sheet, points_column):
    """{row: first row of its merged 分值 cell} for rows inside a vertical merge of the 分值 column."""
    leads = {}
    for cells in sheet.merged_cells.ranges:
        if cells.min_col <= points_column <= cells.max_col and cells.max_row > cells.min_row:
            for row in range(cells.min_row + 1, cells.max_row + 1):
                leads[row] = cells.min_row
    return leads


def _read_row(row_number, values, latest, kinds, merged, row_of):
    """(node or None, [Problem]) for one sheet row."""
    problems = []

    def problem(message):
        problems.append(Problem(row_number, message))

    labels = [(level, _cell_text(values.get(key))) for level, key in ((1, "first"), (2, "second"), (3, "third"))]
    filled = [(level, label) for level, label in labels if label]
    if len(filled) != 1:
        problem(_("应在一级、二级、三级指标中恰好一列填写指标名称。"))
        return None, problems
    level, label = filled[0]
    if len(label) > LABEL_MAX:
        problem(_("指标名称不能超过%(max)s个字符。") % {"max": LABEL_MAX})
    parent = latest.get(level - 1) if level > 1 else None
    if level > 1 and parent is None:
        problem(_("%(level)s“%(label)s”上方没有%(parent)s。") % {
            "level": LEVEL_COLUMNS[level - 1], "label": label, "parent": LEVEL_COLUMNS[level - 2],
        })
    code = _cell_text(values.get("code")) or f"row{row_number}"
    if not CODE.match(code):
        problem(_("指标代码“%(code)s”只能由字母、数字、下划线和连字符组成（至多60个）。") % {"code": code})
    points, points_problem = _points(values.get("points"))
    if points_problem:
        problem(points_problem)
    lead = _cell_text(values.get("shares")) or None
    if lead is None and row_number in merged and points is None:
        lead = next((c for c, r in row_of.items() if r == merged[row_number]), None)
    raw_kind = _cell_text(values.get("kind"))
    kind = kinds.get(raw_kind, raw_kind) if raw_kind else RuleKind.MANUAL.value
    params, raw_params = {}, _cell_text(values.get("params"))
    if raw_params:
        try:
            params = json.loads(raw_params)
        except ValueError:
            params = None
        if not isinstance(params, dict):
            problem(_("规则参数应为JSON对象（如 {\"per_case\": \"1\"}）。"))
            params = {}
    if level != Level.THIRD and (raw_kind or raw_params):
        problem(_("只有三级指标设置计分规则。"))
    custom = _cell_text(values.get("custom")).lower()
    if custom not in YES and custom not in NO:
        problem(_("个性化指标应填“是”或留空。"))
    return {
        "code": code, "level": level, "parent": parent, "label": label,
        "standard": _cell_text(values.get("standard")) if values.get("standard") is not None else "",
        "points": points, "shares_points_with": lead, "rule_kind": kind if level == Level.THIRD else "manual",
        "rule_params": params if level == Level.THIRD else {}, "is_custom": custom in YES, "order": 0,
    }, problems
