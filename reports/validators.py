"""Validation of a report's own fields, shared by forms, the JSON import and services."""
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


def validate_headcount(values):
    """实有人数 = 在职人数 + 退休人数 + 借调临聘人数, once any of the breakdown is entered."""
    actual = values.get("actual_headcount")
    parts = [values.get(f) for f in ("in_service_count", "retired_count", "temporary_count")]
    entered = [p for p in parts if p is not None]
    if not entered:
        return
    summed = sum(entered)
    if actual is None:
        raise ValidationError({"actual_headcount": _("请填写实有人数（在职、退休、借调临聘人数之和为 %(sum)s）。") % {"sum": summed}})
    if actual != summed:
        raise ValidationError({
            "actual_headcount": _(
                "实有人数应等于在职人数、退休人数与借调临聘人数之和：填写为 %(actual)s，各项之和为 %(sum)s。"
            ) % {"actual": actual, "sum": summed}
        })


def _fmt(value):
    return f"{Decimal(value).normalize():f}"


def validate_score(value, max_points, *, step, field="self_score", label=None, exact=()):
    """A score is between 0 and the row's 分值, in whole multiples of `step` (0.5 by default).

    The step is for people's own judgement: a value equal to one of the `exact` suggested scores
    (1.25, 1.24) is always valid.
    """
    if value is None:
        return
    label = label or _("自评得分")
    if value < 0 or value > max_points:
        raise ValidationError({field: _("%(label)s应在0至%(max)s分之间。") % {"label": label, "max": _fmt(max_points)}})
    if any(suggestion is not None and value == suggestion for suggestion in exact):
        return
    try:
        remainder = Decimal(value) % Decimal(step)
    except (InvalidOperation, ZeroDivisionError):
        remainder = Decimal(0)
    if step and remainder != 0:
        raise ValidationError({field: _("%(label)s须为%(step)s分的整数倍。") % {"label": label, "step": _fmt(step)}})


def validate_deduction_reason(self_score, max_points, reason):
    """Below full points, the department says why (扣分原因)."""
    if self_score is not None and self_score < max_points and not (reason or "").strip():
        raise ValidationError({"deduction_reason": _("自评得分低于分值，请填写扣分原因。")})


def validate_review_note(review_score, self_score, note):
    """A reviewer who changes a score says why (复核说明)."""
    if review_score is not None and review_score != self_score and not (note or "").strip():
        raise ValidationError({"review_note": _("复核得分与自评得分不同，请填写复核说明。")})


def validate_group_total(labels, scores, shared_points, *, field="self_score"):
    """Rows sharing one 分值 (经济/社会/生态效益) may not together exceed it."""
    entered = [s for s in scores if s is not None]
    if entered and sum(entered) > shared_points:
        raise ValidationError({field: _("%(labels)s共用分值%(max)s分，得分合计不能超过%(max)s分。") % {
            "labels": "、".join(labels), "max": _fmt(shared_points),
        }})
