from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring import rules
from scoring.rules import Figure, NotApplicable, Score

KEY_EXPENDITURE_BANDS = [
    {"min": "90", "score": "5"}, {"min": "80", "score": "4"}, {"min": "70", "score": "3"},
    {"min": "60", "score": "2"}, {"min": None, "score": "0"},
]
ADJUSTMENT_BANDS = [
    {"max": "0", "score": "3"}, {"max": "10", "score": "2"}, {"max": "20", "score": "1"},
    {"max": "30", "score": "0.5"}, {"max": None, "score": "0"},
]
SATISFACTION_BANDS = [
    {"min": "95", "score": "5"}, {"min": "85", "score": "3"}, {"min": "75", "score": "1"}, {"min": None, "score": "0"},
]


def staff(in_service, quota, **options):
    return rules.capped_ratio(
        Figure("在职人数", in_service), Figure("编制", quota), full=D(5), per_point=D("0.5"), **options
    )


# --- capped ratio -------------------------------------------------------------------------------
@pytest.mark.parametrize(("numerator", "expected"), [
    (D("12"), Score(D(5), "在职人数12 / 编制13 = 92.31%，不超过100%，得5分")),
    (D("9999"), Score(D(5), "在职人数9999 / 编制10000 = 99.99%，不超过100%，得5分")),
    (D("10000"), Score(D(5), "在职人数10000 / 编制10000 = 100%，不超过100%，得5分")),
    (D("10001"), Score(D("4.99"), "在职人数10001 / 编制10000 = 100.01%，超过100%共0.01个百分点，每个百分点扣0.5分，扣0.01分，得4.99分")),
    (D("11000"), Score(D(0), "在职人数11000 / 编制10000 = 110%，超过100%共10个百分点，每个百分点扣0.5分，扣5分（扣完为止），得0分")),
    (D("20000"), Score(D(0), "在职人数20000 / 编制10000 = 200%，超过100%共100个百分点，每个百分点扣0.5分，扣5分（扣完为止），得0分")),
])
def test_capped_ratio_pro_rata_at_its_boundaries(numerator, expected):
    quota = D(13) if numerator == D(12) else D(10000)

    assert staff(numerator, quota) == expected


@pytest.mark.parametrize(("numerator", "value"), [
    (D("9999"), D(5)), (D("10000"), D(5)), (D("10001"), D("4.5")), (D("10100"), D("4.5")), (D("10101"), D(4)),
])
def test_capped_ratio_per_started_point_deducts_a_whole_point_for_any_part(numerator, value):
    assert staff(numerator, D(10000), deduction=rules.PER_STARTED_POINT).value == value


def test_capped_ratio_per_started_point_trace_says_how_it_counts():
    assert staff(D("10001"), D(10000), deduction=rules.PER_STARTED_POINT).trace == (
        "在职人数10001 / 编制10000 = 100.01%，超过100%共0.01个百分点，不足一个百分点按一个计，计1个百分点，"
        "每个百分点扣0.5分，扣0.5分，得4.5分"
    )


def test_capped_ratio_with_zero_denominator_is_not_applicable():
    assert staff(D(12), D(0)) == NotApplicable("编制为0，无法计算比率", rules.NOT_APPLICABLE)


@pytest.mark.parametrize(("numerator", "denominator", "reason"), [
    (None, D(13), "缺少在职人数"), (D(12), None, "缺少编制"), (None, None, "缺少在职人数"),
])
def test_capped_ratio_with_a_missing_figure_says_which(numerator, denominator, reason):
    result = staff(numerator, denominator)

    assert result == NotApplicable(reason, rules.MISSING_DATA)
    assert result.trace == f"数据不足：{reason}"
    assert result.value is None


@pytest.mark.parametrize(("final", "expected"), [
    (D("2.81"), Score(D(5), "（本年决算2.81 − 上年决算3）/ 上年决算3 = -6.33%，不超过0%，得5分")),
    (D("3"), Score(D(5), "（本年决算3 − 上年决算3）/ 上年决算3 = 0%，不超过0%，得5分")),
    (D("3.0003"), Score(D("4.99"), "（本年决算3.0003 − 上年决算3）/ 上年决算3 = 0.01%，超过0%共0.01个百分点，每个百分点扣0.5分，扣0.01分，得4.99分")),
    (D("3.12"), Score(D(3), "（本年决算3.12 − 上年决算3）/ 上年决算3 = 4%，超过0%共4个百分点，每个百分点扣0.5分，扣2分，得3分")),
])
def test_change_rate_at_or_below_zero_scores_full(final, expected):
    result = rules.capped_ratio(
        Figure("本年决算", final), Figure("上年决算", D(3)), full=D(5), limit=D(0), per_point=D("0.5"), change=True
    )

    assert result == expected


def test_change_rate_with_zero_previous_year_is_not_applicable():
    result = rules.capped_ratio(
        Figure("本年决算", D(1)), Figure("上年决算", D(0)), full=D(5), limit=D(0), per_point=D("0.5"), change=True
    )

    assert result == NotApplicable("上年决算为0，无法计算比率")


def test_figure_note_leads_the_trace():
    result = rules.capped_ratio(
        Figure("三公经费本年决算", D("2.81"), "三公经费本年决算未填写，取三公经费表合计2.81"),
        Figure("三公经费本年预算", D(3)), full=D(6), per_point=D(1),
    )

    assert result.trace == (
        "三公经费本年决算未填写，取三公经费表合计2.81；三公经费本年决算2.81 / 三公经费本年预算3 = 93.67%，不超过100%，得6分"
    )


# --- floor ratio --------------------------------------------------------------------------------
@pytest.mark.parametrize(("actual", "value", "trace"), [
    (D("10001"), D(3), "政府采购实际10001 / 政府采购预算10000 = 100.01%，达到100%，得3分"),
    (D("10000"), D(3), "政府采购实际10000 / 政府采购预算10000 = 100%，达到100%，得3分"),
    # 0.01 points × 0.2 = 0.002, which rounds half up to a deduction of 0.
    (D("9999"), D(3), "政府采购实际9999 / 政府采购预算10000 = 99.99%，低于100%共0.01个百分点，每个百分点扣0.2分，扣0分，得3分"),
    (D("9997"), D("2.99"), "政府采购实际9997 / 政府采购预算10000 = 99.97%，低于100%共0.03个百分点，每个百分点扣0.2分，扣0.01分，得2.99分"),
    (D("9000"), D(1), "政府采购实际9000 / 政府采购预算10000 = 90%，低于100%共10个百分点，每个百分点扣0.2分，扣2分，得1分"),
    (D("0"), D(0), "政府采购实际0 / 政府采购预算10000 = 0%，低于100%共100个百分点，每个百分点扣0.2分，扣3分（扣完为止），得0分"),
])
def test_floor_ratio_at_its_boundaries(actual, value, trace):
    result = rules.floor_ratio(
        Figure("政府采购实际", actual), Figure("政府采购预算", D(10000)), full=D(3), per_point=D("0.2")
    )

    assert result == Score(value, trace)


@pytest.mark.parametrize(("actual", "value"), [(D("5001"), D(3)), (D("5000"), D(3)), (D("4999"), D("2.8")), (D("4900"), D("2.8"))])
def test_floor_ratio_at_fifty_percent_per_started_point(actual, value):
    result = rules.floor_ratio(
        Figure("公务卡实际刷卡金额", actual), Figure("公务卡应结算金额", D(10000)), full=D(3), floor=D(50),
        per_point=D("0.2"), deduction=rules.PER_STARTED_POINT,
    )

    assert result.value == value


def test_floor_ratio_with_zero_denominator_is_not_applicable():
    result = rules.floor_ratio(Figure("在用固定资产", D(0)), Figure("固定资产合计", D(0)), full=D(3), per_point=D("0.1"))

    assert result == NotApplicable("固定资产合计为0，无法计算比率")


# --- bands --------------------------------------------------------------------------------------
@pytest.mark.parametrize(("key", "value", "band"), [
    (D("100"), D(5), "90%（含）以上"), (D("90"), D(5), "90%（含）以上"), (D("89.99"), D(4), "80%（含）-90%"),
    (D("80"), D(4), "80%（含）-90%"), (D("79.99"), D(3), "70%（含）-80%"), (D("70"), D(3), "70%（含）-80%"),
    (D("69.99"), D(2), "60%（含）-70%"), (D("60"), D(2), "60%（含）-70%"), (D("59.99"), D(0), "低于60%"),
    (D("0"), D(0), "低于60%"),
])
def test_key_expenditure_bands_include_their_lower_edge(key, value, band):
    result = rules.bands(
        table=KEY_EXPENDITURE_BANDS, full=D(5), numerator=Figure("重点项目支出", key), denominator=Figure("项目支出", D(100))
    )

    assert result == Score(value, f"重点项目支出{rules.fmt(key)} / 项目支出100 = {rules.fmt(key)}%，属于“{band}”档，得{rules.fmt(value)}分")


@pytest.mark.parametrize(("adjustment", "value", "band"), [
    (D("0"), D(3), "=0%"), (D("0.01"), D(2), "0%-10%（含）"), (D("10"), D(2), "0%-10%（含）"),
    (D("10.01"), D(1), "10%-20%（含）"), (D("20"), D(1), "10%-20%（含）"), (D("20.01"), D("0.5"), "20%-30%（含）"),
    (D("30"), D("0.5"), "20%-30%（含）"), (D("30.01"), D(0), "大于30%"),
])
def test_adjustment_bands_include_their_upper_edge(adjustment, value, band):
    result = rules.bands(
        table=ADJUSTMENT_BANDS, full=D(3), numerator=Figure("预算调整数", adjustment),
        denominator=Figure("年初预算", D(100)), absolute=True,
    )

    assert result == Score(value, f"预算调整数{rules.fmt(adjustment)} / 年初预算100 = {rules.fmt(adjustment)}%，属于“{band}”档，得{rules.fmt(value)}分")


def test_adjustment_bands_count_a_cut_as_its_size():
    result = rules.bands(
        table=ADJUSTMENT_BANDS, full=D(3), numerator=Figure("预算调整数", D(-15)),
        denominator=Figure("年初预算", D(100)), absolute=True,
    )

    assert result == Score(D(1), "|预算调整数-15 / 年初预算100| = 15%，属于“10%-20%（含）”档，得1分")


@pytest.mark.parametrize(("satisfaction", "value"), [
    (D("95"), D(5)), (D("94.99"), D(3)), (D("85"), D(3)), (D("84.99"), D(1)), (D("75"), D(1)), (D("74.99"), D(0)),
])
def test_satisfaction_bands_at_each_edge(satisfaction, value):
    assert rules.bands(table=SATISFACTION_BANDS, full=D(5), value=Figure("满意度", satisfaction)).value == value


def test_satisfaction_trace():
    result = rules.bands(table=SATISFACTION_BANDS, full=D(5), value=Figure("满意度", D("98")))

    assert result.trace == "满意度98%，属于“95%（含）以上”档，得5分"


def test_bands_with_zero_denominator_or_missing_value():
    zero = rules.bands(table=KEY_EXPENDITURE_BANDS, full=D(5), numerator=Figure("重点项目支出", D(0)),
                       denominator=Figure("项目支出", D(0)))
    blank = rules.bands(table=SATISFACTION_BANDS, full=D(5), value=Figure("满意度", None))

    assert zero == NotApplicable("项目支出为0，无法计算比率")
    assert blank == NotApplicable("缺少满意度", rules.MISSING_DATA)


# --- balance ------------------------------------------------------------------------------------
def balance(accumulated=None, current=None, income=None, expenditure=None, carryover=None):
    return rules.balance(
        accumulated=Figure("累计结余", accumulated), current=Figure("当年结余", current),
        income_total=Figure("收入合计", income), expenditure_total=Figure("支出合计", expenditure),
        carryover=Figure("上年结转", carryover), none=D(3), within=D(2), above=D(0),
    )


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"income": D("260.48"), "expenditure": D("260.48")},
     Score(D(3), "累计结余、当年结余均未填写，按收入合计260.48 − 支出合计260.48 = 0计算结余，无结余，得3分")),
    ({"accumulated": D(0), "carryover": D(5)}, Score(D(3), "累计结余0，无结余，得3分")),
    ({"accumulated": D(5), "carryover": D(5)}, Score(D(2), "累计结余5，有结余但不超过上年结转5，得2分")),
    ({"accumulated": D("5.01"), "carryover": D(5)}, Score(D(0), "累计结余5.01，结余超过上年结转5，得0分")),
    ({"current": D(2), "carryover": D(3), "income": D(10), "expenditure": D(1)},
     Score(D(2), "累计结余未填写，取当年结余2，有结余但不超过上年结转3，得2分")),
    ({"income": D(10), "expenditure": D(9)},
     Score(D(0), "累计结余、当年结余均未填写，按收入合计10 − 支出合计9 = 1计算结余，结余超过上年结转未填写，按0计，得0分")),
])
def test_balance_takes_accumulated_then_current_then_the_tables(kwargs, expected):
    assert balance(**kwargs) == expected


def test_balance_without_any_figure_is_missing_data():
    assert balance(income=D(10)) == NotApplicable("累计结余、当年结余均未填写，且缺少支出合计", rules.MISSING_DATA)


# --- checklist ----------------------------------------------------------------------------------
ITEMS = [("已制定资产管理制度", D(2)), ("资产管理制度得到有效执行", D(1))]


@pytest.mark.parametrize(("checked", "expected"), [
    ([True, True], Score(D(3), "①已制定资产管理制度：符合，2分；②资产管理制度得到有效执行：符合，1分；合计得3分")),
    ([True, False], Score(D(2), "①已制定资产管理制度：符合，2分；②资产管理制度得到有效执行：不符合，0分；合计得2分")),
    ([False, False], Score(D(0), "①已制定资产管理制度：不符合，0分；②资产管理制度得到有效执行：不符合，0分；合计得0分")),
    (None, NotApplicable("尚未逐项勾选评分标准", rules.MISSING_DATA)),
    ([True], NotApplicable("勾选了1项，评分标准共2项", rules.MISSING_DATA)),
])
def test_checklist_adds_up_the_ticked_items(checked, expected):
    assert rules.checklist(items=ITEMS, checked=checked, full=D(3)) == expected


# --- violations ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("count", "expected"), [
    (0, Score(D(4), "不符合要求0例，不扣分，得4分")),
    (1, Score(D(3), "不符合要求1例，每例扣1分，扣1分，得3分")),
    (4, Score(D(0), "不符合要求4例，每例扣1分，扣4分（扣完为止），得0分")),
    (5, Score(D(0), "不符合要求5例，每例扣1分，扣4分（扣完为止），得0分")),
    (None, NotApplicable("缺少不符合要求例数", rules.MISSING_DATA)),
])
def test_violations_deduct_per_case_down_to_zero(count, expected):
    assert rules.violations(Figure("不符合要求", count), full=D(4), per_case=D(1)) == expected


@pytest.mark.parametrize(("late", "count", "expected"), [
    (None, 0, Score(D(3), "专项资金个数为0，无可扣分情形，得3分")),
    (0, 0, Score(D(3), "专项资金个数为0，无可扣分情形，得3分")),
    (1, 4, Score(D("2.5"), "未按进度下达的专项1个，每个扣0.5分，扣0.5分，得2.5分")),
    (6, 6, Score(D(0), "未按进度下达的专项6个，每个扣0.5分，扣3分（扣完为止），得0分")),
    (None, 4, NotApplicable("缺少未按进度下达的专项个数", rules.MISSING_DATA)),
    (None, None, NotApplicable("缺少未按进度下达的专项个数", rules.MISSING_DATA)),
])
def test_payment_progress_without_any_special_fund_scores_full(late, count, expected):
    result = rules.violations(
        Figure("未按进度下达的专项", late), full=D(3), per_case=D("0.5"), unit="个",
        population=Figure("专项资金个数", count),
    )

    assert result == expected


# --- manual -------------------------------------------------------------------------------------
def test_manual_gives_no_suggestion_and_says_why():
    result = rules.manual("由区综合绩效考核折算")

    assert (result.value, result.applicable, result.trace) == (None, False, "人工评分：由区综合绩效考核折算")


# --- numbers ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("numerator", "denominator", "rate"), [
    (D(12), D(13), D("92.31")), (D(1), D(3), D("33.33")), (D(2), D(3), D("66.67")), (D(1), D(8), D("12.5")),
    (D("0.00005"), D(1), D("0.01")), (D("0.000049"), D(1), D("0")),
])
def test_pct_rounds_half_up_to_two_decimals(numerator, denominator, rate):
    assert rules.pct(numerator, denominator) == rate


# --- properties ---------------------------------------------------------------------------------
amounts = st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
positive = st.decimals(min_value=D("0.01"), max_value=10**6, places=2, allow_nan=False, allow_infinity=False)
points = st.sampled_from([D(1), D(3), D(5), D(6), D("7.5")])
per_point = st.sampled_from([D("0.1"), D("0.2"), D("0.5"), D(1), D(2)])
modes = st.sampled_from(rules.DEDUCTION_MODES)


def within(result, full):
    return not result.applicable or D(0) <= result.value <= full


@given(amounts, positive, points, per_point, modes, st.booleans())
def test_capped_ratio_score_is_between_zero_and_full(numerator, denominator, full, per, mode, change):
    result = rules.capped_ratio(Figure("a", numerator), Figure("b", denominator), full=full, per_point=per,
                                deduction=mode, change=change, limit=D(0) if change else D(100))

    assert result.applicable and D(0) <= result.value <= full


@given(amounts, amounts, positive, points, per_point, modes)
def test_capped_ratio_never_rises_as_the_rate_rises(first, second, denominator, full, per, mode):
    low, high = sorted([first, second])

    def score(numerator):
        return rules.capped_ratio(Figure("a", numerator), Figure("b", denominator), full=full, per_point=per,
                                  deduction=mode).value

    assert score(high) <= score(low)


@given(amounts, amounts, positive, points, per_point, modes)
def test_floor_ratio_never_falls_as_the_rate_rises(first, second, denominator, full, per, mode):
    low, high = sorted([first, second])

    def score(numerator):
        return rules.floor_ratio(Figure("a", numerator), Figure("b", denominator), full=full, per_point=per,
                                 deduction=mode, floor=D(50)).value

    assert score(low) <= score(high) <= full
    assert score(low) >= 0


@given(amounts, positive, st.sampled_from([(KEY_EXPENDITURE_BANDS, D(5)), (ADJUSTMENT_BANDS, D(3))]))
def test_bands_score_is_between_zero_and_full(numerator, denominator, table_and_full):
    table, full = table_and_full

    result = rules.bands(table=table, full=full, numerator=Figure("a", numerator), denominator=Figure("b", denominator))

    assert within(result, full) and result.applicable


@given(st.one_of(st.none(), st.integers(min_value=0, max_value=50)), st.one_of(st.none(), st.integers(0, 50)),
       points, st.sampled_from([D("0.5"), D(1)]))
def test_violations_score_is_between_zero_and_full(count, population, full, per_case):
    result = rules.violations(Figure("a", count), full=full, per_case=per_case, population=Figure("b", population))

    assert within(result, full)


@given(st.lists(st.booleans(), min_size=2, max_size=2))
def test_checklist_score_is_between_zero_and_full(checked):
    assert within(rules.checklist(items=ITEMS, checked=checked, full=D(3)), D(3))


@given(*(st.one_of(st.none(), st.decimals(min_value=-1000, max_value=1000, places=2)) for _ in range(5)))
def test_balance_score_is_between_zero_and_full(accumulated, current, income, expenditure, carryover):
    result = balance(accumulated, current, income, expenditure, carryover)

    assert within(result, D(3))


# --- exact rates decide, rounded rates print ---------------------------------------------------------
def test_a_tiny_adjustment_takes_the_band_above_zero_though_it_prints_as_zero():
    # 0.04 / 1000 = 0.004%: above 0, so "0%-10%（含）" scores 2; rounded to two places it prints 0%.
    result = rules.bands(table=ADJUSTMENT_BANDS, full=D(3), numerator=Figure("预算调整数", D("0.04")),
                         denominator=Figure("年初预算", D(1000)))

    assert result == Score(D(2), "预算调整数0.04 / 年初预算1000 ≈ 0%，属于“0%-10%（含）”档，得2分")


def test_a_rate_just_under_a_lower_edge_stays_in_the_band_below():
    # 89.996 / 100 = 89.996%: rounds to 90% but is below it, so the 80%（含）-90% band scores 4.
    result = rules.bands(table=KEY_EXPENDITURE_BANDS, full=D(5), numerator=Figure("重点项目支出", D("89.996")),
                         denominator=Figure("项目支出", D(100)))

    assert result == Score(D(4), "重点项目支出89.996 / 项目支出100 ≈ 90%，属于“80%（含）-90%”档，得4分")


def test_a_rate_a_thousandth_over_the_limit_deducts_a_started_point():
    # 100001 / 100000 = 100.001%: 0.001 points over, counted as one started point × 0.5 = 0.5.
    result = staff(D("100001"), D("100000"), deduction=rules.PER_STARTED_POINT)

    assert result == Score(D("4.5"), "在职人数100001 / 编制100000 ≈ 100%，超过100%共不足0.01个百分点，"
                                     "不足一个百分点按一个计，计1个百分点，每个百分点扣0.5分，扣0.5分，得4.5分")


def test_a_deduction_is_computed_on_the_exact_rate_and_rounded_once():
    # 14 / 13 = 107.6923…%: 7.6923… × 0.5 = 3.846… → 3.85 deducted, 1.15 left.
    # (3.0125 − 2.5) / 2.5 = 20.5% over 0: 20.5 × 0.1 = 2.05 deducted, 5 − 2.05 = 2.95.
    assert staff(D(14), D(13)).value == D("1.15")
    result = rules.capped_ratio(Figure("本年预算", D("3.0125")), Figure("上年预算", D("2.5")), full=D(5), limit=D(0),
                                per_point=D("0.1"), change=True)
    assert result.value == D("2.95")
