"""Follow-up's exports: the 整改 sheet of the year's workbook and the 结果应用 workbook for the budget
office. Rows plus reports.exporters.workbook's renderer: user text is always a text cell, never a formula."""
from django.utils import timezone
from django.utils.translation import gettext as _

from followup.enums import FindingStatus
from followup.models import Finding, ResultApplication
from followup.selectors import report_places
from reports.exporters import workbook as wb
from reports.exporters.workbook import Column, Sheet

CHUNK = 2000


def rectification_columns():
    return [
        Column(_("预算编码"), wb.TEXT, 12), Column(_("部门（单位）名称"), wb.TEXT, 28, wrap=True),
        Column(_("归口业务科室"), wb.TEXT, 14, wrap=True), Column(_("问题类别"), wb.TEXT, 10),
        Column(_("问题描述"), wb.TEXT, 40, wrap=True), Column(_("涉及内容"), wb.TEXT, 24, wrap=True),
        Column(_("整改期限"), wb.DATE, 12), Column(_("状态"), wb.TEXT, 8), Column(_("逾期天数"), wb.INTEGER, 8),
        Column(_("整改措施"), wb.TEXT, 40, wrap=True), Column(_("责任人"), wb.TEXT, 10),
        Column(_("完成日期"), wb.DATE, 12), Column(_("验收时间"), wb.DATETIME, 16),
    ]


def rectification_rows(findings, *, today):
    places = {}
    for finding in findings.iterator(chunk_size=CHUNK):
        report = finding.report
        if report.evaluation_year_id not in places:
            places[report.evaluation_year_id] = report_places(report)
        labels = [places[report.evaluation_year_id].get(key, key) for key in finding.places]
        late = (today - finding.deadline).days if finding.status == FindingStatus.OPEN else 0
        yield (
            report.department.code, report.department.name, getattr(report.department.office, "name", ""),
            finding.get_category_display(), finding.description, "；".join(labels), finding.deadline,
            finding.get_status_display(), late if late > 0 else None, finding.measures, finding.responsible,
            finding.completed_on, finding.accepted_at,
        )


def rectification_sheets(*, reports, evaluation_year, today=None):
    """The 整改 sheet: every finding on the year's reports among `reports` (already scoped to the user)."""
    today = today or timezone.localdate()
    findings = (
        Finding.objects.filter(report__in=reports.values("pk"))
        .select_related("report__department__office", "report__evaluation_year__rubric")
        .order_by("report__department__code", "deadline", "pk")
    )
    yield Sheet(_("整改"), _("%(year)s年度问题整改情况") % {"year": evaluation_year.year}, rectification_columns(),
                rectification_rows(findings, today=today), freeze="C3", title_columns=2)


def result_columns():
    return [
        Column(_("预算编码"), wb.TEXT, 12), Column(_("部门（单位）名称"), wb.TEXT, 32, wrap=True),
        Column(_("归口业务科室"), wb.TEXT, 14, wrap=True), Column(_("评价等次"), wb.TEXT, 10),
        Column(_("结果应用"), wb.TEXT, 12), Column(_("说明"), wb.TEXT, 40, wrap=True),
        Column(_("记录人"), wb.TEXT, 10), Column(_("记录时间"), wb.DATETIME, 16),
    ]


def result_rows(results):
    for result in results.iterator(chunk_size=CHUNK):
        yield (
            result.department.code, result.department.name, getattr(result.department.office, "name", ""),
            result.grade, result.consequence, result.note, result.decided_by.display_name,
            result.decided_at,
        )


def results_workbook_write(out, *, evaluation_year):
    """The year's 结果应用 for the budget office (预算科): one row per department recorded."""
    results = (
        ResultApplication.objects.filter(evaluation_year=evaluation_year)
        .select_related("department__office", "decided_by").order_by("department__code", "pk")
    )
    wb.write_workbook(out, [Sheet(
        _("结果应用"), _("%(year)s年度绩效评价结果应用") % {"year": evaluation_year.year}, result_columns(),
        result_rows(results), freeze="C3",
    )])
