from decimal import Decimal as D

import pytest

from budgets.money import fmt_money, quantize, total


@pytest.mark.parametrize(("value", "expected"), [
    (None, ""), (D("0"), "0"), (D("0.00"), "0"), (D("260.48"), "260.48"), (D("5"), "5.00"), (D("1.005"), "1.01"),
    (D("-2.345"), "-2.35"),
])
def test_fmt_money_prints_blank_zero_and_two_decimals(value, expected):
    assert fmt_money(value) == expected


def test_quantize_rounds_half_up():
    assert quantize(D("0.125")) == D("0.13")
    assert quantize(D("0.124")) == D("0.12")
    assert quantize(None) is None


def test_total_distinguishes_nothing_entered_from_zero():
    assert total([None, None]) is None
    assert total([None, D("0")]) == D("0")
    assert total([D("143.46"), D("117.02"), None]) == D("260.48")
