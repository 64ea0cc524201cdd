import io
import re

import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from audit.enums import Event
from audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_reset_password_prints_a_temporary_password_that_must_be_changed(client):
    UserFactory(username="clerk")
    out = io.StringIO()

    call_command("reset_password", "clerk", stdout=out)

    password = re.search(r"临时密码：(\S+)", out.getvalue()).group(1)
    user = User.objects.get(username="clerk")
    assert (user.check_password(password), user.must_change_password) == (True, True)
    assert AuditEvent.objects.get(event=Event.PASSWORD_RESET).username == "manage.py reset_password"
    client.post("/accounts/login/", {"username": "clerk", "password": password})
    assert client.get("/")["Location"] == "/accounts/password/?next=%2F"


def test_reset_password_of_an_unknown_user_fails_cleanly():
    with pytest.raises(CommandError) as raised:
        call_command("reset_password", "nobody")

    assert str(raised.value) == "没有用户名为 nobody 的用户。"
