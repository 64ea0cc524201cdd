"""The one context the HTML page and the PDF both print 附件2-1 from.

Everything the form shows is decided here: the rows of every table, merged-cell spans, numbering
("任务1：", "指标2：", 五's outline), formatted values (blank stays blank, 0 prints 0) and the
derived totals. Templates only loop and print; they never query the database (all data is
loaded by `report_output_context` in a fixed number of queries).
"""
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _

from budgets.money import fmt_money, total
from reports.enums import BENEFIT_CATEGORIES, OUTPUT_CATEGORIES, Category
from reports.narrative import HEADINGS_ONLY, OUTLINE
from reports.selectors import report_score_totals

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
@dataclass
class MoneyTable:
    rows: list  # [(org_name, [formatted cell, ...]), ...]
    total: list | None  # formatted 合计 cells when the table holds more than one 机构 row
    blank: list  # the cells of the one blank row printed when the table holds no 机构 row


def money_table(rows, columns):
    """A 收支 table: each 机构 row formatted, plus a 合计 row when there are several 机构."""
    printed = [(row.org_name, [fmt_money(getattr(row, c)) for c in columns]) for row in rows]
    footer = None
    if len(rows) > 1:
        footer = [fmt_money(total(getattr(row, c) for row in rows)) for c in columns]
    return MoneyTable(rows=printed, total=footer, blank=[""] * len(columns))


@dataclass
class SpanCell:
    text: str
    rowspan: int = 1


@dataclass
class QualitativeRow:
    target: str
    actual: SpanCell | None  # None where the row above's 实际完成 cell continues


def qualitative_rows(goals):
    """定性目标: "目标N：…" per goal; equal consecutive 实际完成 texts print once in a merged cell."""
    rows = []
    previous = None
    for text, goal in zip(numbered(_("目标"), [g.target for g in goals]), goals, strict=True):
        if previous is not None and goal.actual == previous.text:
            previous.rowspan += 1
            rows.append(QualitativeRow(target=text, actual=None))
        else:
            previous = SpanCell(goal.actual)
            rows.append(QualitativeRow(target=text, actual=previous))
    return rows


@dataclass
class QuantRow:
    target: str
    actual: str


@dataclass
class QuantCategory:
    label: str
    rows: list


@dataclass
class QuantGroup:
    label: str
    note: str
    categories: list
    rowspan: int


def quantitative_groups(indicators):
    """定量目标 tree: 产出目标 → 质量/数量/时效/成本, 效益目标 → 社会/经济/生态效益 and 满意度.

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
    groups = []
    for key, categories in QUANTITATIVE_GROUPS:
        printed = []
        for category in categories:
            items = by_category.get(category, [])
            targets = [i.target for i in items]
            if len(items) > 1:
                targets = numbered(_("指标"), targets)
            rows = [QuantRow(t, i.actual) for t, i in zip(targets, items, strict=True)] or [QuantRow("", "")]
            printed.append(QuantCategory(label=Category(category).label, rows=rows))
        label, note = labels[key]
        groups.append(QuantGroup(label=label, note=note, categories=printed,
                                 rowspan=sum(len(c.rows) for c in printed)))
    return groups


# --- 评分表 ----------------------------------------------------------------------------------
@dataclass
class RubricRow:
    label: str
    standard: SpanCell | None  # None: the row above's 评分标准 cell continues over this row
    points: SpanCell | None  # None: shares the 分值 printed in the row above
    self_score: str
    review_score: str
    reason: str


@dataclass
class RubricGroup:
    """One 二级 indicator with its 三级 rows: printed as one unbreakable <tbody>.

    The 一级 cell is printed in every group; `first_continues` marks a group continuing the 一级
    of the group before it: its label is hidden on screen and, in the PDF, shown again only when
    the group starts a page (see reports.pdf). `first_open` marks a group followed by another of
    the same 一级, so the cell has no bottom border.
    """

    first_label: str
    first_continues: bool
    first_open: bool
    label: str
    rows: list = field(default_factory=list)


@dataclass
class Rubric:
    groups: list
    points_total: str
    self_total: str
    review_total: str
    reviewed: bool


def _with_points(indicator):
    return _("%(label)s（%(points)s分）") % {"label": indicator.label, "points": fmt_score(indicator.points)}


def rubric_table(indicators, entries):
    """The 评分表 as printed: 二级 groups of 三级 rows with merged 评分标准 and shared 分值 cells.

    A 三级 row with a blank 评分标准 continues the one above it in the same 二级 (职责履行's six
    rows share one standard); a row sharing its 分值 with the row above (经济/社会/生态效益
    share 15) prints no 分值 of its own.
    """
    children = defaultdict(list)
    for indicator in sorted(indicators, key=lambda i: i.order):
        children[indicator.parent_id].append(indicator)
    by_indicator = {e.indicator_id: e for e in entries}
    reviewed = any(e.review_score is not None for e in entries)

    groups = []
    for first in children[None]:
        seconds = children[first.pk]
        for position, second in enumerate(seconds):
            group = RubricGroup(
                first_label=f"{spaced(first.label)}（{fmt_score(first.points)}分）",
                first_continues=position > 0,
                first_open=position < len(seconds) - 1,
                label=_with_points(second),
            )
            standard = points = None
            points_lead = None
            for third in children[second.pk] or [None]:
                if third is None:  # a 二级 without 三级 rows still prints its line
                    group.rows.append(RubricRow("", SpanCell(""), SpanCell(""), "", "", ""))
                    continue
                entry = by_indicator.get(third.pk)
                if standard is not None and not third.standard.strip():
                    standard.rowspan += 1
                    row_standard = None
                else:
                    standard = row_standard = SpanCell(third.standard)
                if third.shares_points_with_id is not None and third.shares_points_with_id == points_lead:
                    points.rowspan += 1
                    row_points = None
                else:
                    points = row_points = SpanCell(fmt_score(third.points))
                    points_lead = third.pk
                reason = entry.deduction_reason if entry else ""
                if entry and entry.review_note:
                    reason = "\n".join(filter(None, [reason, _("复核说明：%(note)s") % {"note": entry.review_note}]))
                group.rows.append(RubricRow(
                    label=third.label,
                    standard=row_standard,
                    points=row_points,
                    self_score=fmt_score(entry.self_score) if entry else "",
                    review_score=_review_score(entry),
                    reason=reason,
                ))
            groups.append(group)
    points_total = sum((i.points or Decimal(0) for i in children[None]), Decimal(0))
    return groups, fmt_score(points_total), reviewed


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


def narrative_sections(narrative):
    """五's outline with its correct numbering; texts split into paragraphs at line breaks."""
    texts = narrative.texts() if narrative is not None else {}
    sections = []
    for key, depth, number, title in OUTLINE:
        text = "" if key in HEADINGS_ONLY else texts.get(key, "")
        paragraphs = [line.strip() for line in text.splitlines() if line.strip()]
        sections.append(NarrativeSection(number=number, title=str(title), depth=depth, paragraphs=paragraphs))
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
    groups, points_total, reviewed = rubric_table(year.rubric.indicators.all(), scores)
    tables = {
        key: money_table(list(getattr(report, related).all()), columns)
        for key, (related, columns) in MONEY_COLUMNS.items()
    }
    return {
        "report": report,
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
            "functions": _paragraphs(report.functions),
            "tasks": numbered(_("任务"), [t.text for t in report.tasks.all()]),
            "achievements": _paragraphs(report.achievements),
        },
        "tables": tables,
        "qualitative": qualitative_rows(list(report.qualitative_goals.all())),
        "quantitative": quantitative_groups(report.quantitative_indicators.all()),
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
            groups=groups,
            points_total=points_total,
            self_total=fmt_score(totals["self_total"]),
            review_total=fmt_score(totals["review_total"]),
            reviewed=reviewed,
        ),
        "digest": report.approved_digest,
    }


def _paragraphs(text):
    return [line.strip() for line in (text or "").splitlines() if line.strip()]
