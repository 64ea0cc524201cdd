"""Forgiving number fields: what a clerk types from a paper draft becomes a Decimal or an int.

Accepted and normalised: surrounding spaces (also the full-width 　), full-width digits and
punctuation (２６０．４８, １，２３４), thousands separators in their right places ("1,234.50"),
a trailing unit where it is the field's own (万元, 人/个, %, 分), and trailing zeros past the
second decimal ("1.500"). Refused with a Chinese message: text, NaN/Infinity, exponents,
more than two significant decimals, negative amounts (except where `signed`), misplaced
separators and numbers too large for the column.
"""
import re
import unicodedata
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from budgets.money import MONEY_MAX_DIGITS

# A plain decimal, optionally signed, with or without correctly placed thousands separators.
NUMBER_RE = re.compile(r"^(?P<sign>[+-]?)(?P<int>\d{1,3}(?:,\d{3})+|\d+)?(?:\.(?P<frac>\d*))?$")
EXPONENT_RE = re.compile(r"^[+-]?[\d.,]*\d[eE][+-]?\d+$")
SPECIAL_WORDS = ("nan", "inf", "infinity", "snan")
MINUS_SIGNS = {"\u2212": "-", "\u2012": "-", "\u2013": "-", "\uff0d": "-"}


def normalise_text(value):
    """NFKC (full-width → ASCII), unify minus signs and strip all surrounding white space."""
    text = unicodedata.normalize("NFKC", str(value))
    for sign, ascii_sign in MINUS_SIGNS.items():
        text = text.replace(sign, ascii_sign)
    return text.strip()


def parse_decimal(value, *, units=(), places=2, signed=False, max_digits=MONEY_MAX_DIGITS, messages=None):
    """The Decimal a person meant by `value`, or None for blank; ValidationError with a Chinese message.

    `units` are suffixes that may follow the number (their first is the field's own unit).
    """
    messages = {**DEFAULT_MESSAGES, **(messages or {})}
    if value is None:
        return None
    if isinstance(value, Decimal | int):
        text = str(value)
    else:
        text = normalise_text(value)
    if text == "":
        return None
    for unit in units:
        if text.endswith(unit):
            text = text[: -len(unit)].rstrip()
            break
    compact = text.replace(" ", "")
    if compact.lower().lstrip("+-") in SPECIAL_WORDS:
        raise ValidationError(messages["invalid"], code="invalid")
    if EXPONENT_RE.match(compact):
        raise ValidationError(messages["exponent"], code="exponent")
    match = NUMBER_RE.match(compact)
    if not match or (match["int"] is None and not match["frac"]):
        if re.fullmatch(r"[+-]?[\d,]+(\.\d+)?", compact):
            raise ValidationError(messages["separator"], code="separator")
        raise ValidationError(messages["invalid"], code="invalid")
    try:
        number = Decimal(compact.replace(",", ""))
    except InvalidOperation as exc:  # pragma: no cover - the pattern above admits only valid literals
        raise ValidationError(messages["invalid"], code="invalid") from exc
    frac = (match["frac"] or "").rstrip("0")
    if len(frac) > places:
        raise ValidationError(messages["places"], code="places", params={"places": places})
    if number < 0 and not signed:
        raise ValidationError(messages["negative"], code="negative")
    if number.adjusted() >= max_digits - places:  # before quantize, which fails past 28 digits
        raise ValidationError(messages["too_large"], code="too_large")
    number = number.quantize(Decimal(1).scaleb(-places)) if places else Decimal(int(number))
    if len(number.as_tuple().digits) > max_digits:
        raise ValidationError(messages["too_large"], code="too_large")
    if number == 0:
        number = abs(number)  # "-0" is 0
    return number


DEFAULT_MESSAGES = {
    "invalid": _("请输入数字，如 1234.50。"),
    "exponent": _("请直接写出数字，不要使用科学计数法。"),
    "separator": _("千位分隔符位置不对，请写成 1,234.50 或 1234.50。"),
    "places": _("最多保留两位小数。"),
    "negative": _("不能为负数。"),
    "too_large": _("数字过大，请检查。"),
}


class ForgivingDecimalField(forms.Field):
    """A Decimal typed the way people type it; blank is None (distinct from 0)."""

    units = ()
    places = 2
    max_digits = MONEY_MAX_DIGITS
    messages = {}
    input_mode = "decimal"

    def __init__(self, *, signed=False, min_value=None, max_value=None, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)
        self.signed = signed
        self.min_value = min_value
        self.max_value = max_value

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": self.input_mode, "autocomplete": "off"})
        return attrs

    def to_python(self, value):
        return parse_decimal(
            value, units=self.units, places=self.places, signed=self.signed,
            max_digits=self.max_digits, messages=self.messages,
        )

    def validate(self, value):
        super().validate(value)
        if value is None:
            return
        if self.min_value is not None and value < self.min_value:
            raise ValidationError(_("不能小于%(min)s。"), code="min_value", params={"min": self.min_value})
        if self.max_value is not None and value > self.max_value:
            raise ValidationError(_("不能大于%(max)s。"), code="max_value", params={"max": self.max_value})

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value:f}"
        return value


class MoneyField(ForgivingDecimalField):
    """万元 with two decimals; negative only for 结余 (signed=True)."""

    units = ("万元",)
    messages = {
        "invalid": _("请输入金额数字（单位：万元），如 1234.50。"),
        "places": _("金额最多保留两位小数（单位：万元）。"),
        "negative": _("金额不能为负数。"),
        "too_large": _("金额过大，请检查单位是否为万元。"),
    }

    def to_python(self, value):
        text = normalise_text(value) if isinstance(value, str) else value
        if isinstance(text, str) and text.endswith("元") and not text.endswith("万元"):
            raise ValidationError(_("金额单位为万元，请换算后填写（1万元 = 10000元）。"), code="unit")
        return super().to_python(value)


class PercentField(ForgivingDecimalField):
    """A percentage between 0 and 100 with two decimals; "98%" and "98" are the same."""

    units = ("%",)
    max_digits = 5
    messages = {"invalid": _("请输入百分数，如 98 或 98%。"), "negative": _("百分数不能为负数。")}

    def __init__(self, **kwargs):
        super().__init__(min_value=Decimal(0), max_value=Decimal(100), **kwargs)

    def validate(self, value):
        if value is not None and value > 100:
            raise ValidationError(_("百分数应在0至100之间。"), code="max_value")
        super().validate(value)


class ScoreField(ForgivingDecimalField):
    """A score with up to two decimals ("5", "4.5", "4.5分"); range and step are checked by the form."""

    units = ("分",)
    max_digits = 5
    messages = {"invalid": _("请输入分数，如 5 或 4.5。"), "negative": _("得分不能为负数。")}

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return f"{value.normalize():f}"  # 5.00 shows as 5, 4.50 as 4.5
        return value


class CountField(forms.Field):
    """A headcount or count: a whole number, full-width digits and a trailing 人/个 accepted."""

    units = ("人", "个", "名", "项")

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def widget_attrs(self, widget):
        attrs = super().widget_attrs(widget)
        attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        return attrs

    def to_python(self, value):
        number = parse_decimal(
            value, units=self.units, places=0, max_digits=9,
            messages={"invalid": _("请输入整数，如 23。"), "negative": _("人数或个数不能为负数。"),
                      "places": _("请填写整数。")},
        )
        return None if number is None else int(number)


class LongTextField(forms.CharField):
    """A multi-line text: line breaks as the browser posts them (CRLF) are stored as \\n."""

    def __init__(self, *, rows=3, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": rows}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        return value.replace("\r\n", "\n").replace("\r", "\n")
