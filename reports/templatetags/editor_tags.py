"""The editor's repeated row markup written in Python: a formset row's cells (templates/reports/editor/_row.html).

A page holds up to 120 cells; one `{% include %}` each cost more than the widgets inside them. The HTML is the
one the cell template printed, every value escaped (format_html), so the browser's scripts and the tests read
the same page.
"""
from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


def _cell(field):
    errors = format_html_join("", '<div class="invalid-feedback d-block">{}</div>', ((e,) for e in field.errors))
    return format_html('<td data-label="{}" class="cell-{}">{}{}</td>\n', field.label, field.name, field, errors)


@register.simple_tag
def row_cells(form):
    """`<td data-label="label" class="cell-name">widget, then each error</td>` for each visible field but DELETE."""
    return mark_safe("".join(_cell(field) for field in form.visible_fields() if field.name != "DELETE"))  # noqa: S308
