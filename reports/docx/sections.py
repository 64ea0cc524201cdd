"""The sections of 附件2-1 in Word, each from its part of reports.rendering's output context."""
import io

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from reports.docx.kit import (
    BLANK_ROW_MM,
    SANS,
    SEAL_BOX_MM,
    C,
    Table,
    add_paragraph,
    heading,
    lines,
    merged_cells,
    text,
    th,
)
from reports.layout import BODY_PT, RUBRIC_PT, capacity
from reports.rendering import MONEY_ORG_PCT, RUBRIC_PCT


def cover(document, context):
    cover = context["cover"]
    add_paragraph(document, [_("附件2-1")], size=14, east_asia=SANS)
    title = [
        _("%(region)s%(year)s年度部门（单位）整体支出") % {"region": cover["region"], "year": cover["year"]},
        _("绩效评价自评报告"),
    ]
    add_paragraph(document, title, align=WD_ALIGN_PARAGRAPH.CENTER, before=64, after=72, size=22, bold=True,
               east_asia=SANS).paragraph_format.line_spacing = 1.6
    fields = Table(document, [11, 31, 47, 11], size=15, borders=False)
    for label, value in (
        (_("部门（单位）名称"), cover["department_name"]), (_("预算编码"), cover["department_code"]),
        (_("评价方式"), cover["method"]), (_("评价机构"), cover["body"]), (_("报告日期"), cover["date"]),
    ):
        row = fields.row([C(), C(paragraphs=[[f"{label}："]], align=WD_ALIGN_PARAGRAPH.LEFT),
                          C(paragraphs=[[value]], align=WD_ALIGN_PARAGRAPH.LEFT), C()], height_mm=12)
        _bottom_line(row.cells[2])
    add_paragraph(document, [cover["issuer"]], align=WD_ALIGN_PARAGRAPH.CENTER, before=110, size=15)
    verification = context.get("verification")
    if verification:
        _verification(document, verification)
    document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)


def _verification(document, verification):
    """The approved report's QR code and short link (reports.verification), as on the PDF's cover."""
    paragraph = add_paragraph(document, align=WD_ALIGN_PARAGRAPH.RIGHT, before=12)
    paragraph.add_run().add_picture(io.BytesIO(verification.png), width=Mm(24), height=Mm(24))
    add_paragraph(document, [_("扫码或访问以下地址核验本报告："), verification.url], align=WD_ALIGN_PARAGRAPH.RIGHT,
               size=8)


def _bottom_line(cell):
    props = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    edge = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "6"), ("space", "0"), ("color", "000000")):
        edge.set(qn(f"w:{key}"), value)
    borders.append(edge)
    props.append(borders)


def overview(document, context, blank):
    overview = context["overview"]
    heading(document, _("一、部门（单位）基本概况"), size=13)
    table = Table(document, [18, 32, 18, 32], min_row_mm=blank and BLANK_ROW_MM)
    height = BLANK_ROW_MM if blank else None
    table.row([th(_("联系人")), text(overview["contact_name"]), th(_("联络电话")), text(overview["contact_phone"])],
              height_mm=height)
    table.row([th(_("人员编制")), text(overview["staff_quota"]), th(_("实有人数")),
               text(overview["actual_headcount"])], height_mm=height)
    # A long cell's chunks (rendering.long_rows) are one Word row: Word splits a row over pages itself.
    groups = []
    for row in overview["long_rows"]:
        if not row.cont:
            groups.append((row.label.lines, []))
        paragraphs = groups[-1][1]
        for index, paragraph in enumerate(row.chunk.paragraphs):
            if index == 0 and row.chunk.joins and paragraphs:
                paragraphs[-1] += paragraph
            else:
                paragraphs.append(paragraph)
    for label, paragraphs in groups:
        table.row([lines(label, header=True, bold=True),
                   C(paragraphs=[[p] for p in paragraphs], span=3, align=WD_ALIGN_PARAGRAPH.LEFT)],
                  keep=False, height_mm=blank and 40)


MONEY_HEADERS = {
    # The header rows of the four 收支 tables as _report_body.html prints them: (label, rowspan, colspan).
    "income": (
        ((_lazy("机构名称"), 2, 1), (_lazy("收入合计"), 2, 1), (_lazy("其中："), 1, 5)),
        ((_lazy("上年结转"), 1, 1), (_lazy("公共财政拨款"), 1, 1), (_lazy("政府基金拨款"), 1, 1),
         (_lazy("纳入专户管理的非税收入拨款"), 1, 1), (_lazy("其他收入"), 1, 1)),
    ),
    "expenditure": (
        ((_lazy("机构名称"), 3, 1), (_lazy("支出合计"), 3, 1), (_lazy("其中："), 1, 4), (_lazy("结余"), 1, 2)),
        ((_lazy("基本支出"), 2, 1), (_lazy("其中："), 1, 2), (_lazy("项目支出"), 2, 1), (_lazy("当年结余"), 2, 1),
         (_lazy("累计结余"), 2, 1)),
        ((_lazy("人员支出"), 1, 1), (_lazy("公用支出"), 1, 1)),
    ),
    "three_public": (
        ((_lazy("机构名称"), 2, 1), (_lazy("三公经费合计"), 2, 1), (_lazy("其中："), 1, 4)),
        ((_lazy("公务接待费"), 1, 1), (_lazy("公务用车运维费"), 1, 1), (_lazy("公务用车购置费"), 1, 1), (_lazy("因公出国费"), 1, 1)),
    ),
    "fixed_assets": (
        ((_lazy("机构名称"), 2, 1), (_lazy("固定资产合计"), 2, 1), (_lazy("其中："), 1, 2), (_lazy("其他"), 2, 1)),
        ((_lazy("在用固定资产"), 1, 1), (_lazy("出租固定资产"), 1, 1)),
    ),
}
MONEY_CAPTIONS = {"income": _lazy("年度收入情况（万元）"), "expenditure": _lazy("部门（单位）年度支出和结余情况（万元）")}


def _header_rows(table, spec, columns):
    """Header rows from (label, rowspan, colspan) rows, laid on the grid like an HTML table's."""
    taken = {}  # (row, column) -> True where a rowspan from above continues
    for r, cells in enumerate(spec):
        row, column, queue = [], 0, list(cells)
        while column < columns:
            if taken.get((r, column)):
                row.append(C(merge=True, header=True))
                column += 1
                continue
            label, rowspan, colspan = queue.pop(0)
            row.append(th(label, span=colspan))
            for below in range(1, rowspan):
                for c in range(column, column + colspan):
                    taken[(r + below, c)] = True
            column += colspan
        table.row(row, header=True)


def money(document, context, blank):
    heading(document, _("二、部门（单位）收支情况"), size=13)
    for key, headers in MONEY_HEADERS.items():
        money = context["tables"][key]
        if key in MONEY_CAPTIONS:
            heading(document, str(MONEY_CAPTIONS[key]), size=11, before=4, after=4)
        data = money.data_pct
        table = Table(document, [MONEY_ORG_PCT] + [data] * money.columns, min_row_mm=blank and BLANK_ROW_MM)
        _header_rows(table, headers, 1 + money.columns)
        for org_lines, cells in money.rows:
            table.row([lines(org_lines, align=WD_ALIGN_PARAGRAPH.LEFT), *(C(paragraphs=[[v]]) for v in cells)])
        if not money.rows:
            table.row([C() for _c in range(1 + money.columns)])
        if money.total:
            table.row([th(_("合计")), *(C(paragraphs=[[v]], bold=True) for v in money.total)])
        add_paragraph(document, after=4)


def goals(document, context, blank):
    heading(document, _("三、部门（单位）整体支出绩效自评情况"), size=13)
    height = BLANK_ROW_MM if blank else None
    outer = {"top": False, "bottom": False}
    table = Table(document, [14, 66, 20], min_row_mm=blank and BLANK_ROW_MM)
    table.row([th(_("整体支出绩效定性目标及实施计划完成情况"), bottom=False), th(_("预期目标")), th(_("实际完成"))],
              header=True)
    rows = context["qualitative"]
    actuals = merged_cells([r.actual for r in rows], lambda cell: lines(cell.lines))
    for row, actual in zip(rows, actuals, strict=True):
        table.row([C(**outer), text(row.target), actual])
    if not rows:
        for _row in range(5 if blank else 1):
            table.row([C(**outer), C(), C()], height_mm=height)
    _close_outer(table)
    add_paragraph(document, after=4)

    if context.get("targets"):
        _targets(document, context, context["targets"])
        return
    table = Table(document, [14, 13, 12, 41, 20], min_row_mm=blank and BLANK_ROW_MM)
    table.row([th(_("整体支出绩效定量目标及实施计划完成情况"), bottom=False), th(_("评价内容"), span=2),
               th(_("绩效目标")), th(_("完成情况"))], header=True)
    rows = context["quantitative"]

    def group(cell, note):
        return C(paragraphs=[list(cell.lines)] + ([[note]] if note else []))

    groups = [C(merge=True) if r.group.cont else group(r.group, r.note) for r in rows]
    categories = merged_cells([r.category for r in rows], lambda cell: lines(cell.lines))
    for row, group_cell, category in zip(rows, groups, categories, strict=True):
        table.row([C(**outer), group_cell, category, text(row.target), text(row.actual)], height_mm=height)
    _note_size(table, rows)
    total = [[context["self_total"]]]
    if context["review_total"]:
        total.append([_("复核得分：%(total)s") % {"total": context["review_total"]}])
    table.row([th(_("绩效自评综合得分"), span=3), C(paragraphs=total, span=2, bold=True)], height_mm=height)
    table.row([th(_("评价等次"), span=3), C(paragraphs=[[context["grade"]]], span=2, bold=True)], height_mm=height)


def _targets(document, context, targets):
    """三's 定量 part when the year-start targets are approved: templates/targets/_report_targets.html in Word."""
    heading(document, _("整体支出绩效定量目标及实施计划完成情况（年初批复的绩效目标）"), size=11, before=4, after=4)
    table = Table(document, [10, 10, 20, 12, 12, 11, 25])
    table.row([th(_("一级指标")), th(_("二级指标")), th(_("三级指标")), th(_("指标值")), th(_("实际值")),
               th(_("完成率")), th(_("偏差原因"))], header=True)
    rows = targets["rows"]
    columns = [merged_cells([getattr(r, key) for r in rows], lambda cell: lines(cell.lines))
               for key in ("group", "category", "name", "value", "actual", "rate")]
    for row, *cells in zip(rows, *columns, strict=True):
        reason = C(paragraphs=[[p] for p in row.reason], align=WD_ALIGN_PARAGRAPH.LEFT)
        table.row([*cells, reason])
    total = [[context["self_total"]]]
    if context["review_total"]:
        total.append([_("复核得分：%(total)s") % {"total": context["review_total"]}])
    table.row([th(_("绩效自评综合得分"), span=3), C(paragraphs=total, span=4, bold=True)])
    table.row([th(_("评价等次"), span=3), C(paragraphs=[[context["grade"]]], span=4, bold=True)])
    if targets["adjustments"]:
        add_paragraph(document, [_("本年度绩效目标经调整申请调整，上表为调整后的目标（标注“已调整”）：")], before=4)
        for note in targets["adjustments"]:
            add_paragraph(document, [note])


def _note_size(table, rows):
    """The 产出目标/效益目标 notes print small (report.css .group-cell .note)."""
    for index, row in enumerate(rows):
        if row.note:
            cell = table.table.cell(1 + index, 1)
            for run in cell.paragraphs[-1].runs:
                run.font.size = Pt(8)


def _close_outer(table):
    """The open outer column closes at the table's end (the PDF's page-close footer)."""
    last = table.table.cell(table.rows - 1, 0)
    props = last._tc.get_or_add_tcPr()
    borders = props.find(qn("w:tcBorders"))
    for edge in list(borders):
        if edge.tag == qn("w:bottom"):
            borders.remove(edge)


def people(document, context, blank):
    signoff = context["signoff"]
    heading(document, _("四、评价人员"), size=13)
    table = Table(document, [20, 25, 30, 25], min_row_mm=blank and BLANK_ROW_MM)
    table.row([th(_("姓  名")), th(_("职务/职称")), th(_("单  位")), th(_("签  字"))], header=True)
    for person in context["evaluators"]:
        table.row([C(paragraphs=[[person.name]]), C(paragraphs=[[person.title]]), C(paragraphs=[[person.unit]]),
                   C()])
    if not context["evaluators"]:
        for _row in range(5 if blank else 1):
            table.row([C(), C(), C(), C()], height_mm=BLANK_ROW_MM if blank else 6)
    left, right = WD_ALIGN_PARAGRAPH.LEFT, WD_ALIGN_PARAGRAPH.RIGHT
    leader = C(paragraphs=[[_("评价组组长（签字）：") + signoff["leader_name"]],
                           [signoff["leader_date"]]], span=4, align=left, valign=WD_CELL_VERTICAL_ALIGNMENT.TOP)
    row = table.row([leader], height_mm=blank and 20)
    _align_last(row.cells[0], right, indent_right=2)
    for label, opinion, head, name, date in (
        (_("部门（单位）意见："), signoff["dept_opinion"], _("部门（单位）负责人（签章）："),
         signoff["dept_head_name"], signoff["dept_date"]),
        (_("财政部门归口业务科室意见："), signoff["finance_opinion"], _("财政部门归口业务科室负责人（签章）："),
         signoff["finance_head_name"], signoff["finance_date"]),
    ):
        cell = C(paragraphs=[[label], *([p] for p in opinion), [head + name], [date]], span=4, align=left,
                 valign=WD_CELL_VERTICAL_ALIGNMENT.TOP)
        row = table.row([cell])
        _opinion_layout(row.cells[0], len(opinion), sum(len(p) for p in opinion))
    add_paragraph(document, [_("填报人（签名）：") + signoff["filler_name"] + "\u3000" * 6
                          + _("联系电话：") + signoff["filler_phone"]], before=8, after=16)


def _align_last(cell, align, *, indent_right=0):
    last = cell.paragraphs[-1]
    last.alignment = align
    last.paragraph_format.space_before = Pt(6)
    last.paragraph_format.right_indent = Pt(indent_right * BODY_PT)


def _opinion_layout(cell, count, chars):
    """The 意见 box: the opinion indented, then room for a seal (45 mm with it), the name and the date."""
    paragraphs = cell.paragraphs
    for paragraph in paragraphs[1:1 + count]:
        paragraph.paragraph_format.first_line_indent = Pt(2 * BODY_PT)
    per_line = max(1, int(capacity(100)))
    used_mm = (count and -(-chars // per_line) + count - 1) * BODY_PT * 1.45 * 25.4 / 72
    name, date = paragraphs[-2], paragraphs[-1]
    name.alignment = date.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    name.paragraph_format.space_before = Mm(max(6 * 25.4 / 72, SEAL_BOX_MM - used_mm))
    name.paragraph_format.right_indent = Pt(8 * BODY_PT)
    date.paragraph_format.space_before = Pt(6)
    date.paragraph_format.right_indent = Pt(2 * BODY_PT)


def narrative(document, context, blank):
    heading(document, _("五、评价报告综述（文字部分）"), size=13)
    styles = {1: {"size": 12, "sans": True}, 2: {"size": 11, "sans": False}, 3: {"size": 11, "sans": False,
                                                                                  "bold": False}}
    for section in context["narrative"]:
        heading(document, f"{section.number}{section.title}", before=8, after=4, **styles[section.depth])
        for paragraph in section.paragraphs:
            add_paragraph(document, [paragraph], indent=True, after=4)
        if blank and section.writable:
            for _line in range(3):
                _writing_line(document)


def _writing_line(document):
    """A ruled line to write on (the blank form)."""
    paragraph = add_paragraph(document, [""], before=0, after=0)
    paragraph.paragraph_format.line_spacing = Mm(BLANK_ROW_MM)
    props = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    edge = OxmlElement("w:bottom")
    for key, value in (("val", "single"), ("sz", "4"), ("space", "1"), ("color", "000000")):
        edge.set(qn(f"w:{key}"), value)
    borders.append(edge)
    props.append(borders)


def rubric(document, context, blank):
    rubric = context["rubric"]
    heading(document, _("部门整体支出绩效评价评分表"), size=14, align=WD_ALIGN_PARAGRAPH.CENTER, page_break=True)
    pct = RUBRIC_PCT
    reviewed = rubric.reviewed
    widths = [pct["level1"], pct["level2"], pct["level3"], 0, 6, 7, *([7] if reviewed else []), 18]
    widths[3] = 100 - sum(widths)
    table = Table(document, widths, size=RUBRIC_PT, min_row_mm=blank and BLANK_ROW_MM)
    headers = [_("一级指标"), _("二级指标"), _("三级指标"), _("评分标准"), _("分值"), _("自评得分"),
               *([_("复核得分")] if reviewed else []), _("扣分原因和其他说明")]
    table.row([th(h) for h in headers], header=True)
    rows = rubric.rows
    level1 = merged_cells([r.level1 for r in rows], lambda cell: lines(cell.lines, bold=True))
    level2 = merged_cells([r.level2 for r in rows], lambda cell: lines(cell.lines, bold=True))
    standards = merged_cells([r.standard for r in rows],
                              lambda cell: C(paragraphs=[[line] for line in cell.lines],
                                             align=WD_ALIGN_PARAGRAPH.LEFT, size=8.5))
    points = merged_cells([r.points for r in rows], lambda cell: lines(cell.lines))
    for row, c1, c2, cs, cp in zip(rows, level1, level2, standards, points, strict=True):
        cells = [c1, c2, lines(row.label), cs, cp, C(paragraphs=[[row.self_score]])]
        if reviewed:
            cells.append(C(paragraphs=[[row.review_score]]))
        cells.append(text(row.reason))
        table.row(cells, height_mm=BLANK_ROW_MM if blank else None)
    total = [th(_("总  分"), span=4), C(paragraphs=[[rubric.points_total]], bold=True),
             C(paragraphs=[[rubric.self_total]], bold=True)]
    if reviewed:
        total.append(C(paragraphs=[[rubric.review_total]], bold=True))
    table.row([*total, C()], height_mm=BLANK_ROW_MM if blank else None)
