"""The Word kit of the form: runs with their East Asian fonts, bordered tables on the PDF's column grid
(header rows repeated, merged cells), the A4 page with the PDF's margins and its numbered footer."""
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT, WD_ROW_HEIGHT_RULE, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from reports.layout import BODY_PT, CONTENT_MM

SERIF, SANS, LATIN = "宋体", "黑体", "Times New Roman"
MARGINS_MM = {"top": 20, "right": 18, "bottom": 22, "left": 18}  # static/app/pdf.css @page
PAGE_MM = (210, 297)
TWIPS_PER_MM = 1440 / 25.4
# The rows a hand-filled blank form leaves for writing (at least 8 mm; reports.rendering.blank_output_context).
BLANK_ROW_MM = 9
SEAL_BOX_MM = 45  # the 意见 boxes leave room for a handwritten opinion and a seal (report.css .seal-box)


# --- Runs, paragraphs and cells ----------------------------------------------------------------
def _fonts(run, *, east_asia=SERIF, size=None, bold=None):
    run.font.name = LATIN
    fonts = run._element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:hAnsi"), LATIN)
    if size is not None:
        run.font.size = Pt(size)
    if bold is not None:
        run.font.bold = bold
    return run


def _lines(paragraph, lines, **font):
    """Write `lines` into `paragraph`, one line break between them."""
    for index, line in enumerate(lines):
        run = _fonts(paragraph.add_run(line), **font)
        if index < len(lines) - 1:
            run.add_break(WD_BREAK.LINE)
    return paragraph


def add_paragraph(container, lines=(), *, align=None, indent=False, before=0, after=0, **font):
    paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if align is not None:
        paragraph.alignment = align
    if indent:
        size = font.get("size") or BODY_PT
        fmt.first_line_indent = Pt(2 * size)
    return _lines(paragraph, list(lines), **font)


@dataclass
class C:
    """One cell of a row as built: its paragraphs (each a list of lines), its span and how it prints.

    `merge` continues the cell above (a vertical merge: the PDF's `cont`), `top`/`bottom` False
    draw no border there (the open outer column of the goals tables)."""

    paragraphs: list = field(default_factory=list)
    span: int = 1
    header: bool = False
    bold: bool = False
    align: object = WD_ALIGN_PARAGRAPH.CENTER
    indent: bool = False
    size: float | None = None
    merge: bool = False
    top: bool = True
    bottom: bool = True
    valign: object = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def text(value, **options):
    """A cell holding user text: one paragraph per line, left-aligned."""
    return C(paragraphs=[[line] for line in (value or "").splitlines()], align=WD_ALIGN_PARAGRAPH.LEFT, **options)


def lines(value, **options):
    """A cell holding one label broken into `value` (a list of lines, as the PDF breaks it)."""
    return C(paragraphs=[list(value)], **options)


def th(label, **options):
    return C(paragraphs=[[str(label)]], header=True, bold=True, **options)


class Table:
    """A bordered table of the form on a grid of column widths in percent of the text width."""

    def __init__(self, document, widths_pct, *, size=BODY_PT, borders=True, min_row_mm=None):
        self.document, self.size, self.min_row_mm = document, size, min_row_mm or None
        self.widths = [Mm(CONTENT_MM * pct / 100) for pct in widths_pct]
        self.table = document.add_table(rows=0, cols=len(widths_pct))
        if borders:
            self.table.style = document.styles["Table Grid"]
        self.table.alignment = WD_TABLE_ALIGNMENT.CENTER
        self.table.autofit = False
        for col, width in zip(self.table.columns, self.widths, strict=True):
            col.width = width
        props = self.table._tbl.tblPr
        layout = OxmlElement("w:tblLayout")
        layout.set(qn("w:type"), "fixed")
        props.append(layout)
        margins = OxmlElement("w:tblCellMar")  # 2pt 4pt as report.css's cell padding
        for side, twips in (("top", 40), ("left", 80), ("bottom", 40), ("right", 80)):
            margin = OxmlElement(f"w:{side}")
            margin.set(qn("w:w"), str(twips))
            margin.set(qn("w:type"), "dxa")
            margins.append(margin)
        props.append(margins)
        self.rows = 0
        self.previous = []

    def row(self, cells, *, header=False, height_mm=None, keep=True):
        """Add a row of `cells` (C); a header row repeats at the top of every page."""
        row = self.table.add_row()
        props = row._tr.get_or_add_trPr()
        if header:
            props.append(OxmlElement("w:tblHeader"))
        if keep:  # rows are kept whole as in the PDF (its long texts are already cut into bounded rows)
            props.append(OxmlElement("w:cantSplit"))
        if not header and self.min_row_mm:
            height_mm = max(height_mm or 0, self.min_row_mm)
        if height_mm:
            row.height = Mm(height_mm)
            row.height_rule = WD_ROW_HEIGHT_RULE.AT_LEAST
        grid = list(row.cells)  # this row's cells by grid column (Table.cell walks the whole table)
        column = 0
        for spec in cells:
            cell = grid[column]
            if spec.span > 1:
                cell = cell.merge(grid[column + spec.span - 1])
            cell.width = sum(self.widths[column:column + spec.span], Mm(0))
            cell.vertical_alignment = spec.valign
            if spec.merge:
                self.previous[column].merge(cell)  # a vertical merge; the continuation's own text is not printed
            else:
                self._fill(cell, spec)
            if not spec.top or not spec.bottom:
                no_borders(cell, top=not spec.top, bottom=not spec.bottom)
            for c in range(column, column + spec.span):
                grid[c] = cell
            column += spec.span
        self.previous = grid
        self.rows += 1
        return row

    def _fill(self, cell, spec):
        first = cell.paragraphs[0]
        size = spec.size or self.size
        for index, lines_ in enumerate(spec.paragraphs or [[""]]):
            paragraph = first if index == 0 else cell.add_paragraph()
            paragraph.alignment = spec.align
            fmt = paragraph.paragraph_format
            fmt.space_before = fmt.space_after = Pt(0)
            if spec.indent:
                fmt.first_line_indent = Pt(2 * size)
            _lines(paragraph, lines_, size=size, bold=spec.bold or None,
                   east_asia=SERIF)


def no_borders(cell, *, top=False, bottom=False):
    props = cell._tc.get_or_add_tcPr()
    borders = props.find(qn("w:tcBorders"))
    if borders is None:
        borders = OxmlElement("w:tcBorders")
        props.append(borders)
    for side, off in (("top", top), ("bottom", bottom)):
        if off:
            edge = OxmlElement(f"w:{side}")
            edge.set(qn("w:val"), "nil")
            borders.append(edge)


def merged_cells(column, make):
    """C cells for a reports.layout.Cell column: the first of a run printed, its continuations merged."""
    return [C(merge=True) if cell.cont else make(cell) for cell in column]


# --- The document ----------------------------------------------------------------------------
def _page_number_field(paragraph, instruction, size):
    for kind, value in (("begin", None), ("instr", instruction), ("separate", None), ("text", "1"), ("end", None)):
        run = _fonts(paragraph.add_run(), size=size)
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = f" {value} "
        elif kind == "text":
            element = OxmlElement("w:t")
            element.text = "1"
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._element.append(element)


# The Chinese faces in the font table, with what Word and WPS substitute by when a machine lacks them:
# GB2312 charset, serif (roman) or sans (modern) family and their PANOSE numbers.
FONT_TABLE = (
    '<w:font w:name="宋体"><w:altName w:val="SimSun"/><w:panose1 w:val="02010600030101010101"/>'
    '<w:charset w:val="86"/><w:family w:val="roman"/><w:pitch w:val="variable"/></w:font>'
    '<w:font w:name="黑体"><w:altName w:val="SimHei"/><w:panose1 w:val="02010609060101010101"/>'
    '<w:charset w:val="86"/><w:family w:val="modern"/><w:pitch w:val="fixed"/></w:font>'
)


def _font_table(document):
    part = next(p for p in document.part.package.parts if str(p.partname) == "/word/fontTable.xml")
    blob = part.blob.decode("utf-8")
    part._blob = blob.replace("</w:fonts>", FONT_TABLE + "</w:fonts>").encode("utf-8")


def page_setup(document, digest):
    """A4, the PDF's margins, 宋体 body text, the footer “第 N 页 共 M 页” (and the digest) after the cover."""
    _font_table(document)
    section = document.sections[0]
    section.page_width, section.page_height = Mm(PAGE_MM[0]), Mm(PAGE_MM[1])
    section.top_margin, section.right_margin = Mm(MARGINS_MM["top"]), Mm(MARGINS_MM["right"])
    section.bottom_margin, section.left_margin = Mm(MARGINS_MM["bottom"]), Mm(MARGINS_MM["left"])
    section.header_distance, section.footer_distance = Mm(10), Mm(10)
    section.different_first_page_header_footer = True
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = LATIN, Pt(BODY_PT)
    fonts = normal.element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:eastAsia"), SERIF)
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.line_spacing = 1.0
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "en-US")
    language.set(qn("w:eastAsia"), "zh-CN")
    normal.element.get_or_add_rPr().append(language)

    footer = section.footer
    paragraph = footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _fonts(paragraph.add_run(_("第 ")), size=9)
    _page_number_field(paragraph, "PAGE", 9)
    _fonts(paragraph.add_run(_(" 页 共 ")), size=9)
    _page_number_field(paragraph, "NUMPAGES", 9)
    _fonts(paragraph.add_run(_(" 页")), size=9)
    if digest:
        add_paragraph(footer, [_("审定内容摘要（SHA-256）："), digest], align=WD_ALIGN_PARAGRAPH.RIGHT, size=6)
    section.first_page_footer.is_linked_to_previous = False
    return section


def heading(document, title, *, size, sans=True, bold=True, align=None, before=12, after=6, page_break=False):
    paragraph = add_paragraph(document, [title], align=align, before=before, after=after, size=size, bold=bold,
                           east_asia=SANS if sans else SERIF)
    paragraph.paragraph_format.keep_with_next = True
    if page_break:
        paragraph.paragraph_format.page_break_before = True
    return paragraph


