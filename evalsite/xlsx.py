"""Look at an uploaded .xlsx before openpyxl does: sizes, XML safety, rows and columns.

An .xlsx is a ZIP of XML parts. A small upload can unpack to gigabytes (a sheet of whitespace compresses
a thousandfold), hold a quarter of a million rows, or carry a DTD with entity tricks. `xlsx_check` refuses
all of these from the archive's directory and one streaming pass over the XML (defusedxml: no DTD, no
entities, no external references), so the reader that follows (openpyxl, itself on defusedxml once it is
installed) only ever sees a workbook of bounded size. Python's zipfile never unpacks more than a member's
declared size (a member that lies fails its CRC), so the declared sizes are what bound the work.
"""
import re
import zipfile
from dataclasses import dataclass
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.utils.translation import gettext as _

MAX_MEMBERS = 500
MAX_MEMBER_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 128 * 1024 * 1024
XML_SUFFIXES = (".xml", ".rels", ".vml")
CELL_REFERENCE = re.compile(r"([A-Z]{1,3})(\d+)$")
WORKSHEET = re.compile(r"xl/worksheets/[^/]+\.xml$")


class UnreadableWorkbook(Exception):
    """The upload is not a workbook this system will read; `message` says why, in Chinese."""

    def __init__(self, message):
        self.message = message
        super().__init__(message)


@dataclass(frozen=True)
class WorkbookShape:
    rows: int
    columns: int


def _column_number(letters):
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def _local(tag):
    return tag.rsplit("}", 1)[-1]


def _scan_sheet(handle, *, max_rows, max_columns):
    """(rows, columns) of one worksheet part, refusing as soon as a limit is passed. Memory stays flat."""
    rows = columns = 0
    for _event, element in iterparse(handle, events=("end",), forbid_dtd=True):
        tag = _local(element.tag)
        if tag == "c":
            match = CELL_REFERENCE.match(element.get("r", ""))
            if match:
                columns = max(columns, _column_number(match.group(1)))
                rows = max(rows, int(match.group(2)))
        elif tag == "row":
            number = element.get("r", "")
            rows = max(rows, int(number)) if number.isdigit() else rows + 1
            columns = max(columns, len(element))
            element.clear()
        if rows > max_rows:
            raise UnreadableWorkbook(_("表格行数超过%(max)s行，请删去多余的行或拆分后再上传。") % {"max": max_rows})
        if columns > max_columns:
            raise UnreadableWorkbook(_("表格列数超过%(max)s列，请删去多余的列后再上传。") % {"max": max_columns})
    return rows, columns


def _scan_xml(handle):
    for _event, element in iterparse(handle, events=("end",), forbid_dtd=True):
        element.clear()


def xlsx_check(file, *, max_rows, max_columns):
    """Refuse (UnreadableWorkbook) an .xlsx that is not a ZIP, unpacks too large, has unsafe XML or too many rows
    or columns in any worksheet; return its largest sheet's WorkbookShape. `file` is a path or a seekable file,
    left at its start."""
    if hasattr(file, "seek"):
        file.seek(0)
    unreadable = _("无法读取文件，请上传 .xlsx 格式的 Excel 文件。")
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise UnreadableWorkbook(unreadable) from error
    shape = WorkbookShape(0, 0)
    try:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise UnreadableWorkbook(_("文件包含的部件过多（%(count)s个），不是正常的Excel文件。") % {"count": len(members)})
        total = sum(member.file_size for member in members)
        largest = max((member.file_size for member in members), default=0)
        if largest > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
            raise UnreadableWorkbook(_(
                "文件解压后过大（%(size)sMB，上限%(max)sMB），可能含有大量空白行列：请在Excel中删去多余的行列，"
                "或拆分后再上传。") % {"size": total // (1024 * 1024), "max": MAX_TOTAL_BYTES // (1024 * 1024)})
        if "xl/workbook.xml" not in archive.namelist():
            raise UnreadableWorkbook(unreadable)
        for member in members:
            if member.is_dir() or not member.filename.endswith(XML_SUFFIXES):
                continue
            with archive.open(member) as handle:
                if WORKSHEET.match(member.filename):
                    rows, columns = _scan_sheet(handle, max_rows=max_rows, max_columns=max_columns)
                    shape = WorkbookShape(max(shape.rows, rows), max(shape.columns, columns))
                else:
                    _scan_xml(handle)
    except DefusedXmlException as error:
        raise UnreadableWorkbook(_("文件含有不安全的XML内容（DTD或实体定义），请在Excel中另存为 .xlsx 后再上传。")) from error
    except (ParseError, zipfile.BadZipFile, NotImplementedError, OSError, EOFError, ValueError, KeyError,
            RuntimeError) as error:
        # Broken XML, a member failing its CRC, an unsupported compression method or an encrypted member.
        raise UnreadableWorkbook(unreadable) from error
    finally:
        archive.close()
        if hasattr(file, "seek"):
            file.seek(0)
    return shape
