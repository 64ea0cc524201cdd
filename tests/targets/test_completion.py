from decimal import Decimal as D

import pytest

from targets.completion import NOT_ENTERED, Completion, completion, mean_rate, target_text
from targets.enums import Direction, Outcome


@pytest.mark.parametrize(("target", "actual", "rate", "met"), [
    ("129", "129", "100.00", True),
    ("129", "150", "116.28", True),
    ("129", "100", "77.52", False),
    ("200", "0", "0.00", False),
    ("3", "2", "66.67", False),
])
def test_at_least_is_actual_over_target(target, actual, rate, met):
    result = completion(Direction.AT_LEAST, target=D(target), actual=D(actual))

    assert (result.rate, result.met, result.shortfall) == (D(rate), met, not met)


@pytest.mark.parametrize(("target", "actual", "rate", "met"), [
    ("2.81", "2.81", "100.00", True),
    ("2.81", "1.5", "100.00", True),
    ("2.81", "3.2", "87.81", False),
    ("10", "40", "25.00", False),
])
def test_at_most_is_full_within_the_target_and_target_over_actual_beyond_it(target, actual, rate, met):
    result = completion(Direction.AT_MOST, target=D(target), actual=D(actual))

    assert (result.rate, result.met) == (D(rate), met)


@pytest.mark.parametrize(("target", "actual", "rate", "met"), [
    ("100", "100", "100.00", True),
    ("100", "95", "95.00", False),
    ("100", "110", "90.00", False),
    ("100", "300", "0.00", False),
])
def test_equal_loses_the_relative_deviation(target, actual, rate, met):
    result = completion(Direction.EQUAL, target=D(target), actual=D(actual))

    assert (result.rate, result.met) == (D(rate), met)


@pytest.mark.parametrize(("outcome", "rate", "met"), [
    (Outcome.MET, "100.00", True),
    (Outcome.MOSTLY, "80.00", False),
    (Outcome.PARTLY, "60.00", False),
    (Outcome.NOT_MET, "0.00", False),
])
def test_qualitative_rates_the_chosen_outcome(outcome, rate, met):
    result = completion(Direction.QUALITATIVE, outcome=outcome)

    assert (result.rate, result.met) == (D(rate), met)


def test_nothing_entered_is_neither_met_nor_a_shortfall():
    assert completion(Direction.AT_LEAST, target=D(5)) == NOT_ENTERED
    assert completion(Direction.QUALITATIVE, outcome="") == NOT_ENTERED
    assert NOT_ENTERED.shortfall is False


def test_a_zero_target_has_no_rate_but_still_says_whether_it_was_met():
    assert completion(Direction.AT_LEAST, target=D(0), actual=D(3)) == Completion(None, True, "指标值为0，不适用完成率")
    assert completion(Direction.AT_MOST, target=D(0), actual=D(1)) == Completion(None, False, "指标值为0，不适用完成率")
    assert completion(Direction.EQUAL, target=D(0), actual=D(0)).met is True


def test_the_trace_shows_the_formula():
    assert completion(Direction.AT_LEAST, target=D("129.0000"), actual=D("100")).trace == "100 ÷ 129 × 100% = 77.52%"
    assert completion(Direction.AT_MOST, target=D("10"), actual=D("40")).trace == "10 ÷ 40 × 100% = 25.00%"


def test_mean_rate_caps_each_rate_at_100_and_skips_the_unrated():
    rates = [completion(Direction.AT_LEAST, target=D(100), actual=D(a)) for a in ("150", "50")]

    assert mean_rate([*rates, NOT_ENTERED]) == D("75.00")
    assert mean_rate([NOT_ENTERED]) is None


def test_target_text_prints_direction_number_and_unit():
    assert target_text(Direction.AT_LEAST, D("129.0000"), "篇") == "≥ 129 篇"
    assert target_text(Direction.AT_MOST, D("2.81"), "万元") == "≤ 2.81 万元"
    assert target_text(Direction.QUALITATIVE, None, "", "社会反响良好") == "社会反响良好"
