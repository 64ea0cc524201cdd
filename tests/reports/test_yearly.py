import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from budgets.models import BaseData, ThreePublicRow
from reports.enums import Status
from reports.models import QualitativeGoal, Report, ScoreEntry
from reports.yearly import year_open
from scoring.services import rubric_get_or_create_default, year_create
from tests.factories import BureauFactory, DepartmentFactory

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


@pytest.mark.parametrize("departments", [1, 3])
def test_year_open_runs_a_constant_number_of_queries(rubric, departments, django_assert_num_queries):
    year_2021 = year_create(year=2021, rubric=rubric)
    for _n in range(departments):
        previous = earlier_report(DepartmentFactory(), year_2021, rubric, contact_name="联系人")
        QualitativeGoal.objects.create(report=previous, order=1, target="目标")
        BaseData.objects.create(report=previous, three_public_final=Decimal("1.00"))

    # 17 to open the year (the score rows in one INSERT … SELECT), then its audit row: savepoint, (PostgreSQL's chain lock,) chain head, insert, release.
    audit_queries = 5 if connection.vendor == "postgresql" else 4
    with django_assert_num_queries(17 + audit_queries):
        year_open(year=2022, rubric=rubric, deadline=DEADLINE)


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
