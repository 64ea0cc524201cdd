"""Bad input in every field of every section of the report editor, through the real views.

Every value gets a Chinese message at its field, or is stored and shown exactly as typed
(escaped); never a 500, and a refused save leaves the stored report as it was.
"""
import pytest
from django import forms
from django.forms import BaseFormSet
from django.urls import reverse
from django.utils.html import escape

from accounts.models import User
from reports.demo import demo_load
from reports.fields import CountField, ForgivingDecimalField, LongTextField
from reports.forms.base import ForgivingDateField
from reports.forms.sections import SECTIONS
from reports.interchange import report_export
from reports.models import Report
from tests.badinput.support import NUMBERS, REFUSED_TEXTS, TEXTS, is_chinese, posted_errors
from tests.reports.editor_support import MODEL_BACKEND, page_data

pytestmark = pytest.mark.django_db

NUMBER_SECTIONS = ["cover", "finance", "base-data", "scores"]
SECTION_KEYS = list(SECTIONS)


@pytest.fixture
def demo(client):
    """The demo's seed report (every section filled in), its demo clerk logged in."""
    demo_load()
    client.force_login(User.objects.get(username="clerk"), backend=MODEL_BACKEND)
    return Report.objects.get(department__code="106019")


def fresh(report):
    return Report.objects.get(pk=report.pk)


def fields_of(report, key):
    """{kind: {posted name: form field}} of a section as the page shows it; kinds: number, date, line, long."""
    kinds = {"number": {}, "date": {}, "line": {}, "long": {}}
    for _name, _title, part in SECTIONS[key](report).part_list():
        for form in part.forms if isinstance(part, BaseFormSet) else [part]:
            for name, field in form.fields.items():
                if isinstance(field, ForgivingDecimalField | CountField):
                    kind = "number"
                elif isinstance(field, ForgivingDateField):
                    kind = "date"
                elif isinstance(field, LongTextField):
                    kind = "long"
                elif isinstance(field, forms.CharField):
                    kind = "line"
                else:
                    continue
                kinds[kind][form.add_prefix(name)] = field
    return kinds


def post(client, report, key, changes):
    report = fresh(report)
    return client.post(reverse("report_section", args=[report.pk, key]), page_data(report, key, **changes))


def assert_refused(response, report, before, names, value):
    """A refused save: the page again (200), a Chinese error at each field, typed values kept, nothing stored."""
    assert response.status_code == 200
    errors = posted_errors(response.context["section"])
    assert {name: bool(errors.get(name)) for name in names} == dict.fromkeys(names, True)
    messages = [m for name in names for m in errors[name]]
    assert [m for m in messages if not is_chinese(m)] == []
    assert escape(value) in response.content.decode()
    assert report_export(fresh(report)) == before


@pytest.mark.parametrize("key", NUMBER_SECTIONS)
@pytest.mark.parametrize("label", list(NUMBERS))
def test_a_bad_number_gets_a_chinese_error_at_every_number_field(client, demo, key, label):
    fields = fields_of(demo, key)["number"]
    # 结余 may be negative: there -1 is a number like any other (and checked by the table's identities).
    names = [n for n, f in fields.items() if not (label == "negative" and getattr(f, "signed", False))]
    before = report_export(demo)

    response = post(client, demo, key, dict.fromkeys(names, NUMBERS[label]))

    assert_refused(response, demo, before, names, NUMBERS[label])


@pytest.mark.parametrize("key", ["cover", "people"])
@pytest.mark.parametrize("value", [
    "2022-13-45", "2022-02-30", "0000-01-01", "99999-01-01", "1e5", "NaN", "-2022-05-09", "2022-05-09\x00",
    "２０２２年１３月１日", "=TODAY()", "'; DROP TABLE reports_report; --", "😀", "1" * 20000,
])
def test_a_bad_date_gets_a_chinese_error(client, demo, key, value):
    names = list(fields_of(demo, key)["date"])
    before = report_export(demo)

    response = post(client, demo, key, dict.fromkeys(names, value))

    assert_refused(response, demo, before, names, value)


def test_full_width_digits_and_units_are_read_as_numbers(client, demo):
    names = fields_of(demo, "base-data")["number"]
    changes = {name: "" for name in names}
    changes.update({"base-satisfaction": "９８．５０%", "base-special_fund_count": "３个", "base-card_due": "１，２３４．５万元"})

    response = post(client, demo, "base-data", changes)

    assert response.status_code == 302
    stored = report_export(fresh(demo))["base_data"]
    assert (stored["satisfaction"], stored["special_fund_count"], stored["card_due"]) == ("98.50", 3, "1234.50")


@pytest.mark.parametrize("key", SECTION_KEYS)
@pytest.mark.parametrize("label", [label for label in TEXTS if label not in REFUSED_TEXTS])
def test_text_is_stored_and_shown_exactly_as_typed(client, demo, key, label):
    value = TEXTS[label]
    kinds = fields_of(demo, key)
    names = [n for n, f in {**kinds["long"], **kinds["line"]}.items() if not f.max_length or len(value) <= f.max_length]
    if not names:
        pytest.skip(f"no text field of section {key} takes {len(value)} characters")

    response = post(client, demo, key, dict.fromkeys(names, value))

    assert response.status_code == 302, posted_errors(response.context["section"])
    stored = page_data(fresh(demo), key)
    assert {name: stored[name] for name in names} == dict.fromkeys(names, value)
    # Labels such as 机构名称 are broken into lines (<br>) where they wrap.
    html = client.get(reverse("report_detail", args=[demo.pk])).content.decode().replace("<br>", "")
    # Line breaks (\x0b is Word's manual one) print as paragraph breaks; the rest exactly as typed.
    assert [part for part in value.splitlines() if escape(part) not in html] == []
    assert "<script>" not in html


@pytest.mark.parametrize("key", SECTION_KEYS)
def test_nul_characters_are_refused_in_every_text_field(client, demo, key):
    kinds = fields_of(demo, key)
    names = [*kinds["line"], *kinds["long"]]
    if not names:
        pytest.skip(f"section {key} has no text field")
    before = report_export(demo)

    response = post(client, demo, key, dict.fromkeys(names, TEXTS["nul"]))

    assert_refused(response, demo, before, names, TEXTS["nul"])


@pytest.mark.parametrize("key", SECTION_KEYS)
def test_too_long_lines_are_refused_with_their_limit(client, demo, key):
    names = list(fields_of(demo, key)["line"])
    if not names:
        pytest.skip(f"section {key} has no single-line field")
    before = report_export(demo)

    response = post(client, demo, key, dict.fromkeys(names, TEXTS["long"]))

    assert_refused(response, demo, before, names, TEXTS["long"])


def test_a_3_mb_body_is_refused_in_chinese_and_stores_nothing(client, demo):
    before = report_export(demo)

    response = post(client, demo, "narrative", {"narrative-overview": "长" * (1024 * 1024)})  # 3 MB as UTF-8

    assert response.status_code == 400
    assert "提交的内容过大" in response.content.decode()
    assert report_export(fresh(demo)) == before


@pytest.mark.parametrize("value", ["-1", "1e5", "abc", "99999999999999999999", "1.5", "\x00", "", "😀"])
@pytest.mark.parametrize("target", ["revision", "TOTAL_FORMS", "INITIAL_FORMS", "row id"])
def test_tampered_hidden_fields_never_break_the_page_or_the_report(client, demo, target, value):
    key = "finance"
    data = page_data(fresh(demo), key)
    name = {"revision": "revision", "TOTAL_FORMS": "income-TOTAL_FORMS", "INITIAL_FORMS": "income-INITIAL_FORMS",
            "row id": "income-0-id"}[target]
    before = report_export(demo)

    response = client.post(reverse("report_section", args=[demo.pk, key]), {**data, name: value})

    assert response.status_code in (200, 302, 409)
    if response.status_code != 302:
        shown = [str(m) for m in response.context["messages"]]
        assert shown and all(is_chinese(m) for m in shown)
    assert report_export(fresh(demo)) == before


def test_the_pdf_and_the_year_summary_take_every_accepted_text(client, demo):
    import io

    import openpyxl

    fields = {**fields_of(demo, "cover")["long"], **fields_of(demo, "narrative")["long"]}
    texts = [TEXTS[label] for label in TEXTS if label not in REFUSED_TEXTS]
    # Each field its text, cut to the field's limit (reports.limits) and the 综述 to its total.
    changes = {name: texts[i % len(texts)][: min(f.max_length, 1500)] for i, (name, f) in enumerate(fields.items())}
    changes["cover-contact_name"] = TEXTS["formula"]
    for key in ("cover", "narrative"):
        assert post(client, demo, key, {k: v for k, v in changes.items() if k.startswith(f"{key}-")}).status_code == 302

    pdf = client.get(reverse("report_pdf", args=[demo.pk]))
    client.force_login(User.objects.get(username="admin"), backend=MODEL_BACKEND)
    summary = client.get(reverse("manage_year_summary", args=[2021]))

    assert (pdf.status_code, pdf.content[:5]) == (200, b"%PDF-")
    assert summary.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(summary.streaming_content)))
    assert workbook.sheetnames[0] == "汇总"
