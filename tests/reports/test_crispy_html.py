"""The editor's crispy layouts written in Python (reports.forms.crispy_html) print what crispy prints.

Compared as the browser reads the page: the same elements with the same attributes in the same order and the
same text (runs of whitespace as one space, whitespace between tags dropped; a textarea's text exactly).
Whatever the Python renderer does not know is rendered by crispy itself, character for character."""
from html.parser import HTMLParser

import pytest
from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Field, Fieldset, Layout, Row
from django import forms
from django.forms import BaseFormSet
from django.template import Context, Template

from reports.fields import ForgivingDecimalField
from reports.forms.base import EditorForm
from reports.forms.crispy_html import render_field, render_form
from reports.forms.sections import SECTIONS
from tests.reports.editor_support import page_data, seed_report


class _Tokens(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tokens, self.raw = [], 0

    def handle_starttag(self, tag, attrs):
        self.tokens.append(("start", tag, attrs))
        self.raw += tag == "textarea"

    def handle_startendtag(self, tag, attrs):
        self.tokens.append(("start", tag, attrs))

    def handle_endtag(self, tag):
        self.raw -= tag == "textarea"
        self.tokens.append(("end", tag))

    def handle_data(self, data):
        text = data if self.raw else " ".join(data.split())
        if text:
            self.tokens.append(("text", text))


def tokens(markup):
    parser = _Tokens()
    parser.feed(str(markup))
    parser.close()
    return parser.tokens


def crispy(form):
    return Template("{% load crispy_forms_tags %}{% crispy form %}").render(Context({"form": form}))


def editor_form(form):
    return Template("{% load editor_tags %}{% editor_form form %}").render(Context({"form": form}))


def crispy_forms(section):
    return [part for _name, _title, part in section.part_list()
            if not isinstance(part, BaseFormSet) and getattr(part, "helper", None)]


def bad_data(form):
    return {form.add_prefix(name): ("不是数字<b>" if isinstance(field, ForgivingDecimalField) else "<长>" * 3000)
            for name, field in form.fields.items()}


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["cover", "base-data", "narrative", "people"])
def test_every_crispy_form_of_the_editor_prints_as_crispy_prints_it(key):
    report = seed_report()
    forms_of = [crispy_forms(SECTIONS[key](report)) for _ in range(2)]
    changes = {name: value for form in forms_of[0] for name, value in bad_data(form).items()}
    bound = [crispy_forms(SECTIONS[key](report, page_data(report, key, **changes))) for _ in range(2)]
    for section in bound:
        for form in section:
            form.is_valid()

    for ours, theirs in [*zip(*forms_of, strict=True), *zip(*bound, strict=True)]:
        mine = render_form(ours)
        assert mine is not None, type(ours)
        assert tokens(mine) == tokens(crispy(theirs))
        assert tokens(editor_form(ours)) == tokens(crispy(theirs))
    assert any("invalid-feedback" in render_form(form) for form in bound[0])


class Sample(EditorForm):
    title = forms.CharField(label='标题 <"&">', max_length=5, help_text="帮助 <b>粗体</b>")
    note = forms.CharField(widget=forms.Textarea, required=False, label="")
    amount = ForgivingDecimalField(required=False, label="金额")
    day = forms.DateField(widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}), required=False)
    secret = forms.CharField(widget=forms.HiddenInput, required=False)
    count = forms.IntegerField(widget=forms.NumberInput, required=False, label="人数")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(
            HTML('<h3 class="x">一 &amp; 二</h3>'),
            Fieldset("第一部分 <i>斜</i>", Row(Column("title", css_class="col-sm-6"), Column("note"), css_id="row-1"),
                     css_class="part", css_id="part-1", data_x="1"),
            Fieldset("", Div("amount", css_class="d", css_id="d1"), Row("day")),
            Field("secret", "count", wrapper_class="narrow"),
        )

    def clean(self):
        raise forms.ValidationError("整张表 <有误>")


@pytest.mark.parametrize("data", [None, {"title": "<太长了的标题>", "note": "第一行\n<第二行>", "amount": "x",
                                         "day": "2022-13-01", "secret": '"', "count": "y"}])
def test_a_layout_of_every_kind_prints_as_crispy_prints_it(data):
    ours, theirs = Sample(data), Sample(data)
    if data:
        ours.is_valid()
        theirs.is_valid()

    mine = render_form(ours)

    assert tokens(mine) == tokens(crispy(theirs))
    assert ("整张表 &lt;有误&gt;" in mine) == bool(data) and "帮助 <b>粗体</b>" in mine


@pytest.mark.django_db
def test_the_cover_s_field_outside_the_layout_prints_as_crispy_prints_it():
    report = seed_report()
    ours, theirs = (SECTIONS["cover"](report).forms["cover"]["achievements"] for _ in range(2))

    assert tokens(render_field(ours)) == tokens(
        Template("{% load crispy_forms_filters %}{{ field|as_crispy_field }}").render(Context({"field": theirs})))


class WithSelect(Sample):
    kind = forms.ChoiceField(choices=[("a", "甲")])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.layout.append("kind")


def test_a_layout_the_python_does_not_know_is_printed_by_crispy():
    assert render_form(WithSelect()) is None

    assert editor_form(WithSelect()) == crispy(WithSelect())
