"""Reports built with the ORM for the scoring tests, and the demo's seed report."""
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from budgets.models import BaseData, ExpenditureRow, FixedAssetRow, IncomeRow, ThreePublicRow
from reports.models import QuantitativeIndicator, Report, ScoreEntry
from scoring.services import rubric_get_or_create_default, year_create
from tests.factories import DepartmentFactory


@pytest.fixture
def year_2021(db):
    return year_create(year=2021, rubric=rubric_get_or_create_default())


def make_report(year, *, scores=None, base_data=None, income=None, expenditure=None, three_public=None,
                fixed_assets=None, quantitative=(), **fields):
    """A report of `year` with the given 基本概况 fields, table rows, base data, 定量目标 and scores.

    `scores` maps an indicator code to a dict of ScoreEntry fields (self_score, inputs, ...).
    """
    report = Report.objects.create(evaluation_year=year, department=DepartmentFactory(), **fields)
    for model, rows in ((IncomeRow, income), (ExpenditureRow, expenditure), (ThreePublicRow, three_public),
                        (FixedAssetRow, fixed_assets)):
        for order, row in enumerate(rows or ()):
            model.objects.create(report=report, org_name=report.department.name, order=order, **row)
    if base_data is not None:
        BaseData.objects.create(report=report, **base_data)
    for order, (category, target, actual) in enumerate(quantitative):
        QuantitativeIndicator.objects.create(report=report, order=order, category=category, target=target, actual=actual)
    indicators = {i.code: i for i in year.rubric.indicators.all()}
    for code, values in (scores or {}).items():
        ScoreEntry.objects.create(report=report, indicator=indicators[code], **values)
    return report


@pytest.fixture
def seed_report(db):
    """岳阳楼区融媒体中心's 2021 report as `manage.py load_demo` loads it."""
    call_command("load_demo", stdout=io.StringIO())
    return Report.objects.select_related("evaluation_year__rubric", "department").get(
        evaluation_year__year=2021, department__code="106019"
    )


def d(value):
    return None if value is None else Decimal(value)
