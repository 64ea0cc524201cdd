"""The progress dashboard's figures for a year, and its charts' data as CSV rows.

One pass over `year_reports` (one query) gives the counts by status and by office, the grade
distribution and the score histogram; the list of departments not yet submitted comes from
reports.exporters.summary.not_submitted, as in the workbook's 进度 sheet.
"""
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from reports.enums import Status
from reports.exporters.queries import graded, totals_of, year_bands, year_reports
from reports.exporters.summary import UNGRADED, days_left, not_submitted
from reports.selectors import extended_deadlines

# Score histogram bins: [0, 10), [10, 20), … [90, 100]; the last one includes 100.
BIN_WIDTH = 10
BINS = tuple(range(0, 100, BIN_WIDTH))
CSV_UNSAFE_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Pending:
    """A department that has not submitted: `days_left` is negative once the deadline has passed."""

    code: str
    name: str
    office: str
    state: str
    days_left: int | None

    @property
    def days_overdue(self):
        return None if self.days_left is None else -self.days_left


@dataclass
class YearProgress:
    total: int = 0
    by_status: list = field(default_factory=list)  # [(label, count)] in workflow order
    by_office: list = field(default_factory=list)  # [(office, {status: count}, total)]
    grades: list = field(default_factory=list)  # [(label, count)] highest band first, then 未评分
    histogram: list = field(default_factory=list)  # [(range label, count)]
    pending: list = field(default_factory=list)  # [Pending]


def _bin_label(start):
    end = start + BIN_WIDTH
    return f"{start}–{end}" if end < 100 else f"{start}–100"


def _bin_of(total):
    index = int(total // BIN_WIDTH) if total < Decimal(100) else len(BINS) - 1
    return BINS[max(0, min(index, len(BINS) - 1))]


def year_progress(*, reports, evaluation_year, today, include_missing):
    """The dashboard's figures for the year's reports among `reports` (a reports_visible_to queryset)."""
    bands = year_bands(evaluation_year)
    statuses, offices, grades, bins = Counter(), {}, Counter(), Counter()
    total = 0
    for report in year_reports(reports, evaluation_year).iterator(chunk_size=2000):
        total += 1
        statuses[report.status] += 1
        office = report.department.office.name if report.department.office else _("未分配科室")
        offices.setdefault(office, Counter())[report.status] += 1
        totals = totals_of(report, bands)
        grade = graded(report, totals)
        grades[grade or UNGRADED] += 1
        if grade is not None and totals.final is not None:  # a draft's scores are work in progress
            bins[_bin_of(totals.final)] += 1
    scoped = reports.filter(evaluation_year=evaluation_year)
    extended = extended_deadlines(evaluation_year)
    pending = [
        Pending(code, name, office, state, days_left(evaluation_year, today, extended.get(code)))
        for code, name, office, state, _contact, _phone in not_submitted(
            scoped, evaluation_year, include_missing=include_missing
        )
    ]
    return YearProgress(
        total=total,
        by_status=[(status.label, statuses[status]) for status in Status],
        by_office=[
            (office, [counts[status] for status in Status], sum(counts.values()))
            for office, counts in sorted(offices.items())
        ],
        grades=[(label, grades[label]) for label, _minimum in bands] + [(_(UNGRADED), grades[UNGRADED])],
        histogram=[(_bin_label(start), bins[start]) for start in BINS],
        pending=pending,
    )


def chart_data(progress):
    """What dashboard.js draws, by chart name: title, axis names, categories and values."""
    return {
        "grades": {
            "title": _("评价等次分布"), "x": _("评价等次"), "y": _("单位数"),
            "categories": [label for label, _count in progress.grades],
            "values": [count for _label, count in progress.grades],
        },
        "scores": {
            "title": _("综合得分分布"), "x": _("得分区间"), "y": _("单位数"),
            "categories": [label for label, _count in progress.histogram],
            "values": [count for _label, count in progress.histogram],
        },
    }


def csv_safe(value):
    """A cell for a CSV opened in Excel: text starting like a formula gets a leading apostrophe."""
    text = str(value)
    return f"'{text}" if text.startswith(CSV_UNSAFE_START) else text


def chart_csv_rows(chart):
    """Header and rows of one chart of chart_data as CSV cells."""
    yield [csv_safe(chart["x"]), csv_safe(chart["y"])]
    for category, value in zip(chart["categories"], chart["values"], strict=True):
        yield [csv_safe(category), value]
