"""The printed forms of targets, as rows the templates only loop over (pure: no ORM, no request).

Two tables follow reports.layout's rules (rows kept whole, nothing that grows kept together, merged
cells a Cell in every row whose hidden copy reports.pdf shows again at a page top, long texts cut
into rows that repeat their label with （续））:

- the 绩效目标申报表 (`declaration_form`): 年度预算 by source, 年度主要任务 and 定性目标 as rows of
  bounded size, and the 定量 tree with its 一级/二级 labels merged;
- the year-end report's 绩效目标完成情况 (`report_target_rows`): each approved indicator with its
  指标值, 实际值, 完成率 and, for a shortfall, the 偏差原因 cut into rows of bounded size.
"""
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.money import fmt_money
from reports.layout import Cell, label_lines, merged_column, text_chunks
from targets.completion import _fmt
from targets.enums import GROUPS, Category, Direction, Outcome
from targets.models import BUDGET_FIELDS

# Column grids in percent (static/targets/print.css names the same widths).
FORM_LABEL_PCT = 20
TREE_PCT = {"group": 13, "category": 13, "name": 41, "value": 33}
RESULT_PCT = {"group": 10, "category": 10, "name": 20, "value": 12, "actual": 12, "rate": 11, "reason": 25}


@dataclass
class LabelledRow:
    """One chunk of a long cell of the 申报表 (年度主要任务, 定性目标): label Cell and paragraphs."""

    label: Cell
    paragraphs: list
    joins: bool = False


def labelled_rows(label, paragraphs, width_pct=FORM_LABEL_PCT):
    """Paragraphs as rows of bounded size; the first row shows `label`, the others hide “label（续）”."""
    chunks = text_chunks(paragraphs)
    continued = label_lines(_("%(label)s（续）") % {"label": label}, width_pct)
    first = label_lines(label, width_pct)
    rows = []
    for index, chunk in enumerate(chunks):
        rows.append(LabelledRow(
            label=Cell(lines=first if index == 0 else continued, cont=index > 0, open=index < len(chunks) - 1),
            paragraphs=chunk.paragraphs, joins=chunk.joins,
        ))
    return rows


def _numbered(prefix, texts):
    return [_("%(prefix)s%(number)s：%(text)s") % {"prefix": prefix, "number": n, "text": t}
            for n, t in enumerate(texts, 1)]


def _lines(texts):
    """Texts as paragraphs: each of its lines one paragraph."""
    return [line.strip() for text in texts for line in text.splitlines() if line.strip()]


@dataclass
class TreeRow:
    group: Cell
    category: Cell
    name: str
    value: str


def _tree_flat(indicators):
    """[(一级 title, Category, indicator or None)] in print order; an empty category keeps one blank row."""
    by_category = {}
    for indicator in indicators:
        by_category.setdefault(indicator.category, []).append(indicator)
    flat = []
    for title, categories in GROUPS:
        for category in categories:
            items = by_category.get(category.value, [])
            flat.extend((str(title), category, item) for item in items or [None])
    return flat


def _adjusted(text, indicator):
    return _("%(text)s（已调整）") % {"text": text} if indicator.adjusted_by_id else text


def tree_rows(indicators):
    """The 定量 tree of the 申报表: 一级 and 二级 merged over their rows."""
    flat = _tree_flat(indicators)
    groups = merged_column([(title, label_lines(title, TREE_PCT["group"])) for title, _c, _i in flat])
    categories = merged_column([(c, label_lines(c.label, TREE_PCT["category"])) for _t, c, _i in flat])
    return [
        TreeRow(group=g, category=c, name=item.name if item else "",
                value=_adjusted(item.value_text, item) if item else "")
        for (_t, _c, item), g, c in zip(flat, groups, categories, strict=True)
    ]


def declaration_form(declaration, indicators, tasks, goals):
    """Everything declaration_pdf.html prints (the caller loads the lists)."""
    return {
        "declaration": declaration,
        "budget": [fmt_money(getattr(declaration, name)) for name in BUDGET_FIELDS],
        "long_rows": [
            *labelled_rows(_("年度主要任务"), _lines(_numbered(_("任务"), [t.text for t in tasks]))),
            *labelled_rows(_("定性目标"), _lines(_numbered(_("目标"), [g.text for g in goals]))),
        ],
        "tree": tree_rows(indicators),
    }


# --- The year-end report ---------------------------------------------------------------------
@dataclass
class ResultPrintRow:
    group: Cell
    category: Cell
    name: Cell
    value: Cell
    actual: Cell
    rate: Cell
    reason: list  # the paragraphs of this row's chunk of the 偏差原因


def actual_text(indicator, result):
    """The 实际值 as printed: "100 篇", or the 定性 outcome; blank while not entered."""
    if result is None:
        return ""
    if indicator.direction == Direction.QUALITATIVE:
        return Outcome(result.outcome).label if result.outcome else ""
    if result.actual_value is None:
        return ""
    return f"{_fmt(result.actual_value)}{(' ' + indicator.unit) if indicator.unit else ''}"


def rate_lines(completion):
    """完成率 as printed: "77.52%" and, for a shortfall, "未完成"; "不适用" when no rate applies."""
    if completion.met is None and completion.rate is None:
        return [""]
    lines = [f"{completion.rate}%" if completion.rate is not None else _("不适用")]
    if completion.shortfall:
        lines.append(_("未完成"))
    return lines


def report_target_rows(targets):
    """The rows of the report's 绩效目标完成情况 table (targets: a targets.yearend.ReportTargets)."""
    flat = []  # (title, category, ResultRow, reason chunk paragraphs)
    for row in targets.rows:
        category = Category(row.indicator.category)
        title = next(str(t) for t, categories in GROUPS if category in categories)
        reason = row.deviation_reason
        chunks = text_chunks([p.strip() for p in reason.splitlines() if p.strip()]) if reason else []
        for chunk in chunks or [None]:
            flat.append((title, category, row, chunk.paragraphs if chunk else []))

    def column(key, lines_of):
        return merged_column([(key(item), lines_of(item)) for item in flat])

    pct = RESULT_PCT
    groups = column(lambda f: f[0], lambda f: label_lines(f[0], pct["group"]))
    categories = column(lambda f: f[1], lambda f: label_lines(f[1].label, pct["category"]))
    ind = lambda f: f[2].indicator.pk  # noqa: E731 (the key of every per-indicator column)
    names = column(ind, lambda f: label_lines(_adjusted(f[2].indicator.name, f[2].indicator), pct["name"]))
    # Figures wrap where the cell ends (a label break would cut "2.6" apart).
    values = column(ind, lambda f: [f[2].indicator.value_text])
    actuals = column(ind, lambda f: [actual_text(f[2].indicator, f[2].result)])
    rates = column(ind, lambda f: rate_lines(f[2].completion))
    return [
        ResultPrintRow(group=g, category=c, name=n, value=v, actual=a, rate=r, reason=f[3])
        for f, g, c, n, v, a, r in zip(flat, groups, categories, names, values, actuals, rates, strict=True)
    ]


def _date(moment):
    if moment is None:
        return ""
    day = timezone.localtime(moment)
    return _("%(year)s年%(month)s月%(day)s日") % {"year": day.year, "month": day.month, "day": day.day}


def adjustment_notes(targets):
    """One line per approved 调整申请: when it was approved and why."""
    return [
        _("%(date)s批准调整：%(reason)s") % {
            "date": _date(a.approved_at), "reason": a.reason,
        }
        for a in targets.adjustments
    ]
