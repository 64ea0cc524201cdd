"""Forms of follow-up: fields listed explicitly, Chinese messages, maxlength on every input. The services
validate again (followup.validators), and their errors land at the field."""
from django import forms
from django.utils.translation import gettext_lazy as _

from followup.enums import FindingCategory, FindingStatus
from followup.models import NAME_LENGTH, NOTE_LENGTH, TEXT_LENGTH

DATE_MESSAGES = {"invalid": _("请输入日期，如 2022-06-30。"), "required": _("请填写日期。")}


def _style(form):
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxSelectMultiple):
            continue
        css = "form-select form-select-sm" if isinstance(field.widget, forms.Select) else "form-control form-control-sm"
        field.widget.attrs.setdefault("class", css)


class FindingForm(forms.Form):
    category = forms.ChoiceField(label=_("问题类别"), choices=[("", "——"), *FindingCategory.choices],
                                 error_messages={"required": _("请选择问题类别。"), "invalid_choice": _("请选择问题类别。")})
    description = forms.CharField(label=_("问题描述"), max_length=TEXT_LENGTH, widget=forms.Textarea(attrs={"rows": 4}),
                                  error_messages={"required": _("请填写问题描述。"),
                                                  "max_length": _("问题描述不超过%(limit_value)d字。")})
    places = forms.MultipleChoiceField(label=_("涉及内容"), required=False, widget=forms.CheckboxSelectMultiple,
                                       error_messages={"invalid_choice": _("涉及内容不在这份报告中。")})
    deadline = forms.DateField(label=_("整改期限"), widget=forms.DateInput(attrs={"type": "date"}),
                               error_messages={"invalid": DATE_MESSAGES["invalid"], "required": _("请填写整改期限。")})

    def __init__(self, *args, places, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["places"].choices = list(places.items())
        _style(self)


class ReplyForm(forms.Form):
    measures = forms.CharField(label=_("整改措施"), max_length=TEXT_LENGTH, widget=forms.Textarea(attrs={"rows": 4}),
                               error_messages={"required": _("请填写整改措施。"),
                                               "max_length": _("整改措施不超过%(limit_value)d字。")})
    responsible = forms.CharField(label=_("责任人"), max_length=NAME_LENGTH,
                                  error_messages={"required": _("请填写责任人。"),
                                                  "max_length": _("责任人不超过%(limit_value)d字。")})
    completed_on = forms.DateField(label=_("完成日期"), widget=forms.DateInput(attrs={"type": "date"}),
                                   error_messages={"invalid": DATE_MESSAGES["invalid"], "required": _("请填写完成日期。")})
    file = forms.FileField(label=_("佐证材料（可选）"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class MoveForm(forms.Form):
    to = forms.ChoiceField(choices=FindingStatus.choices)
    comment = forms.CharField(label=_("意见（退回时必填）"), required=False, max_length=2000,
                              widget=forms.Textarea(attrs={"rows": 2}),
                              error_messages={"max_length": _("意见不超过%(limit_value)d字。")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class FindingFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部")), *FindingStatus.choices])
    overdue = forms.BooleanField(label=_("仅逾期"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].widget.attrs["class"] = "form-select form-select-sm"


class ResultForm(forms.Form):
    consequence = forms.CharField(label=_("结果应用"), max_length=NAME_LENGTH, widget=forms.TextInput(attrs={
        "list": "consequence-suggestions"}), error_messages={
        "required": _("请填写结果应用。"), "max_length": _("结果应用不超过%(limit_value)d字。")})
    note = forms.CharField(label=_("说明"), max_length=NOTE_LENGTH, required=False, widget=forms.Textarea(attrs={"rows": 2}),
                           error_messages={"max_length": _("说明不超过%(limit_value)d字。")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _style(self)


class ExtensionForm(forms.Form):
    department = forms.ModelChoiceField(label=_("部门（单位）"), queryset=None, to_field_name="code",
                                        widget=forms.TextInput(attrs={"list": "department-codes", "placeholder": _("预算编码")}),
                                        error_messages={"required": _("请填写部门的预算编码。"),
                                                        "invalid_choice": _("没有这个预算编码的部门。")})
    deadline = forms.DateField(label=_("延长至"), widget=forms.DateInput(attrs={"type": "date"}),
                               error_messages={"invalid": DATE_MESSAGES["invalid"], "required": _("请填写延长后的截止日期。")})
    reason = forms.CharField(label=_("延期理由"), max_length=NOTE_LENGTH, widget=forms.Textarea(attrs={"rows": 2}),
                             error_messages={"required": _("请填写延期理由。"),
                                             "max_length": _("延期理由不超过%(limit_value)d字。")})

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments
        _style(self)

