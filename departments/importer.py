"""Import departments and offices from an Excel sheet, with a dry run that lists every problem first.

The sheet's first row names the columns 预算编码, 部门名称, 上级预算编码, 归口业务科室 (any order,
other columns ignored); every later non-blank row is one department. A sheet with any problem
writes nothing: the caller shows the problems, each with its row number, and the user fixes the
sheet. Offices named in the sheet that do not exist yet are created.
"""
import re
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from audit.enums import Event
from audit.services import audit_record
from departments.models import Department, Office
from departments.services import DepartmentSpec, departments_apply
from evalsite.text import visible
from evalsite.xlsx import UnreadableWorkbook, xlsx_check

COLUMNS = {"code": "预算编码", "name": "部门名称", "parent_code": "上级预算编码", "office_name": "归口业务科室"}
CODE_MAX = Department._meta.get_field("code").max_length
NAME_MAX = Department._meta.get_field("name").max_length
OFFICE_MAX = Office._meta.get_field("name").max_length
CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f]")
# A province has about 15,000 departments; the sheet's other columns are ignored but still read.
MAX_ROWS = 50_000
MAX_COLUMNS = 100


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the sheet; `row` is the Excel row number (None for the whole file)."""

    row: int | None
    message: str

    def __str__(self):
        if self.row is None:
            return self.message
        return _("第%(row)s行：%(message)s") % {"row": self.row, "message": self.message}


@dataclass(frozen=True)
class SheetRow:
    row: int
    code: str
    name: str
    parent_code: str
    office_name: str


@dataclass
class ImportResult:
    """What an import found and, unless it was a dry run or had problems, did."""

    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    to_create: list = field(default_factory=list)
    to_update: list = field(default_factory=list)
    new_offices: list = field(default_factory=list)
    written: bool = False

    @property
    def ok(self):
        return not self.problems


def _text(value):
    """A cell as stripped text: numbers typed into a code column become their digits (101001.0 → 101001)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    elif isinstance(value, Decimal):
        value = value.normalize()
    return visible(CONTROL_CHARACTERS.sub("", str(value))).strip()


def read_sheet(file):
    """The sheet's rows as SheetRow, and the problems of its layout. Reads the first worksheet only."""
    unreadable = [Problem(None, _("无法读取文件，请上传 .xlsx 格式的 Excel 文件。"))]
    try:
        xlsx_check(file, max_rows=MAX_ROWS, max_columns=MAX_COLUMNS)
        workbook = load_workbook(file, read_only=True, data_only=True)
    except UnreadableWorkbook as error:
        return [], [Problem(None, error.message)]
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError):
        return [], unreadable
    try:
        rows = workbook.worksheets[0].iter_rows(values_only=True)
        header = next(rows, None)
        names = [_text(value) for value in header or ()]
        positions = {key: names.index(label) for key, label in COLUMNS.items() if label in names}
        missing = [label for key, label in COLUMNS.items() if key not in positions]
        if missing:
            return [], [Problem(1, _("缺少列：%(columns)s。第一行应为列名：%(expected)s。") % {
                "columns": "、".join(missing), "expected": "、".join(COLUMNS.values()),
            })]
        result = []
        for number, values in enumerate(rows, start=2):
            cells = {key: _text(values[pos]) if pos < len(values) else "" for key, pos in positions.items()}
            if any(cells.values()):
                result.append(SheetRow(row=number, **cells))
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError, IndexError):
        # openpyxl reads the sheet lazily in read-only mode: a part it cannot make sense of fails here.
        return [], unreadable
    finally:
        workbook.close()
    if not result:
        return [], [Problem(None, _("表格中没有部门数据。"))]
    return result, []


def _row_problems(rows, known_codes):
    problems = []
    first_row = {}
    sheet_codes = {row.code for row in rows}
    for row in rows:
        if not row.code:
            problems.append(Problem(row.row, _("预算编码不能为空。")))
        elif len(row.code) > CODE_MAX:
            problems.append(Problem(row.row, _("预算编码“%(code)s”超过%(max)s个字符。") % {"code": row.code, "max": CODE_MAX}))
        elif row.code in first_row:
            problems.append(Problem(row.row, _("预算编码“%(code)s”与第%(other)s行重复。") % {
                "code": row.code, "other": first_row[row.code],
            }))
        else:
            first_row[row.code] = row.row
        if not row.name:
            problems.append(Problem(row.row, _("部门名称不能为空。")))
        elif len(row.name) > NAME_MAX:
            problems.append(Problem(row.row, _("部门名称超过%(max)s个字符。") % {"max": NAME_MAX}))
        if len(row.office_name) > OFFICE_MAX:
            problems.append(Problem(row.row, _("归口业务科室名称超过%(max)s个字符。") % {"max": OFFICE_MAX}))
        if row.parent_code and row.parent_code == row.code:
            problems.append(Problem(row.row, _("上级预算编码不能是本单位自己的预算编码。")))
        elif row.parent_code and row.parent_code not in sheet_codes and row.parent_code not in known_codes:
            problems.append(Problem(row.row, _("上级预算编码“%(code)s”在表格和系统中都不存在。") % {
                "code": row.parent_code,
            }))
    return problems


def _cycle_problems(rows):
    """Parent chains that loop back (A → B → A), judged on the sheet merged over the database."""
    parents = dict(Department.objects.filter(parent__isnull=False).values_list("code", "parent__code"))
    for row in rows:
        if row.code:
            parents[row.code] = row.parent_code or None
    problems = []
    reported = set()
    for row in rows:
        chain, code = [row.code], parents.get(row.code)
        while code and code not in chain:
            chain.append(code)
            code = parents.get(code)
        if code == row.code and row.code not in reported:
            reported.update(chain)
            problems.append(Problem(row.row, _("上级关系形成循环：%(chain)s。") % {"chain": " → ".join([*chain, code])}))
    return problems


def check_rows(rows):
    """Every problem of already-read rows, in row order (empty when the sheet may be imported)."""
    known_codes = set(Department.objects.filter(code__in={r.parent_code for r in rows if r.parent_code})
                      .values_list("code", flat=True))
    problems = _row_problems(rows, known_codes)
    if not problems:
        problems = _cycle_problems(rows)
    return sorted(problems, key=lambda p: (p.row or 0))


def departments_import(*, file, bureau, dry_run):
    """Read, check and (unless `dry_run` or any problem) write the departments of an Excel sheet.

    Nothing is written when any row has a problem. Returns an ImportResult listing the rows, the
    problems with their row numbers, what would be (or was) created and updated, and new offices.
    """
    rows, problems = read_sheet(file)
    result = ImportResult(rows=rows, problems=problems)
    if not problems:
        _check_and_apply(result, bureau=bureau, dry_run=dry_run)
    _record(result, file=file, dry_run=dry_run)
    return result


def _record(result, *, file, dry_run):
    """One audit row per check and per import, with what it found or wrote."""
    name = str(getattr(file, "name", "") or "")[:100]
    if result.written:
        detail = _("导入部门表“%(file)s”：新增%(created)s个部门（单位），更新%(updated)s个，新建%(offices)s个科室") % {
            "file": name, "created": len(result.to_create), "updated": len(result.to_update),
            "offices": len(result.new_offices),
        }
    else:
        detail = _("%(action)s部门表“%(file)s”：%(rows)s行，%(problems)s个问题") % {
            "action": _("检查") if dry_run else _("导入（未写入）"), "file": name, "rows": len(result.rows),
            "problems": len(result.problems),
        }
    audit_record(event=Event.IMPORT, detail=detail, success=result.ok)


def _check_and_apply(result, *, bureau, dry_run):
    rows = result.rows
    result.problems = check_rows(rows)
    existing = set(Department.objects.filter(code__in=[r.code for r in rows]).values_list("code", flat=True))
    result.to_create = [r for r in rows if r.code not in existing]
    result.to_update = [r for r in rows if r.code in existing]
    known_offices = set(Office.objects.filter(bureau=bureau).values_list("name", flat=True))
    result.new_offices = sorted({r.office_name for r in rows if r.office_name} - known_offices)
    if dry_run or result.problems:
        return
    departments_apply(bureau=bureau, specs=[
        DepartmentSpec(code=r.code, name=r.name, parent_code=r.parent_code, office_name=r.office_name) for r in rows
    ])
    result.written = True
