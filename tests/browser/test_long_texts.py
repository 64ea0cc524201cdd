"""Text areas grow with their content and count characters against their limit; the error pages
(static/app/textarea.js, templates/4xx/5xx), in real Chromium.

Set EDITOR_SCREENSHOTS=1 to write docs/screenshots/long-text.png and error-*.png.
"""
import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from reports.demo import DEMO_PASSWORD, SEED_DEPARTMENT, demo_load
from reports.limits import text_limit
from reports.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def shoot(page, name):
    if os.environ.get("EDITOR_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


@pytest.fixture
def report():
    demo_load()
    return Report.objects.get(department__code=SEED_DEPARTMENT[0])


def test_a_textarea_grows_and_counts_against_its_limit(live_server, open_session, report):
    limit = text_limit("Narrative", "problems")
    page = open_session("clerk")
    page.goto(f"{live_server.url}/reports/{report.pk}/edit/narrative/")
    area = page.locator("#id_narrative-problems")
    count = page.locator("#id_narrative-problems-count")
    saved = area.input_value()
    expect(count).to_have_text(f"{len(saved)} / {limit}")
    height = area.bounding_box()["height"]

    text = "预算执行进度偏慢，部分项目资金未按期拨付。\n" * 12
    area.fill(text)

    expect(count).to_have_text(f"{len(text)} / {limit}")
    grown = area.bounding_box()["height"]
    assert grown > height * 2
    assert area.evaluate("el => el.scrollHeight <= el.clientHeight + 1")
    area.fill("字" * (limit - 5))
    expect(count).to_have_class("char-count char-count-near")
    area.fill("")
    expect(count).to_have_text(f"0 / {limit}")
    area.fill(text)
    area.scroll_into_view_if_needed()
    shoot(page, "long-text")


def test_error_pages_are_chinese_and_lead_back(live_server, open_session, report):
    clerk = open_session("clerk")

    clerk.goto(f"{live_server.url}/no/such/page/")
    expect(clerk.locator("h1")).to_have_text("页面不存在（404）")
    shoot(clerk, "error-404")
    clerk.goto(f"{live_server.url}/review/")
    expect(clerk.locator("h1")).to_have_text("没有权限进行这项操作（403）")
    shoot(clerk, "error-403")

    # A form whose token went stale: the user signed in again in another tab of the same browser.
    section = f"{live_server.url}/reports/{report.pk}/edit/narrative/"
    clerk.goto(section)
    clerk.context.clear_cookies()  # the session and the token ended
    other_tab = clerk.context.new_page()
    other_tab.goto(f"{live_server.url}/accounts/login/")
    other_tab.fill("#id_username", "clerk")
    other_tab.fill("#id_password", DEMO_PASSWORD)
    other_tab.click("button[type=submit]")
    expect(other_tab).to_have_url(f"{live_server.url}/")
    clerk.on("dialog", lambda dialog: dialog.accept())
    clerk.fill("#id_narrative-problems", "过期页面上填写的内容。")
    clerk.click("#btn-save")

    expect(clerk.locator("h1")).to_have_text("页面已过期，这次提交没有被接受（403）")
    shoot(clerk, "error-csrf")
    clerk.click("#error-back")
    expect(clerk).to_have_url(section)
    expect(clerk.locator("#draft-offer")).to_be_visible()
    clerk.click("#draft-restore")
    expect(clerk.locator("#id_narrative-problems")).to_have_value("过期页面上填写的内容。")


def test_the_server_error_page_is_chinese_styled_and_leads_back(live_server, open_session, report):
    """The 500 page as Django's handler writes it (no request context), served from the app's own static files."""
    from django.test import RequestFactory
    from django.views.defaults import server_error

    html = server_error(RequestFactory().get("/")).content.decode()
    clerk = open_session("clerk")
    url = f"{live_server.url}/reports/{report.pk}/edit/narrative/"
    clerk.route(url, lambda route: route.fulfill(status=500, body=html, content_type="text/html; charset=utf-8"))

    clerk.goto(url)

    expect(clerk.locator("h1")).to_have_text("系统出错，这次操作没有完成（500）")
    assert clerk.locator("nav.navbar").evaluate("nav => getComputedStyle(nav).backgroundColor") != "rgba(0, 0, 0, 0)"
    shoot(clerk, "error-500")
    clerk.click("text=返回首页")
    expect(clerk).to_have_url(f"{live_server.url}/")
