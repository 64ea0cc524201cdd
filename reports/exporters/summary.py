"""The yearly summary workbook: 汇总, 评分明细, 收支明细, 进度 and 等次分布 (with its chart).

Each sheet's rows come from a generator over the caller's scoped queryset (a constant number of
queries, streamed with .iterator()), and reports.exporters.workbook writes them.
"""
import heapq
from collections import Counter

from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from budgets.models import ExpenditureRow, FixedAssetRow, IncomeRow, ThreePublicRow
from departments.models import Department
from reports.enums import Status
from reports.exporters import workbook as wb
from reports.exporters.queries import totals_of, year_bands, year_reports
from reports.exporters.workbook import Column, Sheet
from reports.models import ScoreEntry

CHUNK = 2000
UNGRADED = "未评分"

# (model, fields) of the four 收支 tables, in the order 收支明细 prints their columns.
FINANCE_TABLES = (
    (IncomeRow, ("total", "carried_over", "public_finance", "government_fund", "special_account", "other")),
    (ExpenditureRow, ("total", "basic", "personnel", "public_use", "project", "current_surplus", "accumulated_surplus")),
    (ThreePublicRow, ("total", "reception", "vehicle_operation", "vehicle_purchase", "overseas")),
    (FixedAssetRow, ("total", "in_use", "rented", "other")),
)


def _money(header):
    return Column(header, wb.MONEY, 12)


def summary_columns():
    return [
        Column(_("预算编码"), wb.TEXT, 12), Column(_("部门（单位）名称"), wb.TEXT, 32), Column(_("归口业务科室"), wb.TEXT, 14),
        Column(_("状态"), wb.TEXT, 10), _money(_("收入合计")), _money(_("支出合计")), _money(_("基本支出")),
        _money(_("项目支出")), _money(_("三公经费合计")), Column(_("自评得分"), wb.SCORE, 10),
        Column(_("复核得分"), wb.SCORE, 10), Column(_("评价等次"), wb.TEXT, 9), Column(_("提交时间"), wb.DATETIME, 17),
        Column(_("审定时间"), wb.DATETIME, 17),
    ]


def summary_rows(annotated, bands, grades):
    """One row per report of `year_reports`; counts each report's grade into the Counter `grades`."""
    for report in annotated.iterator(chunk_size=CHUNK):
        totals = totals_of(report, bands)
        grades[totals.grade or UNGRADED] += 1
        department = report.department
        yield (
            department.code, department.name, department.office.name if department.office else "",
            report.get_status_display(), report.income_total, report.expenditure_total, report.basic_total,
            report.project_total, report.three_public_total, totals.self_total, totals.review_total,
            totals.grade or "", report.submitted_at, report.approved_at,
        )


def score_columns():
    return [
        Column(_("预算编码"), wb.TEXT, 12), Column(_("部门（单位）名称"), wb.TEXT, 28), Column(_("一级指标"), wb.TEXT, 8),
        Column(_("二级指标"), wb.TEXT, 10), Column(_("三级指标"), wb.TEXT, 22), Column(_("分值"), wb.SCORE, 7),
        Column(_("自评得分"), wb.SCORE, 9), Column(_("扣分原因和其他说明"), wb.TEXT, 30), Column(_("建议得分"), wb.SCORE, 9),
        Column(_("复核得分"), wb.SCORE, 9), Column(_("复核说明"), wb.TEXT, 30),
    ]


def score_rows(scoped):
    """Department × 三级指标: one row per score entry of the scoped reports (one query)."""
    entries = (
        ScoreEntry.objects.filter(report__in=scoped.values("pk"))
        .order_by("report__department__code", "indicator__order")
        .values_list(
            "report__department__code", "report__department__name", "indicator__parent__parent__label",
            "indicator__parent__label", "indicator__label",
            Coalesce("indicator__shares_points_with__points", "indicator__points"),
            "self_score", "deduction_reason", "suggested_score", "review_score", "review_note",
        )
    )
    yield from entries.iterator(chunk_size=CHUNK)


def finance_columns():
    labels = [
        _("收入合计"), _("上年结转"), _("公共财政拨款"), _("政府基金拨款"), _("纳入专户管理的非税收入拨款"), _("其他收入"),
        _("支出合计"), _("基本支出"), _("人员支出"), _("公用支出"), _("项目支出"), _("当年结余"), _("累计结余"),
        _("三公经费合计"), _("公务接待费"), _("公务用车运维费"), _("公务用车购置费"), _("因公出国费"),
        _("固定资产合计"), _("在用固定资产"), _("出租固定资产"), _("其他固定资产"),
    ]
    return [Column(_("预算编码"), wb.TEXT, 12), Column(_("部门（单位）名称"), wb.TEXT, 28), Column(_("机构名称"), wb.TEXT, 28),
            *[_money(label) for label in labels]]


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
        Column(_("预算编码"), wb.TEXT, 12), Column(_("部门（单位）名称"), wb.TEXT, 32), Column(_("归口业务科室"), wb.TEXT, 14),
        Column(_("状态"), wb.TEXT, 12), Column(_("截止日期"), wb.DATE, 12), Column(_("距截止日期天数"), wb.INTEGER, 10),
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


def days_left(deadline, today):
    """Whole days from `today` to the deadline (negative once past), None without a deadline."""
    return None if deadline is None else (deadline - today).days


def progress_rows(scoped, evaluation_year, *, today, include_missing):
    deadline = evaluation_year.deadline
    for code, name, office, state, contact, phone in not_submitted(
        scoped, evaluation_year, include_missing=include_missing
    ):
        yield (code, name, office, state, deadline, days_left(deadline, today), contact, phone)


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
                summary_rows(year_reports(reports, evaluation_year), bands, grades), freeze="C3")
    yield Sheet(_("评分明细"), _("%(year)s年度评分明细") % {"year": year}, score_columns(), score_rows(scoped),
                freeze="C3")
    yield Sheet(_("收支明细"), _("%(year)s年度收支明细（万元）") % {"year": year}, finance_columns(),
                finance_rows(scoped), freeze="D3")
    yield Sheet(_("进度"), _("%(year)s年度未提交单位") % {"year": year}, progress_columns(),
                progress_rows(scoped, evaluation_year, today=today, include_missing=include_missing), freeze="C3")
    yield Sheet(
        _("等次分布"), _("%(year)s年度评价等次分布") % {"year": year},
        [Column(_("评价等次"), wb.TEXT, 12), Column(_("单位数"), wb.INTEGER, 10)], grade_sheet_rows(bands, grades),
        chart=wb.bar_chart(_("评价等次分布"), x_title=_("评价等次"), y_title=_("单位数"), anchor="D3"),
    )


def summary_workbook_write(out, *, reports, evaluation_year, include_missing, today=None):
    """Write the year's summary workbook to `out` (a path or binary file)."""
    wb.write_workbook(out, summary_sheets(
        reports=reports, evaluation_year=evaluation_year, include_missing=include_missing, today=today,
    ))
