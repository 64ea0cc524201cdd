"""The one context the HTML page and the PDF both print 附件2-1 from.

Everything the form shows is decided here: the rows of every table, merged-cell spans, numbering
("任务1：", "指标2：", 五's outline), formatted values (blank stays blank, 0 prints 0) and the
derived totals. Templates only loop and print; they never query the database (all data is
loaded by `report_output_context` in a fixed number of queries).
"""
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _

from budgets.money import fmt_money, total
from reports.enums import BENEFIT_CATEGORIES, OUTPUT_CATEGORIES, Category
from reports.layout import RUBRIC_PT, Cell, Chunk, label_lines, merged_column, text_chunks
from reports.narrative import HEADINGS_ONLY, OUTLINE
from reports.numbering import strip_number
from reports.selectors import report_score_totals
from reports.verification import verification_for
from targets.printing import adjustment_notes, report_target_rows
from targets.yearend import report_targets

# Everything a report's output reads, loaded once.
OUTPUT_PREFETCH = (
    "department__bureau", "evaluation_year__rubric__indicators", "evaluation_year__grade_bands",
    "tasks", "qualitative_goals", "quantitative_indicators", "evaluators", "narrative", "scores",
    "income_rows", "expenditure_rows", "three_public_rows", "fixed_asset_rows",
)

BLANK_DATE = "年    月    日"

# The 收支 tables: (key, related name, columns). The first column is always 机构名称.
MONEY_COLUMNS = {
    "income": ("income_rows", ("total", "carried_over", "public_finance", "government_fund", "special_account", "other")),
    "expenditure": (
        "expenditure_rows",
        ("total", "basic", "personnel", "public_use", "project", "current_surplus", "accumulated_surplus"),
    ),
    "three_public": (
        "three_public_rows", ("total", "reception", "vehicle_operation", "vehicle_purchase", "overseas"),
    ),
    "fixed_assets": ("fixed_asset_rows", ("total", "in_use", "rented", "other")),
}

# The 定量目标 tree: the two groups of the form and the categories each holds, in print order.
QUANTITATIVE_GROUPS = (
    ("output", OUTPUT_CATEGORIES),
    ("benefit", (*BENEFIT_CATEGORIES, Category.SATISFACTION)),
)


def fmt_score(value):
    """A score or 分值 as the form prints it: blank for None, no trailing zeros (98, 2.5, 0)."""
    if value is None:
        return ""
    value = Decimal(value)
    if value == 0:
        return "0"
    return f"{value.normalize():f}"


def fmt_date(value):
    """A date as the form prints it (2022年5月9日); blank for None."""
    if value is None:
        return ""
    return _("%(year)s年%(month)s月%(day)s日") % {"year": value.year, "month": value.month, "day": value.day}


def fmt_headcount(value):
    return "" if value is None else _("%(count)s人") % {"count": value}


def spaced(label):
    """A two-character 一级 label is printed with two spaces between its characters (投  入)."""
    return "  ".join(label) if len(label) == 2 else label


def numbered(prefix, texts):
    """["…", "…"] -> ["任务1：…", "任务2：…"]."""
    return [_("%(prefix)s%(number)s：%(text)s") % {"prefix": prefix, "number": n, "text": t}
            for n, t in enumerate(texts, 1)]


# --- Tables ---------------------------------------------------------------------------------
# Column grids in percent of the page's text width; the CSS classes of the colgroups match them
# (report.css), and the labels are broken to fit them (reports.layout.label_lines).
OVERVIEW_LABEL_PCT = 18
MONEY_ORG_PCT = 20  # 机构名称: one width in all four 收支 tables, so it wraps the same way in each
QUALITATIVE_ACTUAL_PCT = 20
QUANT_GROUP_PCT, QUANT_CATEGORY_PCT = 13, 12
RUBRIC_PCT = {"level1": 10, "level2": 11, "level3": 14}
SAME_AS_ABOVE = "（同上）"


def _same_as_above(_lines):
    return [_(SAME_AS_ABOVE)]


@dataclass
class TextRow:
    """One chunk of a long cell of 一、基本概况, as a row: its label (with （续） when it continues)."""

    label: Cell
    chunk: Chunk
    cont: bool = False
    open: bool = False


def long_rows(label, paragraphs):
    """A long cell as rows of bounded size; only the first shows the label, the others hold “label（续）”."""
    chunks = text_chunks(paragraphs)
    continued = label_lines(_("%(label)s（续）") % {"label": label}, OVERVIEW_LABEL_PCT)
    rows = []
    for index, chunk in enumerate(chunks):
        first = index == 0
        rows.append(TextRow(
            label=Cell(lines=label_lines(label, OVERVIEW_LABEL_PCT) if first else continued, cont=not first,
                       open=index < len(chunks) - 1),
            chunk=chunk, cont=not first, open=index < len(chunks) - 1,
        ))
    return rows


@dataclass
class MoneyTable:
    rows: list  # [(org_name lines, [formatted cell, ...]), ...]
    total: list | None  # formatted 合计 cells when the table holds more than one 机构 row
    blank: list  # the cells of the one blank row printed when the table holds no 机构 row
    columns: int = 0  # the number of amount columns (the grid: cols-N in report.css)

    @property
    def data_pct(self):
        return (100 - MONEY_ORG_PCT) / self.columns if self.columns else 0


def money_table(rows, columns):
    """A 收支 table: each 机构 row formatted, plus a 合计 row when there are several 机构."""
    printed = [(label_lines(row.org_name, MONEY_ORG_PCT), [fmt_money(getattr(row, c)) for c in columns])
               for row in rows]
    footer = None
    if len(rows) > 1:
        footer = [fmt_money(total(getattr(row, c) for row in rows)) for c in columns]
    return MoneyTable(rows=printed, total=footer, blank=[""] * len(columns), columns=len(columns))


@dataclass
class QualitativeRow:
    target: str
    actual: Cell  # merged with the rows around it when they hold the same 实际完成


def qualitative_rows(goals):
    """定性目标: "目标N：…" per goal (a number typed before the text is left out: reports.numbering); equal consecutive 实际完成 texts print once in a merged cell."""
    targets = numbered(_("目标"), [strip_number(g.target) for g in goals])
    actuals = merged_column([(g.actual, g.actual.splitlines()) for g in goals], repeat=_same_as_above)
    return [QualitativeRow(target=t, actual=a) for t, a in zip(targets, actuals, strict=True)]


@dataclass
class QuantRow:
    group: Cell  # 产出目标 / 效益目标 (with its note in the first row: `note`)
    category: Cell  # 质量指标 …
    target: str
    actual: str
    note: str = ""


def quantitative_rows(indicators):
    """定量目标 tree as rows: 产出目标 → 质量/数量/时效/成本, 效益目标 → 社会/经济/生态效益 and 满意度.

    Every category prints, with one blank row when it holds no indicator; "指标N：" is prefixed
    when a category holds more than one.
    """
    by_category = defaultdict(list)
    for indicator in indicators:
        by_category[indicator.category].append(indicator)
    labels = {
        "output": (_("产出目标"), _("（部门工作实绩，包含上级部门和区委区政府布置的重点工作、实事任务等，根据部门实际进行调整细化）")),
        "benefit": (_("效益目标"), _("（预期实现的效益）")),
    }
    flat = []  # (group key, category, target, actual)
    for key, categories in QUANTITATIVE_GROUPS:
        for category in categories:
            items = by_category.get(category, [])
            targets = [strip_number(i.target) for i in items]  # a number typed before a goal prints once
            if len(items) > 1:
                targets = numbered(_("指标"), targets)
            pairs = [(t, i.actual) for t, i in zip(targets, items, strict=True)] or [("", "")]
            flat.extend((key, category, target, actual) for target, actual in pairs)
    groups = merged_column([(key, label_lines(labels[key][0], QUANT_GROUP_PCT)) for key, *_rest in flat])
    categories = merged_column([
        (category, label_lines(Category(category).label, QUANT_CATEGORY_PCT)) for _key, category, *_rest in flat
    ])
    return [
        QuantRow(group=g, category=c, target=target, actual=actual, note="" if g.cont else labels[key][1])
        for (key, _category, target, actual), g, c in zip(flat, groups, categories, strict=True)
    ]


# --- 评分表 ----------------------------------------------------------------------------------
@dataclass
class RubricRow:
    level1: Cell
    level2: Cell
    label: list  # the 三级 label's lines
    standard: Cell  # merged over the rows of a 二级 that share one 评分标准
    points: Cell  # merged over the rows that share one 分值
    self_score: str
    review_score: str
    reason: str


@dataclass
class Rubric:
    rows: list
    points_total: str
    self_total: str
    review_total: str
    reviewed: bool


def _with_points(indicator):
    return _("%(label)s（%(points)s分）") % {"label": indicator.label, "points": fmt_score(indicator.points)}


def rubric_table(indicators, entries):
    """The 评分表 as printed: one row per 三级 indicator, with merged 一级/二级, 评分标准 and 分值 cells.

    A 三级 row with a blank 评分标准 continues the one above it in the same 二级 (职责履行's six
    rows share one standard); a row sharing its 分值 with the row above (经济/社会/生态效益
    share 15) prints no 分值 of its own. Returns (rows, points total, whether any row is reviewed).
    """
    children = defaultdict(list)
    for indicator in sorted(indicators, key=lambda i: i.order):
        children[indicator.parent_id].append(indicator)
    by_indicator = {e.indicator_id: e for e in entries}
    reviewed = any(e.review_score is not None for e in entries)

    flat = []  # (first, second, third or None, standard key, standard lines, points key, points)
    for first in children[None]:
        for second in children[first.pk]:
            standard_key = points_key = None
            for third in children[second.pk] or [None]:
                if third is None:  # a 二级 without 三级 rows still prints its line
                    flat.append((first, second, None, ("none", second.pk), [""], ("none", second.pk), ""))
                    continue
                if standard_key is None or third.standard.strip():
                    standard_key = ("standard", third.pk)
                    standard_lines = third.standard.splitlines()
                if points_key is None or third.shares_points_with_id is None or third.shares_points_with_id != points_key[1]:
                    points_key = ("points", third.pk)
                    points = fmt_score(third.points)
                flat.append((first, second, third, standard_key,
                             standard_lines if standard_key == ("standard", third.pk) else [""], points_key, points))
    pct = RUBRIC_PCT
    level1 = merged_column([(f.pk, label_lines(f"{spaced(f.label)}（{fmt_score(f.points)}分）", pct["level1"],
                                               RUBRIC_PT, points_line=True)) for f, *_rest in flat])
    level2 = merged_column([(s.pk, label_lines(_with_points(s), pct["level2"], RUBRIC_PT)) for _f, s, *_rest in flat])
    standards = merged_column([(key, lines) for *_head, key, lines, _pk, _p in flat], repeat=_same_as_above)
    points = merged_column([(key, [value]) for *_head, key, value in flat], repeat=lambda _lines: [""])
    rows = []
    for (_f, _s, third, *_rest), c1, c2, cs, cp in zip(flat, level1, level2, standards, points, strict=True):
        entry = by_indicator.get(third.pk) if third else None
        reason = entry.deduction_reason if entry else ""
        if entry and entry.review_note:
            reason = "\n".join(filter(None, [reason, _("复核说明：%(note)s") % {"note": entry.review_note}]))
        rows.append(RubricRow(
            level1=c1, level2=c2, label=label_lines(third.label, pct["level3"], RUBRIC_PT) if third else [""],
            standard=cs, points=cp,
            self_score=fmt_score(entry.self_score) if entry else "",
            review_score=_review_score(entry),
            reason=reason,
        ))
    points_total = sum((i.points or Decimal(0) for i in children[None]), Decimal(0))
    return rows, fmt_score(points_total), reviewed


def _review_score(entry):
    if entry is None:
        return ""
    return fmt_score(entry.review_score if entry.review_score is not None else entry.self_score)


# --- 五、评价报告综述 -------------------------------------------------------------------------
@dataclass
class NarrativeSection:
    number: str
    title: str
    depth: int
    paragraphs: list
    writable: bool = True  # holds text of its own (not only a heading over others)


def narrative_sections(narrative):
    """五's outline with its correct numbering; texts split into paragraphs at line breaks."""
    texts = narrative.texts() if narrative is not None else {}
    sections = []
    for key, depth, number, title in OUTLINE:
        text = "" if key in HEADINGS_ONLY else texts.get(key, "")
        paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
        sections.append(NarrativeSection(number=number, title=str(title), depth=depth, paragraphs=paragraphs,
                                         writable=key not in HEADINGS_ONLY))
    return sections


# --- The whole form -------------------------------------------------------------------------
def _issuer(report, bureau):
    if report.issuer:
        return report.issuer
    if bureau is not None:
        return bureau.issuer
    return f"{settings.EVAL_DEFAULT_BUREAU_NAME}（制）"


def _narrative(report):
    try:
        return report.narrative
    except report._meta.get_field("narrative").related_model.DoesNotExist:
        return None


def report_output_context(report):
    """Everything _report_body.html prints for `report`, loaded in a fixed number of queries."""
    prefetch_related_objects([report], *OUTPUT_PREFETCH)
    department = report.department
    bureau = department.bureau
    year = report.evaluation_year
    totals = report_score_totals(report)
    scores = list(report.scores.all())
    rubric_rows, points_total, reviewed = rubric_table(year.rubric.indicators.all(), scores)
    tables = {
        key: money_table(list(getattr(report, related).all()), columns)
        for key, (related, columns) in MONEY_COLUMNS.items()
    }
    targets = report_targets(report)
    return {
        "report": report,
        # The approved year-start targets stand for the 定量目标 tree when the department has them.
        "targets": {"rows": report_target_rows(targets), "adjustments": adjustment_notes(targets)}
        if targets is not None else None,
        "cover": {
            "region": bureau.region if bureau else "",
            "year": year.year,
            "department_name": department.name,
            "department_code": department.code,
            "method": report.evaluation_method,
            "body": report.evaluation_body,
            "date": fmt_date(report.report_date),
            "issuer": _issuer(report, bureau),
        },
        "overview": {
            "contact_name": report.contact_name,
            "contact_phone": report.contact_phone,
            "staff_quota": fmt_headcount(report.staff_quota),
            "actual_headcount": fmt_headcount(report.actual_headcount),
            "long_rows": [
                *long_rows(_("职能职责概述"), _paragraphs(report.functions)),
                *long_rows(_("年度主要工作内容"), numbered(_("任务"), [t.text for t in report.tasks.all()])),
                *long_rows(_("年度部门（单位）总体运行情况及取得的成绩"), _paragraphs(report.achievements)),
            ],
        },
        "tables": tables,
        "qualitative": qualitative_rows(list(report.qualitative_goals.all())),
        "quantitative": quantitative_rows(report.quantitative_indicators.all()),
        "self_total": _("%(score)s分") % {"score": fmt_score(totals["self_total"])}
        if totals["self_total"] is not None else "",
        "review_total": _("%(score)s分") % {"score": fmt_score(totals["review_total"])}
        if totals["review_total"] is not None else "",
        "grade": totals["grade"] or "",
        "evaluators": list(report.evaluators.all()),
        "signoff": {
            "leader_name": report.leader_name,
            "leader_date": fmt_date(report.leader_signed_on) or BLANK_DATE,
            "dept_opinion": _paragraphs(report.dept_opinion),
            "dept_head_name": report.dept_head_name,
            "dept_date": fmt_date(report.dept_signed_on) or BLANK_DATE,
            "finance_opinion": _paragraphs(report.finance_opinion),
            "finance_head_name": report.finance_head_name,
            "finance_date": fmt_date(report.finance_signed_on) or BLANK_DATE,
            "filler_name": report.filler_name,
            "filler_phone": report.filler_phone,
        },
        "narrative": narrative_sections(_narrative(report)),
        "rubric": Rubric(
            rows=rubric_rows,
            points_total=points_total,
            self_total=fmt_score(totals["self_total"]),
            review_total=fmt_score(totals["review_total"]),
            reviewed=reviewed,
        ),
        "digest": report.approved_digest,
        "verification": verification_for(report),
    }


def _paragraphs(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


# --- The blank form (空白表) ----------------------------------------------------------------------
BLANK_NAME = "_" * 16  # a line to sign or write a name on
BLANK_ROWS = 5  # rows left for hand-filled lists (定性目标, 评价人员) and 3 per 收支 table


@dataclass
class BlankPerson:
    name: str = ""
    title: str = ""
    unit: str = ""


def blank_output_context(evaluation_year, bureau=None):
    """The form of `evaluation_year` with every cell empty, for filling in by hand: the year's rubric,
    blank rows to write in (the templates make them tall), lines for names and dates. Same keys as
    report_output_context, plus "blank"."""
    rubric_rows, points_total, _reviewed = rubric_table(evaluation_year.rubric.indicators.all(), [])
    tables = {}
    for key, (_related, columns) in MONEY_COLUMNS.items():
        table = money_table([], columns)
        table.rows = [([""], [""] * len(columns)) for _row in range(3)]
        tables[key] = table
    return {
        "report": None,
        "blank": True,
        "cover": {
            "region": bureau.region if bureau else "", "year": evaluation_year.year, "department_name": "",
            "department_code": "", "method": "", "body": "", "date": BLANK_DATE,
            "issuer": bureau.issuer if bureau else f"{settings.EVAL_DEFAULT_BUREAU_NAME}（制）",
        },
        "overview": {
            "contact_name": "", "contact_phone": "", "staff_quota": "", "actual_headcount": "",
            "long_rows": [*long_rows(_("职能职责概述"), []), *long_rows(_("年度主要工作内容"), []),
                          *long_rows(_("年度部门（单位）总体运行情况及取得的成绩"), [])],
        },
        "tables": tables,
        "qualitative": [QualitativeRow(target="", actual=Cell(lines=[""])) for _row in range(BLANK_ROWS)],
        "quantitative": quantitative_rows([]),
        "self_total": "", "review_total": "", "grade": "",
        "evaluators": [BlankPerson() for _row in range(BLANK_ROWS)],
        "signoff": {
            "leader_name": BLANK_NAME, "leader_date": BLANK_DATE, "dept_opinion": [], "dept_head_name": BLANK_NAME,
            "dept_date": BLANK_DATE, "finance_opinion": [], "finance_head_name": BLANK_NAME,
            "finance_date": BLANK_DATE, "filler_name": BLANK_NAME, "filler_phone": BLANK_NAME,
        },
        "narrative": narrative_sections(None),
        "rubric": Rubric(rows=rubric_rows, points_total=points_total, self_total="", review_total="", reviewed=False),
        "digest": "",
        "verification": None,
    }
