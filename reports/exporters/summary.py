"""The yearly summary workbook: 汇总, 评分明细, 收支明细, 进度 and 等次分布 (with its chart).

Each sheet's rows come from a generator over the caller's scoped queryset (a constant number of
queries, streamed with .iterator()), and reports.exporters.workbook writes them.
"""
import heapq
from collections import Counter

from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.models import ExpenditureRow, FixedAssetRow, IncomeRow, ThreePublicRow
from departments.models import Department
from reports.enums import Status
from reports.exporters import workbook as wb
from reports.exporters.queries import graded, totals_of, year_bands, year_reports
from reports.exporters.workbook import Column, Sheet
from reports.models import ScoreEntry
from reports.selectors import extended_deadlines

CHUNK = 2000
UNGRADED = "未评分"

# Sheets other apps add after these (整改, 抽评…): callables (reports=, evaluation_year=) -> iterable of
# Sheet, registered from the app's AppConfig.ready() with register_year_sheets, so reports imports none of them.
YEAR_SHEETS = []


def register_year_sheets(provider):
    """Add `provider`'s sheets to every year's workbook (once, however often ready() runs)."""
    if provider not in YEAR_SHEETS:
        YEAR_SHEETS.append(provider)
    return provider

# (model, fields) of the four 收支 tables, in the order 收支明细 prints their columns.
FINANCE_TABLES = (
    (IncomeRow, ("total", "carried_over", "public_finance", "government_fund", "special_account", "other")),
    (ExpenditureRow, ("total", "basic", "personnel", "public_use", "project", "current_surplus", "accumulated_surplus")),
    (ThreePublicRow, ("total", "reception", "vehicle_operation", "vehicle_purchase", "overseas")),
    (FixedAssetRow, ("total", "in_use", "rented", "other")),
)


def _money(header, width=12):
    """A money column: its header says the unit (万元)."""
    return Column(_("%(label)s（万元）") % {"label": header}, wb.MONEY, width)


def summary_columns():
    return [
        Column(_("预算编码"), wb.TEXT, 10), Column(_("部门（单位）名称"), wb.TEXT, 24, wrap=True),
        Column(_("归口业务科室"), wb.TEXT, 12, wrap=True), Column(_("状态"), wb.TEXT, 8),
        *[_money(label, 11) for label in (_("收入合计"), _("支出合计"), _("基本支出"), _("项目支出"), _("三公经费合计"))],
        Column(_("自评得分"), wb.SCORE, 8), Column(_("复核得分"), wb.SCORE, 8), Column(_("评价等次"), wb.TEXT, 8),
        Column(_("提交时间"), wb.DATETIME, 16), Column(_("审定时间"), wb.DATETIME, 16),
    ]


SUMMARY_TOTALS = (4, 5, 6, 7, 8)  # the money columns the 合计 row adds up


def summary_rows(annotated, bands, grades):
    """One row per report of `year_reports`; counts each report's grade into the Counter `grades`
    (a report is graded once submitted: a draft's 等次 is blank and counts as 未评分)."""
    for report in annotated.iterator(chunk_size=CHUNK):
        totals = totals_of(report, bands)
        grade = graded(report, totals)
        grades[grade or UNGRADED] += 1
        department = report.department
        yield (
            department.code, department.name, department.office.name if department.office else "",
            report.get_status_display(), report.income_total, report.expenditure_total, report.basic_total,
            report.project_total, report.three_public_total, totals.self_total, totals.review_total,
            grade or "", report.submitted_at, report.approved_at,
        )


def score_columns():
    return [
        Column(_("预算编码"), wb.TEXT, 12), Column(_("部门（单位）名称"), wb.TEXT, 28, wrap=True),
        Column(_("一级指标"), wb.TEXT, 8), Column(_("二级指标"), wb.TEXT, 10), Column(_("三级指标"), wb.TEXT, 22, wrap=True),
        Column(_("分值"), wb.SCORE, 7), Column(_("自评得分"), wb.SCORE, 9),
        Column(_("扣分原因和其他说明"), wb.TEXT, 28, wrap=True), Column(_("建议得分"), wb.SCORE, 9),
        Column(_("复核得分"), wb.SCORE, 9), Column(_("复核说明"), wb.TEXT, 28, wrap=True),
    ]


def score_rows(scoped):
    """Department × 三级指标: one row per score entry of the scoped reports (one query).

    A 分值 shared by several rows (经济/社会/生态效益 share 15) is given once, on the row that holds
    it, as the form prints it: 分值 adds up to the rubric's 100 for each department.
    """
    entries = (
        ScoreEntry.objects.filter(report__in=scoped.values("pk"))
        .order_by("report__department__code", "indicator__order")
        .values_list(
            "report__department__code", "report__department__name", "indicator__parent__parent__label",
            "indicator__parent__label", "indicator__label", "indicator__points", "indicator__shares_points_with",
            "self_score", "deduction_reason", "suggested_score", "review_score", "review_note",
        )
    )
    for *head, points, shares, self_score, reason, suggested, review, note in entries.iterator(chunk_size=CHUNK):
        yield (*head, None if shares is not None else points, self_score, reason, suggested, review, note)


def finance_columns():
    labels = [
        _("收入合计"), _("上年结转"), _("公共财政拨款"), _("政府基金拨款"), _("纳入专户管理的非税收入拨款"), _("其他收入"),
        _("支出合计"), _("基本支出"), _("人员支出"), _("公用支出"), _("项目支出"), _("当年结余"), _("累计结余"),
        _("三公经费合计"), _("公务接待费"), _("公务用车运维费"), _("公务用车购置费"), _("因公出国费"),
        _("固定资产合计"), _("在用固定资产"), _("出租固定资产"), _("其他固定资产"),
    ]
    return [Column(_("预算编码"), wb.TEXT, 9), Column(_("部门（单位）名称"), wb.TEXT, 20, wrap=True),
            Column(_("机构名称"), wb.TEXT, 20, wrap=True), *[_money(label, 10) for label in labels]]


# 收支明细 prints one table per page width: 收入 from D, 支出 from J, 三公经费 from Q, 固定资产 from V.
FINANCE_TITLE_COLUMNS = 3
FINANCE_BREAKS = (10, 17, 22)
FINANCE_TOTALS = tuple(range(3, 25))


class _Peekable:
    def __init__(self, iterator):
        self.iterator = iter(iterator)
        self.head = next(self.iterator, None)

    def take_while(self, report_id):
        rows = []
        while self.head is not None and self.head[0] == report_id:
            rows.append(self.head)
            self.head = next(self.iterator, None)
        return rows


def finance_rows(scoped):
    """One row per 机构 of each report: the four 收支 tables side by side, matched by 机构名称.

    Five queries in all, each streamed in 预算编码 order and merged in step, so nothing is held
    beyond one department's rows.
    """
    order = ("report__department__code", "report_id", "order", "pk")
    tables = [
        _Peekable(model.objects.filter(report__in=scoped.values("pk")).order_by(*order)
                  .values_list("report_id", "org_name", *fields).iterator(chunk_size=CHUNK))
        for model, fields in FINANCE_TABLES
    ]
    reports = scoped.order_by("department__code").values_list("pk", "department__code", "department__name")
    for report_id, code, name in reports.iterator(chunk_size=CHUNK):
        merged = {}
        for index, table in enumerate(tables):
            seen = Counter()
            for row in table.take_while(report_id):
                org = row[1]
                key = (org, seen[org])
                seen[org] += 1
                merged.setdefault(key, [None] * len(FINANCE_TABLES))[index] = row[2:]
        for (org, _n), parts in merged.items():
            values = []
            for part, (_model, fields) in zip(parts, FINANCE_TABLES, strict=True):
                values.extend(part if part is not None else (None,) * len(fields))
            yield (code, name, org, *values)


def progress_columns():
    return [
        Column(_("预算编码"), wb.TEXT, 12), Column(_("部门（单位）名称"), wb.TEXT, 32, wrap=True),
        Column(_("归口业务科室"), wb.TEXT, 14, wrap=True), Column(_("状态"), wb.TEXT, 12), Column(_("截止日期"), wb.DATE, 12), Column(_("距截止日期天数"), wb.INTEGER, 10),
        Column(_("联系人"), wb.TEXT, 10), Column(_("联络电话"), wb.TEXT, 14),
    ]


def not_submitted(scoped, evaluation_year, *, include_missing):
    """(code, name, office, state) of reports still in 草稿, and with `include_missing` of active
    departments that have no report this year, merged in 预算编码 order."""
    drafts = (
        scoped.filter(status=Status.DRAFT).order_by("department__code")
        .values_list("department__code", "department__name", "department__office__name", "submitted_at",
                     "contact_name", "contact_phone")
    )
    draft_rows = (
        (code, name, office or "", _("已退回") if submitted else Status.DRAFT.label, contact, phone)
        for code, name, office, submitted, contact, phone in drafts.iterator(chunk_size=CHUNK)
    )
    if not include_missing:
        return draft_rows
    missing = (
        Department.objects.filter(is_active=True).exclude(reports__evaluation_year=evaluation_year)
        .order_by("code").values_list("code", "name", "office__name")
    )
    missing_rows = ((code, name, office or "", _("未创建报告"), "", "") for code, name, office in missing.iterator())
    return heapq.merge(draft_rows, missing_rows, key=lambda row: row[0])


def days_left(evaluation_year, today, deadline=None):
    """Whole days from `today` to the deadline (the year's, or a department's extended `deadline`;
    negative once past) while the year is open; None without a deadline or once the year is closed (a
    count down to a closed year misleads)."""
    deadline = deadline or evaluation_year.deadline
    if deadline is None or not evaluation_year.is_open:
        return None
    return (deadline - today).days


def progress_rows(scoped, evaluation_year, *, today, include_missing):
    extended = extended_deadlines(evaluation_year)
    for code, name, office, state, contact, phone in not_submitted(
        scoped, evaluation_year, include_missing=include_missing
    ):
        deadline = extended.get(code, evaluation_year.deadline)
        yield (code, name, office, state, deadline, days_left(evaluation_year, today, deadline), contact, phone)


def grade_sheet_rows(bands, grades):
    """等次 and 单位数, read when the sheet is written (after 汇总 has counted them)."""
    for label, _minimum in bands:
        yield (label, grades[label])
    yield (_(UNGRADED), grades[UNGRADED])


def summary_sheets(*, reports, evaluation_year, include_missing, today=None):
    """The workbook's sheets for the year's reports among `reports` (a reports_visible_to queryset)."""
    today = today or timezone.localdate()
    bands = year_bands(evaluation_year)
    scoped = reports.filter(evaluation_year=evaluation_year)
    grades = Counter()
    year = evaluation_year.year
    yield Sheet(_("汇总"), _("%(year)s年度部门整体支出绩效自评汇总表") % {"year": year}, summary_columns(),
                summary_rows(year_reports(reports, evaluation_year), bands, grades), freeze="C3",
                totals=SUMMARY_TOTALS)
    yield Sheet(_("评分明细"), _("%(year)s年度评分明细") % {"year": year}, score_columns(), score_rows(scoped),
                freeze="C3")
    yield Sheet(_("收支明细"), _("%(year)s年度收支明细（万元）") % {"year": year}, finance_columns(),
                finance_rows(scoped), freeze="D3", totals=FINANCE_TOTALS, title_columns=FINANCE_TITLE_COLUMNS,
                column_breaks=FINANCE_BREAKS)
    yield Sheet(_("进度"), _("%(year)s年度未提交单位") % {"year": year}, progress_columns(),
                progress_rows(scoped, evaluation_year, today=today, include_missing=include_missing), freeze="C3")
    yield Sheet(
        _("等次分布"), _("%(year)s年度评价等次分布") % {"year": year},
        [Column(_("评价等次"), wb.TEXT, 12), Column(_("单位数"), wb.INTEGER, 10)], grade_sheet_rows(bands, grades),
        totals=(1,),
        chart=wb.bar_chart(_("评价等次分布"), x_title=_("评价等次"), y_title=_("单位数"), anchor="D3",
                           maximum=lambda: max(grades.values(), default=0)),
    )
    for provider in YEAR_SHEETS:
        yield from provider(reports=scoped, evaluation_year=evaluation_year)


def summary_workbook_write(out, *, reports, evaluation_year, include_missing, today=None):
    """Write the year's summary workbook to `out` (a path or binary file)."""
    wb.write_workbook(out, summary_sheets(
        reports=reports, evaluation_year=evaluation_year, include_missing=include_missing, today=today,
    ))
