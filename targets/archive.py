"""A department's 绩效档案: year by year its targets, their completion, the report's scores and grade and
what the reviewers said, with a chart of scores and completion (an SVG drawn here, no script, no CDN).

Read only, in a fixed number of queries whatever the number of years. Reviewers' findings are the
report's 问题与整改 (followup.Finding, read through the report's `findings` relation) and, beside them,
the comments of the report's and the declaration's returns and approvals and the 财政 opinion.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from reports.enums import Status as ReportStatus
from reports.models import Report, StatusChange
from reports.rendering import fmt_score
from reports.selectors import report_score_totals
from targets.completion import HUNDRED, mean_rate
from targets.enums import Status as TargetStatus
from targets.models import Declaration, DeclarationChange
from targets.yearend import targets_for_reports


@dataclass(frozen=True)
class ArchiveOf:
    """The object the archive's permission is checked on (workflow.rules reads department and its id)."""

    department: object

    @property
    def department_id(self):
        return self.department.pk


@dataclass
class Finding:
    source: str  # 报告 / 绩效目标
    label: str  # 退回 / 批复 / 财政意见 …
    by: str
    at: object
    text: str


@dataclass
class ArchiveYear:
    year: int
    declaration: Declaration | None = None
    report: Report | None = None
    indicator_count: int = 0
    entered_count: int = 0
    shortfalls: list = field(default_factory=list)  # names of the indicators not met
    completion: Decimal | None = None  # mean 完成率, each capped at 100%
    adjusted: int = 0  # approved 调整申请
    self_total: Decimal | None = None
    review_total: Decimal | None = None
    grade: str = ""
    findings: list = field(default_factory=list)  # review comments (Finding rows of this module)
    issues: list = field(default_factory=list)  # the report's 问题与整改 (followup.Finding)

    @property
    def final_total(self):
        return self.review_total if self.review_total is not None else self.self_total

    @property
    def self_text(self):
        return fmt_score(self.self_total)

    @property
    def review_text(self):
        return fmt_score(self.review_total)


def _move_label(change, statuses):
    if change.to_status == statuses.DRAFT:
        return _("退回")
    if change.to_status == statuses.APPROVED:
        return _("审定") if statuses is ReportStatus else _("批复")
    return _("转%(status)s") % {"status": statuses(change.to_status).label}


def department_archive(department):
    """The department's ArchiveYears, oldest first (every year with a declaration or a report)."""
    reports = list(
        Report.objects.filter(department=department).select_related("evaluation_year", "department")
        .prefetch_related(
            "scores", "evaluation_year__grade_bands", "findings",
            Prefetch("status_changes", queryset=StatusChange.objects.exclude(comment="").select_related("by")
                     .order_by("at", "pk"), to_attr="commented_changes"),
        )
    )
    declarations = list(
        Declaration.objects.filter(department=department).prefetch_related(
            "indicators",
            Prefetch("status_changes", queryset=DeclarationChange.objects.exclude(comment="").select_related("by")
                     .order_by("at", "pk"), to_attr="commented_changes"),
        )
    )
    targets = targets_for_reports(reports)
    years = {}
    for declaration in declarations:
        entry = years.setdefault(declaration.year, ArchiveYear(year=declaration.year))
        entry.declaration = declaration
        entry.indicator_count = len(declaration.indicators.all())
        for change in declaration.commented_changes:
            entry.findings.append(Finding(_("绩效目标"), _move_label(change, TargetStatus), _name(change.by),
                                          change.at, change.comment))
    for report in reports:
        year = report.evaluation_year.year
        entry = years.setdefault(year, ArchiveYear(year=year))
        entry.report = report
        totals = report_score_totals(report)
        entry.self_total, entry.review_total = totals["self_total"], totals["review_total"]
        # A draft's self-scores are work in progress: no 等次 until submitted (as the year's workbook).
        entry.grade = (totals["grade"] or "") if report.status != ReportStatus.DRAFT else ""
        carried = targets.get(report.pk)
        if carried is not None:
            entry.indicator_count = len(carried.rows)
            completions = [row.completion for row in carried.rows]
            entry.entered_count = sum(1 for c in completions if c.met is not None or c.rate is not None)
            entry.shortfalls = [row.indicator.name for row in carried.rows if row.completion.shortfall]
            entry.completion = mean_rate(completions)
            entry.adjusted = len(carried.adjustments)
        entry.issues = list(report.findings.all())
        for change in report.commented_changes:
            entry.findings.append(Finding(_("自评报告"), _move_label(change, ReportStatus), _name(change.by),
                                          change.at, change.comment))
        if report.finance_opinion.strip():
            entry.findings.append(Finding(_("自评报告"), _("财政部门归口业务科室意见"), report.finance_head_name,
                                          report.finance_signed_on, report.finance_opinion))
    return [years[year] for year in sorted(years)]


def _name(user):
    return user.full_name or user.username


# --- The chart ------------------------------------------------------------------------------
WIDTH, HEIGHT = 640, 260
LEFT, RIGHT, TOP, BOTTOM = 44, 44, 16, 36


@dataclass
class Chart:
    width: int
    height: int
    plot: dict  # x, y, width, height, bottom, right of the plot area
    ticks: list  # [(y, label)] 0…100 on both axes
    bars: list  # [(x, y, width, height, label, middle)] scores
    points: str  # the completion line's "x,y x,y"
    dots: list  # [(x, y, label)]
    years: list  # [(x, year)]


def _y(value):
    inner = HEIGHT - TOP - BOTTOM
    return round(TOP + inner - float(min(max(value, Decimal(0)), HUNDRED)) / 100 * inner, 1)


def archive_chart(years):
    """The chart of `years` (ArchiveYears): a bar per year's score (复核 where reviewed, 0–100 on the left
    axis) and a line through the years' mean 完成率 (0–100% on the right); None without any figure."""
    if not any(y.final_total is not None or y.completion is not None for y in years):
        return None
    inner_w = WIDTH - LEFT - RIGHT
    step = inner_w / len(years)
    bar_w = round(min(step * 0.5, 60), 1)
    bars, dots, labels = [], [], []
    for index, entry in enumerate(years):
        middle = round(LEFT + step * (index + 0.5), 1)
        labels.append((middle, entry.year))
        if entry.final_total is not None:
            top = _y(entry.final_total)
            bars.append((round(middle - bar_w / 2, 1), top, bar_w, round(HEIGHT - BOTTOM - top, 1),
                         fmt_score(entry.final_total), middle))
        if entry.completion is not None:
            dots.append((middle, _y(entry.completion), f"{entry.completion}%"))
    return Chart(
        width=WIDTH, height=HEIGHT,
        plot={"x": LEFT, "y": TOP, "right": WIDTH - RIGHT, "bottom": HEIGHT - BOTTOM},
        ticks=[(_y(Decimal(v)), v) for v in (0, 20, 40, 60, 80, 100)],
        bars=bars, points=" ".join(f"{x},{y}" for x, y, _label in dots), dots=dots, years=labels,
    )
