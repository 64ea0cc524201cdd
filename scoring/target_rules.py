"""A rule kind over the year-start targets: a row scored by the 完成率 of the approved indicators.

A rubric row of kind `target_completion` names the 二级 categories of the 绩效目标 it reads and how
the mean rate scores, e.g. the 产出 rows:

    {"categories": ["quantity", "quality", "timeliness"]}                                   # 分值 × 平均完成率
    {"categories": ["quantity"], "scoring": "floor", "floor": "100", "per_point": "0.1"}    # ≥ floor full
    {"categories": ["satisfaction"], "scoring": "bands", "bands": [{"min": "90", "score": "5"}, …]}

The mean is taken over the indicators of those categories that have a rate (targets.completion: ≥, ≤, =
and 定性), each capped at 100% so that one over-achievement does not hide a shortfall; the exact mean
decides, the trace prints it rounded half up. A report whose department has no approved targets for
the year (or none in those categories) gets no suggestion and is scored by people as before; the
trace says why. Pure: no ORM (scoring.inputs gathers the rates).
"""
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from scoring.rules import (
    DEDUCTION_MODES,
    HUNDRED,
    PRO_RATA,
    Figure,
    NotApplicable,
    Score,
    _after_deduction,
    bands,
    fmt,
    manual,
    missing,
    round_half_up,
)
from targets.enums import Category

KIND = "target_completion"
PROPORTIONAL, FLOOR, BANDS = "proportional", "floor", "bands"
SHAPES = (PROPORTIONAL, FLOOR, BANDS)
FIGURE = "target_rates"  # the figures key scoring.inputs fills: None, or a list of TargetRate


@dataclass(frozen=True)
class TargetRate:
    """One approved indicator's 完成情况: its 完成率 (percent, None when none applies) and whether entered."""

    name: str
    category: str
    rate: Decimal | None
    entered: bool


def _category_names(categories):
    return "、".join(str(Category(c).label) for c in categories)


def _mean_text(chosen):
    parts = []
    for row in chosen:
        shown = fmt(row.rate)
        parts.append(_("%(name)s%(rate)s%%（按100%%计）") % {"name": row.name, "rate": shown}
                     if row.rate > HUNDRED else f"{row.name}{shown}%")
    return "；".join(parts)


def target_completion(rows, *, full, categories, scoring=PROPORTIONAL, floor=HUNDRED, per_point=None,
                      deduction=PRO_RATA, table=None):
    """The score of a row held to the mean 完成率 of the approved indicators in `categories`.

    `rows` is None when the department has no approved targets of the year, else its TargetRates.
    """
    names = _category_names(categories)
    if rows is None:
        return manual(_("本年度没有已批复的绩效目标，此项按评分标准人工评分"))
    chosen = [row for row in rows if row.category in categories]
    if not chosen:
        return manual(_("已批复的绩效目标中没有%(names)s，此项按评分标准人工评分") % {"names": names})
    open_rows = [row.name for row in chosen if not row.entered]
    if open_rows:
        return missing(_("尚有%(count)s项绩效目标未填写实际值：%(names)s") % {
            "count": len(open_rows), "names": "、".join(open_rows),
        })
    rated = [row for row in chosen if row.rate is not None]
    if not rated:
        return NotApplicable(_("%(names)s的完成率均不适用（指标值为0）") % {"names": names})
    mean = sum((min(row.rate, HUNDRED) for row in rated), Decimal(0)) / len(rated)
    skipped = len(chosen) - len(rated)
    head = _("%(names)s共%(count)s项：%(rates)s%(skipped)s；平均完成率 = %(mean)s%%") % {
        "names": names, "count": len(rated), "rates": _mean_text(rated),
        "skipped": _("（另有%(n)s项不适用完成率，不计入）") % {"n": skipped} if skipped else "",
        "mean": fmt(round_half_up(mean)),
    }
    full = Decimal(full)
    if scoring == PROPORTIONAL:
        value = min(round_half_up(full * mean / HUNDRED), full)
        return Score(value, _("%(head)s，得分 = 分值%(full)s × %(mean)s%% = %(value)s分") % {
            "head": head, "full": fmt(full), "mean": fmt(round_half_up(mean)), "value": fmt(value),
        })
    if scoring == FLOOR:
        floor = Decimal(floor)
        if mean >= floor:
            return Score(full, _("%(head)s，达到%(floor)s%%，得%(full)s分") % {
                "head": head, "floor": fmt(floor), "full": fmt(full),
            })
        value, text = _after_deduction(full, floor - mean, Decimal(per_point), deduction,
                                       _("低于%(floor)s%%共") % {"floor": fmt(floor)})
        return Score(value, f"{head}，{text}")
    if scoring == BANDS:
        result = bands(table=table, full=full, value=Figure(_("平均完成率"), mean))
        return Score(result.value, f"{head}；{result.trace}") if result.applicable else result
    raise ValueError(f"unknown scoring {scoring!r}")


def suggest(params, points, figures):
    """target_completion for a rubric row's `params` over the report's `figures`."""
    shape = params.get("scoring", PROPORTIONAL)
    return target_completion(
        figures.get(FIGURE), full=points, categories=tuple(params["categories"]), scoring=shape,
        floor=Decimal(str(params.get("floor", "100"))),
        per_point=Decimal(str(params["per_point"])) if shape == FLOOR else None,
        deduction=params.get("deduction", PRO_RATA), table=params.get("bands"),
    )


def params_problem(params):
    """What is wrong with a target_completion row's parameters (a Chinese phrase), or None; a bands
    table is checked by the bands rule's own validation."""
    categories = params.get("categories")
    if not isinstance(categories, list) or not categories:
        return _("请列出计分所依据的绩效目标类别（categories）")
    unknown = [str(c) for c in categories if c not in Category.values]
    if unknown:
        return _("绩效目标类别“%(names)s”不存在") % {"names": "、".join(unknown)}
    shape = params.get("scoring", PROPORTIONAL)
    if shape not in SHAPES:
        return _("计分方式“%(shape)s”不存在，应为 proportional、floor 或 bands") % {"shape": shape}
    if shape == FLOOR:
        try:
            per_point = Decimal(str(params.get("per_point")))
            floor = Decimal(str(params.get("floor", "100")))
        except ArithmeticError:
            return _("每个百分点扣分应为正数")
        if not per_point.is_finite() or per_point <= 0:
            return _("每个百分点扣分应为正数")
        if not floor.is_finite() or not 0 < floor <= HUNDRED:
            return _("完成率下限应在0至100之间")
        if params.get("deduction", PRO_RATA) not in DEDUCTION_MODES:
            return _("扣分方式应为按比例（pro_rata）或不足一个百分点按一个计（per_started_point）")
    return None
