"""A form posted after the session ended, through the real login view and the report editor."""
import re
import time

import pytest
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.middleware import SESSION_LAST_SEEN
from audit.enums import Event
from audit.models import AuditEvent
from reports.models import Report
from rescue.middleware import OWNER_COOKIE
from rescue.models import KeptInput
from tests.reports.editor_support import PASSWORD, clerk_of, page_data, seed_report

pytestmark = pytest.mark.django_db

TYPED = "本年度存在的主要问题：预算执行进度偏慢。"
KEPT_NOTICE = "登录已超时，您刚才提交的内容尚未保存，但已为您暂存。"


@pytest.fixture
def report():
    return seed_report()


@pytest.fixture
def clerk(report):
    return clerk_of(report.department, username="clerk")


def section_url(report, key="narrative"):
    return f"/reports/{report.pk}/edit/{key}/"


def sign_in(client, username, next_url=""):
    token = client.get("/accounts/login/").context["csrf_token"]
    return client.post("/accounts/login/", {
        "username": username, "password": PASSWORD, "next": next_url, "csrfmiddlewaretoken": token})


def open_section(client, report):
    """GET the section (as the tab does before typing); returns the CSRF token the form carries."""
    response = client.get(section_url(report))
    assert response.status_code == 200
    return response.context["csrf_token"]


def posted(report, token):
    return {**page_data(report, "narrative", **{"narrative-problems": TYPED}), "csrfmiddlewaretoken": token}


def go_idle(client):
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - 31 * 60
    session.save()


@pytest.fixture
def tab(clerk):
    """The clerk's browser, signed in (a client that checks CSRF as a browser would be checked)."""
    client = Client(enforce_csrf_checks=True)
    assert sign_in(client, "clerk").status_code == 302
    return client


def test_a_post_after_idle_expiry_is_kept_and_restored_unsaved_on_the_same_section(tab, report, clerk):
    token = open_section(tab, report)
    go_idle(tab)

    response = tab.post(section_url(report), posted(report, token))
    login_page = tab.get(response["Location"])
    signed_in = sign_in(tab, "clerk", next_url=section_url(report))
    restored = tab.get(signed_in["Location"])

    assert (response.status_code, response["Location"]) == (302, f"/accounts/login/?next={section_url(report)}")
    assert KEPT_NOTICE in login_page.content.decode()
    assert signed_in["Location"] == section_url(report)
    assert restored.context["restored"] is True
    assert restored.context["section"]["narrative"]["problems"].value() == TYPED
    assert 'id="restored-banner"' in restored.content.decode()
    assert Report.objects.get(pk=report.pk).narrative.problems != TYPED
    assert KeptInput.objects.count() == 0


def test_restored_input_is_shown_once(tab, report):
    token = open_section(tab, report)
    go_idle(tab)
    tab.post(section_url(report), posted(report, token))
    sign_in(tab, "clerk")
    tab.get(section_url(report))

    again = tab.get(section_url(report))

    assert again.context["restored"] is False
    assert TYPED not in again.content.decode()


def test_restored_input_saves_like_any_post(tab, report):
    token = open_section(tab, report)
    go_idle(tab)
    tab.post(section_url(report), posted(report, token))
    sign_in(tab, "clerk")
    restored = tab.get(section_url(report))

    saved = tab.post(section_url(report), posted(report, restored.context["csrf_token"]))

    assert saved.status_code == 302
    assert Report.objects.get(pk=report.pk).narrative.problems == TYPED


def test_a_post_after_the_stored_session_was_deleted_is_kept_for_the_cookie_owner(tab, report, clerk):
    token = open_section(tab, report)
    Session.objects.all().delete()  # manage.py expire_sessions ended it

    response = tab.post(section_url(report), posted(report, token))

    assert response.status_code == 302
    assert list(KeptInput.objects.values_list("user", "path")) == [(clerk.pk, section_url(report))]


def test_another_user_signing_in_next_never_sees_the_input(tab, report, clerk):
    clerk_of(report.department, username="colleague")
    token = open_section(tab, report)
    go_idle(tab)
    tab.post(section_url(report), posted(report, token))

    sign_in(tab, "colleague", next_url=section_url(report))
    page = tab.get(section_url(report))

    assert page.context["restored"] is False
    assert TYPED not in page.content.decode()
    assert list(KeptInput.objects.values_list("user", flat=True)) == [clerk.pk]


def test_another_user_posting_from_the_same_browser_later_is_kept_for_them_not_the_first(tab, report, clerk):
    colleague = clerk_of(report.department, username="colleague")
    tab.post("/accounts/logout/", {"csrfmiddlewaretoken": open_section(tab, report)})
    sign_in(tab, "colleague")
    token = open_section(tab, report)
    Session.objects.all().delete()

    tab.post(section_url(report), posted(report, token))

    assert list(KeptInput.objects.values_list("user", flat=True)) == [colleague.pk]


def test_a_post_without_a_valid_csrf_token_is_refused_and_not_kept(tab, report):
    open_section(tab, report)
    go_idle(tab)

    response = tab.post(section_url(report), posted(report, "forged" * 8))

    assert response.status_code == 403
    assert KeptInput.objects.count() == 0


def test_a_forged_owner_cookie_keeps_nothing(report, clerk):
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")
    client.cookies[OWNER_COOKIE] = f"{clerk.pk}:forged"

    response = client.post(section_url(report), posted(report, client.cookies["csrftoken"].value))

    assert response.status_code == 302
    assert KeptInput.objects.count() == 0


def test_signing_out_ends_the_owner_cookie_so_a_later_post_is_not_kept(tab, report):
    token = open_section(tab, report)
    assert tab.cookies[OWNER_COOKIE].value

    tab.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    response = tab.post(section_url(report), posted(report, tab.cookies["csrftoken"].value))

    assert tab.cookies[OWNER_COOKIE].value == ""
    assert response.status_code == 302
    assert KeptInput.objects.count() == 0


def test_files_are_never_kept(tab, report):
    token = open_section(tab, report)
    go_idle(tab)
    data = {**posted(report, token), "file": SimpleUploadedFile("a.pdf", b"%PDF-1.4 secret", "application/pdf")}

    tab.post(section_url(report), data)

    kept = KeptInput.objects.get()
    assert "file" not in kept.data
    assert kept.data["narrative-problems"] == [TYPED]


def test_only_views_that_keep_input_keep_it(tab, report):
    token = open_section(tab, report)
    go_idle(tab)

    tab.post(f"/reports/{report.pk}/submit/", {"revision": str(report.revision), "csrfmiddlewaretoken": token})

    assert KeptInput.objects.count() == 0


def test_keeping_and_restoring_leave_audit_rows(tab, report, clerk):
    token = open_section(tab, report)
    go_idle(tab)
    tab.post(section_url(report), posted(report, token))
    sign_in(tab, "clerk")
    tab.get(section_url(report))

    events = list(AuditEvent.objects.filter(event__in=[Event.INPUT_KEPT, Event.INPUT_RESTORED])
                  .order_by("pk").values_list("event", "user"))

    assert events == [(Event.INPUT_KEPT, clerk.pk), (Event.INPUT_RESTORED, clerk.pk)]


def test_renewing_the_session_stamps_it(tab):
    go_idle(tab)
    session = tab.session
    session[SESSION_LAST_SEEN] = time.time() - 28 * 60
    session.save()

    response = tab.post("/session/renew/", {"csrfmiddlewaretoken": tab.get("/").context["csrf_token"]})

    assert response.json() == {"ok": True, "idle_seconds": 30 * 60}
    assert time.time() - tab.session[SESSION_LAST_SEEN] < 5


def test_renewing_an_ended_session_answers_401():
    client = Client()

    assert client.post("/session/renew/").status_code == 401
    assert client.get("/session/renew/").status_code == 405




def test_renewing_within_the_touch_interval_still_writes_the_session(tab):
    session = tab.session
    session[SESSION_LAST_SEEN] = time.time() - 10
    session.save()
    token = tab.get("/").context["csrf_token"]

    before = time.time()
    with CaptureQueriesContext(connection) as queries:
        response = tab.post("/session/renew/", {"csrfmiddlewaretoken": token})

    assert response.json() == {"ok": True, "idle_seconds": 30 * 60}
    assert len([q for q in queries.captured_queries if q["sql"].startswith('UPDATE "django_session"')]) == 1
    assert before <= tab.session[SESSION_LAST_SEEN] <= time.time()


def test_the_notice_says_how_long_ago_the_stored_last_request_was(tab):
    session = tab.session
    session[SESSION_LAST_SEEN] = time.time() - 42
    session.save()

    html = tab.get("/").content.decode()

    ago = float(re.search(r'data-seen-ago="([0-9.]+)"', html).group(1))
    assert 42 <= ago < 47
    assert re.search(r'data-seen-ago="[0-9]+\.[0-9]{3}"', html)


def kept_input_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return [q["sql"] for q in queries.captured_queries if "rescue_keptinput" in q["sql"]]


def test_a_signed_in_page_asks_for_kept_input_only_while_the_account_has_some(tab, report):
    """Sign-in notes in the session whether the account has kept input: without any, a page asks nothing."""
    assert kept_input_queries(tab, section_url(report)) == []

    token = open_section(tab, report)
    go_idle(tab)
    tab.post(section_url(report), posted(report, token))
    sign_in(tab, "clerk")
    elsewhere = kept_input_queries(tab, section_url(report, "cover"))  # kept for the narrative, not here
    restoring = kept_input_queries(tab, section_url(report))

    assert len(elsewhere) == 1
    assert len(restoring) >= 2  # found, taken, and none left
    assert kept_input_queries(tab, section_url(report)) == []
    assert kept_input_queries(tab, section_url(report, "cover")) == []
