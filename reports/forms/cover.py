"""封面和基本概况 (with 年度主要工作内容) and 四、评价人员 / 填报人."""
from crispy_forms.layout import Column, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from reports.fields import CountField, LongTextField
from reports.forms.base import EditorForm, ForgivingDateField, RowForm, editor_helper, model_label, row_formset
from reports.limits import LIST_LIMITS, limit_of
from reports.models import Evaluator, Report, Task
from reports.validators import validate_headcount

HEADCOUNT_PARTS = ("in_service_count", "retired_count", "temporary_count")


def _char(name, **kwargs):
    return forms.CharField(label=model_label(Report, name), max_length=limit_of(Report, name), required=False, **kwargs)


def _text(model, name, rows=4):
    return LongTextField(label=model_label(model, name), rows=rows, max_length=limit_of(model, name))


# The forms' layouts (one each, shared: reports.forms.base.editor_helper).
COVER_LAYOUT = Layout(
    Row(Column("evaluation_method", css_class="col-md-6"), Column("evaluation_body", css_class="col-md-6")),
    Row(Column("report_date", css_class="col-md-6"), Column("issuer", css_class="col-md-6")),
    Row(Column("contact_name", css_class="col-md-6"), Column("contact_phone", css_class="col-md-6")),
    Row(
        Column("staff_quota", css_class="col-6 col-md"), Column("actual_headcount", css_class="col-6 col-md"),
        Column("in_service_count", css_class="col-6 col-md"), Column("retired_count", css_class="col-6 col-md"),
        Column("temporary_count", css_class="col-6 col-md"),
    ),
    "functions",
)

SIGN_OFF_LAYOUT = Layout(
    Row(Column("leader_name", css_class="col-md-6"), Column("leader_signed_on", css_class="col-md-6")),
    Row(Column("filler_name", css_class="col-md-6"), Column("filler_phone", css_class="col-md-6")),
)


class CoverForm(EditorForm):
    """The cover and the scalar facts of 一、部门（单位）基本概况."""

    evaluation_method = _char("evaluation_method")
    evaluation_body = _char("evaluation_body")
    report_date = ForgivingDateField(label=model_label(Report, "report_date"))
    issuer = _char("issuer", help_text=_("如：岳阳楼区财政局（制）"))
    contact_name = _char("contact_name")
    contact_phone = _char("contact_phone")
    staff_quota = CountField(label=model_label(Report, "staff_quota"))
    actual_headcount = CountField(
        label=model_label(Report, "actual_headcount"), help_text=_("＝在职人数＋退休人数＋借调临聘人数"),
    )
    in_service_count = CountField(label=_("在职人数（在职全额编制）"))
    retired_count = CountField(label=model_label(Report, "retired_count"))
    temporary_count = CountField(label=model_label(Report, "temporary_count"))
    functions = _text(Report, "functions", rows=6)
    achievements = _text(Report, "achievements", rows=10)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["actual_headcount"].widget.attrs.update({
            "data-sum": " ".join(HEADCOUNT_PARTS), "data-sum-label": _("实有人数"), "data-integer": "1",
        })
        self.helper = editor_helper(self, COVER_LAYOUT)

    def clean(self):
        cleaned = super().clean()
        try:
            validate_headcount(cleaned)
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned


class TaskForm(RowForm):
    text = LongTextField(label=_("任务内容"), rows=2, max_length=limit_of(Task, "text"))


TaskFormSet = row_formset(TaskForm, max_num=LIST_LIMITS["tasks"])


class SignOffForm(EditorForm):
    """评价组组长 and 填报人 of 四、评价人员 (the opinions belong to the head and the reviewer)."""

    leader_name = _char("leader_name")
    leader_signed_on = ForgivingDateField(label=model_label(Report, "leader_signed_on"))
    filler_name = _char("filler_name")
    filler_phone = _char("filler_phone")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = editor_helper(self, SIGN_OFF_LAYOUT)


class EvaluatorForm(RowForm):
    name = forms.CharField(label=model_label(Evaluator, "name"), max_length=limit_of(Evaluator, "name"), required=False)
    title = forms.CharField(label=model_label(Evaluator, "title"), max_length=limit_of(Evaluator, "title"), required=False)
    unit = forms.CharField(label=model_label(Evaluator, "unit"), max_length=limit_of(Evaluator, "unit"), required=False)
    required_field = "name"
    required_message = _("请填写评价人员姓名。")


EvaluatorFormSet = row_formset(EvaluatorForm, max_num=LIST_LIMITS["evaluators"])

TASK_FIELDS = ("text",)
EVALUATOR_FIELDS = ("name", "title", "unit")
