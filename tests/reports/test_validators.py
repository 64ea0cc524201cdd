from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError

from reports.validators import (
    validate_deduction_reason,
    validate_group_total,
    validate_headcount,
    validate_review_note,
    validate_score,
)


def test_seed_headcount_adds_up():
    validate_headcount({"actual_headcount": 23, "in_service_count": 12, "retired_count": 3, "temporary_count": 8})


def test_headcount_without_breakdown_is_not_checked():
    validate_headcount({"actual_headcount": 23})


def test_headcount_mismatch():
    with pytest.raises(ValidationError) as excinfo:
        validate_headcount({"actual_headcount": 22, "in_service_count": 12, "retired_count": 3, "temporary_count": 8})

    assert excinfo.value.message_dict == {
        "actual_headcount": ["实有人数应等于在职人数、退休人数与借调临聘人数之和：填写为 22，各项之和为 23。"]
    }


def test_headcount_breakdown_without_actual():
    with pytest.raises(ValidationError) as excinfo:
        validate_headcount({"in_service_count": 12, "retired_count": 3})

    assert excinfo.value.message_dict == {"actual_headcount": ["请填写实有人数（在职、退休、借调临聘人数之和为 15）。"]}


@pytest.mark.parametrize("value", [D("0"), D("0.5"), D("4.5"), D("5"), None])
def test_scores_within_range_and_step_pass(value):
    validate_score(value, D("5"), step=D("0.5"))


@pytest.mark.parametrize(("value", "expected"), [
    (D("-0.5"), "自评得分应在0至5分之间。"),
    (D("5.5"), "自评得分应在0至5分之间。"),
    (D("4.3"), "自评得分须为0.5分的整数倍。"),
    (D("4.25"), "自评得分须为0.5分的整数倍。"),
])
def test_scores_out_of_range_or_step(value, expected):
    with pytest.raises(ValidationError) as excinfo:
        validate_score(value, D("5"), step=D("0.5"))

    assert excinfo.value.message_dict == {"self_score": [expected]}


def test_review_score_message_names_the_review_field():
    with pytest.raises(ValidationError) as excinfo:
        validate_score(D("7"), D("6"), step=D("0.5"), field="review_score", label="复核得分")

    assert excinfo.value.message_dict == {"review_score": ["复核得分应在0至6分之间。"]}


def test_deduction_reason_required_below_full_points():
    validate_deduction_reason(D("3"), D("3"), "")
    validate_deduction_reason(D("2"), D("3"), "结余超过上年结转")
    with pytest.raises(ValidationError) as excinfo:
        validate_deduction_reason(D("2"), D("3"), "   ")

    assert excinfo.value.message_dict == {"deduction_reason": ["自评得分低于分值，请填写扣分原因。"]}


def test_review_note_required_when_reviewer_changes_a_score():
    validate_review_note(D("5"), D("5"), "")
    validate_review_note(None, D("5"), "")
    with pytest.raises(ValidationError) as excinfo:
        validate_review_note(D("4"), D("5"), "")

    assert excinfo.value.message_dict == {"review_note": ["复核得分与自评得分不同，请填写复核说明。"]}


def test_shared_points_group_may_not_exceed_its_points():
    validate_group_total(["经济效益", "社会效益", "生态效益"], [D("5"), D("5"), D("5")], D("15"))
    with pytest.raises(ValidationError) as excinfo:
        validate_group_total(["经济效益", "社会效益", "生态效益"], [D("5"), D("10"), D("0.5")], D("15"))

    assert excinfo.value.message_dict == {"self_score": ["经济效益、社会效益、生态效益共用分值15分，得分合计不能超过15分。"]}
