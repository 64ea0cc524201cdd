"""The real login view (/accounts/login/), lockout, password change and the optional second factor."""
import re
from base64 import b32encode
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import override_settings
from django.utils import timezone
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.enums import AdminRole
from accounts.models import User
from audit.enums import Event
from audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PASSWORD = "Test-pass-2021"
LOCKED = "登录失败次数过多，账户已锁定 30 分钟，请稍后再试。"


def login(client, username, password=PASSWORD, address="127.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def login_error(response):
    match = re.search(r'<div class="alert alert-danger" id="login-error">(.*?)</div>', response.content.decode())
    return match.group(1) if match else None


def signed_in(client):
    return "_auth_user_id" in client.session


def test_correct_password_signs_in_and_redirects_home(client):
    UserFactory(username="clerk")

    response = login(client, "clerk")

    assert (response.status_code, response["Location"]) == (302, "/")
    assert signed_in(client)


def test_unknown_user_inactive_user_and_wrong_password_get_the_same_answer(client):
    UserFactory(username="clerk")
    UserFactory(username="retired", is_active=False)

    answers = [login(client, "clerk", "Wrong-pass-2021"), login(client, "nobody"), login(client, "retired")]

    assert [(r.status_code, login_error(r)) for r in answers] == [(200, "用户名或密码错误。")] * 3
    assert not signed_in(client)


def test_five_failures_lock_the_account_and_refuse_even_the_right_password(client):
    UserFactory(username="clerk")

    answers = [login(client, "clerk", f"Wrong-pass-{n}") for n in range(5)]
    after = login(client, "clerk")

    assert [r.status_code for r in answers] == [200, 200, 200, 200, 429]
    assert login_error(answers[-1]) == LOCKED
    assert (after.status_code, login_error(after)) == (429, LOCKED)
    assert not signed_in(client)


def test_an_unknown_account_name_locks_exactly_like_a_known_one(client):
    UserFactory(username="clerk")

    known = [login(client, "clerk", "Wrong-pass-2021") for _ in range(5)]
    unknown = [login(client, "ghost", "Wrong-pass-2021") for _ in range(5)]

    assert [(r.status_code, login_error(r)) for r in known] == [(r.status_code, login_error(r)) for r in unknown]


def test_the_lock_lifts_after_thirty_minutes(client):
    UserFactory(username="clerk")
    for n in range(5):
        login(client, "clerk", f"Wrong-pass-{n}")
    AccessAttempt.objects.filter(username="clerk").update(attempt_time=timezone.now() - timedelta(minutes=30, seconds=1))

    response = login(client, "clerk")

    assert response.status_code == 302
    assert signed_in(client)


def test_the_lock_still_holds_after_twenty_nine_minutes(client):
    UserFactory(username="clerk")
    for n in range(5):
        login(client, "clerk", f"Wrong-pass-{n}")
    AccessAttempt.objects.filter(username="clerk").update(attempt_time=timezone.now() - timedelta(minutes=29))

    response = login(client, "clerk")

    assert response.status_code == 429


def test_a_successful_login_resets_the_failure_count(client):
    UserFactory(username="clerk")
    for n in range(4):
        login(client, "clerk", f"Wrong-pass-{n}")
    login(client, "clerk")
    client.logout()

    answers = [login(client, "clerk", f"Wrong-pass-{n}") for n in range(4)]

    assert [r.status_code for r in answers] == [200] * 4


def test_the_lock_is_per_account_name_and_address_so_nobody_locks_a_reviewer_out_from_elsewhere(client):
    UserFactory(username="reviewer")
    UserFactory(username="head")
    for n in range(5):
        login(client, "reviewer", f"Wrong-pass-{n}", address="10.9.9.9")

    from_attacker = login(client, "reviewer", address="10.9.9.9")
    other_name = login(client, "head", address="10.9.9.9")
    client.logout()
    from_own_desk = login(client, "reviewer", address="10.1.1.1")

    assert [r.status_code for r in (from_attacker, other_name, from_own_desk)] == [429, 302, 302]


def lock_out(client, username="clerk", address="127.0.0.1"):
    for n in range(5):
        login(client, username, f"Wrong-pass-{n}", address=address)


def test_each_further_lockout_of_the_same_name_and_address_within_a_day_doubles_the_cool_off(client):
    UserFactory(username="clerk")
    lock_out(client)
    first = login_error(login(client, "clerk"))
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=31))
    lock_out(client)
    second = login_error(login(client, "clerk"))
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=59))
    still_locked = login(client, "clerk").status_code
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=61))
    lifted = login(client, "clerk").status_code

    assert (first, second) == (LOCKED, "登录失败次数过多，账户已锁定 60 分钟，请稍后再试。")
    assert (still_locked, lifted) == (429, 302)
    assert AuditEvent.objects.filter(event=Event.LOCKOUT).count() == 2


def test_a_new_lockout_tells_the_security_admins_once(client, mailoutbox, django_capture_on_commit_callbacks):
    UserFactory(username="clerk")
    UserFactory(username="secadmin", admin_role=AdminRole.SECURITY, is_staff=True, email="sec@example.gov.cn")
    UserFactory(username="sysadmin", admin_role=AdminRole.SYSTEM, is_staff=True, email="sys@example.gov.cn")

    with django_capture_on_commit_callbacks(execute=True):
        lock_out(client, address="10.9.9.9")
        login(client, "clerk", address="10.9.9.9")  # a try during the lockout is no new lockout

    assert [(m.to, m.subject, m.body) for m in mailoutbox] == [(
        ["sec@example.gov.cn"], "账户锁定：clerk",
        "账户 clerk 从地址 10.9.9.9 连续登录失败次数过多，已对该地址锁定 30 分钟。其他地址不受影响。详情见安全审计日志。",
    )]
    assert AuditEvent.objects.filter(event=Event.LOCKOUT).count() == 1


def test_a_reset_password_must_be_changed_before_anything_else(client):
    UserFactory(username="clerk", must_change_password=True)

    login(client, "clerk")
    response = client.get("/")

    assert (response.status_code, response["Location"]) == (302, "/accounts/password/?next=%2F")
    page = client.get(response["Location"])
    assert page.context["reason"] == "首次登录或密码已被重置，请先修改密码。"


def test_changing_the_password_lifts_the_forced_change_and_keeps_the_session(client):
    user = UserFactory(username="clerk", must_change_password=True)
    login(client, "clerk")

    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Fresh-pass-2022", "new_password2": "Fresh-pass-2022", "next": "/"},
    )

    user.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, "/")
    assert (user.must_change_password, user.check_password("Fresh-pass-2022")) == (False, True)
    assert client.get("/").status_code == 200


def test_an_expired_password_forces_a_change(client):
    UserFactory(username="clerk", password_changed_at=timezone.now() - timedelta(days=91))

    login(client, "clerk")
    response = client.get("/")

    assert response["Location"] == "/accounts/password/?next=%2F"
    assert client.get(response["Location"]).context["reason"] == "密码已超过 90 天未修改，请修改密码。"


@override_settings(ACCOUNTS_PASSWORD_MAX_AGE_DAYS=30)
def test_the_expiry_period_is_a_setting(client):
    UserFactory(username="clerk", password_changed_at=timezone.now() - timedelta(days=31))

    login(client, "clerk")

    assert client.get("/")["Location"] == "/accounts/password/?next=%2F"


def test_a_password_of_eighty_nine_days_is_not_expired(client):
    UserFactory(username="clerk", password_changed_at=timezone.now() - timedelta(days=89))

    login(client, "clerk")

    assert client.get("/").status_code == 200


@pytest.mark.parametrize(
    ("data", "errors"),
    [
        (
            {"old_password": "Wrong-pass-2021", "new_password1": "Fresh-pass-2022", "new_password2": "Fresh-pass-2022"},
            {"old_password": ["原密码不正确。"]},
        ),
        (
            {"old_password": PASSWORD, "new_password1": "Fresh-pass-2022", "new_password2": "Fresh-pass-2023"},
            {"new_password2": ["两次输入的新密码不一致。"]},
        ),
        (
            {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
            {"new_password1": ["新密码不能与原密码相同。"], "new_password2": ["新密码不能与最近 5 次使用过的密码相同。"]},
        ),
        (
            {"old_password": PASSWORD, "new_password1": "freshpass", "new_password2": "freshpass"},
            {"new_password2": ["密码须包含大写字母、小写字母、数字、特殊字符中的至少 3 类。"]},
        ),
    ],
)
def test_password_change_refusals_keep_the_form_with_a_message(client, data, errors):
    UserFactory(username="clerk")
    login(client, "clerk")

    response = client.post("/accounts/password/", data)

    assert response.status_code == 200
    assert response.context["form"].errors == errors


def change_password(client, old, address="127.0.0.1"):
    return client.post("/accounts/password/", {
        "old_password": old, "new_password1": "Fresh-pass-2022", "new_password2": "Fresh-pass-2022",
    }, REMOTE_ADDR=address)


def test_wrong_old_passwords_are_failed_sign_ins_and_lock_the_account_from_that_address(client):
    UserFactory(username="clerk")
    login(client, "clerk")

    answers = [change_password(client, f"Wrong-pass-{n}").status_code for n in range(5)]
    session_after = signed_in(client)
    again = login(client, "clerk")
    elsewhere = login(client, "clerk", address="10.1.1.1")

    assert answers == [200, 200, 200, 200, 429]
    assert (session_after, again.status_code, elsewhere.status_code) == (False, 429, 302)
    assert list(AuditEvent.objects.filter(event__in=[Event.LOGIN_FAILED, Event.LOCKOUT, Event.LOGOUT])
                .values_list("event", "path", "detail").order_by("id"))[:6] == [
        ("login_failed", "/accounts/password/", "修改密码时原密码错误"),
    ] * 4 + [
        ("lockout", "/accounts/password/", "连续登录失败次数过多，账户已锁定"),
        ("login_failed", "/accounts/password/", "修改密码时原密码错误"),
    ]
    assert User.objects.get(username="clerk").check_password(PASSWORD)


@override_settings(ACCOUNTS_TOTP_REQUIRED=True)
def test_with_totp_on_the_password_is_changed_only_after_the_second_factor(client):
    user = UserFactory(username="clerk", must_change_password=True)
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    login(client, "clerk")

    page = client.get("/accounts/password/")
    refused = change_password(client, PASSWORD)
    unchanged = User.objects.get(pk=user.pk).check_password(PASSWORD)
    client.post("/accounts/otp/", {"otp_token": current_token(device)})
    accepted = change_password(client, PASSWORD)

    assert (page.status_code, page["Location"]) == (302, "/accounts/otp/?next=%2Faccounts%2Fpassword%2F")
    assert (refused.status_code, refused["Location"]) == (302, "/accounts/otp/?next=%2Faccounts%2Fpassword%2F")
    assert unchanged is True
    assert (accepted.status_code, User.objects.get(pk=user.pk).check_password("Fresh-pass-2022")) == (302, True)


def test_password_change_requires_login(client):
    response = client.get("/accounts/password/")

    assert response["Location"] == "/accounts/login/?next=/accounts/password/"


def current_token(device):
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift).token():06d}"


@override_settings(ACCOUNTS_TOTP_REQUIRED=True)
def test_with_totp_on_a_user_enrols_an_authenticator_before_anything_else(client):
    user = UserFactory(username="clerk")
    login(client, "clerk")

    first = client.get("/")
    setup = client.get(first["Location"])
    device = TOTPDevice.objects.get(user=user)
    right = client.post("/accounts/otp/setup/", {"otp_token": current_token(device), "next": "/"})

    assert first["Location"] == "/accounts/otp/setup/?next=%2F"
    assert setup.context["secret"] == b32encode(device.bin_key).decode()
    assert right["Location"] == "/"
    assert client.get("/").status_code == 200
    device.refresh_from_db()
    assert device.confirmed is True


@override_settings(ACCOUNTS_TOTP_REQUIRED=True)
def test_with_totp_on_an_enrolled_user_enters_a_code_after_the_password(client):
    user = UserFactory(username="clerk")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    login(client, "clerk")

    first = client.get("/")
    refused = client.post("/accounts/otp/", {"otp_token": "12345"})
    accepted = client.post("/accounts/otp/", {"otp_token": current_token(device), "next": "/"})

    assert first["Location"] == "/accounts/otp/?next=%2F"
    assert refused.context["form"].errors == {"otp_token": ["请输入认证器显示的 6 位数字。"]}
    assert accepted["Location"] == "/"
    assert client.get("/").status_code == 200


@override_settings(ACCOUNTS_TOTP_REQUIRED=True)
def test_a_wrong_code_is_refused_and_keeps_the_user_out(client):
    user = UserFactory(username="clerk")
    device = TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    login(client, "clerk")
    wrong = "000000" if current_token(device) != "000000" else "111111"

    response = client.post("/accounts/otp/", {"otp_token": wrong})

    assert response.context["form"].errors == {"otp_token": ["动态口令不正确或已过期。"]}
    assert client.get("/")["Location"] == "/accounts/otp/?next=%2F"


def test_totp_is_off_by_default(client):
    UserFactory(username="clerk")
    login(client, "clerk")

    assert client.get("/").status_code == 200
    assert [client.get("/accounts/otp/").status_code, client.get("/accounts/otp/setup/").status_code] == [404, 404]


def test_next_may_not_leave_the_site(client):
    UserFactory(username="clerk", must_change_password=True)
    login(client, "clerk")

    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": "Fresh-pass-2022", "new_password2": "Fresh-pass-2022",
         "next": "https://evil.example/"},
    )

    assert response["Location"] == "/"
    assert User.objects.get(username="clerk").must_change_password is False
