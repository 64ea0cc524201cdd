"""The first 机构名称 of each empty 收支 table starts as the department's name (issue #13)."""
import re

import pytest
from django.urls import reverse

from budgets.models import ExpenditureRow, FixedAssetRow, IncomeRow, ThreePublicRow
from reports.forms.sections import SECTIONS
from reports.models import Report
from tests.reports.editor_support import blank_report, clerk_of, login, page_data, seed_report

pytestmark = pytest.mark.django_db

PREFIXES = ("income", "expenditure", "three_public", "fixed_asset")


def finance_url(report):
    return reverse("report_section", args=[report.pk, "finance"])


def input_value(html, name):
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    assert match, name
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


@pytest.fixture
def blank(client):
    report = blank_report()
    login(client, clerk_of(report.department))
    return report


def test_each_empty_table_shows_one_row_named_after_the_department(client, blank):
    html = client.get(finance_url(blank)).content.decode()

    assert [input_value(html, f"{p}-0-org_name") for p in PREFIXES] == [blank.department.name] * 4
    assert all(f'name="{p}-1-org_name"' not in html for p in PREFIXES)
    # The row is new (no id) and the added rows' template stays empty.
    assert input_value(html, "income-0-id") == ""
    assert input_value(html, "income-__prefix__-org_name") == ""


def test_a_filled_table_shows_its_own_rows_not_the_department(client):
    report = seed_report()
    IncomeRow.objects.filter(report=report).update(org_name="下属单位")
    login(client, clerk_of(report.department))

    html = client.get(finance_url(report)).content.decode()

    assert input_value(html, "income-0-org_name") == "下属单位"


def test_amounts_typed_in_the_prefilled_row_save_it_under_the_departments_name(client, blank):
    data = page_data(blank, "finance", **{"income-0-total": "10", "income-0-public_finance": "10"})

    response = client.post(finance_url(blank), data)

    assert response.status_code == 302
    assert list(IncomeRow.objects.filter(report=blank).values_list("org_name", "total")) == [
        (blank.department.name, 10)]
    assert not ExpenditureRow.objects.filter(report=blank).exists()
    assert Report.objects.get(pk=blank.pk).revision == blank.revision + 1


def test_the_clerk_can_rename_the_prefilled_row(client, blank):
    data = page_data(blank, "finance", **{
        "three_public-0-org_name": "某某下属中心", "three_public-0-total": "1", "three_public-0-reception": "1"})

    client.post(finance_url(blank), data)

    assert list(ThreePublicRow.objects.filter(report=blank).values_list("org_name", flat=True)) == ["某某下属中心"]


def test_a_renamed_row_without_amounts_is_stored_as_typed(client, blank):
    """Only the untouched department name counts as blank; another name is the clerk's entry."""
    client.post(finance_url(blank), page_data(blank, "finance", **{"fixed_asset-0-org_name": "另一单位"}))

    assert list(FixedAssetRow.objects.filter(report=blank).values_list("org_name", flat=True)) == ["另一单位"]


def test_the_stored_version_of_an_empty_table_has_no_row():
    """What the conflict view and the audit detail compare: the prefilled name is not a stored row."""
    report = blank_report()

    section = SECTIONS["finance"](report)

    assert section.cleaned() == {p: [] for p in PREFIXES}
