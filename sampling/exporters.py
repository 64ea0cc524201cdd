"""The year's workbook sheets of 抽评 and expert panels (registered in SamplingConfig.ready).

抽评 gives each re-reviewed 三级 row its three scores and the deviations; 抽评汇总 adds them up per
department and per office; 专家评审 lists each expert's total and the panel's score once it is final.
"""
from django.utils.translation import gettext as _

from reports.exporters import workbook as wb
from reports.exporters.workbook import Column, Sheet
from sampling.models import Panel, ScoreSheet
from sampling.selectors import deviation_rows, deviation_table


def _sheets(reports):
    return ScoreSheet.objects.filter(report__in=reports.values("pk"))


def rereview_columns():
    return [
        Column(_("预算编码"), wb.TEXT, 10), Column(_("部门（单位）名称"), wb.TEXT, 22, wrap=True),
        Column(_("归口业务科室"), wb.TEXT, 12, wrap=True), Column(_("三级指标"), wb.TEXT, 22, wrap=True),
        Column(_("分值"), wb.SCORE, 6), Column(_("自评得分"), wb.SCORE, 8), Column(_("复核得分"), wb.SCORE, 8),
        Column(_("抽评得分"), wb.SCORE, 8), Column(_("抽评−自评"), wb.SCORE, 9), Column(_("抽评−复核"), wb.SCORE, 9),
        Column(_("抽评理由"), wb.TEXT, 28, wrap=True), Column(_("抽评复核人"), wb.TEXT, 10),
    ]


def rereview_rows(reports):
    for row in deviation_rows(_sheets(reports)):
        yield (row.code, row.department, row.office, row.indicator, row.points, row.self_score, row.review_score,
               row.rereview_score, row.minus_self, row.minus_review, row.reason, row.rereviewer)


def summary_columns():
    return [
        Column(_("层级"), wb.TEXT, 8), Column(_("部门（单位）或科室"), wb.TEXT, 30, wrap=True),
        Column(_("报告数"), wb.INTEGER, 8), Column(_("自评得分"), wb.SCORE, 9), Column(_("复核得分"), wb.SCORE, 9),
        Column(_("抽评得分"), wb.SCORE, 9), Column(_("抽评−自评"), wb.SCORE, 9), Column(_("抽评−复核"), wb.SCORE, 9),
        Column(_("逐项偏差绝对值合计"), wb.SCORE, 12),
    ]


def _group_row(level, group):
    return (level, group.label, group.reports, group.self_total, group.review_total, group.rereview_total,
            group.minus_self, group.minus_review, group.abs_deviation)


def summary_rows(reports):
    departments, offices, overall = deviation_table(_sheets(reports))
    for group in departments:
        yield _group_row(_("部门"), group)
    for group in offices:
        yield _group_row(_("科室"), group)
    if departments:
        yield _group_row(_("合计"), overall)


def panel_columns():
    return [
        Column(_("预算编码"), wb.TEXT, 10), Column(_("部门（单位）名称"), wb.TEXT, 24, wrap=True),
        Column(_("计分方法"), wb.TEXT, 18, wrap=True), Column(_("专家"), wb.TEXT, 10), Column(_("专家评分"), wb.SCORE, 9),
        Column(_("专家评审得分"), wb.SCORE, 10), Column(_("评审完成时间"), wb.DATETIME, 16),
    ]


def panel_rows(reports):
    """One row per expert of each final panel (an unfinished panel shows no score: they are hidden until all submit)."""
    panels = (
        Panel.objects.filter(report__in=reports.values("pk"), finalised_at__isnull=False)
        .select_related("report__department").prefetch_related("sheets__scorer")
        .order_by("report__department__code", "pk")
    )
    for panel in panels:
        department = panel.report.department
        for sheet in sorted(panel.sheets.all(), key=lambda s: s.pk):
            yield (department.code, department.name, panel.get_method_display(), sheet.scorer.display_name,
                   sheet.total, panel.final_score, panel.finalised_at)


def year_sheets(*, reports, evaluation_year):
    """The 抽评, 抽评汇总 and 专家评审 sheets of the year's reports among `reports` (already scoped)."""
    year = evaluation_year.year
    yield Sheet(_("抽评"), _("%(year)s年度抽评复核偏差表") % {"year": year}, rereview_columns(),
                rereview_rows(reports), freeze="C3")
    yield Sheet(_("抽评汇总"), _("%(year)s年度抽评偏差汇总（按部门、科室）") % {"year": year}, summary_columns(),
                summary_rows(reports), freeze="C3")
    yield Sheet(_("专家评审"), _("%(year)s年度专家评审得分") % {"year": year}, panel_columns(),
                panel_rows(reports), freeze="C3")
