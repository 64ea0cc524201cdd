"""Opening an evaluation year: the year, its rubric and bands, and a 草稿 report for every active department.

Each new report starts from the department's latest earlier report where the data carries over:
the department facts (contacts, headcounts, 职能职责), 基础数据 (last year's 三公经费决算 becomes
this year's 上年决算) and the 定性目标 texts as a starting point (实际完成 left blank).

This is the bulk form of reports.editing.report_copy_forward, with the same list of carried facts
(reports.editing.CARRIED_FACTS): that service is the clerk's per-report action (permission and
revision checked, several queries a report), while opening a year prefills thousands of reports
as the admin, in a constant number of queries.
"""
from dataclasses import dataclass
from itertools import islice

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from audit.enums import Event
from audit.services import audit_record
from budgets.models import PREVIOUS_YEAR_FIGURES, BaseData, ThreePublicRow
from departments.models import Department
from reports.editing import CARRIED_FACTS
from reports.models import QualitativeGoal, Report, ScoreEntry
from scoring.enums import Level
from scoring.grades import DEFAULT_GRADE_BANDS
from scoring.models import EvaluationYear, Indicator
from scoring.services import year_create

BATCH = 1000


@dataclass(frozen=True)
class YearOpened:
    evaluation_year: EvaluationYear
    created: int
    prefilled: int


def _bulk_create(model, objects):
    """bulk_create in batches without first holding every object (Django lists the whole iterable)."""
    objects = iter(objects)
    while batch := list(islice(objects, BATCH)):
        model.objects.bulk_create(batch)


def _chunks(ids):
    """Lists of at most BATCH ids, so that no `__in` query passes SQLite's parameter limit."""
    ids = list(ids)
    return [ids[start:start + BATCH] for start in range(0, len(ids), BATCH)]


def _latest_reports(year):
    """{department_id: field values of its latest report before `year`}, for active departments."""
    latest = {}
    rows = (
        Report.objects.filter(department__is_active=True, evaluation_year__year__lt=year)
        .order_by("department_id", "-evaluation_year__year")
        .values("pk", "department_id", *CARRIED_FACTS)
    )
    for row in rows.iterator(chunk_size=BATCH):
        latest.setdefault(row["department_id"], row)
    return latest


def _previous_figures(report_ids):
    """{report_id: {BaseData field: value}} of earlier reports, by PREVIOUS_YEAR_FIGURES; 三公经费上年决算
    is the earlier 本年决算 in 基础数据, else the 三公经费 table's total."""
    table, figures = {}, {}
    sources = list(PREVIOUS_YEAR_FIGURES.values())
    for chunk in _chunks(report_ids):
        table.update(
            ThreePublicRow.objects.filter(report_id__in=chunk, total__isnull=False)
            .values("report_id").annotate(summed=Sum("total")).values_list("report_id", "summed")
        )
        for row in BaseData.objects.filter(report_id__in=chunk).values("report_id", *sources):
            figures[row["report_id"]] = {name: row[source] for name, source in PREVIOUS_YEAR_FIGURES.items()}
    for report_id, summed in table.items():
        carried = figures.setdefault(report_id, {})
        if carried.get("three_public_prev_final") is None:
            carried["three_public_prev_final"] = summed
    return figures


def _score_entries_create(evaluation_year, rubric):
    """An empty ScoreEntry for every report of the year × every 三级指标 of its rubric, in one INSERT … SELECT
    (the largest table of a year: 25 rows a department, which bulk_create would send in hundreds of batches
    on SQLite). The other columns get the model's defaults."""
    blank = ScoreEntry(report_id=0, indicator_id=0)
    fields = [f for f in ScoreEntry._meta.concrete_fields if f.name not in ("id", "report", "indicator")]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    values = ", ".join(f"CAST(%s AS {f.db_type(connection)})" for f in fields)
    params = [f.get_db_prep_save(f.pre_save(blank, add=True), connection) for f in fields]
    report, indicator = Report._meta, Indicator._meta
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {quote(ScoreEntry._meta.db_table)} ({quote('report_id')}, {quote('indicator_id')}, {columns}) "
            f"SELECT r.{quote(report.pk.column)}, i.{quote(indicator.pk.column)}, {values} "
            f"FROM {quote(report.db_table)} r CROSS JOIN {quote(indicator.db_table)} i "
            f"WHERE r.{quote('evaluation_year_id')} = %s AND i.{quote('rubric_id')} = %s AND i.{quote('level')} = %s "
            f"ORDER BY r.{quote(report.pk.column)}, i.{quote('order')}, i.{quote(indicator.pk.column)}",
            [*params, evaluation_year.pk, rubric.pk, Level.THIRD],
        )


@transaction.atomic
def year_open(*, year, rubric, deadline, bands=DEFAULT_GRADE_BANDS):
    """Create evaluation year `year` and a 草稿 report for every active department, prefilled.

    Writes the EvaluationYear and its GradeBands, one Report per active department (cover issuer
    from its bureau, carried fields from its latest earlier report), its BaseData, copies of the
    earlier 定性目标 texts and an empty ScoreEntry per 三级指标 of the rubric. Raises
    ValidationError when the year exists or the bands are invalid. Returns YearOpened.
    """
    if EvaluationYear.objects.filter(year=year).exists():
        raise ValidationError({"year": _("%(year)s年度已开启，不能重复开启。") % {"year": year}})
    evaluation_year = year_create(year=year, rubric=rubric, deadline=deadline, bands=bands)

    departments = list(Department.objects.filter(is_active=True).select_related("bureau").order_by("code"))
    latest = _latest_reports(year)
    reports = []
    for department in departments:
        previous = latest.get(department.pk, {})
        carried = {name: previous[name] for name in CARRIED_FACTS if previous.get(name) not in (None, "")}
        fields = {"issuer": department.bureau.issuer, **carried}
        reports.append(Report(evaluation_year=evaluation_year, department=department, **fields))
    Report.objects.bulk_create(reports, batch_size=BATCH)
    new_ids = dict(Report.objects.filter(evaluation_year=evaluation_year).values_list("department_id", "pk"))
    previous_ids = {new_ids[dept_id]: row["pk"] for dept_id, row in latest.items()}

    carried = _previous_figures(list(previous_ids.values()))
    _bulk_create(BaseData, (
        BaseData(report_id=report_id, **carried.get(previous_ids.get(report_id), {}))
        for report_id in new_ids.values()
    ))
    new_for_previous = {old: new for new, old in previous_ids.items()}
    goals = [
        goal for chunk in _chunks(new_for_previous)
        for goal in QualitativeGoal.objects.filter(report_id__in=chunk)
        .order_by("report_id", "order", "pk").values_list("report_id", "order", "target")
    ]
    _bulk_create(QualitativeGoal, (
        QualitativeGoal(report_id=new_for_previous[old_id], order=order, target=target)
        for old_id, order, target in goals
    ))
    _score_entries_create(evaluation_year, rubric)
    audit_record(event=Event.YEAR_OPEN, obj=evaluation_year, detail=_(
        "开启%(year)s年度：评分表“%(rubric)s”，截止日期%(deadline)s，创建草稿报告%(created)s份（沿用上年数据%(prefilled)s份）"
    ) % {"year": year, "rubric": rubric.name, "deadline": deadline or "—", "created": len(new_ids),
         "prefilled": len(previous_ids)})
    return YearOpened(evaluation_year=evaluation_year, created=len(new_ids), prefilled=len(previous_ids))
