import io
import time

import pytest

from evalsite.xlsx import UnreadableWorkbook, WorkbookShape, xlsx_check
from tests.xlsx_bombs import (
    BILLION_LAUGHS,
    EXTERNAL_ENTITY,
    SHEET,
    archive,
    far_cell,
    many_rows,
    whitespace_bomb,
    with_part,
    workbook_parts,
)

LIMITS = {"max_rows": 1000, "max_columns": 20}
UNREADABLE = "无法读取文件，请上传 .xlsx 格式的 Excel 文件。"
UNSAFE_XML = "文件含有不安全的XML内容（DTD或实体定义），请在Excel中另存为 .xlsx 后再上传。"


def refusal(content):
    with pytest.raises(UnreadableWorkbook) as raised:
        xlsx_check(io.BytesIO(content), **LIMITS)
    return raised.value.message


def test_an_ordinary_workbook_passes_with_its_shape_and_the_file_rewound():
    upload = io.BytesIO(archive(workbook_parts(rows=[("101001", "融媒体中心", "", "行政政法科")] * 3)))

    assert xlsx_check(upload, **LIMITS) == WorkbookShape(rows=4, columns=4)
    assert upload.tell() == 0


def test_a_whitespace_bomb_is_refused_from_the_archive_directory_without_unpacking():
    bomb = whitespace_bomb()
    started = time.perf_counter()

    message = refusal(bomb)

    assert len(bomb) < 2 * 1024 * 1024
    assert message == "文件解压后过大（1536MB，上限128MB），可能含有大量空白行列：请在Excel中删去多余的行列，或拆分后再上传。"
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (many_rows(1001), "表格行数超过1000行，请删去多余的行或拆分后再上传。"),
        (far_cell("A1048576"), "表格行数超过1000行，请删去多余的行或拆分后再上传。"),
        (far_cell("XFD1"), "表格列数超过20列，请删去多余的列后再上传。"),
        (with_part("xl/sharedStrings.xml", BILLION_LAUGHS), UNSAFE_XML),
        (with_part(SHEET, EXTERNAL_ENTITY), UNSAFE_XML),
        (with_part(SHEET, b"<worksheet><sheetData><row>"), UNREADABLE),
        (b"PK\x03\x04 not really a zip", UNREADABLE),
        (b"%PDF-1.7", UNREADABLE),
        (archive({"word/document.xml": b"<w/>"}), UNREADABLE),
        (archive({f"xl/media/{n}.xml": b"<x/>" for n in range(501)}), "文件包含的部件过多（501个），不是正常的Excel文件。"),
    ],
    ids=["1001-rows", "far-row", "far-column", "billion-laughs", "external-entity", "broken-xml", "bad-zip", "pdf",
         "docx-like", "too-many-parts"],
)
def test_hostile_workbooks_are_refused_with_a_chinese_reason(content, message):
    assert refusal(content) == message


def test_exactly_the_row_limit_passes():
    assert xlsx_check(io.BytesIO(many_rows(1000)), **LIMITS) == WorkbookShape(rows=1000, columns=1)


def test_a_member_that_lies_about_its_size_fails_its_crc_and_is_refused():
    content = bytearray(archive(workbook_parts()))
    at = content.index(SHEET.encode()) - 30 + 22  # the sheet's local header: uncompressed size
    content[at:at + 4] = (10).to_bytes(4, "little")
    central = content.index(SHEET.encode(), content.index(b"PK\x01\x02")) - 46 + 24
    content[central:central + 4] = (10).to_bytes(4, "little")

    assert refusal(bytes(content)) == UNREADABLE
