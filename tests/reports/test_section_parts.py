"""A section's save reads and compares only the parts of the document its writer changes (reports.editing
.SECTION_PARTS); what it records must still be every change of the whole document."""
import pytest
from django.urls import reverse

from reports.editing import SECTION_PARTS
from reports.forms.sections import SECTIONS, compare, flatten
from reports.history import document_diff
from reports.interchange import report_export
from reports.models import Report, ReportEdit
from tests.reports.editor_support import clerk_of, login, page_data, seed_report

pytestmark = pytest.mark.django_db

HEADER = ("format", "version", "year", "department", "status")


def first(data, prefix):
    return next(name for name in data if name.startswith(prefix))


# For each section, changes a clerk makes on its page: (field name or prefix of one, new value).
EDITS = {
    "cover": [("cover-contact_phone", "0730-1234567"), ("cover-functions", "新的主要职能。"),
              ("tasks-0-text", "新的重点工作任务")],
    "finance": [("income-0-org_name", "改名后的单位"), ("fixed_asset-0-org_name", "资产单位")],
    "base-data": [("base-satisfaction", "88.50")],
    "goals": [("qualitative-0-actual", "已全部完成。"), ("q-quantity-0-actual", "12期")],
    "scores": [("scores-reason__", "扣分说明：新写的。")],
    "narrative": [("narrative-problems", "新发现的问题。")],
    "people": [("signoff-filler_phone", "13900001111"), ("evaluators-0-title", "高级会计师")],
}


def test_each_sections_parts_are_what_the_whole_document_holds():
    report = seed_report()
    whole = report_export(report)

    for section, parts in SECTION_PARTS.items():
        assert report_export(report, parts=parts) == {key: whole[key] for key in (*HEADER, *parts)}, section


@pytest.mark.parametrize("section", list(SECTION_PARTS))
def test_a_sections_save_records_every_change_of_the_whole_document(client, section):
    report = seed_report()
    login(client, clerk_of(report.department))
    data = page_data(report, section)
    for name, value in EDITS[section]:
        data[name if name in data else first(data, name)] = value
    before = report_export(report)

    response = client.post(reverse("report_section", args=[report.pk, section]), data)

    assert response.status_code == 302, response.content.decode()[:2000]
    after = report_export(Report.objects.get(pk=report.pk))
    expected = document_diff(before, after)
    edit = ReportEdit.objects.get(report=report)
    assert (edit.section, edit.changes) == (section, expected)
    assert len(expected) >= len(EDITS[section])  # base-data also stores the figures the 收支 tables prefill
    assert {change["path"].split(".")[0].split("[")[0] for change in expected} <= set(SECTION_PARTS[section])


@pytest.mark.parametrize("section", list(SECTION_PARTS))
def test_a_bound_sections_stored_values_are_what_the_unbound_section_holds(section):
    """The save's audit detail compares what was typed with the bound section's stored values, not with a second
    section built from the database."""
    report = seed_report()
    data = page_data(report, section)
    for name, value in EDITS[section]:
        data[name if name in data else first(data, name)] = value
    bound = SECTIONS[section](report, data)

    assert bound.is_valid() is True
    stored = flatten(bound, stored=True)
    assert stored == flatten(SECTIONS[section](report))
    assert {value for _name, value in EDITS[section]} <= {new for _caption, _old, new in compare(stored, flatten(bound))}
