"""Render sheets of rows into an .xlsx with openpyxl in write-only mode (memory stays flat).

A sheet is a title row, a header row and data rows; each column has a kind that decides how a
value is written. Text is never a formula: openpyxl turns a string starting with "=" into a
formula and "#N/A"-like strings into error cells, so such strings are written as cells forced to
text; control characters pasted from Word (\\x0b line breaks and the like) are replaced or dropped.
"""
import re
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

TEXT, MONEY, SCORE, INTEGER, DATETIME, DATE = "text", "money", "score", "integer", "datetime", "date"
NUMBER_FORMATS = {MONEY: "0.00", SCORE: "0.00", INTEGER: "0", DATETIME: "yyyy-mm-dd hh:mm", DATE: "yyyy-mm-dd"}

# Word's manual line break (\x0b) and page break (\x0c) become line breaks; other control
# characters that XML 1.0 forbids are dropped (tab, newline and carriage return are allowed).
LINE_BREAKS = re.compile(r"[\x0b\x0c]")
ILLEGAL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_CELL_TEXT = 32767

TITLE_FONT = Font(bold=True, size=14)
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    width: float = 12


@dataclass
class Sheet:
    """One worksheet: `rows` is any iterable of tuples, consumed once while writing."""

    title: str
    heading: str
    columns: list
    rows: object
    freeze: str = "A3"
    chart: object = None  # a callable(ws, first_row, last_row) adding a chart after the rows
    row_count: int = field(default=0, init=False)


def clean_text(value):
    """User text as a worksheet may hold it: Word's control characters replaced or removed, length capped."""
    text = str(value)
    if CONTROL.search(text):
        text = ILLEGAL.sub("", LINE_BREAKS.sub("\n", text))
    return text[:MAX_CELL_TEXT]


def needs_forcing(text):
    """Whether openpyxl would store `text` as something other than a string: a formula ("=…", more
    than one character) or an error cell (one of ERROR_CODES, which all start with "#")."""
    first = text[:1]
    if first == "=":
        return len(text) > 1
    return first == "#" and text in ERROR_CODES


class Renderer:
    """Turns plain values into what a write-only worksheet appends, by column kind."""

    def __init__(self, workbook):
        self.workbook = workbook
        self.ws = None

    def text(self, value):
        if value is None or value == "":
            return None
        text = clean_text(value)
        if not needs_forcing(text):
            return text
        cell = WriteOnlyCell(self.ws, value=text)
        cell.data_type = "s"  # a typed "=1+1" stays the text "=1+1"
        return cell

    def formatter(self, kind):
        number_format = NUMBER_FORMATS[kind]

        def formatted(value):
            if value is None:
                return None
            if isinstance(value, datetime) and timezone.is_aware(value):
                value = timezone.localtime(value).replace(tzinfo=None)  # Excel has no time zones
            cell = WriteOnlyCell(self.ws, value=value)
            cell.number_format = number_format
            return cell

        return formatted

    def converters(self, columns):
        """One function per column turning a value into what the row holds (None: as it is)."""
        return [
            self.text if c.kind == TEXT else None if c.kind == INTEGER else self.formatter(c.kind) for c in columns
        ]

    def row(self, converters, values):
        return [value if convert is None else convert(value)
                for convert, value in zip(converters, values, strict=True)]

    def header(self, columns):
        cells = []
        for column in columns:
            cell = WriteOnlyCell(self.ws, value=column.header)
            cell.font, cell.fill, cell.alignment = HEADER_FONT, HEADER_FILL, HEADER_ALIGNMENT
            cells.append(cell)
        return cells

    def write_sheet(self, sheet):
        ws = self.ws = self.workbook.create_sheet(sheet.title)
        # Everything written before the first row (views, columns, page set-up flags) is set now.
        for index, column in enumerate(sheet.columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        ws.freeze_panes = sheet.freeze
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
        ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.print_title_rows = "1:2"

        title = WriteOnlyCell(ws, value=clean_text(sheet.heading))
        title.font = TITLE_FONT
        ws.append([title])
        ws.append(self.header(sheet.columns))
        count = 0
        converters = self.converters(sheet.columns)
        for values in sheet.rows:
            ws.append(self.row(converters, values))
            count += 1
        sheet.row_count = count
        last_column = get_column_letter(len(sheet.columns))
        ws.auto_filter.ref = f"A2:{last_column}{2 + count}"
        if sheet.chart is not None:
            sheet.chart(ws, 3, 2 + count)
        return ws


def bar_chart(title, *, x_title, y_title, anchor):
    """A chart callback for Sheet.chart: column 1 holds the categories and column 2 the counts."""

    def add(ws, first_row, last_row):
        if last_row < first_row:
            return
        chart = BarChart()
        chart.type = "col"
        chart.title = title
        chart.x_axis.title = x_title
        chart.y_axis.title = y_title
        chart.legend = None
        chart.add_data(Reference(ws, min_col=2, min_row=first_row - 1, max_row=last_row), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=first_row, max_row=last_row))
        chart.width, chart.height = 16, 9
        ws.add_chart(chart, anchor)

    return add


def write_workbook(out, sheets):
    """Write `sheets` (an iterable, consumed lazily, so a later sheet may use counts from an earlier
    one) to `out`, a path or a binary file object."""
    workbook = Workbook(write_only=True)
    renderer = Renderer(workbook)
    for sheet in sheets:
        renderer.write_sheet(sheet)
    workbook.save(out)
