"""Idle (30 min) and absolute (12 h) session limits, through the real login view."""
import io
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.sessions.models import Session
from django.core.management import call_command
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.middleware import SESSION_LAST_SEEN, SESSION_LOGIN_AT, session_expiry_reason
from audit.enums import Event
from audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

IDLE_MESSAGE = "您已超过 30 分钟未操作，请重新登录。"
ABSOLUTE_MESSAGE = "登录已超过 12 小时，请重新登录。"


@pytest.fixture
def signed_in(client):
    UserFactory(username="clerk")
    response = client.post("/accounts/login/", {"username": "clerk", "password": "Test-pass-2021"})
    assert response.status_code == 302
    return client


def age_session(client, *, idle, since_login):
    session = client.session
    now = time.time()
    session[SESSION_LAST_SEEN] = now - idle
    session[SESSION_LOGIN_AT] = now - since_login
    session.save()


def test_login_stamps_the_session(signed_in):
    session = signed_in.session

    assert abs(session[SESSION_LOGIN_AT] - time.time()) < 5
    assert session[SESSION_LAST_SEEN] == session[SESSION_LOGIN_AT]


def test_thirty_one_idle_minutes_end_the_session(signed_in):
    age_session(signed_in, idle=31 * 60, since_login=31 * 60)

    response = signed_in.get("/")

    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/")
    assert "_auth_user_id" not in signed_in.session
    login_page = signed_in.get(response["Location"])
    assert [str(m) for m in login_page.context["messages"]] == [IDLE_MESSAGE]


def test_twenty_nine_idle_minutes_keep_the_session_and_refresh_it(signed_in):
    age_session(signed_in, idle=29 * 60, since_login=29 * 60)

    response = signed_in.get("/")

    assert response.status_code == 200
    assert abs(signed_in.session[SESSION_LAST_SEEN] - time.time()) < 5


def test_twelve_hours_after_login_end_the_session_however_busy(signed_in):
    age_session(signed_in, idle=60, since_login=12 * 3600 + 1)

    response = signed_in.get("/")

    assert response["Location"] == "/accounts/login/?next=/"
    assert "_auth_user_id" not in signed_in.session


def test_a_timeout_is_audited_as_a_session_expiry_with_its_reason(signed_in):
    age_session(signed_in, idle=31 * 60, since_login=31 * 60)

    signed_in.get("/")

    row = AuditEvent.objects.filter(event__in=[Event.LOGOUT, Event.SESSION_EXPIRED]).get()
    assert (row.event, row.username, row.path, row.detail) == ("session_expired", "clerk", "/", IDLE_MESSAGE)


def session_trail():
    return list(AuditEvent.objects.filter(event=Event.SESSION_EXPIRED).values_list("username", "path", "detail"))


def test_sessions_nobody_came_back_to_are_ended_and_recorded_by_expire_sessions(signed_in):
    idle_key = signed_in.session.session_key
    age_session(signed_in, idle=31 * 60, since_login=31 * 60)
    active = Client()
    UserFactory(username="head")
    active.post("/accounts/login/", {"username": "head", "password": "Test-pass-2021"})

    call_command("expire_sessions", stdout=io.StringIO())

    assert session_trail() == [("clerk", "", IDLE_MESSAGE)]
    assert list(Session.objects.values_list("session_key", flat=True)) == [active.session.session_key]
    assert idle_key != active.session.session_key


def test_a_session_past_its_stored_expiry_is_ended_and_recorded(signed_in):
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    call_command("expire_sessions", stdout=io.StringIO())

    assert (session_trail(), Session.objects.count()) == ([("clerk", "", "会话已过期")], 0)


@override_settings(ACCOUNTS_SESSION_IDLE_SECONDS=5 * 60)
def test_the_idle_limit_is_a_setting():
    assert session_expiry_reason({SESSION_LAST_SEEN: 0, SESSION_LOGIN_AT: 0}, 5 * 60 + 1) == "您已超过 5 分钟未操作，请重新登录。"


@pytest.mark.parametrize(
    ("idle", "since_login", "expected"),
    [(1800, 1800, None), (1801, 1801, IDLE_MESSAGE), (0, 43200, None), (0, 43201, ABSOLUTE_MESSAGE)],
)
def test_session_expiry_boundaries(idle, since_login, expected):
    now = 1_000_000.0

    assert session_expiry_reason({SESSION_LAST_SEEN: now - idle, SESSION_LOGIN_AT: now - since_login}, now) == expected


def test_the_stored_session_outlives_the_idle_limit_so_that_its_end_is_seen_and_the_cookie_dies_with_the_browser(
    settings,
):
    assert (settings.SESSION_COOKIE_AGE, settings.SESSION_SAVE_EVERY_REQUEST) == (12 * 60 * 60, False)
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
    assert settings.ACCOUNTS_SESSION_TOUCH_SECONDS == 60


def session_writes(client, path="/"):
    """The response to a GET and the statements it sent that write django_session."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    writes = [q["sql"] for q in queries.captured_queries
              if "django_session" in q["sql"] and not q["sql"].lstrip().upper().startswith("SELECT")]
    return response, writes


def set_last_seen(client, ago):
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - ago
    session.save()
    return session[SESSION_LAST_SEEN]


def test_a_get_within_the_touch_interval_does_not_write_the_session(signed_in):
    stored = set_last_seen(signed_in, 59)

    response, writes = session_writes(signed_in)

    assert (response.status_code, writes) == (200, [])
    assert signed_in.session[SESSION_LAST_SEEN] == stored
    assert "sessionid" not in response.cookies


def test_a_get_after_the_touch_interval_writes_the_session_once_with_the_request_time(signed_in):
    set_last_seen(signed_in, 61)

    before = time.time()
    response, writes = session_writes(signed_in)

    assert response.status_code == 200
    assert len(writes) == 1 and writes[0].lstrip().upper().startswith("UPDATE")
    assert before <= signed_in.session[SESSION_LAST_SEEN] <= time.time()


def test_requests_within_the_interval_leave_the_stored_time_so_the_idle_limit_counts_from_it(signed_in, monkeypatch):
    """The session ends IDLE after the stored time: up to the touch interval before IDLE after the last
    request, never later."""
    stored = set_last_seen(signed_in, 0)
    clock = iter([stored + 59, stored + 30 * 60])
    monkeypatch.setattr("accounts.middleware.time", SimpleNamespace(time=lambda: next(clock)))

    assert signed_in.get("/").status_code == 200  # 59 s later: not written
    assert signed_in.session[SESSION_LAST_SEEN] == stored
    assert signed_in.get("/").status_code == 200  # exactly IDLE after the stored time: still on, written
    assert signed_in.session[SESSION_LAST_SEEN] == stored + 30 * 60


def test_idle_expiry_counts_from_the_stored_time_to_the_second(signed_in, monkeypatch):
    stored = set_last_seen(signed_in, 0)
    monkeypatch.setattr("accounts.middleware.time", SimpleNamespace(time=lambda: stored + 30 * 60 + 0.001))

    response = signed_in.get("/")

    assert (response.status_code, response["Location"]) == (302, "/accounts/login/?next=/")
    assert "_auth_user_id" not in signed_in.session


@override_settings(ACCOUNTS_SESSION_IDLE_SECONDS=5, ACCOUNTS_SESSION_TOUCH_SECONDS=60)
def test_the_touch_interval_is_at_most_a_tenth_of_the_idle_limit(signed_in):
    set_last_seen(signed_in, 1)

    before = time.time()
    _response, writes = session_writes(signed_in)

    assert len(writes) == 1
    assert signed_in.session[SESSION_LAST_SEEN] >= before
