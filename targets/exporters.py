"""The year workbook's 绩效目标 sheet: per department, each approved indicator with its 指标值, 实际值,
完成率 and 偏差原因 (registered with reports.exporters.summary.register_year_sheets from apps.ready).

Rows come from the caller's scoped reports of the year, read in chunks (three queries per chunk,
targets.yearend.targets_for_reports). Values are written, never formulas.
"""
from itertools import islice

from django.utils.translation import gettext as _

from reports.exporters import workbook as wb
from reports.exporters.workbook import Column, Sheet
from targets.enums import GROUPS, Category, Direction, Status
from targets.models import Declaration
from targets.printing import actual_text
from targets.yearend import targets_for_reports

CHUNK = 500
GROUP_OF = {category: str(title) for title, categories in GROUPS for category in categories}


def target_columns():
    return [
        Column(_("预算编码"), wb.TEXT, 10), Column(_("部门（单位）名称"), wb.TEXT, 24, wrap=True),
        Column(_("一级指标"), wb.TEXT, 10), Column(_("二级指标"), wb.TEXT, 12),
        Column(_("三级指标"), wb.TEXT, 26, wrap=True), Column(_("指标值"), wb.TEXT, 14, wrap=True),
        Column(_("实际值"), wb.SCORE, 10), Column(_("实际完成"), wb.TEXT, 12, wrap=True),
        Column(_("完成率（%）"), wb.SCORE, 10), Column(_("是否完成"), wb.TEXT, 8),
        Column(_("偏差原因"), wb.TEXT, 40, wrap=True), Column(_("调整"), wb.TEXT, 8),
    ]


def _met(completion):
    if completion.met is None:
        return ""
    return _("完成") if completion.met else _("未完成")


def target_rows(reports):
    """One row per approved indicator of each report's department and year, by 预算编码."""
    ordered = reports.select_related("department", "evaluation_year").order_by("department__code", "pk").iterator(
        chunk_size=CHUNK,
    )
    while chunk := list(islice(ordered, CHUNK)):
        found = targets_for_reports(chunk)
        for report in chunk:
            targets = found.get(report.pk)
            if targets is None:
                continue
            department = report.department
            for row in targets.rows:
                indicator = row.indicator
                numeric = indicator.direction != Direction.QUALITATIVE
                yield (
                    department.code, department.name, GROUP_OF[Category(indicator.category)],
                    Category(indicator.category).label, indicator.name, indicator.value_text,
                    row.result.actual_value if numeric and row.result else None,
                    "" if numeric else actual_text(indicator, row.result),
                    row.completion.rate, _met(row.completion), row.deviation_reason,
                    _("已调整") if indicator.adjusted_by_id else "",
                )


def target_sheets(*, reports, evaluation_year):
    """The 绩效目标 sheet, when any department among `reports` has approved targets of the year."""
    departments = reports.values("department_id")
    if not Declaration.objects.filter(
        year=evaluation_year.year, status=Status.APPROVED, department_id__in=departments,
    ).exists():
        return
    yield Sheet(
        _("绩效目标"), _("%(year)s年度绩效目标完成情况") % {"year": evaluation_year.year}, target_columns(),
        target_rows(reports), freeze="C3",
    )
