"""Printing the form's cells: label lines and merged-column cells (reports.layout). User text is escaped."""
from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from reports.layout import BODY_PT, label_lines
from reports.rendering import fmt_score

register = template.Library()

CELL_TAGS = {"td": "td", "th": "th"}


def _lines_html(lines):
    return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))


@register.filter
def lines(value):
    """A list of lines, escaped, joined with <br>."""
    return _lines_html(value or [])


@register.filter
def score(value):
    """A score as the form prints it: 98, 61.5, 1.25 — no trailing zeros (reports.rendering.fmt_score); None → ""."""
    if value in (None, ""):
        return ""
    try:
        return fmt_score(value)
    except ArithmeticError:  # not a number (a value typed into a form): as it is
        return value


@register.simple_tag
def fit(text, width_pct, font_pt=BODY_PT):
    """A label broken to fit a column of `width_pct` percent (header cells of the form)."""
    return _lines_html(label_lines(str(text), float(width_pct), float(font_pt)))


@register.simple_tag
def cell(value, tag="td", css=""):
    """A reports.layout.Cell: printed, or (a continuation) its hidden copy shown again at a page top."""
    classes = " ".join(filter(None, [css, "cont" if value.cont else "", "open" if value.open else ""]))
    body = _lines_html(value.lines)
    if value.cont:
        body = format_html('<span class="cont-copy">{}</span>', body)
    if tag not in CELL_TAGS:
        raise template.TemplateSyntaxError(f"cell: unknown tag {tag!r}")
    return format_html("<{0} class=\"{1}\">{2}</{0}>", mark_safe(CELL_TAGS[tag]), classes, body)
