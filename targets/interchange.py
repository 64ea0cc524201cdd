"""A declaration as a plain JSON document: what its status changes keep, what history compares, what
the JSON export writes and what the import reads (docs/report-format.md, "绩效目标申报")."""
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from targets.enums import Category, Direction
from targets.models import (
    BUDGET_FIELDS,
    MAX_GOALS,
    MAX_INDICATORS,
    MAX_TASKS,
    NAME_LENGTH,
    TEXT_LENGTH,
    UNIT_LENGTH,
)
from targets.validators import validate_indicator

FORMAT, VERSION = "evalsite-targets", 1
INDICATOR_FIELDS = ("category", "name", "direction", "value", "unit", "qualitative_value")


def _text(value):
    return None if value is None else str(value)


def indicator_export(indicator):
    return {
        "category": indicator.category, "name": indicator.name, "direction": indicator.direction,
        "value": _text(indicator.value), "unit": indicator.unit, "qualitative_value": indicator.qualitative_value,
        "adjusted": indicator.adjusted_by_id is not None,
    }


def declaration_export(declaration):
    """The declaration's content: 年度预算, tasks, 定性目标 and indicators in order."""
    return {
        "format": FORMAT, "version": VERSION,
        "department": {"code": declaration.department.code, "name": declaration.department.name},
        "year": declaration.year, "status": declaration.status,
        "budget": {name: _text(getattr(declaration, name)) for name in BUDGET_FIELDS},
        "tasks": [task.text for task in declaration.tasks.all()],
        "goals": [goal.text for goal in declaration.goals.all()],
        "indicators": [indicator_export(i) for i in declaration.indicators.all()],
    }


def _decimal(value, path, errors):
    if value in (None, ""):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        errors[path] = _("不是数字。")
        return None
    if not number.is_finite() or abs(number) >= Decimal(10) ** 12:
        errors[path] = _("数值超出范围。")
        return None
    return number


def _string(value, path, errors, limit):
    if value is None:
        return ""
    if not isinstance(value, str):
        errors[path] = _("应为文字。")
        return ""
    if len(value) > limit:
        errors[path] = _("不能超过%(limit)s个字。") % {"limit": limit}
    return value


def declaration_read(document):
    """The plain content of a declaration document, validated: {"budget", "tasks", "goals", "indicators"}.
    Raises ValidationError({path: message}) listing every problem."""
    errors = {}
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ValidationError({"format": _("不是绩效目标申报文件。")})
    budget_in = document.get("budget") or {}
    lists = {}
    for key, limit in (("tasks", MAX_TASKS), ("goals", MAX_GOALS), ("indicators", MAX_INDICATORS)):
        items = document.get(key) or []
        if not isinstance(items, list):
            errors[key] = _("应为列表。")
            items = []
        if len(items) > limit:
            errors[key] = _("最多%(limit)s项。") % {"limit": limit}
        lists[key] = items[:limit]
    if not isinstance(budget_in, dict):
        errors["budget"] = _("应为对象。")
        budget_in = {}
    budget = {name: _decimal(budget_in.get(name), f"budget.{name}", errors) for name in BUDGET_FIELDS}
    for name, value in budget.items():
        if value is not None and value < 0:
            errors[f"budget.{name}"] = _("金额不能为负数。")
    tasks = [_string(t, f"tasks[{n}]", errors, TEXT_LENGTH) for n, t in enumerate(lists["tasks"])]
    goals = [_string(g, f"goals[{n}]", errors, TEXT_LENGTH) for n, g in enumerate(lists["goals"])]
    indicators = []
    for n, item in enumerate(lists["indicators"]):
        path = f"indicators[{n}]"
        if not isinstance(item, dict):
            errors[path] = _("应为对象。")
            continue
        row = {
            "category": item.get("category"), "direction": item.get("direction"),
            "name": _string(item.get("name"), f"{path}.name", errors, NAME_LENGTH),
            "value": _decimal(item.get("value"), f"{path}.value", errors),
            "unit": _string(item.get("unit"), f"{path}.unit", errors, UNIT_LENGTH),
            "qualitative_value": _string(item.get("qualitative_value"), f"{path}.qualitative_value", errors, NAME_LENGTH),
        }
        if row["category"] not in Category.values:
            errors[f"{path}.category"] = _("未知的指标类别。")
        if row["direction"] not in Direction.values:
            errors[f"{path}.direction"] = _("未知的方向。")
        if row["direction"] == Direction.QUALITATIVE:
            row["value"] = None
        try:
            validate_indicator(row)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                errors.setdefault(f"{path}.{name}", messages[0])
        indicators.append(row)
    if errors:
        raise ValidationError(errors)
    return {"budget": budget, "tasks": tasks, "goals": goals, "indicators": indicators}


def error_lines(error):
    """A ValidationError of declaration_read as "<path>：<message>" lines, in the document's order."""
    return [f"{path}：{message}" for path, messages in error.message_dict.items() for message in messages]
