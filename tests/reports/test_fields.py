from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from reports.fields import CountField, LongTextField, MoneyField, PercentField, ScoreField


@pytest.mark.parametrize(("typed", "expected"), [
    ("260.48", Decimal("260.48")),
    ("1,234.50", Decimal("1234.50")),
    ("２６０．４８", Decimal("260.48")),
    ("１，２３４．５", Decimal("1234.50")),
    ("  92.43  ", Decimal("92.43")),
    ("\u3000117.02\u3000", Decimal("117.02")),
    ("0", Decimal("0.00")),
    ("0.00", Decimal("0.00")),
    ("5", Decimal("5.00")),
    (".5", Decimal("0.50")),
    ("1.500", Decimal("1.50")),
    ("260.48万元", Decimal("260.48")),
    ("260.48 万元", Decimal("260.48")),
    ("+12", Decimal("12.00")),
    ("-0", Decimal("0.00")),
])
def test_money_field_normalises_what_a_clerk_types(typed, expected):
    assert MoneyField().clean(typed) == expected


@pytest.mark.parametrize("typed", ["", "   ", "\u3000", None])
def test_money_field_blank_is_none_not_zero(typed):
    assert MoneyField().clean(typed) is None


@pytest.mark.parametrize(("typed", "message"), [
    ("1.234", "金额最多保留两位小数（单位：万元）。"),
    ("260.485", "金额最多保留两位小数（单位：万元）。"),
    ("-1.00", "金额不能为负数。"),
    ("－５", "金额不能为负数。"),
    ("NaN", "请输入金额数字（单位：万元），如 1234.50。"),
    ("nan", "请输入金额数字（单位：万元），如 1234.50。"),
    ("Infinity", "请输入金额数字（单位：万元），如 1234.50。"),
    ("-inf", "请输入金额数字（单位：万元），如 1234.50。"),
    ("1e3", "请直接写出数字，不要使用科学计数法。"),
    ("2.6E+2", "请直接写出数字，不要使用科学计数法。"),
    ("二百六十", "请输入金额数字（单位：万元），如 1234.50。"),
    ("abc", "请输入金额数字（单位：万元），如 1234.50。"),
    ("12,34", "千位分隔符位置不对，请写成 1,234.50 或 1234.50。"),
    ("1,2345.00", "千位分隔符位置不对，请写成 1,234.50 或 1234.50。"),
    ("2604800元", "金额单位为万元，请换算后填写（1万元 = 10000元）。"),
    ("1.2.3", "请输入金额数字（单位：万元），如 1234.50。"),
    ("123456789012345", "金额过大，请检查单位是否为万元。"),
])
def test_money_field_refuses_with_a_chinese_message(typed, message):
    with pytest.raises(ValidationError) as caught:
        MoneyField().clean(typed)

    assert caught.value.messages == [message]


def test_signed_money_field_accepts_a_negative_balance():
    assert MoneyField(signed=True).clean("-12.30") == Decimal("-12.30")
    assert MoneyField(signed=True).clean("－１２．３") == Decimal("-12.30")


def test_money_field_shows_a_stored_amount_with_its_two_decimals():
    assert MoneyField().prepare_value(Decimal("260.48")) == "260.48"
    assert MoneyField().prepare_value(Decimal("0.00")) == "0.00"


@pytest.mark.parametrize(("typed", "expected"), [
    ("23", 23), ("２３", 23), (" 23人 ", 23), ("13人", 13), ("0", 0), ("1,200", 1200), ("3个", 3), ("12.0", 12), ("123456", 123456),
])
def test_count_field_accepts_whole_numbers_with_their_unit(typed, expected):
    assert CountField().clean(typed) == expected


@pytest.mark.parametrize(("typed", "message"), [
    ("12.5", "请填写整数。"),
    ("-3", "人数或个数不能为负数。"),
    ("十二", "请输入整数，如 23。"),
    ("1e2", "请直接写出数字，不要使用科学计数法。"),
    ("1234567890", "数字过大，请检查。"),
])
def test_count_field_refuses_what_is_not_a_count(typed, message):
    with pytest.raises(ValidationError) as caught:
        CountField().clean(typed)

    assert caught.value.messages == [message]


@pytest.mark.parametrize(("typed", "expected"), [("98", Decimal("98.00")), ("98%", Decimal("98.00")),
                                                 ("９８．５％", Decimal("98.50")), ("100", Decimal("100.00"))])
def test_percent_field_accepts_a_percentage_with_or_without_the_sign(typed, expected):
    assert PercentField().clean(typed) == expected


def test_percent_field_refuses_more_than_a_hundred():
    with pytest.raises(ValidationError) as caught:
        PercentField().clean("101")

    assert caught.value.messages == ["百分数应在0至100之间。"]


@pytest.mark.parametrize(("typed", "expected"), [("5", Decimal("5.00")), ("4.5分", Decimal("4.50")), ("４．５", Decimal("4.50"))])
def test_score_field_reads_scores(typed, expected):
    assert ScoreField().clean(typed) == expected


def test_score_field_shows_a_stored_score_without_trailing_zeros():
    assert ScoreField().prepare_value(Decimal("5.00")) == "5"
    assert ScoreField().prepare_value(Decimal("4.50")) == "4.5"


def test_long_text_keeps_line_breaks_as_newlines():
    assert LongTextField().clean("第一行\r\n第二行\r第三行\n") == "第一行\n第二行\n第三行"
