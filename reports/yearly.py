"""Opening an evaluation year: the year, its rubric and bands, and a 草稿 report for every active department.

Each new report starts from the department's latest earlier report where the data carries over:
the department facts (contacts, headcounts, 职能职责), 基础数据 (last year's 三公经费决算 becomes
this year's 上年决算) and the 定性目标 texts as a starting point (实际完成 left blank).

This is the bulk form of reports.editing.report_copy_forward, with the same list of carried facts
(reports.editing.CARRIED_FACTS): that service is the clerk's per-report action (permission and
revision checked, several queries a report), while opening a year prefills thousands of reports
as the admin. Every per-department table is written by one set-based INSERT … SELECT (plain SQL that
SQLite and PostgreSQL both run; names from the models' _meta), so opening a year takes the same number of
queries for 3 departments as for 15,000. Columns the SELECT does not carry get the model's own defaults
(and one shared timestamp for auto_now/auto_now_add), as bulk_create would give them.
"""
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.enums import Event
from audit.services import audit_record
from budgets.models import PREVIOUS_YEAR_FIGURES, BaseData, ThreePublicRow
from departments.models import Bureau, Department
from reports.editing import CARRIED_FACTS
from reports.models import QualitativeGoal, Report, ScoreEntry
from scoring.enums import Level
from scoring.grades import DEFAULT_GRADE_BANDS
from scoring.models import EvaluationYear, Indicator
from scoring.services import year_create

# Bureau.issuer is the bureau's name and this suffix (the cover's 制表机关); the SQL below appends it.
ISSUER_SUFFIX = "（制）"
TEXT_FIELDS = (models.CharField, models.TextField)


@dataclass(frozen=True)
class YearOpened:
    evaluation_year: EvaluationYear
    created: int
    prefilled: int


def q(name):
    return connection.ops.quote_name(name)


def _table(model):
    return q(model._meta.db_table)


def _column(model, name):
    return q(model._meta.get_field(name).column)


def _typed(field):
    """A parameter placeholder cast to `field`'s column type: PostgreSQL will not insert an untyped text
    parameter into a numeric, date or JSON column. Not on SQLite, whose CAST to a type named like a date
    (NUMERIC affinity) would turn '2022-05-31 …' into 2022; its columns' affinity converts on insert."""
    if connection.vendor == "sqlite":
        return "%s"
    return f"CAST(%s AS {field.db_type(connection)})"


def _defaults(model, *, skip):
    """(columns, placeholders, params) of every concrete field of `model` not in `skip`, with the value a
    new instance saves (defaults, auto_now timestamps taken once for every row)."""
    blank, now = model(), timezone.now()
    fields = [f for f in model._meta.concrete_fields if f.name not in skip and not f.primary_key]
    columns = [q(f.column) for f in fields]
    placeholders = [_typed(f) for f in fields]
    params = [
        f.get_db_prep_save(now if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
                           else f.pre_save(blank, add=True), connection)
        for f in fields
    ]
    return columns, placeholders, params


def _previous_report_sql(department_column):
    """A scalar subquery: the pk of the latest report before the year (parameter) of `department_column`."""
    year_table, report = _table(EvaluationYear), Report._meta
    return (
        f"(SELECT p.{q(report.pk.column)} FROM {_table(Report)} p "
        f"JOIN {year_table} py ON py.{q(EvaluationYear._meta.pk.column)} = p.{_column(Report, 'evaluation_year')} "
        f"WHERE p.{_column(Report, 'department')} = {department_column} AND py.{_column(EvaluationYear, 'year')} < %s "
        f"ORDER BY py.{_column(EvaluationYear, 'year')} DESC LIMIT 1)"
    )


def _new_reports_sql():
    """The year's reports with the pk of each one's previous report: rows (id, previous_id)."""
    report = Report._meta
    return (
        f"(SELECT n.{q(report.pk.column)} AS id, {_previous_report_sql('n.' + _column(Report, 'department'))} "
        f"AS previous_id FROM {_table(Report)} n WHERE n.{_column(Report, 'evaluation_year')} = %s)"
    )


def _reports_create(cursor, evaluation_year):
    """A 草稿 Report for every active department, in code order: the cover's issuer from its bureau, and the
    CARRIED_FACTS from its latest earlier report where that one holds them (not blank)."""
    carried = [Report._meta.get_field(name) for name in CARRIED_FACTS]
    columns, placeholders, params = _defaults(
        Report, skip={"evaluation_year", "department", *CARRIED_FACTS})
    values, carried_params = [], []
    for field in carried:
        previous = f"p.{q(field.column)}"
        if isinstance(field, TEXT_FIELDS):
            previous = f"NULLIF({previous}, '')"
        if field.name == "issuer":
            fallback, fallback_params = f"b.{_column(Bureau, 'name')} || {_typed(field)}", [ISSUER_SUFFIX]
        else:
            fallback = _typed(field)
            fallback_params = [field.get_db_prep_save(field.pre_save(Report(), add=True), connection)]
        values.append(f"COALESCE({previous}, {fallback})")
        carried_params.extend(fallback_params)
    department = Department._meta
    cursor.execute(
        f"INSERT INTO {_table(Report)} ({_column(Report, 'evaluation_year')}, {_column(Report, 'department')}, "
        f"{', '.join(q(f.column) for f in carried)}, {', '.join(columns)}) "
        f"SELECT %s, d.{q(department.pk.column)}, {', '.join(values)}, {', '.join(placeholders)} "
        f"FROM {_table(Department)} d "
        f"JOIN {_table(Bureau)} b ON b.{q(Bureau._meta.pk.column)} = d.{_column(Department, 'bureau')} "
        f"LEFT JOIN {_table(Report)} p ON p.{q(Report._meta.pk.column)} = "
        f"{_previous_report_sql('d.' + q(department.pk.column))} "
        f"WHERE d.{_column(Department, 'is_active')} = %s "
        f"ORDER BY d.{_column(Department, 'code')}",
        [evaluation_year.pk, *carried_params, *params, evaluation_year.year, True],
    )
    return cursor.rowcount


def _base_data_create(cursor, evaluation_year):
    """The 基础数据 of every new report: PREVIOUS_YEAR_FIGURES from the previous report's, 三公经费上年决算
    falling back to the sum of the previous 三公经费 table's totals; every other figure blank."""
    columns, placeholders, params = _defaults(BaseData, skip={"report", *PREVIOUS_YEAR_FIGURES})
    carried, values = [], []
    three_public = (
        f"(SELECT SUM(t.{_column(ThreePublicRow, 'total')}) FROM {_table(ThreePublicRow)} t "
        f"WHERE t.{_column(ThreePublicRow, 'report')} = n.previous_id)"
    )
    for name, source in PREVIOUS_YEAR_FIGURES.items():
        carried.append(_column(BaseData, name))
        value = f"pb.{_column(BaseData, source)}"
        values.append(f"COALESCE({value}, {three_public})" if name == "three_public_prev_final" else value)
    cursor.execute(
        f"INSERT INTO {_table(BaseData)} ({_column(BaseData, 'report')}, {', '.join(carried)}, {', '.join(columns)}) "
        f"SELECT n.id, {', '.join(values)}, {', '.join(placeholders)} FROM {_new_reports_sql()} n "
        f"LEFT JOIN {_table(BaseData)} pb ON pb.{_column(BaseData, 'report')} = n.previous_id "
        f"ORDER BY n.id",
        [*params, evaluation_year.year, evaluation_year.pk],
    )


def _goals_create(cursor, evaluation_year):
    """Copies of the previous report's 定性目标 (预期目标 and order; 实际完成 and the rest the model's defaults)."""
    columns, placeholders, params = _defaults(QualitativeGoal, skip={"report", "order", "target"})
    order, target = _column(QualitativeGoal, "order"), _column(QualitativeGoal, "target")
    cursor.execute(
        f"INSERT INTO {_table(QualitativeGoal)} ({_column(QualitativeGoal, 'report')}, {order}, {target}, "
        f"{', '.join(columns)}) "
        f"SELECT n.id, g.{order}, g.{target}, {', '.join(placeholders)} FROM {_new_reports_sql()} n "
        f"JOIN {_table(QualitativeGoal)} g ON g.{_column(QualitativeGoal, 'report')} = n.previous_id "
        f"ORDER BY n.id, g.{order}, g.{q(QualitativeGoal._meta.pk.column)}",
        [*params, evaluation_year.year, evaluation_year.pk],
    )


def _prefilled_count(cursor, evaluation_year):
    cursor.execute(f"SELECT COUNT(*) FROM {_new_reports_sql()} n WHERE n.previous_id IS NOT NULL",
                   [evaluation_year.year, evaluation_year.pk])
    return cursor.fetchone()[0]


def _score_entries_create(cursor, evaluation_year, rubric):
    """An empty ScoreEntry for every report of the year × every 三级指标 of its rubric (the largest table of a
    year: 25 rows a department)."""
    columns, placeholders, params = _defaults(ScoreEntry, skip={"report", "indicator"})
    report, indicator = Report._meta, Indicator._meta
    cursor.execute(
        f"INSERT INTO {_table(ScoreEntry)} ({_column(ScoreEntry, 'report')}, {_column(ScoreEntry, 'indicator')}, "
        f"{', '.join(columns)}) "
        f"SELECT r.{q(report.pk.column)}, i.{q(indicator.pk.column)}, {', '.join(placeholders)} "
        f"FROM {_table(Report)} r CROSS JOIN {_table(Indicator)} i "
        f"WHERE r.{_column(Report, 'evaluation_year')} = %s AND i.{_column(Indicator, 'rubric')} = %s "
        f"AND i.{_column(Indicator, 'level')} = %s "
        f"ORDER BY r.{q(report.pk.column)}, i.{_column(Indicator, 'order')}, i.{q(indicator.pk.column)}",
        [*params, evaluation_year.pk, rubric.pk, Level.THIRD],
    )


@transaction.atomic
def year_open(*, year, rubric, deadline, bands=DEFAULT_GRADE_BANDS):
    """Create evaluation year `year` and a 草稿 report for every active department, prefilled.

    Writes the EvaluationYear and its GradeBands, one Report per active department (cover issuer
    from its bureau, carried fields from its latest earlier report), its BaseData, copies of the
    earlier 定性目标 texts and an empty ScoreEntry per 三级指标 of the rubric: each table in one
    INSERT … SELECT, so the queries do not grow with departments. Raises ValidationError when the
    year exists or the bands are invalid. Returns YearOpened.
    """
    if EvaluationYear.objects.filter(year=year).exists():
        raise ValidationError({"year": _("%(year)s年度已开启，不能重复开启。") % {"year": year}})
    evaluation_year = year_create(year=year, rubric=rubric, deadline=deadline, bands=bands)
    with connection.cursor() as cursor:
        created = _reports_create(cursor, evaluation_year)
        _base_data_create(cursor, evaluation_year)
        _goals_create(cursor, evaluation_year)
        _score_entries_create(cursor, evaluation_year, rubric)
        prefilled = _prefilled_count(cursor, evaluation_year)
    audit_record(event=Event.YEAR_OPEN, obj=evaluation_year, detail=_(
        "开启%(year)s年度：评分表“%(rubric)s”，截止日期%(deadline)s，创建草稿报告%(created)s份（沿用上年数据%(prefilled)s份）"
    ) % {"year": year, "rubric": rubric.name, "deadline": deadline or "—", "created": created,
         "prefilled": prefilled})
    return YearOpened(evaluation_year=evaluation_year, created=created, prefilled=prefilled)
