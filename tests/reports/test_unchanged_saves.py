"""A save that changes nothing leaves the revision, the edit history and the audit log alone (issue #13)."""
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from audit.models import AuditEvent
from budgets.models import IncomeRow
from reports.editing import report_save_section
from reports.forms.sections import SECTIONS
from reports.models import Narrative, Report, ReportEdit
from tests.reports.editor_support import blank_report, clerk_of, login, page_data, seed_report

pytestmark = pytest.mark.django_db

SECTION_KEYS = ["cover", "finance", "base-data", "goals", "scores", "narrative", "people"]
NOTHING = "没有需要保存的修改"


def section_url(report, key):
    return reverse("report_section", args=[report.pk, key])


def counts(report):
    return (Report.objects.get(pk=report.pk).revision, ReportEdit.objects.filter(report=report).count(),
            AuditEvent.objects.count())


def post(client, report, key, data):
    response = client.post(section_url(report, key), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return [str(m) for m in get_messages(response.wsgi_request)]


def with_blank_rows(data, prefix, extra=2):
    """`data` with `extra` untouched empty rows added to formset `prefix`, as the 添加 button leaves them."""
    total = int(data[f"{prefix}-TOTAL_FORMS"])
    data = {**data, f"{prefix}-TOTAL_FORMS": str(total + extra)}
    return data


@pytest.fixture
def seeded(client):
    report = seed_report()
    login(client, clerk_of(report.department, username="clerk"))
    return report


@pytest.fixture
def blank(client):
    report = blank_report()
    login(client, clerk_of(report.department, username="clerk"))
    return report


@pytest.mark.parametrize("key", SECTION_KEYS)
def test_posting_a_filled_section_unchanged_keeps_revision_history_and_audit(client, seeded, key):
    if key == "base-data":
        # The figures the 收支 tables prefill into blank 基础数据 fields are stored by the first save
        # (the page says so): that save is a change; the next unchanged one is not.
        post(client, seeded, key, page_data(seeded, key))
        seeded.refresh_from_db()
    before = counts(seeded)

    messages = post(client, seeded, key, page_data(seeded, key))

    assert counts(seeded) == before
    assert any(NOTHING in m and f"修订号仍为 {before[0]}" in m for m in messages), messages


@pytest.mark.parametrize("key", SECTION_KEYS)
def test_posting_a_blank_reports_section_unchanged_writes_nothing(client, blank, key):
    """Also the prefilled values (the department's name in the first 机构 row) are not a change by themselves."""
    before = counts(blank)

    messages = post(client, blank, key, page_data(blank, key))

    assert counts(blank) == before
    assert any(NOTHING in m for m in messages), messages
    assert not IncomeRow.objects.filter(report=blank).exists()


def test_untouched_empty_rows_of_every_formset_are_not_a_change(client, seeded):
    data = page_data(seeded, "finance")
    for prefix in ("income", "expenditure", "three_public", "fixed_asset"):
        data = with_blank_rows(data, prefix)
    before = counts(seeded)

    post(client, seeded, "finance", data)

    assert counts(seeded) == before


def test_amounts_written_differently_but_equal_are_not_a_change(client, seeded):
    data = page_data(seeded, "finance", **{
        "income-0-total": " 260.480 ", "income-0-public_finance": "２６０．４８",
    })
    before = counts(seeded)

    post(client, seeded, "finance", data)

    assert counts(seeded) == before


def test_surrounding_spaces_and_crlf_in_a_text_are_not_a_change(client, seeded):
    narrative = Narrative.objects.get(report=seeded)
    narrative.problems = "第一行\n第二行"
    narrative.save()
    data = page_data(seeded, "narrative", **{"narrative-problems": "  第一行  \r\n第二行\r\n"})
    before = counts(seeded)

    post(client, seeded, "narrative", data)

    assert counts(seeded) == before
    assert Narrative.objects.get(report=seeded).problems == "第一行\n第二行"


def test_a_real_change_still_moves_the_revision_and_writes_history_and_audit(client, seeded):
    revision, edits, events = counts(seeded)

    messages = post(client, seeded, "narrative", page_data(seeded, "narrative", **{"narrative-problems": "新的问题"}))

    assert counts(seeded) == (revision + 1, edits + 1, events + 1)
    assert any("已保存" in m for m in messages) and not any(NOTHING in m for m in messages)


def test_saving_the_prefilled_base_data_figures_is_a_change(client, seeded):
    revision, edits, _events = counts(seeded)

    post(client, seeded, "base-data", page_data(seeded, "base-data"))

    assert counts(seeded)[:2] == (revision + 1, edits + 1)


def test_a_changed_then_restored_value_saved_twice_moves_the_revision_once_per_change(client, seeded):
    revision, edits, _events = counts(seeded)
    post(client, seeded, "narrative", page_data(seeded, "narrative", **{"narrative-problems": "新的问题"}))
    seeded.refresh_from_db()
    post(client, seeded, "narrative", page_data(seeded, "narrative"))

    assert counts(seeded)[:2] == (revision + 1, edits + 1)


def test_the_service_returns_the_same_revision_and_writes_nothing_when_nothing_changed(seeded):
    clerk = clerk_of(seeded.department)
    section = SECTIONS["finance"](seeded)
    before = counts(seeded)

    result = report_save_section(report=seeded, section="finance", data=section.cleaned(), revision=seeded.revision,
                                 by=clerk)

    assert result == before[0] == seeded.revision
    assert counts(seeded) == before


def test_an_unchanged_save_of_a_stale_page_is_still_refused(client, seeded):
    """Somebody else saved meanwhile: re-posting the old page would undo their change, so it is a conflict."""
    stale = page_data(seeded, "finance")
    other = clerk_of(seeded.department)
    data = SECTIONS["finance"](seeded).cleaned()
    data["income"][0]["total"] = Decimal("1.00")
    data["income"][0]["public_finance"] = Decimal("1.00")
    report_save_section(report=seeded, section="finance", data=data, revision=seeded.revision, by=other)

    response = client.post(section_url(seeded, "finance"), stale)

    assert response.status_code == 409
