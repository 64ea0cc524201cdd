"""The keys of the interchange document and how each value is written to JSON and read back.

Every section is a model plus an ordered list of field names; the kind of each value (text with
the model's max_length, ISO date, headcount, amount) follows from the model field, so the
document and the database cannot drift apart. The order here is the key order of an export.
"""
import datetime
import re
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext as _

from budgets.models import BaseData, ExpenditureRow, FixedAssetRow, IncomeRow, ThreePublicRow
from reports.limits import limit_of
from reports.models import Evaluator, Narrative, QualitativeGoal, QuantitativeIndicator, Report, ScoreEntry, Task
from reports.narrative import TEXT_FIELDS

FORMAT_NAME = "evalsite.report"
FORMAT_VERSION = 1

COVER = ("evaluation_method", "evaluation_body", "report_date", "issuer")
OVERVIEW = (
    "contact_name", "contact_phone", "staff_quota", "actual_headcount", "in_service_count", "retired_count",
    "temporary_count", "functions", "achievements",
)
SIGNOFF = (
    "leader_name", "leader_signed_on", "dept_opinion", "dept_head_name", "dept_signed_on", "finance_opinion",
    "finance_head_name", "finance_signed_on", "filler_name", "filler_phone",
)

# (document key, model, related name on Report, money fields in the form's column order)
TABLES = (
    ("income", IncomeRow, "income_rows",
     ("total", "carried_over", "public_finance", "government_fund", "special_account", "other")),
    ("expenditure", ExpenditureRow, "expenditure_rows",
     ("total", "basic", "personnel", "public_use", "project", "current_surplus", "accumulated_surplus")),
    ("three_public", ThreePublicRow, "three_public_rows",
     ("total", "reception", "vehicle_operation", "vehicle_purchase", "overseas")),
    ("fixed_assets", FixedAssetRow, "fixed_asset_rows", ("total", "in_use", "rented", "other")),
)
BASE_DATA = tuple(f.name for f in BaseData._meta.fields if f.name not in ("id", "report"))
# Keys added to base_data after version 1 was first published: a document without them reads them as blank.
BASE_DATA_ADDED = (
    "three_public_prev_budget", "budget_adjusted", "budget_completed", "payment_progress_actual",
    "payment_progress_planned", "carryover_total", "carryover_prev_total", "public_funds_budget",
    "public_funds_actual", "work_planned", "work_completed", "work_timely", "work_quality", "key_work_assigned",
    "key_work_completed",
)
NARRATIVE = TEXT_FIELDS
# (document key, model, related name on Report, fields)
LISTS = (
    ("qualitative_goals", QualitativeGoal, "qualitative_goals", ("target", "actual")),
    ("quantitative", QuantitativeIndicator, "quantitative_indicators", ("category", "target", "actual")),
    ("evaluators", Evaluator, "evaluators", ("name", "title", "unit")),
)
SCORE = ("code", "self_score", "deduction_reason", "review_score", "review_note", "inputs")
SCORE_VALUES = ("self_score", "deduction_reason", "review_score", "review_note", "inputs")

TOP_LEVEL = (
    "format", "version", "year", "department", "status", "cover", "overview", "tasks", "income", "expenditure",
    "three_public", "fixed_assets", "base_data", "qualitative_goals", "quantitative", "evaluators", "signoff",
    "narrative", "scores", "evidence", "followup", "derived",
)
# Read-only on import. `evidence` (the 佐证材料 files' names and SHA-256, written only when the report has
# any) describes files the document does not carry.
EXPORT_ONLY = frozenset({"status", "evidence", "followup", "derived"})

# ASCII digits only: Python's \d, Decimal() and int() also take "١٢٣", "５" and "𝟓".
NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
MAX_COUNT = 2147483647


class Problem(Exception):
    """A value that cannot be accepted; the message is Chinese and names no path."""


class Text:
    def __init__(self, *, max_length=None, required=False):
        self.max_length, self.required = max_length, required

    def dump(self, value):
        return value

    def parse(self, value):
        if not isinstance(value, str):
            raise Problem(_("应为字符串。"))
        if "\x00" in value:  # PostgreSQL cannot store it; the forms refuse it too
            raise Problem(_("不能包含空字符（\\u0000）。"))
        if self.required and not value.strip():
            raise Problem(_("不能为空。"))
        if self.max_length and len(value) > self.max_length:
            raise Problem(_("不能超过%(max)s个字符（现为%(len)s个）。") % {"max": self.max_length, "len": len(value)})
        return value


class Date:
    def dump(self, value):
        return value.isoformat() if value else None

    def parse(self, value):
        if value is None:
            return None
        if isinstance(value, str) and ISO_DATE.fullmatch(value):
            try:
                return datetime.date.fromisoformat(value)
            except ValueError:
                pass
        raise Problem(_("应为 YYYY-MM-DD 格式的日期（如“2022-05-09”）或 null。"))


class Count:
    def dump(self, value):
        return value

    def parse(self, value):
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            raise Problem(_("应为整数或 null。"))
        if value < 0:
            raise Problem(_("不能为负数。"))
        if value > MAX_COUNT:
            raise Problem(_("数值过大。"))
        return value


class Amount:
    """A Decimal written as a string with exactly two decimals; read back with at most two."""

    def __init__(self, *, max_digits, signed=False, maximum=None):
        self.max_digits, self.signed, self.maximum = max_digits, signed, maximum

    def dump(self, value):
        return None if value is None else f"{Decimal(value).quantize(Decimal('0.01')):f}"

    def parse(self, value):
        if value is None:
            return None
        if not isinstance(value, str):
            raise Problem(_("应为带两位小数的数字字符串（如“260.48”）或 null。"))
        if not NUMBER.fullmatch(value):
            raise Problem(_("“%(value)s”不是有效的数字。") % {"value": value})
        number = Decimal(value)
        if -number.as_tuple().exponent > 2:
            raise Problem(_("最多保留两位小数：“%(value)s”。") % {"value": value})
        if number < 0 and not self.signed:
            raise Problem(_("不能为负数。"))
        if self.maximum is not None and number > self.maximum:
            raise Problem(_("不能大于%(max)s。") % {"max": self.maximum})
        if abs(number) >= Decimal(10) ** (self.max_digits - 2):
            raise Problem(_("数值过大。"))
        return number


class Inputs:
    """评分依据: a JSON object, written with its keys sorted so that every export is the same."""

    def dump(self, value):
        return _sorted(value or {})

    def parse(self, value):
        if not isinstance(value, dict):
            raise Problem(_("应为 JSON 对象（可为 {}）。"))
        return value


def _sorted(value):
    if isinstance(value, dict):
        return {key: _sorted(value[key]) for key in sorted(value)}
    if isinstance(value, list):
        return [_sorted(item) for item in value]
    return value


def spec_for(model, name):
    """The value kind of one model field."""
    if model is ScoreEntry and name == "inputs":
        return Inputs()
    if model is ScoreEntry and name == "code":
        return Text(required=True)
    field = model._meta.get_field(name)
    if isinstance(field, models.DecimalField):
        minimum = [v for v in field.validators if isinstance(v, MinValueValidator)]
        maximum = [v.limit_value for v in field.validators if isinstance(v, MaxValueValidator)]
        return Amount(max_digits=field.max_digits, signed=not minimum, maximum=maximum[0] if maximum else None)
    if isinstance(field, models.DateField):
        return Date()
    if isinstance(field, models.PositiveIntegerField):
        return Count()
    # The layout's limit (reports.limits) where it has one; it is never above the column's own.
    limit = limit_of(model, name)
    return Text(max_length=min(filter(None, (limit, field.max_length)), default=None), required=not field.blank)


def specs(model, names):
    return {name: spec_for(model, name) for name in names}


REPORT_SPECS = specs(Report, COVER + OVERVIEW + SIGNOFF)
TABLE_SPECS = {key: specs(model, ("org_name", *money)) for key, model, _rel, money in TABLES}
BASE_DATA_SPECS = specs(BaseData, BASE_DATA)
LIST_SPECS = {key: specs(model, names) for key, model, _rel, names in LISTS}
NARRATIVE_SPECS = specs(Narrative, NARRATIVE)
SCORE_SPECS = specs(ScoreEntry, SCORE)
TASK_SPEC = spec_for(Task, "text")
