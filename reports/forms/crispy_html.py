"""The editor's crispy layouts written in Python: what `{% crispy form %}` and `|as_crispy_field` print with the
bootstrap5 pack, for the layouts and widgets the editor uses, without the template engine.

A 基础数据 page is 29 fields in 11 fieldsets; through crispy each field is a `field.html` with four includes and
each row and column a template of its own, two thirds of the page's time. `render_form` writes the same
elements, attributes and text for a FormHelper with crispy's defaults (no form tag, no CSRF, labels and errors
shown, no inputs, no horizontal classes) whose layout holds only Layout, Fieldset, Row, Column, Div, Field
(with `wrapper_class` at most), HTML and field names, over text, number, date and hidden inputs and textareas.
Anything else (a select, a checkbox, a file, another layout object or template) returns None and the caller
renders through crispy itself. The whitespace between tags differs from crispy's (crispy's templates indent,
then `specialspaceless` squeezes part of it); tests/reports/test_crispy_html.py compares the two as the browser
reads them: the same elements, attributes and text in the same order, whitespace-only text aside.
"""
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Field, Fieldset, Layout, Row
from django import forms
from django.conf import settings
from django.utils.safestring import SafeString

from reports.forms.renderer import esc, html, html_join

# Exact widget classes (a subclass may have its own template or context).
WIDGETS = (forms.TextInput, forms.NumberInput, forms.DateInput, forms.Textarea, forms.HiddenInput, forms.EmailInput,
           forms.URLInput)
HELPER_DEFAULTS = {
    "form_tag": False, "disable_csrf": True, "form_show_errors": True, "form_show_labels": True, "field_class": "",
    "label_class": "", "form_class": "", "help_text_inline": False, "error_text_inline": True,
    "render_unmentioned_fields": False, "render_hidden_fields": False, "render_required_fields": False,
    "field_template": None, "template": None, "form_error_title": "",
}


def _supported_field(form, name):
    field = form.fields.get(name)
    return field is not None and type(field.widget) in WIDGETS and not field.localize


def _supported(form, node):
    kind = type(node)
    if kind is str:
        return _supported_field(form, node)
    if kind is HTML:
        return "{" not in str(node.html)  # no template syntax: crispy's Template(html).render prints it as it is
    if kind is Field:
        return (node.template == Field.template and not node.attrs
                and all(type(name) is str and _supported_field(form, name) for name in node.fields))
    if kind is Fieldset:
        legend = str(node.legend) if node.legend else ""
        ok = node.template == Fieldset.template and "{" not in legend
    elif kind in (Layout, Row, Column, Div):
        ok = kind is Layout or node.template == kind.template
    else:
        return False
    return ok and all(_supported(form, child) for child in node.fields)


def _css_class(widget):
    """What crispy's `{% crispy_field field 'class' 'form-control' %}` makes of the widget's class attribute (it
    changes the widget, so a second rendering adds nothing)."""
    class_name = type(widget).__name__.lower()
    class_name = getattr(settings, "CRISPY_CLASS_CONVERTERS", {}).get(class_name, class_name)
    css = widget.attrs.get("class", "")
    if css:
        if css.find(class_name) == -1:
            css += f" {class_name}"
    else:
        css = class_name
    widget.attrs["class"] = css
    return widget


def field_html(bound, wrapper_class=""):
    """bootstrap5/field.html for a text-like input or a textarea (see the module)."""
    if bound.is_hidden:
        return str(bound)
    # crispy's field.html, for a widget that is no checkbox, select, radio or file, with the helper's defaults.
    widget = _css_class(bound.field.widget)
    errors = bound.errors
    classes = widget.attrs["class"].split()
    for token in ("form-control", "is-invalid") if errors else ("form-control",):
        if token not in classes:
            widget.attrs["class"] += f" {token}"
            classes.append(token)
    required = bound.field.required
    label = ""
    if bound.label:
        label = html('<label{} class="form-label{}">{}{}</label>',
                     html(' for="{}"', bound.id_for_label) if bound.id_for_label else "",
                     " requiredField" if required else "", bound.label,
                     SafeString('<span class="asteriskField">*</span>') if required else "")
    error_html = ""
    if errors:
        error_html = html('<div id="{}_error" class="invalid-feedback">{}</div>', getattr(errors, "field_id", ""), html_join(
            '<span id="error_{}_{}"><strong>{}</strong></span>',
            ((number, bound.auto_id, error) for number, error in enumerate(errors, start=1))))
    help_html = ""
    if bound.help_text:
        help_html = html('<div {}class="form-text">{}</div>',
                         html('id="{}_helptext" ', bound.auto_id) if bound.auto_id else "",
                         SafeString(bound.help_text))  # crispy prints help_text|safe
    css = bound.css_classes()
    return html('<div id="div_{}" class="mb-3{}{}">{}{}{}{}</div>', bound.auto_id,
                f" {wrapper_class}" if wrapper_class else "", f" {css}" if css else "", label, bound, error_html,
                help_html)


def _render(form, node):
    kind = type(node)
    if kind is str:
        return field_html(form[node])
    if kind is HTML:
        return str(node.html)
    if kind is Field:
        return "".join(field_html(form[name], node.wrapper_class or "") for name in node.fields)
    inner = "".join(_render(form, child) for child in node.fields)
    if kind is Layout:
        return inner
    identifier = f'id="{esc(node.css_id)}"' if node.css_id else ""
    css = node.css_class or ""
    class_attr = f'class="{esc(css)}"' if css else ""
    if kind is Fieldset:
        legend = f"<legend>{node.legend}</legend>" if node.legend else ""  # legend|safe
        return f"<fieldset {identifier} {class_attr} {node.flat_attrs}>{legend}{inner} </fieldset>"
    if kind is Row:
        classes = f"row {css}"
    elif kind is Column:
        classes = css if "col" in css else f"col-md {css}"
    else:  # Div
        return f"<div {identifier} {class_attr} {node.flat_attrs}>{inner}</div>"
    return f'<div {identifier} class="{esc(classes)}" {node.flat_attrs}>{inner}</div>'


def render_form(form):
    """`{% crispy form %}` for an editor form (see the module), or None when crispy must render it."""
    helper = getattr(form, "helper", None)
    if type(helper) is not FormHelper or helper.layout is None or helper.inputs or helper.attrs or str(form.media) \
            or hasattr(form, "Meta"):
        return None
    if getattr(helper, "template_pack", None) not in (None, "bootstrap5") or any(
            getattr(helper, name) != value for name, value in HELPER_DEFAULTS.items()):
        return None
    if not _supported(form, helper.layout):
        return None
    form.rendered_fields = set()
    errors = ""
    if form.non_field_errors():
        errors = html('<div class="alert alert-block alert-danger"><ul class="m-0">{}</ul></div>',
                      html_join("<li>{}</li>", ((error,) for error in form.non_field_errors())))
    return SafeString(errors + _render(form, helper.layout))


def render_field(bound):
    """`{{ field|as_crispy_field }}` for a text-like input or textarea, or None when crispy must render it."""
    if type(bound.field.widget) not in WIDGETS or bound.field.localize:
        return None
    return field_html(bound)
