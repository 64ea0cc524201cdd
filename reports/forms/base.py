"""Building blocks of the editor's forms: styling, row formsets and the forgiving date field.

Forms only validate: they never save. Each section's bundle (reports.forms.sections) hands its
cleaned data, as plain dicts and lists, to reports.editing.report_save_section.
"""
import copy
import datetime
import re

from crispy_forms.helper import FormHelper
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.utils.translation import gettext_lazy as _

from reports.fields import ForgivingDecimalField, normalise_text
from reports.forms.renderer import RENDERER, EditorBoundField

DATE_RE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def model_label(model, name):
    """The verbose name of a model field, so forms and print use the same words."""
    return model._meta.get_field(name).verbose_name


class ForgivingDateField(forms.DateField):
    """2022-05-09, 2022/5/9, 2022.5.9 and 2022年5月9日 (also in full-width digits) are all one date."""

    widget = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.date):
            return value
        match = DATE_RE.match(normalise_text(value))
        if not match:
            raise ValidationError(_("请输入日期，如 2022-05-09 或 2022年5月9日。"), code="invalid")
        try:
            return datetime.date(*(int(part) for part in match.groups()))
        except ValueError as exc:
            raise ValidationError(_("没有这一天，请检查日期。"), code="invalid") from exc


LIMIT_MESSAGE = _("最多%(limit_value)d个字符（现为%(show_value)d个），请删减。")


def _say_limit_in_chinese(field):
    """The length limit's message (reports.limits), in plain Chinese instead of Django's wording."""
    field.validators = [
        MaxLengthValidator(v.limit_value, message=LIMIT_MESSAGE) if isinstance(v, MaxLengthValidator) else v
        for v in field.validators
    ]


def style_field(field, *, compact):
    """Style one field as StyledFormMixin styles a form's (for fields built ahead and copied into forms)."""
    _style(field, " form-control-sm" if compact else "")


def _style(field, size):
    _say_limit_in_chinese(field)
    widget = field.widget
    if isinstance(widget, forms.CheckboxInput | forms.CheckboxSelectMultiple):
        widget.attrs.setdefault("class", "form-check-input")
    elif not isinstance(widget, forms.HiddenInput):
        widget.attrs["class"] = f"form-control{size}"
    if isinstance(field, ForgivingDecimalField):
        widget.attrs["class"] = widget.attrs.get("class", "") + " num-input"
    if isinstance(widget, forms.Textarea):
        widget.attrs.setdefault("rows", 3)
    widget.styled_as = size  # copied with the widget (Widget.__deepcopy__ copies its attributes)


class StyledFormMixin:
    """Bootstrap classes on every widget, and `is-invalid` on the ones that failed."""

    compact = False

    def style_widgets(self):
        """Style the fields not styled yet (those added since, or all of a form without styled class fields)."""
        size = " form-control-sm" if self.compact else ""
        for field in self.fields.values():
            if getattr(field.widget, "styled_as", None) != size:
                _style(field, size)

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"
                widget.attrs["aria-invalid"] = "true"


def editor_helper(form, layout):
    """The FormHelper of an editor form laid out by `layout`: no <form> tag and no CSRF input (the editor's page
    has them). `layout` may be shared by every instance of the form (the editor builds each once per process and
    language; crispy's rendering reads layouts and never changes them)."""
    helper = FormHelper()
    helper.form = form  # as FormHelper(form) sets it, without building a default layout only to replace it
    helper.form_tag = False
    helper.disable_csrf = True
    helper.layout = layout
    return helper


class EditorForm(StyledFormMixin, forms.Form):
    """A plain form of the editor (never a ModelForm: saving is the services' job)."""

    default_renderer = RENDERER  # plain inputs without the template engine (reports.forms.renderer)
    bound_field_class = EditorBoundField  # and without the widget's context where it can

    def __init__(self, *args, **kwargs):
        cls = type(self)
        if "_fields_styled" not in cls.__dict__:
            # The class's own styled copy of its fields, once per process: each form copies its fields from
            # them, so a page of 30 rows does not style 150 widgets again (the parent's fields stay as they are).
            fields = copy.deepcopy(cls.base_fields)
            for field in fields.values():
                style_field(field, compact=cls.compact)
            cls.base_fields, cls._fields_styled = fields, True
        super().__init__(*args, **kwargs)
        self.style_widgets()


class RowForm(EditorForm):
    """One row of a variable-length list; `id` is the stored row's pk (blank for a new row)."""

    compact = True
    id = forms.IntegerField(required=False, widget=forms.HiddenInput)
    # The fields whose emptiness makes the whole row "not entered" (all but id/DELETE by default).
    content_fields = None
    # The field a row must have once anything else is entered, with its message.
    required_field = None
    required_message = ""

    def content_names(self):
        return self.content_fields or [n for n in self.fields if n not in ("id", "DELETE")]

    def is_blank(self):
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return False
        return all(self.cleaned_data.get(n) in (None, "") for n in self.content_names())

    def clean(self):
        cleaned = super().clean()
        name = self.required_field
        if name and not self.errors and not self.is_blank() and cleaned.get(name) in (None, ""):
            self.add_error(name, self.required_message)
        return cleaned


class RowFormSet(forms.BaseFormSet):
    """A formset of RowForms whose kept rows, in order, are `rows()`: deleted and blank rows drop out."""

    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_many_forms": _("最多只能填写%(num)d行。"),
        "missing_management_form": _("页面数据不完整，请刷新页面后重新填写。"),
    }

    def clean(self):
        super().clean()
        management = self.management_form
        counts = (management.cleaned_data.get(n) or 0 for n in ("TOTAL_FORMS", "INITIAL_FORMS"))
        if management.is_valid() and min(counts) < 0:
            # A negative form count would drop every row on save: refuse it like a broken management form.
            raise ValidationError(self.error_messages["missing_management_form"], code="missing_management_form")

    def rows(self):
        kept = []
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form):
                continue
            if form.is_blank():
                continue
            kept.append({k: v for k, v in form.cleaned_data.items() if k != "DELETE"})
        return kept


def row_formset(form_class, *, max_num=200):
    """A formset class for `form_class`: rows are added in the browser and deleted with a checkbox."""
    return forms.formset_factory(
        form_class, formset=RowFormSet, extra=0, can_delete=True, max_num=max_num, validate_max=True,
        absolute_max=max_num, renderer=RENDERER,  # the rows' and the management form's (reports.forms.renderer)
    )


def instance_values(instance, names):
    """The initial values of a form row from a model instance (None-safe)."""
    if instance is None:
        return {}
    return {name: getattr(instance, name) for name in names}
