"""A report's figures for scoring, gathered into plain dicts: the only ORM reading scoring does.

`report_figures(report)` returns {figure key: Decimal | int | None, ...} with the keys the
rubric's rule parameters name ("report.in_service_count", "base_data.three_public_final",
"expenditure.total", ...), plus "declared_none" ({category: bool}, for the 效益 rows) and
"satisfaction_declared" (the 满意度 定量目标's 完成情况 when it reads as one percentage) and
"target_rates" (the approved year-start targets' 完成率 as scoring.target_rules.TargetRate, or None).
`report_entries(report)` returns {indicator code: {self_score, review_score, deduction_reason, inputs}}.
"""
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from types import SimpleNamespace

from django.core.exceptions import ObjectDoesNotExist

from budgets.models import BaseData
from budgets.money import total
from reports.enums import BENEFIT_CATEGORIES, Category
from scoring import framework
from scoring.flags import declared_none
from scoring.rules import FIGURE_LABELS
from scoring.target_rules import FIGURE as TARGET_RATES
from scoring.target_rules import TargetRate
from targets.yearend import report_targets

REPORT_FIELDS = ("staff_quota", "in_service_count", "actual_headcount")
BASE_DATA_FIELDS = tuple(f.name for f in BaseData._meta.fields if f.name not in ("id", "report"))
TABLE_FIELDS = {
    "income_rows": ("income", ("total", "carried_over")),
    "expenditure_rows": ("expenditure", ("total", "public_use", "project", "current_surplus", "accumulated_surplus")),
    "three_public_rows": ("three_public", ("total",)),
    "fixed_asset_rows": ("fixed_asset", ("total", "in_use")),
}
PERCENT = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*[%％]\s*$")


def is_declared_none(indicators):
    """A 效益 category is declared 无 when it has no 定量目标 or each one's target and actual are 无 or blank."""
    return declared_none((i.target, i.actual) for i in indicators)


def declared_percentage(indicators):
    """The one percentage the 满意度 定量目标 reports as 完成情况 ("98%"), else None."""
    values = []
    for indicator in indicators:
        match = PERCENT.match(indicator.actual or "")
        if match:
            try:
                values.append(Decimal(match.group(1)))
            except InvalidOperation:
                continue
    return values[0] if len(values) == 1 and values[0] <= 100 else None


def target_rates(targets):
    """The TargetRates of a targets.yearend.ReportTargets, or None when there are no approved targets."""
    if targets is None:
        return None
    return [
        TargetRate(name=row.indicator.name, category=row.indicator.category, rate=row.completion.rate,
                   entered=row.completion.met is not None or row.completion.rate is not None)
        for row in targets.rows
    ]


def figures_from_data(*, report, base_data, tables, quantitative, targets=None):
    """Every figure the rubric's rules can name, from plain data (blank cells stay None).

    `report` maps REPORT_FIELDS, `base_data` the BaseData fields (or None), `tables` a table prefix
    ("income", …) to its rows as mappings, `quantitative` the 定量目标 as objects or mappings with
    category, target and actual; `targets` the approved targets' TargetRates (None: none approved).
    The interchange import scores a document through this too.
    """
    figures = {f"report.{name}": report.get(name) for name in REPORT_FIELDS}
    for name in BASE_DATA_FIELDS:
        figures[f"base_data.{name}"] = (base_data or {}).get(name)
    for prefix, fields in TABLE_FIELDS.values():
        rows = tables.get(prefix) or ()
        for name in fields:
            # Several 机构 rows (the department and its units) add up; all blank stays blank.
            figures[f"{prefix}.{name}"] = total(row.get(name) for row in rows)
    quantitative = [
        q if hasattr(q, "category") else SimpleNamespace(**{"category": None, "target": "", "actual": "", **q})
        for q in quantitative
    ]
    by_category = {
        category: [q for q in quantitative if getattr(q, "category", None) == category] for category in Category.values
    }
    figures["declared_none"] = {category: is_declared_none(by_category[category]) for category in BENEFIT_CATEGORIES}
    figures["satisfaction_declared"] = declared_percentage(by_category[Category.SATISFACTION])
    figures[TARGET_RATES] = targets
    return figures


def report_figures(report):
    """Every figure the rubric's rules can name, for one report (blank cells stay None)."""
    try:
        base = report.base_data
    except ObjectDoesNotExist:
        base = None
    return figures_from_data(
        report={name: getattr(report, name) for name in REPORT_FIELDS},
        base_data={name: getattr(base, name) for name in BASE_DATA_FIELDS} if base is not None else None,
        tables={
            prefix: [{name: getattr(row, name) for name in fields} for row in getattr(report, related).all()]
            for related, (prefix, fields) in TABLE_FIELDS.items()
        },
        quantitative=list(report.quantitative_indicators.all()),
        targets=target_rates(report_targets(report)),
    )


def entry_values(entry):
    """One ScoreEntry as the scoring engine reads it."""
    return {
        "self_score": entry.self_score,
        "review_score": entry.review_score,
        "deduction_reason": entry.deduction_reason,
        "inputs": entry.inputs or {},
    }


def report_entries(report):
    """The report's ScoreEntry rows as plain dicts keyed by indicator code."""
    return {entry.indicator.code: entry_values(entry) for entry in report.scores.select_related("indicator")}


# --- 基础数据 figures the 收支 tables also hold ----------------------------------------------------
def _table_mirrors():
    """{base_data figure key: table figure key}: the framework's fallbacks from 基础数据 to a 收支 table
    (三公经费本年决算 ↔ 三公经费表合计, 项目支出 ↔ 支出表项目支出, 公用经费实际支出 ↔ 支出表公用支出)."""
    tables = {prefix for prefix, _fields in TABLE_FIELDS.values()}
    mirrors = {}
    for definition in framework.DEFINITIONS.values():
        for ratio in (definition.ratio, *definition.bases.values()):
            for figure, fallback in ((ratio.numerator, ratio.numerator_fallback),
                                     (ratio.denominator, ratio.denominator_fallback)):
                if figure.startswith("base_data.") and fallback and fallback.split(".")[0] in tables:
                    mirrors.setdefault(figure, fallback)
    return mirrors


TABLE_MIRRORS = _table_mirrors()


@dataclass(frozen=True)
class Mirror:
    """One 基础数据 field that a 收支 table also holds, with both values (None when blank)."""

    field: str  # the BaseData field
    table: str  # the table prefix ("three_public")
    column: str  # the table's field ("total")
    base_value: Decimal | None
    table_value: Decimal | None

    @property
    def base_label(self):
        return str(BaseData._meta.get_field(self.field).verbose_name)

    @property
    def table_label(self):
        return str(FIGURE_LABELS.get(f"{self.table}.{self.column}", f"{self.table}.{self.column}"))

    @property
    def differs(self):
        return None not in (self.base_value, self.table_value) and self.base_value != self.table_value

    @property
    def difference(self):
        """基础数据 − table, when both are filled and differ."""
        return self.base_value - self.table_value if self.differs else None


def report_mirrors(report):
    """mirrors_of(report_figures(report)), reading only what a mirror compares: 基础数据 and the 收支 tables the
    mirrors fall back to (not the 定量目标, the approved targets or the other tables: the editor's 基础数据 and
    收支 pages print these notes on every view)."""
    try:
        base = report.base_data
    except ObjectDoesNotExist:
        base = None
    tables = {fallback.split(".", 1)[0] for fallback in TABLE_MIRRORS.values()}
    return mirrors_of(figures_from_data(
        report={},
        base_data={name: getattr(base, name) for name in BASE_DATA_FIELDS} if base is not None else None,
        tables={
            prefix: [{name: getattr(row, name) for name in fields} for row in getattr(report, related).all()]
            for related, (prefix, fields) in TABLE_FIELDS.items() if prefix in tables
        },
        quantitative=[],
    ))


def mirrors_of(figures):
    """[Mirror] for a report's figures (report_figures / figures_from_data), in the framework's order."""
    mirrors = []
    for figure, fallback in TABLE_MIRRORS.items():
        table, column = fallback.split(".", 1)
        mirrors.append(Mirror(field=figure.split(".", 1)[1], table=table, column=column,
                              base_value=figures.get(figure), table_value=figures.get(fallback)))
    return mirrors
