"""`{% editor_formset %}`, `{% score_rows %}` and `{% evidence_attach %}` print what the templates they replaced
printed.

The templates are kept in tests/reports/reference/ as they were (reports/editor/_formset.html, _row.html, the
评分表's row loop of scores.html and evidence/_attach.html) and rendered by an engine that finds them under their old names, so every formset of
every section, bound and unbound, with errors, ticked rows, 合计 lines, numbering and 佐证材料 links, is
compared character for character."""
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.forms import BaseFormSet
from django.template import Context, Engine, Template

from evidence.templatetags.evidence import evidence_attach
from reports.forms.sections import SECTIONS
from tests.reports.editor_support import page_data, seed_report

REFERENCE = Path(__file__).parent / "reference"
ENGINE = Engine(
    loaders=[("django.template.loaders.locmem.Loader", {
        "reports/editor/_formset.html": (REFERENCE / "_formset.html").read_text(),
        "reports/editor/_row.html": (REFERENCE / "_row.html").read_text(),
        "evidence/_attach.html": (REFERENCE / "_attach.html").read_text(),
        "score_rows.html": (REFERENCE / "_score_rows.html").read_text(),
    })],
    libraries={"i18n": "django.templatetags.i18n", "evidence": "evidence.templatetags.evidence",
               "editor_tags": "reports.templatetags.editor_tags", "report_tags": "reports.templatetags.report_tags"},
)
OPTIONS = [
    {},
    {"title": '标题 <"&">', "add_label": "＋ 添加"},
    {"totals": True, "title": "收入"},
    {"number_prefix": "目标"},
    {"number_prefix": "指标", "number_many": True, "evidence_kind": "quantitative"},
]


def ours(formset, context, options):
    arguments = " ".join(f"{name}={name}" for name in options)
    return Template("{% load editor_tags %}{% editor_formset formset " + arguments + " %}").render(
        Context({**context, **options, "formset": formset}))


def theirs(formset, context, options):
    arguments = " ".join(f"{name}={name}" for name in options)
    return ENGINE.from_string(
        '{% include "reports/editor/_formset.html" with formset=formset ' + arguments + " %}").render(
        Context({**context, **options, "formset": formset}))


def formsets(section):
    if section.key == "finance":
        section.tables  # noqa: B018 (marks the cells that differ from 基础数据)
    return [part for _name, _title, part in section.part_list() if isinstance(part, BaseFormSet)]


@pytest.mark.django_db
@pytest.mark.parametrize("key", [key for key in SECTIONS if key not in {"scores", "narrative", "base-data"}])
def test_every_formset_of_every_section_prints_as_the_templates_printed(key):
    report = seed_report()
    unbound = formsets(SECTIONS[key](report))
    assert unbound, key
    # Bound: every first row ticked 删除, every second row's text fields overlong or its figures unreadable.
    changes = {}
    for formset in unbound:
        for index, form in enumerate(formset.forms[:2]):
            for name in form.fields:
                if name in {"id", "DELETE"}:
                    continue
                changes[form.add_prefix(name)] = "<x>" * 3000 if index else "不是数字<b>"
            if index == 0:
                changes[form.add_prefix("DELETE")] = "on"
    bound_section = SECTIONS[key](report, page_data(report, key, **changes))
    bound_section.is_valid()
    bound = formsets(bound_section)
    ids = [form.initial["id"] for formset in unbound for form in formset.forms if form.initial.get("id")]
    context = {"report": report, "evidence_files": {f"quantitative/{ids[0]}": [1, 2]}}

    compared = 0
    for formset in [*unbound, *bound]:
        for options in OPTIONS:
            mine = ours(formset, context, options)
            assert mine == theirs(formset, context, options)
            compared += 1
    assert compared == 10 * len(unbound)
    assert any("invalid-feedback" in ours(formset, context, {}) for formset in bound)
    assert any("row-deleted" in ours(formset, context, {}) for formset in bound)


@pytest.mark.django_db
@pytest.mark.parametrize("kind, ref", [("score", "A11"), ("quantitative", 7), ("section", "cover")])
@pytest.mark.parametrize("required", [False, True])
@pytest.mark.parametrize("count", [0, 2])
def test_the_evidence_link_prints_as_its_template_printed(kind, ref, required, count):
    report = seed_report()
    files = {f"{ {'score': 'scores'}.get(kind, kind)}/{ref}": list(range(count))}
    reference = ENGINE.from_string(
        "{% load evidence %}{% include 'evidence/_attach.html' %}")  # the inclusion tag's own template
    context = {"report": report, "kind": kind, "ref": ref, "count": count, "required": required,
               "anchor": f"evidence-{ref}" if kind == "score" else f"evidence-{kind}-{ref}"}

    assert evidence_attach(report, files, kind, ref, required=required) == reference.render(Context(context))


@pytest.mark.django_db
@pytest.mark.parametrize("has_review", [False, True])
def test_the_score_rows_print_as_the_template_printed(has_review):
    report = seed_report()
    codes = [row.indicator.code for row in SECTIONS["scores"](report).forms["scores"].rows()]
    # Bound: unreadable scores, overlong reasons, every violations count and checklist answer refused.
    changes, unbound = {}, SECTIONS["scores"](report).forms["scores"]
    for name in unbound.fields:
        kind = name.split("__")[0]
        changes[unbound.add_prefix(name)] = {"score": "九<十>", "reason": "<长>" * 3000, "violations": "-1"}.get(kind, "x")
    sections = [SECTIONS["scores"](report), SECTIONS["scores"](report, page_data(report, "scores", **changes))]
    sections[1].is_valid()
    context = {"section": SimpleNamespace(has_review=lambda: has_review), "report": report,  # a method, as there
               "returned": SimpleNamespace(rows=set(codes[::3])),
               "evidence_files": {f"scores/{codes[1]}": [1], f"scores/{codes[2]}": [1, 2]}}

    for section in sections:
        form = section.forms["scores"]
        for index, entry in enumerate(list(form.entries.values())[:6]):
            entry.flagged = index % 2 == 0
            entry.review_score = Decimal("3.50") if index < 4 else None
            entry.review_note = '复核 <"说明">' if index % 3 == 0 else ""
            entry.suggestion_trace = "按 <公式> 计算" if index < 3 else entry.suggestion_trace
        for returned in (context["returned"], None):
            page = {**context, "returned": returned, "form": form}
            mine = Template("{% load editor_tags %}{% score_rows form.rows %}").render(Context(page))
            assert mine == ENGINE.get_template("score_rows.html").render(Context(page))
            assert mine.count('class="score-row') == len(codes)
    assert "invalid-feedback" in mine and "returned-mark" not in mine and ("review-cell" in mine) == has_review
