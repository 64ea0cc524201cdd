from decimal import Decimal as D
from types import SimpleNamespace

import pytest

from reports.enums import Category
from scoring.inputs import (
    TABLE_MIRRORS,
    declared_percentage,
    is_declared_none,
    mirrors_of,
    report_entries,
    report_figures,
    report_mirrors,
)
from tests.scoring.conftest import make_report


def goal(target, actual):
    return SimpleNamespace(target=target, actual=actual)


@pytest.mark.parametrize(("indicators", "declared_none"), [
    ([], True),
    ([goal("无", "无")], True),
    ([goal("无", "")], True),
    ([goal(" 无。", "无 ")], True),
    ([goal("无", "已完成")], False),
    ([goal("带动就业", "无")], False),
    ([goal("无", "无"), goal("增收", "已完成")], False),
])
def test_is_declared_none(indicators, declared_none):
    assert is_declared_none(indicators) is declared_none


@pytest.mark.parametrize(("actuals", "value"), [
    (["98%"], D("98")), (["98.5 ％"], D("98.5")), (["约98%"], None), (["已完成"], None), (["98%", "95%"], None),
    (["120%"], None), ([], None),
])
def test_declared_percentage(actuals, value):
    assert declared_percentage([goal("", a) for a in actuals]) == value


@pytest.mark.django_db
def test_a_blank_report_has_only_blank_figures(year_2021):
    figures = report_figures(make_report(year_2021))

    assert {k: v for k, v in figures.items() if v is not None and k != "declared_none"} == {}
    assert figures["declared_none"] == {Category.SOCIAL: True, Category.ECONOMIC: True, Category.ECOLOGICAL: True}


@pytest.mark.django_db
def test_figures_add_up_the_units_rows_and_keep_blank_apart_from_zero(year_2021):
    report = make_report(
        year_2021, staff_quota=13, in_service_count=12,
        income=[{"total": D("200.5"), "carried_over": D(0)}, {"total": D("60")}],
        expenditure=[{"total": D("260.5")}, {"total": None, "project": None}],
        base_data={"satisfaction": D("98.00"), "special_fund_count": 0},
        quantitative=[(Category.ECONOMIC, "无", "无"), (Category.SOCIAL, "获奖", "98%"),
                      (Category.SATISFACTION, "反响良好", "97%")],
    )

    figures = report_figures(report)

    assert {k: figures[k] for k in ("report.staff_quota", "report.in_service_count", "income.total",
                                    "income.carried_over", "expenditure.total", "expenditure.project",
                                    "base_data.satisfaction", "base_data.special_fund_count", "base_data.card_due",
                                    "satisfaction_declared")} == {
        "report.staff_quota": 13, "report.in_service_count": 12, "income.total": D("260.5"),
        "income.carried_over": D(0), "expenditure.total": D("260.5"), "expenditure.project": None,
        "base_data.satisfaction": D("98"), "base_data.special_fund_count": 0, "base_data.card_due": None,
        "satisfaction_declared": D("97"),
    }
    assert figures["declared_none"] == {Category.SOCIAL: False, Category.ECONOMIC: True, Category.ECOLOGICAL: True}


@pytest.mark.django_db
def test_report_entries_by_indicator_code(year_2021):
    report = make_report(year_2021, scores={
        "fund_balance": {"self_score": D(2), "deduction_reason": "有结余", "inputs": {}},
        "budget_rules": {"self_score": D(3), "review_score": D(2), "inputs": {"checked": [True, True, False]}},
    })

    assert report_entries(report) == {
        "fund_balance": {"self_score": D(2), "review_score": None, "deduction_reason": "有结余", "inputs": {}},
        "budget_rules": {"self_score": D(3), "review_score": D(2), "deduction_reason": "",
                         "inputs": {"checked": [True, True, False]}},
    }


def test_the_base_figures_the_tables_also_hold_come_from_the_frameworks_fallbacks():
    assert TABLE_MIRRORS == {
        "base_data.three_public_final": "three_public.total",
        "base_data.project_expenditure": "expenditure.project",
        "base_data.public_funds_actual": "expenditure.public_use",
    }


def test_mirrors_tell_which_base_figures_differ_from_their_tables_and_by_how_much():
    figures = {"base_data.three_public_final": D("3.20"), "three_public.total": D("2.81"),
               "base_data.project_expenditure": D("35.50"), "expenditure.project": D("35.50"),
               "base_data.public_funds_actual": None, "expenditure.public_use": D("117.02")}

    mirrors = mirrors_of(figures)

    assert [(m.field, m.base_label, m.table_label, m.differs, m.difference) for m in mirrors] == [
        ("three_public_final", "三公经费本年决算数", "三公经费表合计", True, D("0.39")),
        ("project_expenditure", "项目支出", "支出表项目支出", False, None),
        ("public_funds_actual", "公用经费实际支出数", "支出表公用支出", False, None),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("base_data", [None, {"three_public_final": D("3.20"), "project_expenditure": D("35.50")}])
def test_the_mirrors_read_alone_are_those_of_all_the_figures(year_2021, django_assert_max_num_queries, base_data):
    report = make_report(
        year_2021, expenditure=[{"total": D("260.5"), "project": D("35.5"), "public_use": D("1.25")},
                                {"total": D("1"), "project": D("0.25")}],
        three_public=[{"total": D("2.81")}], base_data=base_data,
        quantitative=[(Category.SATISFACTION, "反响良好", "97%")],
    )
    expected = mirrors_of(report_figures(type(report).objects.get(pk=report.pk)))
    report = type(report).objects.get(pk=report.pk)

    with django_assert_max_num_queries(3):  # 基础数据, the 支出 table and the 三公经费 table
        mirrors = report_mirrors(report)

    assert mirrors == expected
    assert [m.table_value for m in mirrors] == [D("2.81"), D("35.75"), D("1.25")]
