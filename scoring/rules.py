"""The rubric's rule kinds as pure functions: Decimal (or None for blank) in, a Result out.

No ORM and no request here. Every function returns either a `Score` (a value between 0 and
the row's 分值, with a trace in Chinese a clerk can follow: the formula, the inputs, each
deduction) or a `NotApplicable` saying why no score can be suggested: 不适用 (a zero
denominator), 数据不足 (a figure is missing, and which) or 人工评分 (scored by people).

Inputs that carry a name are `Figure`s, so that a trace can say "在职人数12 / 编制13".
Rates are exact percentages: the exact rate decides the band and the deduction, and the trace
prints it rounded half up to two decimals. A suggested score is rounded half up to 0.01 only.
"""
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

HUNDRED = Decimal(100)
CENT = Decimal("0.01")
ZERO = Decimal(0)

# How "每超过一个百分点扣X分" counts a part of a point: pro rata (0.4 points over deducts 0.4·X)
# or per started point (0.4 points over deducts a whole X).
PRO_RATA = "pro_rata"
PER_STARTED_POINT = "per_started_point"
DEDUCTION_MODES = (PRO_RATA, PER_STARTED_POINT)

# The figures rule parameters may name (scoring.inputs gathers them), with the short names the
# traces print ("在职人数12 / 编制13 = 92.31%").
FIGURE_LABELS = {
    "report.staff_quota": gettext_lazy("编制"),
    "report.in_service_count": gettext_lazy("在职人数"),
    "report.actual_headcount": gettext_lazy("实有人数"),
    "base_data.three_public_prev_budget": gettext_lazy("三公经费上年预算"),
    "base_data.three_public_prev_final": gettext_lazy("三公经费上年决算"),
    "base_data.three_public_budget": gettext_lazy("三公经费本年预算"),
    "base_data.three_public_final": gettext_lazy("三公经费本年决算"),
    "base_data.budget_initial": gettext_lazy("年初预算"),
    "base_data.budget_adjustment": gettext_lazy("预算调整数"),
    "base_data.budget_adjusted": gettext_lazy("调整后预算数"),
    "base_data.budget_completed": gettext_lazy("预算完成数"),
    "base_data.payment_progress_actual": gettext_lazy("实际支付进度"),
    "base_data.payment_progress_planned": gettext_lazy("既定支付进度"),
    "base_data.carryover_total": gettext_lazy("本年结转结余总额"),
    "base_data.carryover_prev_total": gettext_lazy("上年结转结余总额"),
    "base_data.public_funds_budget": gettext_lazy("公用经费预算数"),
    "base_data.public_funds_actual": gettext_lazy("公用经费实际支出"),
    "base_data.work_planned": gettext_lazy("计划工作数"),
    "base_data.work_completed": gettext_lazy("实际完成工作数"),
    "base_data.work_timely": gettext_lazy("及时完成工作数"),
    "base_data.work_quality": gettext_lazy("质量达标工作数"),
    "base_data.key_work_assigned": gettext_lazy("重点工作交办数"),
    "base_data.key_work_completed": gettext_lazy("重点工作办结数"),
    "base_data.project_expenditure": gettext_lazy("项目支出"),
    "base_data.key_project_expenditure": gettext_lazy("重点项目支出"),
    "base_data.special_fund_count": gettext_lazy("专项资金个数"),
    "base_data.special_fund_late_count": gettext_lazy("未按进度下达的专项"),
    "base_data.procurement_budget": gettext_lazy("政府采购预算"),
    "base_data.procurement_actual": gettext_lazy("政府采购实际支出"),
    "base_data.card_due": gettext_lazy("公务卡应结算金额"),
    "base_data.card_actual": gettext_lazy("公务卡实际刷卡金额"),
    "base_data.satisfaction": gettext_lazy("满意度"),
    "income.total": gettext_lazy("收入合计"),
    "income.carried_over": gettext_lazy("上年结转"),
    "expenditure.total": gettext_lazy("支出合计"),
    "expenditure.public_use": gettext_lazy("支出表公用支出"),
    "expenditure.project": gettext_lazy("支出表项目支出"),
    "expenditure.current_surplus": gettext_lazy("当年结余"),
    "expenditure.accumulated_surplus": gettext_lazy("累计结余"),
    "three_public.total": gettext_lazy("三公经费表合计"),
    "fixed_asset.total": gettext_lazy("固定资产合计"),
    "fixed_asset.in_use": gettext_lazy("在用固定资产"),
    "satisfaction_declared": gettext_lazy("定量目标中满意度完成情况"),
}

# What a rule's result is: a score, or no suggestion because the rule does not apply (a zero
# denominator), a figure is missing, or people score the row.
SCORED, NOT_APPLICABLE, MISSING_DATA, MANUAL = "scored", "not_applicable", "missing_data", "manual"
STATUS_LABELS = {
    SCORED: gettext_lazy("已计算"),
    NOT_APPLICABLE: gettext_lazy("不适用"),
    MISSING_DATA: gettext_lazy("数据不足"),
    MANUAL: gettext_lazy("人工评分"),
}


@dataclass(frozen=True)
class Figure:
    """A named input: `label` as a clerk knows it, `value` (None when blank), `note` on where it came from."""

    label: str
    value: Decimal | int | None
    note: str = ""


@dataclass(frozen=True)
class Score:
    """A suggested score and how it was reached."""

    value: Decimal
    trace: str

    status = SCORED

    @property
    def applicable(self):
        return True


@dataclass(frozen=True)
class NotApplicable:
    """No suggestion: `status` is NOT_APPLICABLE (不适用), MISSING_DATA (数据不足) or MANUAL (人工评分);
    `reason` says why."""

    reason: str
    status: str = NOT_APPLICABLE

    value = None

    @property
    def applicable(self):
        return False

    @property
    def trace(self):
        return f"{STATUS_LABELS[self.status]}：{self.reason}"


def missing(reason):
    return NotApplicable(reason, MISSING_DATA)


def manual(reason):
    """Scored by people (or from an external assessment): no suggestion, with the reason."""
    return NotApplicable(reason, MANUAL)


# --- Numbers ----------------------------------------------------------------------------------
def round_half_up(value, places=CENT):
    return Decimal(value).quantize(places, rounding=ROUND_HALF_UP)


def fmt(value):
    """A number as a trace prints it: no trailing zeros, never exponent notation (12, 92.31, 0.5)."""
    value = Decimal(value)
    if value == 0:
        return "0"
    return f"{value.normalize():f}"


def pct(numerator, denominator):
    """numerator / denominator as a percentage, rounded half up to two decimals."""
    return round_half_up(Decimal(numerator) * HUNDRED / Decimal(denominator))


def _named(figure):
    return f"{figure.label}{fmt(figure.value)}"


def _notes(*figures):
    notes = [f.note for f in figures if f.note]
    return "".join(f"{note}；" for note in notes)


def _first_missing(*figures):
    for figure in figures:
        if figure.value is None:
            return missing(_("缺少%(label)s") % {"label": figure.label})
    return None


def _deduction(points, per_point, mode):
    """Points beyond the limit -> points deducted (rounded half up), per the rule's counting mode."""
    if mode == PER_STARTED_POINT:
        counted = Decimal(math.ceil(points))
    elif mode == PRO_RATA:
        counted = points
    else:
        raise ValueError(f"unknown deduction mode {mode!r}")
    return round_half_up(counted * per_point), counted


def _after_deduction(full, excess, per_point, mode, what):
    """The score and its trace sentence once `excess` points lie beyond the limit ("超过"/"低于")."""
    deducted, counted = _deduction(excess, per_point, mode)
    deducted = min(deducted, full)
    value = full - deducted
    if mode == PER_STARTED_POINT:
        counting = _("不足一个百分点按一个计，计%(counted)s个百分点，") % {"counted": fmt(counted)}
    else:
        counting = ""
    floor = _("（扣完为止）") if deducted == full else ""
    text = _("%(what)s%(excess)s个百分点，%(counting)s每个百分点扣%(per)s分，扣%(deducted)s分%(floor)s，得%(value)s分") % {
        "what": what, "excess": fmt(round_half_up(excess)) if round_half_up(excess) else _("不足0.01"),
        "counting": counting, "per": fmt(per_point),
        "deducted": fmt(deducted), "floor": floor, "value": fmt(value),
    }
    return value, text


def _rate(numerator, denominator, *, change=False, absolute=False, edges=()):
    """(exact rate, formula text) or (NotApplicable, None) for a missing figure or a zero denominator.

    The rate is exact (it decides bands and deductions); the formula prints it rounded half up
    to two decimals, with "≈" where the rounded rate sits on one of the rule's `edges` and the
    exact one does not (0.04 / 1000 ≈ 0%, which is above 0).
    """
    problem = _first_missing(numerator, denominator)
    if problem:
        return problem, None
    if Decimal(denominator.value) == 0:
        return NotApplicable(_("%(label)s为0，无法计算比率") % {"label": denominator.label}), None
    if change:
        top = Decimal(numerator.value) - Decimal(denominator.value)
        formula = f"（{_named(numerator)} − {_named(denominator)}）/ {_named(denominator)}"
    else:
        top = Decimal(numerator.value)
        formula = f"{_named(numerator)} / {_named(denominator)}"
    if absolute and top < 0:
        top = -top
        formula = f"|{formula}|"
    rate = exact_pct(top, denominator.value)
    return rate, f"{_notes(numerator, denominator)}{formula} {_shown(rate, edges)}%"


def exact_pct(numerator, denominator):
    """numerator / denominator as an unrounded percentage."""
    return Decimal(numerator) * HUNDRED / Decimal(denominator)


def _shown(exact, edges):
    """"= 92.31" for a rate; "≈ 0" when rounding puts it on an edge it is not on."""
    shown = round_half_up(exact)
    on_edge = shown != exact and any(edge is not None and shown == Decimal(edge) for edge in edges)
    return f"{'≈' if on_edge else '='} {fmt(shown)}"


# --- Rule kinds -------------------------------------------------------------------------------
def capped_ratio(numerator, denominator, *, full, limit=HUNDRED, per_point, deduction=PRO_RATA, change=False,
                 absolute=False):
    """在职人员控制率-style: a rate at or under `limit` percent scores `full`; each point over deducts.

    With `change`, the rate is (numerator − denominator) / denominator (三公经费变动率).
    """
    limit = Decimal(limit)
    rate, formula = _rate(numerator, denominator, change=change, absolute=absolute, edges=(limit,))
    if formula is None:
        return rate
    if rate <= limit:
        return Score(Decimal(full), _("%(formula)s，不超过%(limit)s%%，得%(full)s分") % {
            "formula": formula, "limit": fmt(limit), "full": fmt(full),
        })
    value, text = _after_deduction(Decimal(full), rate - limit, Decimal(per_point), deduction,
                                   _("超过%(limit)s%%共") % {"limit": fmt(limit)})
    return Score(value, f"{formula}，{text}")


def floor_ratio(numerator, denominator, *, full, floor=HUNDRED, per_point, deduction=PRO_RATA, change=False,
                absolute=False):
    """政府采购执行率-style: a rate at or above `floor` percent scores `full`; each point under deducts."""
    floor = Decimal(floor)
    rate, formula = _rate(numerator, denominator, change=change, absolute=absolute, edges=(floor,))
    if formula is None:
        return rate
    if rate >= floor:
        return Score(Decimal(full), _("%(formula)s，达到%(floor)s%%，得%(full)s分") % {
            "formula": formula, "floor": fmt(floor), "full": fmt(full),
        })
    value, text = _after_deduction(Decimal(full), floor - rate, Decimal(per_point), deduction,
                                   _("低于%(floor)s%%共") % {"floor": fmt(floor)})
    return Score(value, f"{formula}，{text}")


def band_label(table, index):
    """How the form words band `index` of a table of {"min"|"max": edge or None, "score": s}."""
    entry = table[index]
    if "min" in entry:
        edge, higher = entry["min"], table[index - 1]["min"] if index else None
        if edge is None:
            return _("低于%(edge)s%%") % {"edge": fmt(higher)} if higher is not None else _("任意值")
        if higher is None:
            return _("%(edge)s%%（含）以上") % {"edge": fmt(edge)}
        return _("%(edge)s%%（含）-%(higher)s%%") % {"edge": fmt(edge), "higher": fmt(higher)}
    edge, lower = entry["max"], table[index - 1]["max"] if index else None
    if edge is None:
        return _("大于%(edge)s%%") % {"edge": fmt(lower)} if lower is not None else _("任意值")
    if lower is None:
        return _("=%(edge)s%%") % {"edge": fmt(edge)} if Decimal(edge) == 0 else _("不超过%(edge)s%%") % {"edge": fmt(edge)}
    return _("%(lower)s%%-%(edge)s%%（含）") % {"lower": fmt(lower), "edge": fmt(edge)}


def _band_index(table, value):
    for index, entry in enumerate(table):
        if "min" in entry:
            if entry["min"] is None or value >= Decimal(entry["min"]):
                return index
        elif entry["max"] is None or value <= Decimal(entry["max"]):
            return index
    return None


def bands(*, table, full, value=None, numerator=None, denominator=None, change=False, absolute=False):
    """Scores by the band the rate (numerator / denominator) or the plain `value` (a percentage) falls in.

    `table` is ordered from the best band: {"min": edge, "score": s} bands include their lower
    edge (≥, 重点支出安排率, 满意度); {"max": edge, "score": s} bands include their upper edge
    (≤, 预算调整率). An edge of None is the catch-all last band.
    """
    if value is not None:
        problem = _first_missing(value)
        if problem:
            return problem
        rate = Decimal(value.value)
        formula = f"{_notes(value)}{value.label}{fmt(round_half_up(rate))}%"
    else:
        edges = [entry.get("min", entry.get("max")) for entry in table]
        rate, formula = _rate(numerator, denominator, change=change, absolute=absolute, edges=edges)
        if formula is None:
            return rate
    index = _band_index(table, rate)
    if index is None:
        return NotApplicable(_("%(rate)s%%不在任何评分档内") % {"rate": fmt(round_half_up(rate))})
    score = min(Decimal(table[index]["score"]), Decimal(full))
    return Score(score, _("%(formula)s，属于“%(band)s”档，得%(score)s分") % {
        "formula": formula, "band": band_label(table, index), "score": fmt(score),
    })


def balance(*, accumulated, current, income_total, expenditure_total, carryover, none, within, above):
    """资金结余: no 结余 scores `none`; a 结余 not above 上年结转 scores `within`; above it, `above`.

    结余 is 累计结余 where entered, else 当年结余, else 收入合计 − 支出合计 from the tables.
    """
    if accumulated.value is not None:
        surplus, how = Decimal(accumulated.value), _named(accumulated)
    elif current.value is not None:
        surplus = Decimal(current.value)
        how = _("累计结余未填写，取%(current)s") % {"current": _named(current)}
    elif income_total.value is not None and expenditure_total.value is not None:
        surplus = Decimal(income_total.value) - Decimal(expenditure_total.value)
        how = _("累计结余、当年结余均未填写，按%(income)s − %(expenditure)s = %(surplus)s计算结余") % {
            "income": _named(income_total), "expenditure": _named(expenditure_total), "surplus": fmt(surplus),
        }
    else:
        return missing(_("累计结余、当年结余均未填写，且缺少%(label)s") % {
            "label": income_total.label if income_total.value is None else expenditure_total.label,
        })
    if surplus <= 0:
        return Score(Decimal(none), _("%(how)s，无结余，得%(score)s分") % {"how": how, "score": fmt(none)})
    if carryover.value is None:
        base, base_text = ZERO, _("%(label)s未填写，按0计") % {"label": carryover.label}
    else:
        base, base_text = Decimal(carryover.value), _named(carryover)
    if surplus <= base:
        return Score(Decimal(within), _("%(how)s，有结余但不超过%(base)s，得%(score)s分") % {
            "how": how, "base": base_text, "score": fmt(within),
        })
    return Score(Decimal(above), _("%(how)s，结余超过%(base)s，得%(score)s分") % {
        "how": how, "base": base_text, "score": fmt(above),
    })


CIRCLED = "①②③④⑤⑥⑦⑧⑨⑩"


def checklist(*, items, checked, full):
    """Items (label, points) ticked by people; the score is the sum of the ticked items' points."""
    if checked is None:
        return missing(_("尚未逐项勾选评分标准"))
    if len(checked) != len(items):
        return missing(_("勾选了%(given)s项，评分标准共%(count)s项") % {"given": len(checked), "count": len(items)})
    parts, value = [], ZERO
    for index, ((label, points), ok) in enumerate(zip(items, checked, strict=True)):
        mark = CIRCLED[index] if index < len(CIRCLED) else f"{index + 1}."
        got = Decimal(points) if ok else ZERO
        value += got
        parts.append(_("%(mark)s%(label)s：%(verdict)s，%(got)s分") % {
            "mark": mark, "label": label, "verdict": _("符合") if ok else _("不符合"), "got": fmt(got),
        })
    value = min(value, Decimal(full))
    return Score(value, _("%(parts)s；合计得%(value)s分") % {"parts": "；".join(parts), "value": fmt(value)})


def violations(count, *, full, per_case, unit="例", population=None):
    """Deducts `per_case` for each case counted (down to 0).

    With a `population` (e.g. 专项资金个数) of zero there is nothing that could be late: full points.
    """
    full, per_case = Decimal(full), Decimal(per_case)
    if population is not None and population.value is not None and population.value == 0:
        return Score(full, _("%(label)s为0，无可扣分情形，得%(full)s分") % {
            "label": population.label, "full": fmt(full),
        })
    if count.value is None:
        return missing(_("缺少%(label)s%(unit)s数") % {"label": count.label, "unit": unit})
    cases = int(count.value)
    if cases < 0:
        return missing(_("%(label)s不能为负数") % {"label": count.label})
    if cases == 0:
        return Score(full, _("%(notes)s%(label)s0%(unit)s，不扣分，得%(full)s分") % {
            "notes": _notes(count), "label": count.label, "unit": unit, "full": fmt(full),
        })
    deducted = min(round_half_up(per_case * cases), full)
    value = full - deducted
    floor = _("（扣完为止）") if deducted == full else ""
    return Score(value, _("%(notes)s%(label)s%(cases)s%(unit)s，每%(unit)s扣%(per)s分，扣%(deducted)s分%(floor)s，得%(value)s分") % {
        "notes": _notes(count), "label": count.label, "cases": cases, "unit": unit, "per": fmt(per_case),
        "deducted": fmt(deducted), "floor": floor, "value": fmt(value),
    })
