"""The editor's repeated row markup written in Python: a formset row's cells (templates/reports/editor/_row.html).

A page holds up to 120 cells; one `{% include %}` each cost more than the widgets inside them. The HTML is the
one the cell template printed, every value escaped (format_html), so the browser's scripts and the tests read
the same page.
"""
import functools
import re
import types

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from crispy_forms.utils import render_crispy_form
from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from reports.forms.crispy_html import render_field, render_form
from reports.forms.renderer import esc, html, html_join, management_html
from reports.templatetags.report_tags import score

register = template.Library()
# A place's key in the page's {key: files} (evidence.labels.place_key), by the kind its links name.
EVIDENCE_KEY_PREFIX = {"score": "scores", "quantitative": "quantitative", "section": "section"}


def evidence_key(kind, ref):
    return f"{EVIDENCE_KEY_PREFIX[kind]}/{ref}"


SLUG = re.compile(r"[-a-zA-Z0-9_]+\Z")  # what the evidence_place URL's <slug:ref> takes


@functools.lru_cache(maxsize=4096)
def _place_url_pattern(urls, prefix, language, pk, kind):
    """The upload page's URL of report `pk`'s places of `kind` with `__ref__` for the place; what reverse()
    reads besides (the URLconf, the script prefix, the language) is part of the key."""
    return reverse("evidence_place", args=[pk, kind, "__ref__"], urlconf=urls)


def _place_url(report, kind, ref):
    """reverse("evidence_place", args=[report.pk, kind, ref]), reversed once per report and kind (a 评分表 page
    asks for 25 of them)."""
    text = str(ref)
    if not SLUG.match(text):
        return reverse("evidence_place", args=[report.pk, kind, ref])
    pattern = _place_url_pattern(get_urlconf() or settings.ROOT_URLCONF, get_script_prefix(), get_language(),
                                 report.pk, kind)
    return pattern.replace("/__ref__/", f"/{text}/")


def attach_link(report, files, kind, ref, required=False):
    """`{% evidence_attach report files kind ref required=… %}`: the link to a place's upload page with its count
    of files ("佐证材料（2）"), red with 必附 while a required place has none. `files` maps a place's key to its
    files or to their number. Written in Python: the 评分表 and the 定量 lists print one a row (the template
    it replaced is compared in tests/reports/test_formset_tag.py)."""
    found = (files or {}).get(evidence_key(kind, ref))
    count = found if isinstance(found, int) else len(found or ())
    anchor = f"evidence-{ref}" if kind == "score" else f"evidence-{kind}-{ref}"
    badge = ""
    if required:
        badge = html('<span class="badge {} ms-1">{}</span>', "text-bg-secondary" if count else "text-bg-danger",
                     _("必附"))
    return html('<a class="evidence-attach small{}" id="{}" href="{}">{}（{}）{}</a>\n',
                " text-danger" if required and not count else "", anchor,
                _place_url(report, kind, ref), _("佐证材料"), count, badge)


def _cell(field, number=None, note=None, errors=None, label=None):
    """One cell; `errors` (the field's, when the caller read the form's at once) and `label` (escaped) spare
    the BoundField's lookups."""
    errors = html_join('<div class="invalid-feedback d-block">{}</div>',
                       ((e,) for e in (field.errors if errors is None else errors)))
    number = "" if number is None else html('<label class="row-number" for="{}">{}</label>', field.auto_id, number)
    if note:  # the 基础数据 figure differs from this one (reports.forms.sections.FinanceSection.tables)
        errors = html('{}<div class="mirror-hint">{}</div>', errors, note)
    return html('<td data-label="{}" class="cell-{}">{}{}{}</td>\n', field.label if label is None else label,
                field.name, number, field, errors)


@register.simple_tag
def row_cells(form, numbered=False, labels=None):
    """`<td data-label="label" class="cell-name">widget, then each error</td>` for each visible field but DELETE.

    `numbered` (the 绩效目标 lists): the 预期目标 cell starts with the row's 目标N：/指标N： (`form.row_number`,
    reports.forms.goals.number_rows; static/app/editor.js renumbers it as rows come and go). `labels`: a dict
    kept across the rows of one table, the escaped labels by the identity of their (shared, lazy) text."""
    notes = getattr(form, "mirror_notes", {})
    errors = form.errors  # once, not three times per field through each BoundField
    labels = {} if labels is None else labels
    cells = []
    for field in form.visible_fields():
        if field.name == "DELETE":
            continue
        text, label = labels.get(id(field.label), (None, None))
        if text is not field.label:
            text, label = labels[id(field.label)] = (field.label, SafeString(esc(field.label)))
        cells.append(_cell(field, getattr(form, "row_number", "") if numbered and field.name == "target" else None,
                           notes.get(field.name), errors.get(field.name, ()), label))
    return mark_safe("".join(cells))  # noqa: S308


@register.filter
def mirror_note(formset, column):
    """The 基础数据 difference to print under `column`'s 合计 of a table with several rows ("" when none)."""
    return getattr(formset, "mirror_notes", {}).get(column, "")


def _row(form, *, numbered, evidence, labels=None):
    """templates: the former reports/editor/_row.html (see editor_formset)."""
    delete = form["DELETE"]
    deleted = delete.value()
    attach = ""
    if evidence is not None and form.initial.get("id"):
        report, files, kind = evidence
        attach = html("<div>{}</div>", attach_link(report, files, kind, form.initial["id"]))
    return html(
        '\n<tr class="formset-row{}">\n  {}\n  <td class="col-action">\n    {}\n'
        '    <label class="delete-toggle small"><input type="checkbox" name="{}" id="{}" class="form-check-input"{}> {}'
        '</label>\n    {}\n    {}\n  </td>\n</tr>\n',
        " row-deleted" if deleted else "", row_cells(form, numbered=numbered, labels=labels),
        mark_safe("".join(esc(hidden) for hidden in form.hidden_fields())),  # noqa: S308
        delete.html_name, delete.auto_id, mark_safe(" checked") if deleted else "", _("删除"), attach,
        html_join('<div class="invalid-feedback d-block">{}</div>', ((e,) for e in form.non_field_errors())),
    )


def _totals(formset, columns):
    cells = []
    for index, (name, label) in enumerate(columns):
        if name == "DELETE":
            continue
        if index == 0:
            cell = html('<th scope="row">{}</th>', _("合计"))
        else:
            note = mirror_note(formset, name)
            opening = html(' data-mirror-note="{}"><div class="mirror-hint">{}</div>', note, note) if note else mark_safe(">")
            cell = html('<td data-label="{}" data-col-total="{}" class="num-total"{}</td>', label, name, opening)
        cells.append(html("\n          {}\n        ", cell))
    return html(
        '\n    <tfoot data-totals="{}" hidden>\n      <tr>\n        {}\n        <td class="col-action"></td>\n'
        '      </tr>\n    </tfoot>\n    ', formset.prefix, mark_safe("".join(cells)))  # noqa: S308


# (formset class, prefix, auto_id, form_kwargs, numbered, language) -> (columns, heads, empty row): what does
# not depend on the rows, built once per process. The empty form has no data, no initial rows and no errors.
_EMPTY_PARTS = {}


def _empty_parts(formset, numbered):
    """The visible columns as (name, label), the <th>s and the empty row of `formset` (see _EMPTY_PARTS)."""
    try:
        key = (type(formset), formset.prefix, formset.auto_id, tuple(sorted(formset.form_kwargs.items())),
               bool(numbered), get_language())
        hash(key)
    except TypeError:  # form_kwargs that cannot be a key: built for this page only
        key = None
    parts = _EMPTY_PARTS.get(key) if key is not None else None
    if parts is None:
        empty = formset.empty_form
        fields = empty.visible_fields()
        parts = (
            [(field.name, str(field.label)) for field in fields],
            html_join('<th scope="col" class="head-{}">{}</th>',
                      ((f.name, f.label) for f in fields if f.name != "DELETE")),
            _row(empty, numbered=numbered, evidence=None),  # the empty row has no stored id: no 佐证材料 link
        )
        if key is not None:
            _EMPTY_PARTS[key] = parts
    return parts


@register.simple_tag(takes_context=True)
def editor_formset(context, formset, title="", add_label="", totals=False, number_prefix="", number_many=False,
                   evidence_kind=""):
    """A row formset as one table: its title, management form, rows, 合计 line (`totals`) and the empty row the
    browser copies for ＋ 添加一行.

    Written in Python: a page holds up to nine of these and 30 rows, and through the template engine (one
    `{% include %}` a row) they cost more than the rest of the page. `evidence_kind` ("quantitative") links
    each saved row to its 佐证材料 (`report` and `evidence_files` from the page's context); `number_prefix`
    numbers the rows (目标1：…, reports.forms.goals.number_rows), `number_many` only when there are several.
    tests/reports/test_formset_tag.py compares it with the template it replaced, character for character."""
    columns, heads, empty = _empty_parts(formset, number_prefix)
    evidence = (context.get("report"), context.get("evidence_files"), evidence_kind) if evidence_kind else None
    labels = {}
    rows = "".join(_row(form, numbered=number_prefix, evidence=evidence, labels=labels) for form in formset)
    number = ""
    if number_prefix:
        number = html(' data-number="{}"{}', number_prefix, mark_safe(' data-number-many="1"') if number_many else "")
    return html(
        '\n<section class="formset mb-4" id="formset-{prefix}" data-prefix="{prefix}">\n  {title}\n  {management}\n'
        '  {errors}\n  <table class="table table-sm table-bordered editor-table{has_totals}">\n    <thead><tr>\n'
        '      {heads}\n      <th scope="col" class="col-action"><span class="visually-hidden">{action}</span></th>\n'
        '    </tr></thead>\n    <tbody data-rows="{prefix}"{number}>\n      {rows}\n    </tbody>\n    {totals}\n'
        '  </table>\n  <template id="empty-{prefix}">{empty}</template>\n'
        '  <button type="button" class="btn btn-sm btn-outline-secondary add-row" data-add-row="{prefix}">{add}</button>\n'
        '</section>\n',
        prefix=formset.prefix,
        title=html('<h3 class="h6 formset-title">{}</h3>', title) if title else "",
        management=management_html(formset) or formset.management_form,
        errors=html_join('<div class="alert alert-danger py-1">{}</div>',
                                ((e,) for e in formset.non_form_errors())),
        has_totals=" has-totals" if totals else "",
        heads=heads,
        action=_("操作"), number=number, rows=mark_safe(rows),  # noqa: S308 (format_html's output)
        totals=_totals(formset, columns) if totals else "",
        empty=empty,
        add=add_label or _("＋ 添加一行"),
    )


@register.simple_tag(takes_context=True)
def editor_form(context, form):
    """`{% crispy form %}`, written in Python for the editor's layouts (reports.forms.crispy_html), by crispy for
    any other."""
    rendered = render_form(form)
    if rendered is None:
        return render_crispy_form(form, context=context.flatten())
    return rendered


@register.simple_tag
def editor_field(bound):
    """`{{ bound|as_crispy_field }}`, written in Python for a text-like input or a textarea."""
    rendered = render_field(bound)
    return as_crispy_field(bound) if rendered is None else rendered


def _errors(bound):
    return html_join('<div class="invalid-feedback d-block">{}</div>', ((error,) for error in bound.errors))


@functools.lru_cache(maxsize=16)
def _score_labels(language):
    """The 评分表 row's fixed words in `language`, escaped: 25 rows would ask gettext for each of them."""
    return types.SimpleNamespace(
        points_unit=esc(_("分")),
        third=esc(_("三级指标")),
        marked=esc(_("退回标记")),
        standard=esc(_("评分标准")),
        shared=esc(_("（共用）")),
        points=esc(_("分值")),
        suggested=esc(_("建议得分")),
        adopt=esc(_("采用建议得分")),
        flagged=esc(_("自评高于建议")),
        live_note=esc(_("按当前核对结果计算，保存后生效")),
        checks=esc(_("逐项核对")),
        cases=esc(_("例")),
        self_score=esc(_("自评得分")),
        reason=esc(_("扣分原因和其他说明")),
        review=esc(_("复核得分和复核说明")),
    )


def _score_row(row, *, has_review, marked, report, files):
    """One 三级 row of the 评分表 (see score_rows)."""
    words = _score_labels(get_language())
    indicator, entry = row.indicator, row.entry
    code = esc(indicator.code)
    out = ["\n    "]
    if row.group_head:
        head = row.group_head
        points = f"（{esc(score(head.points))}{words.points_unit}）" if head.points is not None else ""
        out.append(f'\n    <tr class="score-group"><th colspan="{6 if has_review else 5}" scope="rowgroup">'
                   f"{esc(head.parent.label)} › {esc(head.label)}{points}</th></tr>\n    ")
    flagged = entry is not None and entry.flagged
    is_marked = indicator.code in marked
    out.append(f'\n    <tr class="score-row{" flagged" if flagged else ""}{" returned-mark" if is_marked else ""}" '
               f'id="row-{code}">\n      <td data-label="{words.third}">\n'
               f'        <span class="indicator-label">{esc(indicator.label)}</span>')
    if is_marked:
        out.append(f' <span class="badge text-bg-warning returned-mark-badge">{words.marked}</span>')
    out.append(f"\n        <div>{attach_link(report, files, 'score', indicator.code, required=indicator.requires_evidence)}"
               "</div>\n        ")
    if indicator.standard:
        out.append(f'<details class="small"><summary>{words.standard}</summary><div class="pre-wrap">'
                   f"{esc(indicator.standard)}</div></details>")
    if row.shared_with:
        shared = _("与%(lead)s共用%(points)s") % {"lead": esc(row.shared_with.label), "points": esc(row.points_text)}
        points = f'<span class="small">{shared}</span>'
    elif row.is_group_lead:
        points = f'{esc(row.points_text)}<span class="small">{words.shared}</span>'
    else:
        points = esc(row.points_text)
    live, suggested = row.live, row.suggested_text
    out.append(f'\n      </td>\n      <td data-label="{words.points}" class="num">{points}</td>\n'
               f'      <td data-label="{words.suggested}" class="suggestion"'
               f'{f" data-live={chr(34)}{esc(live)}{chr(34)}" if live else ""}>\n        ')
    target = esc(row.score.id_for_label)
    adopt = words.adopt
    if live:
        out.append(f'<span class="suggested-score{"" if suggested else " text-body-secondary"}" aria-live="polite">'
                   f'{esc(suggested or "—")}</span> <button type="button" class="btn btn-link btn-sm p-0 align-baseline '
                   f'adopt-suggestion" data-target="{target}" data-value="{esc(suggested)}"'
                   f'{"" if suggested else " hidden"}>{adopt}</button>\n        \n')
    elif suggested:
        out.append(f'<span class="suggested-score">{esc(suggested)}</span> <button type="button" class="btn btn-link '
                   f'btn-sm p-0 align-baseline adopt-suggestion" data-target="{target}" data-value="{esc(suggested)}">'
                   f"{adopt}</button>\n")
    else:
        out.append('<span class="text-body-secondary">—</span>\n')
    out.append("        ")
    if flagged:
        out.append(f'<span class="badge text-bg-warning">{words.flagged}</span>')
    out.append("\n        ")
    trace = entry.suggestion_trace if entry is not None else ""
    if trace or live:
        out.append(f'<div class="trace pre-wrap" title="{esc(trace)}">{esc(trace)}</div>')
    out.append("\n        ")
    if live:
        out.append(f'<div class="live-note small text-body-secondary" hidden>{words.live_note}</div>')
    out.append("\n        ")
    if row.checks:
        out.append(f'\n        <details class="score-inputs small mt-1"{" open" if row.checks_open else ""}><summary>'
                   f'{words.checks}</summary>\n          ')
        for label, field in row.checks:
            out.append(f'\n          <div class="d-flex gap-2 align-items-center mb-1"><label class="flex-grow-1" '
                       f'for="{esc(field.id_for_label)}">{esc(label)}</label>{esc(field)}</div>\n          ')
        out.append("\n        </details>\n        ")
    elif row.violations:
        count = row.violations
        out.append(f'\n        <div class="score-inputs small mt-1"><label for="{esc(count.id_for_label)}">'
                   f'{esc(count.label)}（{words.cases}）</label>{esc(count)}{_errors(count)}</div>\n        ')
    out.append(f'\n      </td>\n      <td data-label="{words.self_score}" class="cell-score">{esc(row.score)}'
               f'{_errors(row.score)}<div class="live-hint" aria-live="polite"></div></td>\n'
               f'      <td data-label="{words.reason}">{esc(row.reason)}{_errors(row.reason)}</td>\n      ')
    if has_review:
        out.append(f'<td data-label="{words.review}" class="review-cell" id="review-{code}">')
        if entry is not None and entry.review_score is not None:
            text = _("复核%(score)s分") % {"score": esc(score(entry.review_score))}
            out.append(f'<span class="review-score">{text}</span>')
        if entry is not None and entry.review_note:
            out.append(f'<div class="small pre-wrap review-note">{esc(entry.review_note)}</div>')
        out.append("</td>")
    out.append("\n    </tr>\n  ")
    return "".join(out)


@register.simple_tag(takes_context=True)
def score_rows(context, rows):
    """The 评分表's rows (templates/reports/editor/scores.html): each 二级 group's heading, then each 三级 row with
    its 佐证材料 link, 评分标准, 分值, 建议得分 with its trace and 逐项核对 inputs, 自评得分, 扣分原因 and, once
    reviewed, the 复核 column. Written in Python: 25 rows of some forty template tags each were half the page's
    time. tests/reports/test_formset_tag.py compares it with the template it replaced, character for character."""
    section, returned = context.get("section"), context.get("returned")
    marked = getattr(returned, "rows", None) or ()
    has_review = section.has_review() if callable(section.has_review) else section.has_review
    return mark_safe("".join(  # noqa: S308 (every value above goes through esc)
        _score_row(row, has_review=has_review, marked=marked, report=context.get("report"),
                   files=context.get("evidence_files"))
        for row in rows
    ))
