"""The declaration editor's, the 调整申请's and the year-end 完成情况 forms. They only validate; the
services save. Built from the report editor's form kit (reports.forms.base, reports.fields), so a
bad value gets the same Chinese message at its field and nothing typed is lost."""
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from reports.fields import ForgivingDecimalField, LongTextField, MoneyField
from reports.forms.base import EditorForm, RowForm, model_label, row_formset
from targets.completion import completion
from targets.enums import GROUPS, Category, Direction, Outcome
from targets.models import (
    BUDGET_FIELDS,
    MAX_GOALS,
    MAX_INDICATORS,
    MAX_TASKS,
    NAME_LENGTH,
    TEXT_LENGTH,
    UNIT_LENGTH,
    VALUE_DIGITS,
    VALUE_PLACES,
    Declaration,
    TargetIndicator,
)
from targets.validators import validate_indicator


class ValueField(ForgivingDecimalField):
    """An indicator's 指标值 or 实际值: up to four decimals, a trailing % or unit allowed."""

    places = VALUE_PLACES
    max_digits = VALUE_DIGITS
    units = ("%",)
    messages = {
        "invalid": _("请输入数字，如 129 或 98.5。"),
        "places": _("最多保留四位小数。"),
        "negative": _("不能为负数。"),
        "too_large": _("数字过大，请检查。"),
    }

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format(value.normalize(), "f")
        return value


class BudgetForm(EditorForm):
    budget_general = MoneyField(label=model_label(Declaration, "budget_general"))
    budget_fund = MoneyField(label=model_label(Declaration, "budget_fund"))
    budget_nontax = MoneyField(label=model_label(Declaration, "budget_nontax"))
    budget_carryover = MoneyField(label=model_label(Declaration, "budget_carryover"))
    budget_other = MoneyField(label=model_label(Declaration, "budget_other"))


class TaskForm(RowForm):
    text = LongTextField(label=_("任务内容"), rows=2, max_length=TEXT_LENGTH)


class GoalForm(RowForm):
    text = LongTextField(label=_("定性目标"), rows=2, max_length=TEXT_LENGTH)


class IndicatorForm(RowForm):
    name = forms.CharField(label=model_label(TargetIndicator, "name"), max_length=NAME_LENGTH, required=False)
    direction = forms.ChoiceField(
        label=model_label(TargetIndicator, "direction"), choices=Direction.choices, initial=Direction.AT_LEAST,
    )
    value = ValueField(label=model_label(TargetIndicator, "value"))
    unit = forms.CharField(label=model_label(TargetIndicator, "unit"), max_length=UNIT_LENGTH, required=False)
    qualitative_value = forms.CharField(
        label=model_label(TargetIndicator, "qualitative_value"), max_length=NAME_LENGTH, required=False,
    )
    content_fields = ("name", "value", "unit", "qualitative_value")

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.is_blank():
            try:
                validate_indicator(cleaned)
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    self.add_error(field, messages)
        return cleaned


TaskFormSet = row_formset(TaskForm, max_num=MAX_TASKS)
GoalFormSet = row_formset(GoalForm, max_num=MAX_GOALS)
IndicatorFormSet = row_formset(IndicatorForm, max_num=MAX_INDICATORS)


def indicator_prefix(category):
    return f"ind-{category}"


class DeclarationForms:
    """Every form of the declaration editor, bound to POST data or filled from the stored declaration."""

    def __init__(self, declaration, data=None):
        self.declaration = declaration
        self.budget = BudgetForm(data, prefix="budget", initial={n: getattr(declaration, n) for n in BUDGET_FIELDS})
        self.tasks = TaskFormSet(data, prefix="tasks", initial=[{"text": t.text} for t in declaration.tasks.all()])
        self.goals = GoalFormSet(data, prefix="goals", initial=[{"text": g.text} for g in declaration.goals.all()])
        by_category = {}
        for indicator in declaration.indicators.all():
            by_category.setdefault(indicator.category, []).append({
                "name": indicator.name, "direction": indicator.direction, "value": indicator.value,
                "unit": indicator.unit, "qualitative_value": indicator.qualitative_value,
            })
        self.indicators = {
            c.value: IndicatorFormSet(data, prefix=indicator_prefix(c.value), initial=by_category.get(c.value, []))
            for c in Category
        }

    def all(self):
        return [self.budget, self.tasks, self.goals, *self.indicators.values()]

    def is_valid(self):
        results = [part.is_valid() for part in self.all()]
        if not all(results):
            return False
        count = sum(len(formset.rows()) for formset in self.indicators.values())
        if count > MAX_INDICATORS:
            self.too_many = _("指标最多%(max)s项。") % {"max": MAX_INDICATORS}
            return False
        return True

    def error_count(self):
        count = sum(len(e) for e in self.budget.errors.values())
        for formset in (self.tasks, self.goals, *self.indicators.values()):
            count += sum(len(e) for e in formset.errors) + len(formset.non_form_errors())
        return count + (1 if getattr(self, "too_many", None) else 0)

    def groups(self):
        """[(产出/效益/满意度指标, [(category label, formset)])] as the 申报表 prints the tree."""
        return [(title, [(c.label, self.indicators[c.value]) for c in categories]) for title, categories in GROUPS]

    def cleaned(self):
        indicators = []
        for category in Category:
            for row in self.indicators[category.value].rows():
                row.pop("id", None)
                if row["direction"] == Direction.QUALITATIVE:
                    row["value"] = None
                else:
                    row["qualitative_value"] = ""
                indicators.append({**row, "category": category.value})
        return {
            "budget": dict(self.budget.cleaned_data),
            "tasks": [{"text": r["text"]} for r in self.tasks.rows()],
            "goals": [{"text": r["text"]} for r in self.goals.rows()],
            "indicators": indicators,
        }


class AdjustmentForm(EditorForm):
    reason = LongTextField(label=_("调整理由"), rows=3, max_length=TEXT_LENGTH, required=True,
                           error_messages={"required": _("请填写调整理由。")})


class AdjustRowForm(RowForm):
    """One indicator's proposed values (its name is fixed)."""

    direction = forms.ChoiceField(label=model_label(TargetIndicator, "direction"), choices=Direction.choices)
    value = ValueField(label=model_label(TargetIndicator, "value"))
    unit = forms.CharField(label=model_label(TargetIndicator, "unit"), max_length=UNIT_LENGTH, required=False)
    qualitative_value = forms.CharField(
        label=model_label(TargetIndicator, "qualitative_value"), max_length=NAME_LENGTH, required=False,
    )

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                validate_indicator({**cleaned, "name": "-"})
            except ValidationError as exc:
                for field, messages in exc.message_dict.items():
                    self.add_error(field, messages)
        return cleaned


AdjustRowFormSet = forms.formset_factory(
    AdjustRowForm, extra=0, max_num=MAX_INDICATORS, validate_max=True, absolute_max=MAX_INDICATORS,
)


def _result_names(indicator):
    return f"actual_value__{indicator.pk}", f"outcome__{indicator.pk}", f"deviation_reason__{indicator.pk}"


class ResultsForm(EditorForm):
    """The year-end 完成情况 of every approved indicator (targets.yearend.ReportTargets.rows): a 实际值
    (定量) or an outcome (定性) and a 偏差原因; the targets themselves are shown, never posted."""

    compact = True

    def __init__(self, *args, rows, **kwargs):
        self.rows = rows
        initial = kwargs.pop("initial", None) or {}
        for row in rows:
            actual, outcome, reason = _result_names(row.indicator)
            if row.result is not None:
                initial.setdefault(actual, row.result.actual_value)
                initial.setdefault(outcome, row.result.outcome)
                initial.setdefault(reason, row.result.deviation_reason)
        super().__init__(*args, initial=initial, **kwargs)
        for row in rows:
            actual, outcome, reason = _result_names(row.indicator)
            label = row.indicator.name
            if row.indicator.direction == Direction.QUALITATIVE:
                self.fields[outcome] = forms.ChoiceField(
                    label=_("%(name)s · 实际完成") % {"name": label}, choices=[("", "—"), *Outcome.choices],
                    required=False,
                )
            else:
                self.fields[actual] = ValueField(label=_("%(name)s · 实际值") % {"name": label})
            self.fields[reason] = LongTextField(
                label=_("%(name)s · 偏差原因") % {"name": label}, rows=1, max_length=TEXT_LENGTH,
            )
        self.style_widgets()

    def _values(self, row):
        actual, outcome, reason = _result_names(row.indicator)
        source = self.cleaned_data if self.is_bound and hasattr(self, "cleaned_data") else self.initial
        return {
            "indicator": row.indicator.pk, "actual_value": source.get(actual), "outcome": source.get(outcome) or "",
            "deviation_reason": source.get(reason) or "",
        }

    def lines(self):
        """[(ResultRow, value field, reason field, Completion)] in the 申报表's order, for the page."""
        lines = []
        for row in self.rows:
            actual, outcome, reason = _result_names(row.indicator)
            value_field = self[outcome] if outcome in self.fields else self[actual]
            values = self._values(row)
            if self.is_bound and not self.is_valid():
                shown = row.completion
            else:
                shown = completion(
                    row.indicator.direction, target=row.indicator.value, actual=values["actual_value"],
                    outcome=values["outcome"],
                )
            lines.append((row, value_field, self[reason], shown))
        return lines

    def rows_data(self):
        return [self._values(row) for row in self.rows]
