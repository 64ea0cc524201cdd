from datetime import timedelta

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.services import password_change_reason, password_reset, temporary_password
from accounts.validators import character_classes
from audit.enums import Event
from audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOW = timezone.now()


@pytest.mark.parametrize(
    ("must_change", "age_days", "expected"),
    [
        (False, 0, None),
        (False, 90, None),
        (False, 91, "密码已超过 90 天未修改，请修改密码。"),
        (True, 0, "首次登录或密码已被重置，请先修改密码。"),
        (True, 200, "首次登录或密码已被重置，请先修改密码。"),
    ],
)
def test_password_change_reason(must_change, age_days, expected):
    user = UserFactory.build(must_change_password=must_change, password_changed_at=NOW - timedelta(days=age_days))

    assert password_change_reason(user, now=NOW) == expected


def test_expiry_zero_turns_expiry_off(settings):
    settings.ACCOUNTS_PASSWORD_MAX_AGE_DAYS = 0
    user = UserFactory.build(password_changed_at=NOW - timedelta(days=1000))

    assert password_change_reason(user, now=NOW) is None


def test_temporary_passwords_pass_every_rule():
    user = UserFactory(username="clerk")
    passwords = [temporary_password() for _ in range(20)]

    for password in passwords:
        validate_password(password, user)
    assert {(len(p), character_classes(p)) for p in passwords} == {(16, 4)}
    assert len(set(passwords)) == 20


def test_a_reset_sets_a_temporary_password_forces_a_change_and_is_audited():
    user = UserFactory(username="clerk")
    admin = UserFactory(username="sysadmin", admin_role="system", is_staff=True)

    password = password_reset(user=user, by=admin)

    user.refresh_from_db()
    assert (user.check_password(password), user.must_change_password) == (True, True)
    row = AuditEvent.objects.get(event=Event.PASSWORD_RESET)
    assert (row.username, row.object_type, row.object_id) == ("sysadmin", "accounts.user", str(user.pk))


def test_a_reset_refuses_a_password_breaking_the_rules():
    user = UserFactory(username="clerk")

    with pytest.raises(ValidationError):
        password_reset(user=user, new_password="short")

    user.refresh_from_db()
    assert user.must_change_password is False
