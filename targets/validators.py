"""Rules every indicator obeys, shared by the forms, the JSON import and the services."""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from targets.enums import NUMERIC_DIRECTIONS, Direction


def validate_indicator(values):
    """An indicator needs its name, and a 指标值 fitting its direction: a number for ≥, ≤ and =,
    a 定性 value for 定性. Raises ValidationError({field: message})."""
    errors = {}
    if not (values.get("name") or "").strip():
        errors["name"] = _("请填写指标名称。")
    direction = values.get("direction")
    if direction in NUMERIC_DIRECTIONS and values.get("value") is None:
        errors["value"] = _("请填写指标值（数字）。")
    if direction == Direction.QUALITATIVE and not (values.get("qualitative_value") or "").strip():
        errors["qualitative_value"] = _("定性指标请填写定性指标值，如“显著提升”。")
    if errors:
        raise ValidationError(errors)

