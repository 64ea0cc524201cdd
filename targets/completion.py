"""完成率: how far a year-end 实际值 reaches its year-start 指标值, direction-aware. Pure: no ORM.

≥ (at least): 实际值 / 指标值 (over 100% when exceeded); met when 实际值 ≥ 指标值.
≤ (at most): 100% when 实际值 ≤ 指标值, else 指标值 / 实际值.
= (equal): 100% when equal, else 100% less the relative deviation |实际值 − 指标值| / 指标值, not below 0.
定性: the chosen outcome's rate (达成 100%, 基本达成 80%, 部分达成 60%, 未达成 0%); met only when 达成.
A ratio whose 指标值 is 0 (or below) has no rate (不适用), though it still says whether the target was met.
Rates round half up to two places.
"""
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from targets.enums import Direction, Outcome

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
OUTCOME_RATES = {Outcome.MET: HUNDRED, Outcome.MOSTLY: Decimal(80), Outcome.PARTLY: Decimal(60), Outcome.NOT_MET: Decimal(0)}


@dataclass(frozen=True)
class Completion:
    rate: Decimal | None  # percent, two places; None when no rate applies
    met: bool | None  # None while the 实际值 is not entered
    trace: str

    @property
    def shortfall(self):
        return self.met is False


NOT_ENTERED = Completion(rate=None, met=None, trace="未填写实际值")


def _round(value):
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def _fmt(value):
    return format(value.normalize(), "f")


def target_text(direction, value, unit="", qualitative_value=""):
    """An 指标值 as the forms print it: "≥ 129 篇", "≤ 2.81 万元", or the 定性 value."""
    if direction == Direction.QUALITATIVE:
        return qualitative_value
    if value is None:
        return ""
    return f"{Direction(direction).label} {_fmt(value)}{(' ' + unit) if unit else ''}"


def completion(direction, *, target=None, actual=None, outcome=""):
    """The Completion of one indicator: `target` and `actual` are Decimals (numeric directions),
    `outcome` an Outcome value (定性)."""
    if direction == Direction.QUALITATIVE:
        if not outcome:
            return NOT_ENTERED
        rate = OUTCOME_RATES[outcome]
        return Completion(rate=_round(rate), met=outcome == Outcome.MET, trace=f"{Outcome(outcome).label}：{_fmt(rate)}%")
    if actual is None:
        return NOT_ENTERED
    if target is None:
        return Completion(rate=None, met=None, trace="未填写指标值")
    t, a = _fmt(target), _fmt(actual)
    if direction == Direction.AT_LEAST:
        met = actual >= target
        if target <= 0:
            return Completion(rate=None, met=met, trace=f"指标值为{t}，不适用完成率")
        rate = _round(max(actual, Decimal(0)) / target * HUNDRED)
        return Completion(rate=rate, met=met, trace=f"{a} ÷ {t} × 100% = {rate}%")
    if direction == Direction.AT_MOST:
        if actual <= target:
            return Completion(rate=_round(HUNDRED), met=True, trace=f"{a} ≤ {t}，完成率100%")
        if target <= 0:
            return Completion(rate=None, met=False, trace=f"指标值为{t}，不适用完成率")
        rate = _round(target / actual * HUNDRED)
        return Completion(rate=rate, met=False, trace=f"{t} ÷ {a} × 100% = {rate}%")
    # Direction.EQUAL
    if actual == target:
        return Completion(rate=_round(HUNDRED), met=True, trace=f"{a} = {t}，完成率100%")
    if target == 0:
        return Completion(rate=None, met=False, trace="指标值为0，不适用完成率")
    rate = _round(max(Decimal(0), HUNDRED - abs(actual - target) / abs(target) * HUNDRED))
    return Completion(rate=rate, met=False, trace=f"100% − |{a} − {t}| ÷ {t} × 100% = {rate}%")


def mean_rate(completions, *, cap=HUNDRED):
    """The mean of the entered rates, each capped at `cap` (an over-achievement does not hide a
    shortfall elsewhere); None when none has a rate."""
    rates = [min(c.rate, cap) for c in completions if c.rate is not None]
    if not rates:
        return None
    return _round(sum(rates) / len(rates))
