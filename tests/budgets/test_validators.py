from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from budgets.validators import (
    validate_base_data,
    validate_expenditure_row,
    validate_fixed_asset_row,
    validate_income_row,
    validate_three_public_row,
)


def messages(excinfo):
    return excinfo.value.message_dict


def test_seed_income_row_is_valid():
    validate_income_row({"total": D("260.48"), "public_finance": D("260.48")})


def test_income_total_must_equal_its_parts():
    with pytest.raises(ValidationError) as excinfo:
        validate_income_row({"total": D("250.48"), "public_finance": D("260.48")})

    assert messages(excinfo) == {"total": [
        "收入合计应等于上年结转、公共财政拨款、政府基金拨款、纳入专户管理的非税收入拨款、其他收入之和："
        "填写为 250.48，各项之和为 260.48。"
    ]}


def test_income_total_missing_while_parts_entered():
    with pytest.raises(ValidationError) as excinfo:
        validate_income_row({"carried_over": D("10"), "other": D("0.5")})

    assert messages(excinfo) == {"total": [
        "请填写收入合计（上年结转、公共财政拨款、政府基金拨款、纳入专户管理的非税收入拨款、其他收入之和为 10.50）。"
    ]}


def test_income_total_without_any_part_is_refused_as_sum_zero():
    with pytest.raises(ValidationError) as excinfo:
        validate_income_row({"total": D("5.00")})

    assert messages(excinfo) == {"total": [
        "收入合计应等于上年结转、公共财政拨款、政府基金拨款、纳入专户管理的非税收入拨款、其他收入之和："
        "填写为 5.00，各项之和为 0。"
    ]}


def test_wholly_blank_rows_are_valid():
    validate_income_row({})
    validate_expenditure_row({})
    validate_three_public_row({})
    validate_fixed_asset_row({})


def test_seed_expenditure_row_is_valid():
    validate_expenditure_row({"total": D("260.48"), "basic": D("260.48"), "personnel": D("143.46"), "public_use": D("117.02")})


def test_expenditure_reports_both_identities_at_once():
    with pytest.raises(ValidationError) as excinfo:
        validate_expenditure_row({
            "total": D("300.00"), "basic": D("260.48"), "personnel": D("143.46"), "public_use": D("117.00"),
        })

    assert messages(excinfo) == {
        "total": ["支出合计应等于基本支出、项目支出之和：填写为 300.00，各项之和为 260.48。"],
        "basic": ["基本支出应等于人员支出、公用支出之和：填写为 260.48，各项之和为 260.46。"],
    }


def test_expenditure_surpluses_take_no_part_in_the_identities():
    validate_expenditure_row({
        "total": D("10"), "basic": D("10"), "personnel": D("10"), "current_surplus": D("-3.00"),
    })


def test_three_public_identity():
    validate_three_public_row({"total": D("2.81"), "reception": D("2.81")})
    with pytest.raises(ValidationError) as excinfo:
        validate_three_public_row({"total": D("2.81"), "reception": D("2.00"), "overseas": D("0.80")})

    assert messages(excinfo) == {"total": [
        "三公经费合计应等于公务接待费、公务用车运维费、公务用车购置费、因公出国费之和：填写为 2.81，各项之和为 2.80。"
    ]}


def test_fixed_asset_identity_counts_an_entered_zero():
    validate_fixed_asset_row({"total": D("92.43"), "in_use": D("92.43"), "rented": D("0")})
    with pytest.raises(ValidationError) as excinfo:
        validate_fixed_asset_row({"total": D("92.43"), "in_use": D("90.00"), "rented": D("0")})

    assert messages(excinfo) == {"total": [
        "固定资产合计应等于在用固定资产、出租固定资产、其他之和：填写为 92.43，各项之和为 90.00。"
    ]}


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ({"special_fund_count": 2, "special_fund_late_count": 3},
         {"special_fund_late_count": ["未按进度下达的专项个数（3）不能多于专项资金个数（2）。"]}),
        ({"project_expenditure": D("10"), "key_project_expenditure": D("12.5")},
         {"key_project_expenditure": ["重点项目支出（12.50）不能大于项目支出（10.00）。"]}),
    ],
)
def test_base_data_contradictions(values, expected):
    with pytest.raises(ValidationError) as excinfo:
        validate_base_data(values)

    assert messages(excinfo) == expected


def test_base_data_consistent_values_pass():
    validate_base_data({"special_fund_count": 2, "special_fund_late_count": 2,
                        "project_expenditure": D("10"), "key_project_expenditure": D("10")})


def test_base_data_work_counts_cannot_exceed_what_they_are_part_of():
    with pytest.raises(ValidationError) as excinfo:
        validate_base_data({"work_completed": 10, "work_timely": 11, "work_quality": 10, "work_planned": 8,
                            "key_work_assigned": 3, "key_work_completed": 4})

    assert messages(excinfo) == {
        "work_timely": ["及时完成工作数（11）不能多于实际完成工作数（10）。"],
        "key_work_completed": ["重点工作办结数（4）不能多于重点工作交办数（3）。"],
    }
