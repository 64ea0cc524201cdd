from decimal import Decimal as D

import pytest

from scoring.grades import DEFAULT_GRADE_BANDS, grade_for

CUSTOM = [("合格", D(60)), ("不合格", D(0)), ("优", D(80)), ("良", D(70))]  # any order


@pytest.mark.parametrize(("total", "grade"), [
    (D(100), "优秀"), (D(98), "优秀"), (D(90), "优秀"), (D("89.99"), "良好"), (D("89.5"), "良好"), (D(80), "良好"),
    (D("79.99"), "中"), (D(60), "中"), (D("59.99"), "差"), (D(0), "差"),
])
def test_default_bands_at_each_edge(total, grade):
    assert grade_for(total, DEFAULT_GRADE_BANDS) == grade


@pytest.mark.parametrize(("total", "grade"), [
    (D(80), "优"), (D("79.99"), "良"), (D(70), "良"), (D("69.99"), "合格"), (D(60), "合格"), (D("59.99"), "不合格"),
])
def test_an_installations_own_bands_in_any_order(total, grade):
    assert grade_for(total, CUSTOM) == grade


def test_no_total_has_no_grade():
    assert grade_for(None, DEFAULT_GRADE_BANDS) is None


def test_a_total_below_every_band_has_no_grade():
    assert grade_for(D(50), [("优秀", D(90)), ("良好", D(60))]) is None
