"""Idle (30 min) and absolute (12 h) session limits, through the real login view."""
import time

import pytest
from django.test import override_settings

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


def test_a_timeout_is_audited_as_a_logout_with_its_reason(signed_in):
    age_session(signed_in, idle=31 * 60, since_login=31 * 60)

    signed_in.get("/")

    row = AuditEvent.objects.filter(event=Event.LOGOUT).get()
    assert (row.username, row.detail) == ("clerk", IDLE_MESSAGE)


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


def test_the_session_cookie_expires_with_the_idle_limit_and_the_browser(settings):
    assert (settings.SESSION_COOKIE_AGE, settings.SESSION_SAVE_EVERY_REQUEST) == (30 * 60, True)
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True
