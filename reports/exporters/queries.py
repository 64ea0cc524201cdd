"""The year's reports with their totals, each figure summed in the database in one query.

Callers pass a queryset already scoped by reports.selectors.reports_visible_to (the screen's
selector), so an export never holds more than the user may see. Totals follow
reports.selectors.report_score_totals; the 收支 figures add up every 机构 row of a table.
"""
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce

from budgets.models import ExpenditureRow, IncomeRow, ThreePublicRow
from reports.enums import Status
from reports.models import ScoreEntry
from scoring.grades import grade_for

SCORE = DecimalField(max_digits=7, decimal_places=2)


def _per_report(model, aggregate):
    """A correlated subquery: `aggregate` over `model` rows of the outer report (NULL when none)."""
    rows = model.objects.filter(report=OuterRef("pk")).order_by().values("report").annotate(value=aggregate)
    return Subquery(rows.values("value"), output_field=aggregate.output_field)


def year_reports(reports, evaluation_year):
    """`reports` of `evaluation_year`, ordered by 预算编码 and annotated with sums (one query, no N+1)."""
    money = ExpenditureRow._meta.get_field("total")
    return (
        reports.filter(evaluation_year=evaluation_year)
        .annotate(
            income_total=_per_report(IncomeRow, Sum("total", output_field=money)),
            expenditure_total=_per_report(ExpenditureRow, Sum("total", output_field=money)),
            basic_total=_per_report(ExpenditureRow, Sum("basic", output_field=money)),
            project_total=_per_report(ExpenditureRow, Sum("project", output_field=money)),
            three_public_total=_per_report(ThreePublicRow, Sum("total", output_field=money)),
            self_total=_per_report(ScoreEntry, Sum("self_score", output_field=SCORE)),
            reviewed_count=_per_report(ScoreEntry, Count("review_score", output_field=IntegerField())),
            review_sum=_per_report(ScoreEntry, Sum(
                Coalesce("review_score", "self_score", Value(Decimal(0)), output_field=SCORE), output_field=SCORE,
            )),
        )
        .order_by("department__code")
    )


@dataclass(frozen=True)
class Totals:
    self_total: Decimal | None
    review_total: Decimal | None
    grade: str | None

    @property
    def final(self):
        """The total that grades the report: the reviewed one once any 复核得分 exists."""
        return self.review_total if self.review_total is not None else self.self_total


def totals_of(report, bands):
    """Totals of a report from `year_reports`' annotations; `bands` as (label, min_score) pairs."""
    review_total = report.review_sum if report.reviewed_count else None
    final = review_total if review_total is not None else report.self_total
    return Totals(self_total=report.self_total, review_total=review_total, grade=grade_for(final, bands))


def graded(report, totals):
    """The 等次 a report is given in the year's figures: none until it has been submitted (a draft's
    self-scores are work in progress). `totals` from totals_of."""
    return None if report.status == Status.DRAFT else totals.grade


def year_bands(evaluation_year):
    """The year's grade bands as (label, min_score), highest first."""
    return [(band.label, band.min_score) for band in evaluation_year.grade_bands.order_by("-min_score")]
