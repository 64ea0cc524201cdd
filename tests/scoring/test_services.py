from decimal import Decimal

import pytest

from scoring.services import rubric_get_or_create_default, rubric_nodes_from_db, year_create
from scoring.validators import rubric_problems

pytestmark = pytest.mark.django_db


def test_default_rubric_is_the_seed_2021_rubric_with_25_scored_rows():
    rubric = rubric_get_or_create_default()

    nodes = rubric_nodes_from_db(rubric)

    assert [n["level"] for n in nodes].count(1) == 4
    assert [n["level"] for n in nodes].count(2) == 6
    assert [n["level"] for n in nodes].count(3) == 25
    assert rubric_problems(nodes) == []
    assert [(n["label"], n["points"]) for n in nodes if n["level"] == 1] == [
        ("投入", Decimal("15")), ("过程", Decimal("40")), ("产出", Decimal("25")), ("效果", Decimal("20")),
    ]


def test_default_rubric_is_created_once():
    first = rubric_get_or_create_default()

    second = rubric_get_or_create_default()

    assert first.pk == second.pk


def test_year_create_sets_default_grade_bands():
    year = year_create(year=2021, rubric=rubric_get_or_create_default())

    assert list(year.grade_bands.values_list("label", "min_score")) == [
        ("优秀", Decimal("90")), ("良好", Decimal("80")), ("中", Decimal("60")), ("差", Decimal("0")),
    ]
