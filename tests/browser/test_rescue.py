"""Nothing typed is lost when the session ends: the kept form and the session notice, in real Chromium.

Set EDITOR_SCREENSHOTS=1 to write the login page and the restored section to docs/screenshots/rescue-*.png.
"""
import os
import re
import time
from pathlib import Path

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from playwright.sync_api import expect

from accounts.middleware import SESSION_LAST_SEEN
from reports.demo import DEMO_PASSWORD, SEED_DEPARTMENT, demo_load
from reports.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
TYPED = "本年度存在的主要问题：一是预算执行进度偏慢；二是绩效目标设置不够细化。"


def shoot(page, name):
    if os.environ.get("EDITOR_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"rescue-{name}.png"), full_page=False)


def end_sessions(how):
    """End every stored session on the server: idle past the limit, or deleted as expire_sessions does."""
    if how == "deleted":
        Session.objects.all().delete()
        return
    for key in Session.objects.values_list("session_key", flat=True):
        store = SessionStore(session_key=key)
        store[SESSION_LAST_SEEN] = time.time() - 31 * 60
        store.save()


def last_seen():
    return max(SessionStore(session_key=key)[SESSION_LAST_SEEN]
               for key in Session.objects.values_list("session_key", flat=True))


@pytest.mark.parametrize("how", ["idle", "deleted"])
def test_text_typed_before_the_session_ended_is_back_unsaved_after_logging_in(live_server, open_session, how):
    demo_load()
    report = Report.objects.get(department__code=SEED_DEPARTMENT[0])
    saved_before = report.narrative.problems
    section = f"{live_server.url}/reports/{report.pk}/edit/narrative/"
    page = open_session("clerk")
    page.goto(section)
    page.fill("#id_narrative-problems", TYPED)
    end_sessions(how)

    page.click("#btn-save")

    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/reports/{report.pk}/edit/narrative/")
    expect(page.locator("[data-tags=input-kept]")).to_contain_text("您刚才提交的内容尚未保存，但已为您暂存")
    shoot(page, "login")
    page.fill("#id_username", "clerk")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    expect(page).to_have_url(section)
    expect(page.locator("#id_narrative-problems")).to_have_value(TYPED)
    expect(page.locator("#restored-banner")).to_contain_text("尚未保存")
    expect(page.locator("#dirty-note")).to_be_visible()
    page.evaluate("window.scrollTo(0, 0)")
    if how == "idle":
        shoot(page, "restored")
    assert Report.objects.get(pk=report.pk).narrative.problems == saved_before
    page.click("#btn-save")
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    assert Report.objects.get(pk=report.pk).narrative.problems == TYPED


def test_the_notice_before_the_idle_limit_renews_the_session(live_server, open_session, settings):
    settings.ACCOUNTS_SESSION_IDLE_SECONDS = 5
    settings.RESCUE_WARN_SECONDS = 4
    demo_load()
    page = open_session("clerk")
    notice = page.locator("#session-notice")

    expect(notice).to_be_visible(timeout=4000)
    expect(notice).to_contain_text("登录将在")
    shoot(page, "notice")
    before = last_seen()
    page.click("#session-renew")
    expect(notice).to_be_hidden()
    assert last_seen() > before

    expect(page.locator("#session-login")).to_be_visible(timeout=8000)
    expect(notice).to_contain_text("页面上填写的内容不会丢失")
    page.click("#session-login")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
    expect(page.locator("#id_username")).to_be_visible()


def test_the_notice_counts_from_the_stored_last_request_not_from_the_page_load(live_server, open_session, settings):
    """A page loaded within the touch interval leaves the stored time alone; the notice counts from it."""
    settings.ACCOUNTS_SESSION_IDLE_SECONDS = 600
    settings.RESCUE_WARN_SECONDS = 590
    demo_load()
    page = open_session("clerk")
    for key in Session.objects.values_list("session_key", flat=True):
        store = SessionStore(session_key=key)
        store[SESSION_LAST_SEEN] = time.time() - 50
        store.save()
    stored = last_seen()
    page.evaluate("window.localStorage.clear()")  # the home page after login shared the time of the login

    page.goto(f"{live_server.url}/")

    notice = page.locator("#session-notice")
    expect(notice).to_be_visible(timeout=3000)  # counted from the page load it would wait 10 s
    expect(page.locator("#session-notice-text")).to_have_text(re.compile(r".*登录将在 9:(0\d|10) 后结束.*"))
    assert last_seen() == stored
