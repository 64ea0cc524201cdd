"""Render sheets of rows into an .xlsx with openpyxl in write-only mode (memory stays flat).

A sheet is a title row, a header row, data rows and optionally a 合计 row; each column has a kind
that decides how a value is written. Sheets print on A4 landscape with gridlines as borders, the
title rows (and for wide sheets the title columns) repeated, in 宋体 (named for Excel and WPS). Text is never a formula: openpyxl turns a string starting with "=" into a
formula and "#N/A"-like strings into error cells, so such strings are written as cells forced to
text; control characters pasted from Word (\\x0b line breaks and the like) are replaced or dropped.
"""
import math
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ERROR_CODES
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList
from openpyxl.worksheet.pagebreak import Break
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

TEXT, MONEY, SCORE, INTEGER, DATETIME, DATE = "text", "money", "score", "integer", "datetime", "date"
# Scores print as the form prints them (98, 61.5): General, which shows no trailing zeros.
NUMBER_FORMATS = {MONEY: "0.00", SCORE: "General", INTEGER: "0", DATETIME: "yyyy-mm-dd hh:mm", DATE: "yyyy-mm-dd"}

# Word's manual line break (\x0b) and page break (\x0c) become line breaks; other control
# characters that XML 1.0 forbids are dropped (tab, newline and carriage return are allowed).
LINE_BREAKS = re.compile(r"[\x0b\x0c]")
ILLEGAL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_CELL_TEXT = 32767

# 宋体 with the GB2312 character set (134) is what Excel and WPS name for Chinese text.
FONT_NAME = "宋体"
BODY_FONT = Font(name=FONT_NAME, sz=11, family=3, charset=134)
TITLE_FONT = Font(name=FONT_NAME, bold=True, sz=14, family=3, charset=134)
HEADER_FONT = Font(name=FONT_NAME, bold=True, sz=11, family=3, charset=134)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
HEADER_ALIGNMENT = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)
TOTAL_LABEL = "合计"


@dataclass(frozen=True)
class Column:
    header: str
    kind: str = TEXT
    width: float = 12
    wrap: bool = False  # long text (names, reasons) wraps instead of being cut off at the column edge


@dataclass
class Sheet:
    """One worksheet: `rows` is any iterable of tuples, consumed once while writing."""

    title: str
    heading: str
    columns: list
    rows: object
    freeze: str = "A3"
    chart: object = None  # a callable(ws, first_row, last_row) adding a chart after the rows
    totals: tuple = ()  # indexes of the columns a 合计 row adds up under the data rows
    title_columns: int = 0  # wide sheets: print on several pages, these first columns repeated on each
    column_breaks: tuple = ()  # wide sheets: a page break before each of these (1-based) columns
    row_count: int = field(default=0, init=False)


def clean_text(value):
    """User text as a worksheet may hold it: Word's control characters replaced or removed, length capped."""
    text = str(value)
    if CONTROL.search(text):
        text = ILLEGAL.sub("", LINE_BREAKS.sub("\n", text))
    return text[:MAX_CELL_TEXT]


LINE_HEIGHT = 16  # points per line of 11 pt 宋体 (with leading)
# About 125 column units of 11 pt 宋体 fit the width of an A4 landscape page at 100 %: a sheet
# up to FIT_WIDTH units wide fits one page width with its text at 8 pt or more.
PAGE_UNITS = 125
BODY_POINTS = 11
MIN_PRINT_POINTS = 8
FIT_WIDTH = PAGE_UNITS * BODY_POINTS / MIN_PRINT_POINTS


def text_width(text):
    """Width in Excel column units: a CJK (wide) character takes two, others one."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def line_count(text, width):
    """Lines `text` takes wrapped in a column `width` units wide (a little margin kept)."""
    usable = max(1.0, width - 1)
    return sum(max(1, math.ceil(text_width(line) / usable)) for line in str(text).split("\n"))


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

    def text(self, value, *, wrap=False):
        if value is None or value == "":
            return None
        text = clean_text(value)
        if not wrap and not needs_forcing(text):
            return text
        cell = WriteOnlyCell(self.ws, value=text)
        cell.data_type = "s"  # a typed "=1+1" stays the text "=1+1"
        if wrap:
            cell.alignment = WRAP
        return cell

    def wrapped(self, value):
        return self.text(value, wrap=True)

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
            (self.wrapped if c.wrap else self.text) if c.kind == TEXT else None if c.kind == INTEGER
            else self.formatter(c.kind) for c in columns
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

    def total_row(self, sheet, sums):
        """合计 in the first column, the sums (None where a column had no value) in bold."""
        cells = [None] * len(sheet.columns)
        label = WriteOnlyCell(self.ws, value=TOTAL_LABEL)
        label.font = HEADER_FONT
        cells[0] = label
        for index in sheet.totals:
            if sums[index] is None:
                continue
            cell = WriteOnlyCell(self.ws, value=sums[index])
            cell.font = HEADER_FONT
            cell.number_format = NUMBER_FORMATS.get(sheet.columns[index].kind, "General")
            cells[index] = cell
        return cells

    def page_setup(self, ws, sheet):
        """A4 landscape, gridlines printed as borders, the title and header rows on every page; a
        narrow sheet fits one page width, a wide one prints at 90 % over several pages with its
        title columns repeated (11 pt text prints at 9.9 pt)."""
        ws.page_setup.orientation = Worksheet.ORIENTATION_LANDSCAPE
        ws.page_setup.paperSize = Worksheet.PAPERSIZE_A4
        ws.print_options.gridLines = True
        ws.print_options.horizontalCentered = True
        ws.print_title_rows = "1:2"
        title_columns = sheet.title_columns
        if not title_columns and sum(c.width for c in sheet.columns) > FIT_WIDTH:
            title_columns = 2  # too wide to fit readably: several pages, 预算编码 and 名称 repeated
        if title_columns:
            ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=False)
            ws.page_setup.scale = 90
            ws.print_title_cols = f"A:{get_column_letter(title_columns)}"
            for column in sheet.column_breaks:
                ws.col_breaks.append(Break(id=column - 1))  # zero-based: the break falls left of it
        else:
            ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
            ws.page_setup.fitToWidth = 1
            ws.page_setup.fitToHeight = 0

    def write_sheet(self, sheet):
        ws = self.ws = self.workbook.create_sheet(sheet.title)
        # Everything written before the first row (views, columns, page set-up flags) is set now.
        for index, column in enumerate(sheet.columns, start=1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        ws.freeze_panes = sheet.freeze
        self.page_setup(ws, sheet)

        title = WriteOnlyCell(ws, value=clean_text(sheet.heading))
        title.font = TITLE_FONT
        ws.append([title])
        # Rows are written as they come, so a row of wrapped text is given its height beforehand
        # (LibreOffice, unlike Excel, does not grow a row to fit its wrapped text on opening).
        ws.row_dimensions[2].height = LINE_HEIGHT * max(line_count(c.header, c.width) for c in sheet.columns)
        ws.append(self.header(sheet.columns))
        wrapped = [(index, column.width) for index, column in enumerate(sheet.columns) if column.wrap]
        count = 0
        converters = self.converters(sheet.columns)
        sums = dict.fromkeys(sheet.totals)
        for values in sheet.rows:
            lines = max((line_count(values[i], width) for i, width in wrapped if values[i]), default=1)
            if lines > 1:
                ws.row_dimensions[3 + count].height = LINE_HEIGHT * lines
            ws.append(self.row(converters, values))
            for index in sheet.totals:
                if values[index] is not None:
                    sums[index] = values[index] + (sums[index] or 0)
            count += 1
        sheet.row_count = count
        if sheet.totals:
            ws.append(self.total_row(sheet, sums))
        last_column = get_column_letter(len(sheet.columns))
        ws.auto_filter.ref = f"A2:{last_column}{2 + count}"
        if sheet.chart is not None:
            sheet.chart(ws, 3, 2 + count)
        return ws


def count_step(maximum, *, ticks=8):
    """A whole-number step for an axis of counts up to `maximum` (1, 2, 5, 10, 20, 50, …)."""
    step = 1
    while maximum / step > ticks:
        for factor in (2, 5, 10):
            if maximum / (step * factor) <= ticks or factor == 10:
                candidate = step * factor
                break
        step = candidate
    return step


def bar_chart(title, *, x_title, y_title, anchor, maximum=None):
    """A chart callback for Sheet.chart: column 1 holds the categories and column 2 the counts.

    The value axis counts in whole steps from 0 (`maximum()`, called once the rows are written,
    gives the largest count).
    """

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
        chart.x_axis.delete = chart.y_axis.delete = False  # openpyxl 3.1 hides both axes otherwise
        chart.y_axis.number_format = "0"
        chart.y_axis.scaling.min = 0
        top = max(1, maximum() if maximum else 1)
        chart.y_axis.majorUnit = count_step(top)
        chart.y_axis.scaling.max = math.ceil(top / chart.y_axis.majorUnit) * chart.y_axis.majorUnit
        chart.width, chart.height = 16, 9
        ws.add_chart(chart, anchor)

    return add


def write_workbook(out, sheets):
    """Write `sheets` (an iterable, consumed lazily, so a later sheet may use counts from an earlier
    one) to `out`, a path or a binary file object."""
    workbook = Workbook(write_only=True)
    # The default font (cells without a style of their own) and the Normal style name 宋体.
    workbook._fonts = IndexedList([BODY_FONT])
    workbook._named_styles["Normal"].font = BODY_FONT
    renderer = Renderer(workbook)
    for sheet in sheets:
        renderer.write_sheet(sheet)
    workbook.save(out)
