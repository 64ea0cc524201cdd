import json
from decimal import Decimal

import pytest

from scoring.framework import DEFINITIONS
from scoring.rules import FIGURE_LABELS
from scoring.services import (
    RUBRIC_TEMPLATES,
    frozen_rubric,
    frozen_rubric_scored_rows,
    frozen_rubrics_forget,
    rubric_get_or_create_default,
    rubric_get_or_create_template,
    rubric_nodes_from_data,
    rubric_nodes_from_db,
    rubric_scored_rows,
    year_create,
)
from scoring.validators import rubric_problems, validate_rubric

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


@pytest.mark.parametrize("key", sorted(RUBRIC_TEMPLATES))
def test_scored_rows_are_the_third_level_rows_with_their_parents_and_leads_in_one_query(key, django_assert_num_queries):
    rubric = rubric_get_or_create_template(key)
    joined = list(rubric.indicators.filter(level=3).select_related(
        "parent", "parent__parent", "shares_points_with").order_by("order"))

    with django_assert_num_queries(1):
        rows = rubric_scored_rows(rubric.pk)
        linked = [(r.code, r.parent.code, r.parent.parent.code, r.shares_points_with_id and r.shares_points_with.code,
                   r.max_points) for r in rows]

    assert linked == [(r.code, r.parent.code, r.parent.parent.code, r.shares_points_with_id and r.shares_points_with.code,
                       r.max_points) for r in joined]
    assert len(linked) == len(joined) > 0


def test_a_frozen_rubrics_rows_are_read_once_per_period_and_a_new_rubric_afresh(django_assert_num_queries, monkeypatch):
    from scoring import services

    rubric = rubric_get_or_create_template(sorted(RUBRIC_TEMPLATES)[0])
    with django_assert_num_queries(1):
        first = frozen_rubric_scored_rows(rubric)
    with django_assert_num_queries(0):
        again = frozen_rubric_scored_rows(rubric)
    assert again is first and [r.code for r in first] == [r.code for r in rubric_scored_rows(rubric.pk)]

    copy = type(rubric).objects.get(pk=rubric.pk)
    copy.created_at = copy.created_at.replace(year=2000)  # a new rubric that got the same pk
    with django_assert_num_queries(1):
        assert frozen_rubric_scored_rows(copy) is not first

    monkeypatch.setattr(services, "FROZEN_ROWS_SECONDS", -1)  # what is kept from now on has expired at once
    copy.created_at = copy.created_at.replace(year=2001)
    frozen_rubric_scored_rows(copy)
    with django_assert_num_queries(1):
        frozen_rubric_scored_rows(copy)


@pytest.mark.parametrize("template", sorted(RUBRIC_TEMPLATES))
def test_a_frozen_rubric_holds_the_nodes_and_rows_read_from_the_database(template, django_assert_num_queries):
    rubric = rubric_get_or_create_template(template)
    frozen_rubrics_forget()

    with django_assert_num_queries(1):
        frozen = frozen_rubric(rubric)

    assert list(frozen.nodes) == rubric_nodes_from_db(rubric)
    fresh = rubric_scored_rows(rubric.pk)
    assert [(r.pk, r.code, r.max_points, r.parent.code, r.shares_points_with_id) for r in frozen.scored_rows] == [
        (r.pk, r.code, r.max_points, r.parent.code, r.shares_points_with_id) for r in fresh]
    assert frozen_rubric_scored_rows(rubric) is frozen.scored_rows


def test_default_rubric_is_created_once():
    first = rubric_get_or_create_default()

    second = rubric_get_or_create_default()

    assert first.pk == second.pk


def test_year_create_sets_default_grade_bands():
    year = year_create(year=2021, rubric=rubric_get_or_create_default())

    assert list(year.grade_bands.values_list("label", "min_score")) == [
        ("优秀", Decimal("90")), ("良好", Decimal("80")), ("中", Decimal("60")), ("差", Decimal("0")),
    ]


@pytest.mark.parametrize("key", sorted(RUBRIC_TEMPLATES))
def test_every_template_adds_up_and_every_rule_can_score(key):
    nodes = rubric_nodes_from_data(json.loads(RUBRIC_TEMPLATES[key].read_text(encoding="utf-8")))

    validate_rubric(nodes, figure_keys=FIGURE_LABELS.keys())


def test_the_framework_template_uses_every_framework_rule_kind():
    nodes = rubric_nodes_from_data(json.loads(RUBRIC_TEMPLATES["framework_2013"].read_text(encoding="utf-8")))

    assert sorted({n["rule_kind"] for n in nodes} & set(DEFINITIONS)) == sorted(DEFINITIONS)
