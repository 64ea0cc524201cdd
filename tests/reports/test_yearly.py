import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from budgets.models import BaseData, ThreePublicRow
from reports.enums import Status
from reports.models import QualitativeGoal, Report, ScoreEntry
from reports.yearly import year_open
from scoring.services import rubric_get_or_create_default, year_create
from tests.factories import BureauFactory, DepartmentFactory
from tests.reports.yearly_legacy import legacy_year_open

pytestmark = pytest.mark.django_db

DEADLINE = datetime.date(2023, 5, 31)


@pytest.fixture
def rubric():
    return rubric_get_or_create_default()


def earlier_report(department, year, rubric, **fields):
    evaluation_year = year if not isinstance(year, int) else year_create(year=year, rubric=rubric)
    return Report.objects.create(evaluation_year=evaluation_year, department=department, **fields)


def test_year_open_creates_a_draft_report_for_every_active_department(rubric):
    active = [DepartmentFactory(code="106019"), DepartmentFactory(code="106020")]
    DepartmentFactory(code="106099", is_active=False)

    opened = year_open(year=2022, rubric=rubric, deadline=DEADLINE)

    reports = Report.objects.filter(evaluation_year=opened.evaluation_year).order_by("department__code")
    assert [(r.department, r.status, r.issuer) for r in reports] == [
        (active[0], Status.DRAFT, "岳阳楼区财政局（制）"), (active[1], Status.DRAFT, "岳阳楼区财政局（制）"),
    ]
    assert (opened.created, opened.prefilled) == (2, 0)
    assert (opened.evaluation_year.year, opened.evaluation_year.deadline, opened.evaluation_year.rubric) == (
        2022, DEADLINE, rubric,
    )


def test_year_open_uses_the_chosen_grade_bands(rubric):
    bands = [("优秀", Decimal("80")), ("良好", Decimal("70")), ("合格", Decimal("60")), ("不合格", Decimal("0"))]

    opened = year_open(year=2022, rubric=rubric, deadline=DEADLINE, bands=bands)

    assert list(opened.evaluation_year.grade_bands.values_list("label", "min_score")) == bands


def test_year_open_prefills_facts_base_data_and_goal_texts_from_the_latest_earlier_report(rubric):
    department = DepartmentFactory(code="106019")
    year_2020 = year_create(year=2020, rubric=rubric)
    earlier_report(department, year_2020, rubric, contact_name="旧联系人")
    previous = earlier_report(
        department, 2021, rubric, contact_name="孟庆红", contact_phone="8245359", staff_quota=13,
        actual_headcount=23, in_service_count=12, retired_count=3, temporary_count=8,
        functions="负责全区新闻宣传", achievements="本年度成绩", issuer="岳阳楼区财政局（制）",
    )
    BaseData.objects.create(report=previous, three_public_final=Decimal("2.81"), budget_initial=Decimal("260.48"))
    QualitativeGoal.objects.create(report=previous, order=1, target="做好新闻宣传", actual="已完成")
    QualitativeGoal.objects.create(report=previous, order=2, target="控制三公经费", actual="已完成")

    opened = year_open(year=2022, rubric=rubric, deadline=DEADLINE)

    report = Report.objects.get(evaluation_year=opened.evaluation_year, department=department)
    assert (
        report.contact_name, report.contact_phone, report.staff_quota, report.actual_headcount,
        report.in_service_count, report.retired_count, report.temporary_count, report.functions, report.achievements,
    ) == ("孟庆红", "8245359", 13, 23, 12, 3, 8, "负责全区新闻宣传", "")
    base = BaseData.objects.get(report=report)
    assert (base.three_public_prev_final, base.three_public_final, base.budget_initial) == (Decimal("2.81"), None, None)
    assert list(report.qualitative_goals.values_list("order", "target", "actual")) == [
        (1, "做好新闻宣传", ""), (2, "控制三公经费", ""),
    ]
    assert opened.prefilled == 1


def test_previous_three_public_falls_back_to_the_table_total(rubric):
    department = DepartmentFactory()
    previous = earlier_report(department, 2021, rubric)
    ThreePublicRow.objects.create(report=previous, org_name="本级", order=1, total=Decimal("2.81"))
    ThreePublicRow.objects.create(report=previous, org_name="下属单位", order=2, total=Decimal("1.10"))

    opened = year_open(year=2022, rubric=rubric, deadline=DEADLINE)

    assert BaseData.objects.get(report__evaluation_year=opened.evaluation_year).three_public_prev_final == Decimal("3.91")


def test_year_open_takes_last_years_three_public_budget_and_carryover_as_this_years_previous_figures(rubric):
    department = DepartmentFactory()
    previous = earlier_report(department, 2021, rubric)
    BaseData.objects.create(report=previous, three_public_budget=Decimal("3.00"), three_public_final=Decimal("2.81"),
                            carryover_total=Decimal("12.50"))

    opened = year_open(year=2022, rubric=rubric, deadline=DEADLINE)

    base = BaseData.objects.get(report__evaluation_year=opened.evaluation_year)
    assert (base.three_public_prev_budget, base.three_public_prev_final, base.carryover_prev_total,
            base.three_public_budget) == (Decimal("3.00"), Decimal("2.81"), Decimal("12.50"), None)


def test_a_department_without_an_earlier_report_starts_blank(rubric):
    department = DepartmentFactory(bureau=BureauFactory(name="君山区财政局", region="君山区"))

    opened = year_open(year=2022, rubric=rubric, deadline=DEADLINE)

    report = Report.objects.get(evaluation_year=opened.evaluation_year, department=department)
    assert (report.contact_name, report.staff_quota, report.issuer, report.qualitative_goals.count()) == (
        "", None, "君山区财政局（制）", 0,
    )
    assert BaseData.objects.get(report=report).three_public_prev_final is None


def test_year_open_creates_an_empty_score_entry_for_every_third_level_indicator(rubric):
    department = DepartmentFactory()

    opened = year_open(year=2022, rubric=rubric, deadline=DEADLINE)

    entries = ScoreEntry.objects.filter(report__evaluation_year=opened.evaluation_year, report__department=department)
    assert entries.count() == 25
    assert set(entries.values_list("self_score", "review_score")) == {(None, None)}


def test_opening_a_year_twice_is_refused_and_changes_nothing(rubric):
    DepartmentFactory()
    year_open(year=2022, rubric=rubric, deadline=DEADLINE)

    with pytest.raises(ValidationError) as error:
        year_open(year=2022, rubric=rubric, deadline=DEADLINE)

    assert error.value.message_dict == {"year": ["2022年度已开启，不能重复开启。"]}
    assert Report.objects.count() == 1


def test_invalid_bands_write_nothing(rubric):
    DepartmentFactory()

    with pytest.raises(ValidationError) as error:
        year_open(year=2022, rubric=rubric, deadline=DEADLINE, bands=[("优秀", Decimal("90"))])

    assert error.value.messages == ["最低的评价等次应从0分起，否则部分总分没有等次。"]
    assert Report.objects.count() == 0


def earlier_year_of(departments, rubric):
    """`departments` departments with a 2021 report holding facts, 基础数据, a 三公经费 row and two goals."""
    year_2021 = year_create(year=2021, rubric=rubric)
    for n in range(departments):
        previous = earlier_report(DepartmentFactory(), year_2021, rubric, contact_name=f"联系人{n}", staff_quota=n)
        QualitativeGoal.objects.create(report=previous, order=2, target=f"目标乙{n}")
        QualitativeGoal.objects.create(report=previous, order=1, target=f"目标甲{n}", actual="已完成")
        BaseData.objects.create(report=previous, three_public_budget=Decimal("1.00"))
        ThreePublicRow.objects.create(report=previous, org_name="本级", order=1, total=Decimal(n))


def opening_queries(rubric):
    with CaptureQueriesContext(connection) as context:
        year_open(year=2022, rubric=rubric, deadline=DEADLINE)
    return len(context)


@pytest.mark.parametrize("departments", [3, 30])
def test_year_open_runs_the_same_queries_for_3_and_30_departments(rubric, departments):
    earlier_year_of(departments, rubric)

    queries = opening_queries(rubric)

    # savepoint, refusal check, the year and its bands (savepoint, 2 inserts, release), one INSERT … SELECT per
    # table (reports, 基础数据, 定性目标, score rows), the prefilled count, release; and its audit row: savepoint,
    # (PostgreSQL's chain lock,) chain head, insert, release.
    assert queries == 12 + (5 if connection.vendor == "postgresql" else 4)
    assert Report.objects.filter(evaluation_year__year=2022).count() == departments


def rows_of(year):
    """Every row the opening of `year` wrote, by department code, less primary keys and timestamps."""
    reports = Report.objects.filter(evaluation_year__year=year)
    code = {r.pk: r.department.code for r in reports.select_related("department")}

    def plain(model, queryset, drop=()):
        names = [f.attname for f in model._meta.concrete_fields
                 if not f.primary_key and f.attname not in ("created_at", "updated_at", *drop)]
        return sorted(
            (code[row["report_id"] if "report_id" in row else row["id"]],
             *(repr(row[n]) for n in names if n not in ("report_id", "id")))
            for row in queryset.values("id", *names)
        )

    return {
        "reports": plain(Report, reports, drop=("evaluation_year_id",)),  # a sequence does not roll back
        "base_data": plain(BaseData, BaseData.objects.filter(report__in=reports)),
        "goals": plain(QualitativeGoal, QualitativeGoal.objects.filter(report__in=reports)),
        "scores": plain(ScoreEntry, ScoreEntry.objects.filter(report__in=reports)),
    }


class Rollback(Exception):
    pass


def test_year_open_writes_the_same_rows_as_the_bulk_create_implementation(rubric):
    year_2020, year_2021 = year_create(year=2020, rubric=rubric), year_create(year=2021, rubric=rubric)
    full = DepartmentFactory(code="106001", bureau=BureauFactory(name="君山区财政局", region="君山区"))
    previous = earlier_report(full, year_2021, rubric, contact_name="孟庆红", contact_phone="8245359", staff_quota=13,
                              actual_headcount=23, functions="职能", issuer="自定机关", evaluation_method="第三方评价")
    earlier_report(full, year_2020, rubric, contact_name="旧联系人")
    BaseData.objects.create(report=previous, three_public_final=Decimal("2.81"), three_public_budget=Decimal("3"),
                            carryover_total=Decimal("12.50"), budget_initial=Decimal("260.48"))
    QualitativeGoal.objects.create(report=previous, order=2, target="第二", actual="已完成")
    QualitativeGoal.objects.create(report=previous, order=1, target="第一")
    table_only = DepartmentFactory(code="106002")
    older = earlier_report(table_only, year_2020, rubric, contact_name="", evaluation_body="")
    ThreePublicRow.objects.create(report=older, org_name="本级", order=1, total=Decimal("2.81"))
    ThreePublicRow.objects.create(report=older, org_name="下属", order=2, total=Decimal("1.10"))
    ThreePublicRow.objects.create(report=older, org_name="空", order=3, total=None)
    no_figures = DepartmentFactory(code="106003")
    earlier_report(no_figures, year_2021, rubric)
    DepartmentFactory(code="106004")
    DepartmentFactory(code="106005", is_active=False)
    try:
        with transaction.atomic():
            legacy = legacy_year_open(year=2022, rubric=rubric, deadline=DEADLINE)
            before = rows_of(2022)
            raise Rollback
    except Rollback:
        pass

    opened = year_open(year=2022, rubric=rubric, deadline=DEADLINE)

    assert rows_of(2022) == before
    assert (opened.created, opened.prefilled) == legacy == (4, 3)
    assert len(before["goals"]) == 2 and len(before["scores"]) == 4 * 25


def test_the_opened_years_reports_take_the_models_timestamps_and_revision(rubric):
    DepartmentFactory()
    before = timezone.now()

    year_open(year=2022, rubric=rubric, deadline=DEADLINE)

    report = Report.objects.get(evaluation_year__year=2022)
    assert (report.revision, report.status, report.verification_token, report.approved_pdf.name) == (
        1, Status.DRAFT, "", "")
    assert before <= report.created_at == report.updated_at <= timezone.now()


def test_the_opened_years_score_rows_are_blank_with_the_models_defaults(rubric):
    DepartmentFactory()
    DepartmentFactory()

    year_open(year=2022, rubric=rubric, deadline=DEADLINE)

    rows = ScoreEntry.objects.filter(report__evaluation_year__year=2022)
    leaves = rubric.indicators.filter(level=3).count()
    assert rows.count() == 2 * leaves
    values = rows.values_list("self_score", "deduction_reason", "review_score", "review_note", "inputs",
                              "suggested_score", "suggestion_trace", "flagged")
    assert {repr(row) for row in values} == {repr((None, "", None, "", {}, None, "", False))}
