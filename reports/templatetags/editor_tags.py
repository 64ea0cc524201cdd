"""The editor's repeated row markup written in Python: a formset row's cells (templates/reports/editor/_row.html).

A page holds up to 120 cells; one `{% include %}` each cost more than the widgets inside them. The HTML is the
one the cell template printed, every value escaped (format_html), so the browser's scripts and the tests read
the same page.
"""
from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


def _cell(field, number=None, note=None):
    errors = format_html_join("", '<div class="invalid-feedback d-block">{}</div>', ((e,) for e in field.errors))
    label = "" if number is None else format_html('<label class="row-number" for="{}">{}</label>', field.auto_id, number)
    if note:  # the 基础数据 figure differs from this one (reports.forms.sections.FinanceSection.tables)
        errors = format_html('{}<div class="mirror-hint">{}</div>', errors, note)
    return format_html('<td data-label="{}" class="cell-{}">{}{}{}</td>\n', field.label, field.name, label, field,
                       errors)


@register.simple_tag
def row_cells(form, numbered=False):
    """`<td data-label="label" class="cell-name">widget, then each error</td>` for each visible field but DELETE.

    `numbered` (the 绩效目标 lists): the 预期目标 cell starts with the row's 目标N：/指标N： (`form.row_number`,
    reports.forms.goals.number_rows; static/app/editor.js renumbers it as rows come and go)."""
    notes = getattr(form, "mirror_notes", {})
    return mark_safe("".join(  # noqa: S308
        _cell(field, getattr(form, "row_number", "") if numbered and field.name == "target" else None,
              notes.get(field.name))
        for field in form.visible_fields() if field.name != "DELETE"
    ))


@register.filter
def mirror_note(formset, column):
    """The 基础数据 difference to print under `column`'s 合计 of a table with several rows ("" when none)."""
    return getattr(formset, "mirror_notes", {}).get(column, "")
