import io

import pytest
from openpyxl import Workbook

from departments.importer import departments_import
from departments.models import Department, Office
from tests.factories import BureauFactory, DepartmentFactory, OfficeFactory

pytestmark = pytest.mark.django_db

HEADER = ("预算编码", "部门名称", "上级预算编码", "归口业务科室")


def sheet(*rows, header=HEADER):
    workbook = Workbook()
    ws = workbook.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def snapshot():
    return (
        list(Department.objects.order_by("code").values_list("code", "name", "parent__code", "office__name")),
        list(Office.objects.order_by("name").values_list("name", flat=True)),
    )


def test_sheet_with_errors_writes_nothing_and_lists_each_error_with_its_row():
    bureau = BureauFactory()
    DepartmentFactory(bureau=bureau, code="100001", name="区财政局", office__name="综合科")
    before = snapshot()
    upload = sheet(
        ("106019", "岳阳市岳阳楼区融媒体中心", "", "行政政法科"),
        ("", "没有编码的单位", "", "行政政法科"),
        ("106020", "", "", "行政政法科"),
        ("106019", "重复的单位", "", "行政政法科"),
        ("106021", "下属单位", "999999", "行政政法科"),
        ("106022", "自己管自己", "106022", "教科文科"),
        ("1" * 31, "编码太长的单位", "", ""),
    )

    result = departments_import(file=upload, bureau=bureau, dry_run=False)

    assert [str(problem) for problem in result.problems] == [
        "第3行：预算编码不能为空。",
        "第4行：部门名称不能为空。",
        "第5行：预算编码“106019”与第2行重复。",
        "第6行：上级预算编码“999999”在表格和系统中都不存在。",
        "第7行：上级预算编码不能是本单位自己的预算编码。",
        "第8行：预算编码“1111111111111111111111111111111”超过30个字符。",
    ]
    assert result.written is False
    assert snapshot() == before


def test_dry_run_of_a_clean_sheet_lists_the_plan_and_writes_nothing():
    bureau = BureauFactory()
    DepartmentFactory(bureau=bureau, code="106019", name="旧名称", office__name="行政政法科")
    before = snapshot()
    upload = sheet(("106019", "岳阳市岳阳楼区融媒体中心", "", "行政政法科"), ("106020", "岳阳市岳阳楼区档案馆", "", "教科文科"))

    result = departments_import(file=upload, bureau=bureau, dry_run=True)

    assert result.problems == []
    assert [r.code for r in result.to_create] == ["106020"]
    assert [r.code for r in result.to_update] == ["106019"]
    assert result.new_offices == ["教科文科"]
    assert result.written is False
    assert snapshot() == before


def test_import_creates_departments_offices_and_parents_listed_after_their_children():
    bureau = BureauFactory()
    upload = sheet(
        ("106019001", "融媒体中心下属单位", "106019", "行政政法科"),
        ("106019", "岳阳市岳阳楼区融媒体中心", "", "行政政法科"),
        ("106020", "岳阳市岳阳楼区档案馆", "", ""),
    )

    result = departments_import(file=upload, bureau=bureau, dry_run=False)

    assert result.problems == []
    assert result.written is True
    assert snapshot() == (
        [
            ("106019", "岳阳市岳阳楼区融媒体中心", None, "行政政法科"),
            ("106019001", "融媒体中心下属单位", "106019", "行政政法科"),
            ("106020", "岳阳市岳阳楼区档案馆", None, None),
        ],
        ["行政政法科"],
    )
    assert set(Department.objects.values_list("is_active", flat=True)) == {True}


def test_import_updates_existing_departments_and_keeps_their_active_flag():
    bureau = BureauFactory()
    office = OfficeFactory(bureau=bureau, name="行政政法科")
    DepartmentFactory(bureau=bureau, office=office, code="106019", name="旧名称", is_active=False)
    parent = DepartmentFactory(bureau=bureau, office=office, code="100000", name="上级单位")

    result = departments_import(
        file=sheet(("106019", "新名称", "100000", "教科文科")), bureau=bureau, dry_run=False,
    )

    department = Department.objects.get(code="106019")
    assert result.written is True
    assert (department.name, department.parent, department.office.name, department.is_active) == (
        "新名称", parent, "教科文科", False,
    )
    assert Office.objects.filter(bureau=bureau).count() == 2


def test_parent_loop_is_reported_with_the_chain():
    bureau = BureauFactory()
    upload = sheet(("A1", "甲", "B1", ""), ("B1", "乙", "A1", ""))

    result = departments_import(file=upload, bureau=bureau, dry_run=False)

    assert [str(p) for p in result.problems] == ["第2行：上级关系形成循环：A1 → B1 → A1。"]
    assert Department.objects.count() == 0


def test_missing_columns_are_reported_on_row_1():
    bureau = BureauFactory()

    result = departments_import(file=sheet(("106019", "单位"), header=("预算编码", "部门名称")), bureau=bureau, dry_run=True)

    assert [str(p) for p in result.problems] == [
        "第1行：缺少列：上级预算编码、归口业务科室。第一行应为列名：预算编码、部门名称、上级预算编码、归口业务科室。"
    ]


def test_a_file_that_is_not_an_excel_workbook_is_refused():
    result = departments_import(file=io.BytesIO(b"code,name\n1,2\n"), bureau=BureauFactory(), dry_run=False)

    assert [str(p) for p in result.problems] == ["无法读取文件，请上传 .xlsx 格式的 Excel 文件。"]


def test_a_sheet_with_only_the_header_is_refused():
    result = departments_import(file=sheet(), bureau=BureauFactory(), dry_run=False)

    assert [str(p) for p in result.problems] == ["表格中没有部门数据。"]


def test_codes_typed_as_numbers_blank_rows_and_extra_columns_are_read_as_text():
    bureau = BureauFactory()
    upload = sheet(
        ("", 106019, " 岳阳市岳阳楼区融媒体中心\n", None, "行政政法科"),
        (None, None, None, None, None),
        ("x", 106020.0, "档案馆", 106019, "行政政法科"),
        header=("备注", "预算编码", "部门名称", "上级预算编码", "归口业务科室"),
    )

    result = departments_import(file=upload, bureau=bureau, dry_run=False)

    assert result.problems == []
    assert [(r.row, r.code, r.name, r.parent_code) for r in result.rows] == [
        (2, "106019", "岳阳市岳阳楼区融媒体中心", ""),
        (4, "106020", "档案馆", "106019"),
    ]


def test_a_hostile_sheet_is_one_problem_for_the_whole_file():
    from tests.xlsx_bombs import BILLION_LAUGHS, with_part

    result = departments_import(file=io.BytesIO(with_part("xl/sharedStrings.xml", BILLION_LAUGHS)),
                                bureau=BureauFactory(), dry_run=True)

    assert [str(p) for p in result.problems] == ["文件含有不安全的XML内容（DTD或实体定义），请在Excel中另存为 .xlsx 后再上传。"]
