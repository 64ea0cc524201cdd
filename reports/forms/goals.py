"""三、绩效自评情况: 定性目标 and the 定量目标 tree (one list of 指标 per category)."""
from django import forms
from django.utils.translation import gettext_lazy as _

from reports.enums import BENEFIT_CATEGORIES, OUTPUT_CATEGORIES, Category
from reports.fields import LongTextField
from reports.forms.base import RowForm, model_label, row_formset
from reports.limits import LIST_LIMITS, QUANTITATIVE_PER_CATEGORY, limit_of
from reports.models import QualitativeGoal, QuantitativeIndicator
from reports.numbering import strip_number


class NumberedTargetMixin:
    """The print numbers the goals (目标N：/指标N：): a number typed before a 预期目标 is taken off."""

    def clean_target(self):
        return strip_number(self.cleaned_data.get("target") or "")


class QualitativeGoalForm(NumberedTargetMixin, RowForm):
    target = LongTextField(label=model_label(QualitativeGoal, "target"), rows=2,
                           max_length=limit_of(QualitativeGoal, "target"))
    actual = LongTextField(label=model_label(QualitativeGoal, "actual"), rows=2,
                           max_length=limit_of(QualitativeGoal, "actual"))
    required_field = "target"
    required_message = _("请填写预期目标。")


class QuantitativeIndicatorForm(NumberedTargetMixin, RowForm):
    target = LongTextField(label=model_label(QuantitativeIndicator, "target"), rows=2,
                           max_length=limit_of(QuantitativeIndicator, "target"))
    actual = forms.CharField(label=model_label(QuantitativeIndicator, "actual"),
                             max_length=limit_of(QuantitativeIndicator, "actual"), required=False)
    required_field = "target"
    required_message = _("请填写绩效目标（没有时填“无”）。")


QualitativeGoalFormSet = row_formset(QualitativeGoalForm, max_num=LIST_LIMITS["qualitative_goals"])
QuantitativeIndicatorFormSet = row_formset(QuantitativeIndicatorForm, max_num=QUANTITATIVE_PER_CATEGORY)

# (group title, categories) as the form prints the tree.
QUANTITATIVE_GROUPS = (
    (_("产出目标"), OUTPUT_CATEGORIES),
    (_("效益目标"), (*BENEFIT_CATEGORIES, Category.SATISFACTION)),
)


def category_prefix(category):
    return f"q-{category}"


def number_rows(formset, word, *, only_if_many=False):
    """Give each form of `formset` the number the print puts before its goal (`row_number`, "目标2："),
    counting the rows not ticked 删除; with `only_if_many` (the 定量 categories) none when one row is left."""
    live = [form for form in formset.forms if not (formset.is_bound and form["DELETE"].value())]
    show = len(live) > 1 or not only_if_many
    for form in formset.forms:
        form.row_number = ""
    for number, form in enumerate(live, start=1):
        form.row_number = f"{word}{number}：" if show else ""
    return formset
