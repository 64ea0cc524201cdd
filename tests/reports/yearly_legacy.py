"""The year opening as it was before its per-department tables became INSERT … SELECT (commit 10865b3,
reports/yearly.py: reports, 基础数据 and 定性目标 in bulk_create batches, without the audit row), kept so that
tests/reports/test_yearly.py can show the set-based one writes the same rows."""
from itertools import islice

from django.db import transaction
from django.db.models import Sum

from budgets.models import PREVIOUS_YEAR_FIGURES, BaseData, ThreePublicRow
from departments.models import Department
from reports.editing import CARRIED_FACTS
from reports.models import QualitativeGoal, Report
from reports.yearly import _score_entries_create
from scoring.grades import DEFAULT_GRADE_BANDS
from scoring.services import year_create


def score_entries_create(evaluation_year, rubric):
    from django.db import connection

    with connection.cursor() as cursor:
        _score_entries_create(cursor, evaluation_year, rubric)


BATCH = 1000


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


@transaction.atomic
def legacy_year_open(*, year, rubric, deadline, bands=DEFAULT_GRADE_BANDS):
    """The former reports.yearly.year_open, less its refusal of an opened year and its audit row.
    Returns (created, prefilled)."""
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
    score_entries_create(evaluation_year, rubric)
    return len(new_ids), len(previous_ids)
