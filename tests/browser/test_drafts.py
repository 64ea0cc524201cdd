"""The browser's unsaved copy of a section (static/app/drafts.js), in real Chromium.

Set EDITOR_SCREENSHOTS=1 to write the offers to docs/screenshots/drafts-*.png.
"""
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from reports.demo import SEED_DEPARTMENT, demo_load
from reports.editing import report_save_section
from reports.forms.sections import SECTIONS
from reports.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TYPED = "存在的主要问题：绩效目标设置不够细化，部分指标难以量化考核。"


def shoot(page, name):
    if os.environ.get("EDITOR_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=str(SCREENSHOTS / f"drafts-{name}.png"))


@pytest.fixture
def report():
    demo_load()
    return Report.objects.get(department__code=SEED_DEPARTMENT[0])


@pytest.fixture
def clerk_page(open_session, report):
    page = open_session("clerk")
    page.on("dialog", lambda dialog: dialog.accept())  # the unsaved-changes warning on leaving
    return page


def drafts(page):
    return page.evaluate(
        "Object.keys(localStorage).filter(function (k) { return k.indexOf('evalsite-draft:') === 0; })")


def wait_for_a_copy(page):
    for _attempt in range(50):
        if drafts(page):
            return
        page.wait_for_timeout(100)
    raise AssertionError("no unsaved copy was written")


def type_and_leave(page, url, selector, text):
    page.goto(url)
    page.fill(selector, text)
    wait_for_a_copy(page)
    page.goto(url)


def test_reopening_a_section_offers_its_unsaved_input_and_a_save_forgets_it(live_server, clerk_page, report):
    page = clerk_page
    url = f"{live_server.url}/reports/{report.pk}/edit/narrative/"
    saved_before = report.narrative.problems
    type_and_leave(page, url, "#id_narrative-problems", TYPED)

    offer = page.locator("#draft-offer")
    expect(offer).to_be_visible()
    expect(offer).to_contain_text("本浏览器保存有这一节未保存的内容")
    expect(page.locator("#id_narrative-problems")).to_have_value(saved_before)
    shoot(page, "offer")
    page.click("#draft-restore")

    expect(page.locator("#id_narrative-problems")).to_have_value(TYPED)
    expect(offer).to_contain_text("已恢复未保存的内容，尚未保存")
    expect(page.locator("#dirty-note")).to_be_visible()
    page.click("#btn-save")
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    assert drafts(page) == []
    assert Report.objects.get(pk=report.pk).narrative.problems == TYPED
    page.goto(url)
    expect(offer).to_be_hidden()


def test_discarding_forgets_the_copy(live_server, clerk_page, report):
    page = clerk_page
    url = f"{live_server.url}/reports/{report.pk}/edit/narrative/"
    type_and_leave(page, url, "#id_narrative-problems", TYPED)

    page.click("#draft-discard")

    expect(page.locator("#draft-offer")).to_be_hidden()
    assert drafts(page) == []


def test_a_copy_of_an_older_revision_says_so_and_its_save_shows_what_changed(live_server, clerk_page, report):
    page = clerk_page
    url = f"{live_server.url}/reports/{report.pk}/edit/narrative/"
    type_and_leave(page, url, "#id_narrative-problems", TYPED)
    fresh = Report.objects.get(pk=report.pk)
    section = SECTIONS["narrative"](fresh)
    data = section.cleaned()
    data["narrative"]["suggestions"] = "同事保存的改进措施。"  # a real change (an unchanged save keeps the revision)
    report_save_section(report=fresh, section="narrative", data=data, revision=fresh.revision,
                        by=fresh.department.memberships.first().user, changes=[])
    page.goto(url)

    offer = page.locator("#draft-offer")
    expect(offer).to_contain_text(f"修订号 {report.revision} 时填写的")
    expect(offer).to_contain_text(f"已保存为修订号 {report.revision + 1}")
    shoot(page, "stale")
    page.click("#draft-restore")
    page.click("#btn-save")

    expect(page.locator(".alert-danger")).to_contain_text("未保存：您编辑期间，这份报告已被他人保存")
    expect(page.locator("#id_narrative-problems")).to_have_value(TYPED)


def test_added_rows_come_back_with_their_input(live_server, clerk_page, report):
    page = clerk_page
    url = f"{live_server.url}/reports/{report.pk}/edit/people/"
    page.goto(url)
    rows = page.locator('tbody[data-rows="evaluators"] tr.formset-row')
    before = rows.count()
    page.click('[data-add-row="evaluators"]')
    page.fill(f"#id_evaluators-{before}-name", "李新")
    wait_for_a_copy(page)
    page.goto(url)

    page.click("#draft-restore")

    expect(rows).to_have_count(before + 1)
    expect(page.locator(f"#id_evaluators-{before}-name")).to_have_value("李新")


def test_another_user_is_not_offered_the_copy_and_signing_out_forgets_it(live_server, clerk_page, report, open_session):
    page = clerk_page
    url = f"{live_server.url}/reports/{report.pk}/edit/narrative/"
    type_and_leave(page, url, "#id_narrative-problems", TYPED)
    expect(page.locator("#draft-offer")).to_be_visible()
    copies = drafts(page)

    page.click("#logout-form button")

    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    assert len(copies) == 1 and drafts(page) == []
