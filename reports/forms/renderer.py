"""The editor's form renderer: plain inputs, textareas and selects written in Python, the rest by Django's templates.

An editor page holds up to 120 widgets; through the template engine each costs a template, an include of
`input.html` and one of `attrs.html`. `WidgetRenderer.render` writes the same HTML for the widget templates
listed in `FAST` (what django/forms/templates/django/forms/widgets/{input,textarea,select,select_option,attrs}.html
print, character for character, escaped the same way: tests/reports/test_renderer.py compares them) and hands
every other template (checkboxes, radios, error lists, any project override) to Django's. A form of hidden fields only
without errors (a formset's management form) is its inputs, as `div.html` prints it.
"""
from html import escape as _escape

from django import forms
from django.forms.boundfield import BoundField
from django.forms.renderers import DjangoTemplates
from django.utils.functional import Promise
from django.utils.safestring import SafeData, SafeString, mark_safe

INPUTS = frozenset(
    f"django/forms/widgets/{name}.html"
    for name in ("input", "text", "number", "email", "url", "tel", "password", "hidden", "date", "time", "datetime",
                 "search", "color")
)
TEXTAREA = "django/forms/widgets/textarea.html"
SELECT = "django/forms/widgets/select.html"
OPTION = "django/forms/widgets/select_option.html"
FAST = INPUTS | {TEXTAREA, SELECT}
FORM = "django/forms/div.html"


def esc(value):
    """What django.utils.html.conditional_escape returns (a lazy string made text, safe text as it is, the rest
    through html.escape), as plain text and without the wrapper that looks for lazy arguments: a page escapes
    some 2,000 values in these loops, and the wrapper costs five times the escaping."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    return _escape(str(value))


def html(template, *args, **kwargs):
    """django.utils.html.format_html with esc: `template` formatted with every argument escaped, marked safe."""
    return SafeString(template.format(*map(esc, args), **{name: esc(value) for name, value in kwargs.items()}))


def html_join(template, rows):
    """format_html_join("", template, rows) with esc."""
    return SafeString("".join(template.format(*map(esc, row)) for row in rows))


def _format_s(value):
    """`{{ value|stringformat:'s' }}`: "%s" % value, kept safe when the value was (the filter is is_safe)."""
    try:
        text = "%s" % value  # noqa: UP031 (the template filter's exact operation, tuples included)
    except (TypeError, ValueError):
        return ""
    return text if isinstance(value, SafeData) else _escape(text)


def _attrs(attrs):
    """django/forms/widgets/attrs.html."""
    parts = []
    for name, value in attrs.items():
        if value is False:
            continue
        if value is True:
            parts.append(f" {esc(name)}")
        else:
            parts.append(f' {esc(name)}="{_format_s(value)}"')
    return "".join(parts)


def render_input(widget):
    """django/forms/widgets/input.html (rendered and stripped, as BaseRenderer.render returns it)."""
    value = "" if widget["value"] is None else f' value="{_format_s(widget["value"])}"'
    return (f'<input type="{esc(widget["type"])}" name="{esc(widget["name"])}"'
            f'{value}{_attrs(widget["attrs"])}>')


def render_textarea(widget):
    """django/forms/widgets/textarea.html (rendered and stripped)."""
    value = esc(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{esc(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def render_select(widget):
    """django/forms/widgets/select.html with select_option.html for each option (rendered and stripped), or None
    when an option has a template of its own."""
    parts = [f'<select name="{esc(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{esc(group_name)}">')
        for option in group_choices:
            if option.get("template_name") != OPTION:
                return None
            parts.append(f'\n  <option value="{_format_s(option["value"])}"{_attrs(option["attrs"])}>'
                         f'{esc(option["label"])}</option>\n')
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


MANAGEMENT = ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS")


def management_html(formset):
    """str(formset.management_form) of an unbound formset with Django's ids, written without building the form:
    its four hidden inputs as the FORM path below prints them (tests/reports/test_renderer.py compares them).
    None for a bound formset (its management form prints what was posted, and its errors) or other ids."""
    if formset.is_bound or formset.auto_id != "id_%s":
        return None
    counts = (formset.total_form_count(), formset.initial_form_count(), formset.min_num, formset.max_num)
    inputs = []
    for name, count in zip(MANAGEMENT, counts, strict=True):
        html_name = esc(f"{formset.prefix}-{name}")  # ManagementForm.add_prefix
        value = "" if count is None or count == "" else f' value="{_format_s(count)}"'
        inputs.append(f'<input type="hidden" name="{html_name}"{value} id="id_{html_name}">')
    return mark_safe("".join(inputs))  # noqa: S308 (every part above is escaped)


class WidgetRenderer(DjangoTemplates):
    """Django's template renderer, except for the plain inputs and textareas (see the module)."""

    def render(self, template_name, context, request=None):
        if template_name in FAST:
            widget = context["widget"]
            if widget.get("template_name") == template_name:
                if template_name == TEXTAREA:
                    html = render_textarea(widget)
                elif template_name == SELECT:
                    html = render_select(widget)
                else:
                    html = render_input(widget)
                if html is not None:
                    return mark_safe(html)  # noqa: S308 (every part above is escaped)
        elif template_name == FORM and not context.get("fields", True) and not context.get("errors", True):
            # div.html with nothing but hidden fields: `{% for field in hidden_fields %}{{ field }}{% endfor %}`.
            return mark_safe("".join(esc(field) for field in context["hidden_fields"]))  # noqa: S308
        return super().render(template_name, context, request)


RENDERER = WidgetRenderer()


# Exact widget classes BoundField.as_widget goes through without Widget.render (a subclass may build its own context).
DIRECT = {forms.TextInput: render_input, forms.NumberInput: render_input, forms.HiddenInput: render_input,
          forms.Textarea: render_textarea, forms.Select: None}


def render_bound(bound):
    """bound.as_widget() (BoundField.build_widget_attrs, then Widget.render with the WidgetRenderer) written in one
    step for the widgets in DIRECT, or None for any other field: a 评分表 page renders 60 fields, and the context
    Django builds for each (and the three reads of its errors) cost as much as the writing.
    tests/reports/test_renderer.py compares it with Django for every field of every editor page."""
    field, form = bound.field, bound.form
    widget = field.widget
    kind = type(widget)
    if kind not in DIRECT or field.localize or widget.template_name not in FAST \
            or not isinstance(form.renderer, WidgetRenderer):
        return None
    attrs = {}  # BoundField.build_widget_attrs, in its order
    if field.required and form.use_required_attribute and widget.use_required_attribute(bound.initial):
        attrs["required"] = True
    if field.disabled:
        attrs["disabled"] = True
    errors = bound.errors
    if errors and not widget.is_hidden:
        attrs["aria-invalid"] = "true"
    auto_id = bound.auto_id
    if not widget.use_fieldset and not widget.attrs.get("aria-describedby") and auto_id and not widget.is_hidden:
        described = [f"{auto_id}_helptext"] if bound.help_text else []
        if errors:
            described.append(f"{auto_id}_error")
        if described:
            attrs["aria-describedby"] = " ".join(described)
    if auto_id and "id" not in widget.attrs:
        attrs["id"] = auto_id
    value = bound.value()
    write = DIRECT[kind]
    if write is None:  # a select: its options as Django groups them
        html = render_select(widget.get_context(bound.html_name, value, attrs)["widget"])
    else:
        context = {"name": bound.html_name, "value": widget.format_value(value), "attrs": {**widget.attrs, **attrs}}
        if write is render_input:
            context["type"] = widget.input_type
        html = write(context)
    return None if html is None else mark_safe(html)  # noqa: S308 (escaped by the writers)


class EditorBoundField(BoundField):
    """The editor forms' BoundField: `{{ field }}` through render_bound where it can."""

    def as_widget(self, widget=None, attrs=None, only_initial=False):
        if widget is None and not attrs and not only_initial:
            html = render_bound(self)
            if html is not None:
                return html
        return super().as_widget(widget, attrs, only_initial)
