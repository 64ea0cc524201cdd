"""Checks shared by the forms and the services: each raises ValidationError({field: Chinese message})."""
import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from followup.models import MAX_PLACES, NAME_LENGTH, TEXT_LENGTH


def validate_text(field, value, *, label, limit=TEXT_LENGTH, required=True):
    text = (value or "").strip()
    if required and not text:
        raise ValidationError({field: _("请填写%(label)s。") % {"label": label}})
    if len(text) > limit:
        raise ValidationError({field: _("%(label)s不超过%(limit)s字（现有%(count)s字）。") % {
            "label": label, "limit": limit, "count": len(text)}})
    return text


def validate_deadline(field, value, *, today, label):
    if value is None:
        raise ValidationError({field: _("请填写%(label)s。") % {"label": label}})
    if value < today:
        raise ValidationError({field: _("%(label)s不能早于今天（%(today)s）。") % {"label": label, "today": today}})
    if value > today + datetime.timedelta(days=3 * 366):
        raise ValidationError({field: _("%(label)s不能晚于三年之后。") % {"label": label}})
    return value


def validate_places(field, places, allowed):
    """`places` (a list of place keys) are among `allowed` ({key: label}), at most MAX_PLACES."""
    places = list(dict.fromkeys(places or []))
    unknown = [p for p in places if p not in allowed]
    if unknown:
        raise ValidationError({field: _("涉及内容不在这份报告中：%(places)s。") % {"places": "、".join(unknown)}})
    if len(places) > MAX_PLACES:
        raise ValidationError({field: _("涉及内容最多选%(limit)s项。") % {"limit": MAX_PLACES}})
    return places


def validate_reply(*, measures, responsible, completed_on, today):
    """The department's answer: 整改措施, 责任人 and a 完成日期 not in the future (it says what was done)."""
    errors = {}
    cleaned = {}
    for field, label, value, limit in (
        ("measures", _("整改措施"), measures, TEXT_LENGTH), ("responsible", _("责任人"), responsible, NAME_LENGTH),
    ):
        try:
            cleaned[field] = validate_text(field, value, label=label, limit=limit)
        except ValidationError as error:
            errors.update(error.message_dict)
    if completed_on is None:
        errors["completed_on"] = [_("请填写完成日期。")]
    elif completed_on > today:
        errors["completed_on"] = [_("完成日期不能晚于今天（%(today)s）：请在整改完成后答复。") % {"today": today}]
    if errors:
        raise ValidationError(errors)
    return {**cleaned, "completed_on": completed_on}

