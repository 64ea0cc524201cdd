from decimal import Decimal

import pytest

from targets.enums import Category, Direction
from targets.models import Declaration, DeclaredGoal, DeclaredTask, TargetIndicator
from tests.reports.review_support import make_people


@pytest.fixture
def people(db):
    return make_people()


def declaration_of(department, year=2021):
    """A draft declaration with a task, a goal and three indicators (≥, ≤, 定性)."""
    declaration = Declaration.objects.create(department=department, year=year, budget_general=Decimal("260.48"))
    DeclaredTask.objects.create(declaration=declaration, order=1, text="负责全区新闻报道计划的制定实施")
    DeclaredGoal.objects.create(declaration=declaration, order=1, text="及时宣传报道区内大事")
    TargetIndicator.objects.create(
        declaration=declaration, order=1, category=Category.QUANTITY, name="中央级主流党媒发稿",
        direction=Direction.AT_LEAST, value=Decimal(129), unit="篇",
    )
    TargetIndicator.objects.create(
        declaration=declaration, order=2, category=Category.COST, name="三公经费支出",
        direction=Direction.AT_MOST, value=Decimal("2.81"), unit="万元",
    )
    TargetIndicator.objects.create(
        declaration=declaration, order=3, category=Category.SATISFACTION, name="社会反响",
        direction=Direction.QUALITATIVE, qualitative_value="良好",
    )
    return declaration


@pytest.fixture
def declaration(people):
    return declaration_of(people.department)
