"""Bad input in the login and password-change forms: Chinese errors, nobody logged in, no password lost."""
import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.models import User
from reports.demo import DEMO_PASSWORD, demo_load
from tests.badinput.support import TEXTS, is_chinese
from tests.reports.editor_support import MODEL_BACKEND

pytestmark = pytest.mark.django_db

VALUES = {**TEXTS, "exponent": "1e5", "nan": "NaN", "empty": ""}


@pytest.fixture
def demo():
    demo_load()


def form_errors(response):
    return [str(m) for messages in response.context["form"].errors.values() for m in messages]


@pytest.mark.parametrize("field", ["username", "password"])
@pytest.mark.parametrize("label", list(VALUES))
def test_bad_login_input_gets_a_chinese_error_and_logs_nobody_in(client, demo, field, label):
    data = {"username": "clerk", "password": "Wrong-pass-2021", field: VALUES[label]}

    response = client.post(reverse("login"), data)

    assert response.status_code == 200
    errors = form_errors(response)
    assert errors and [m for m in errors if not is_chinese(m)] == []
    assert "_auth_user_id" not in client.session
    if field == "username":
        assert escape(VALUES[label]) in response.content.decode()


def test_a_3_mb_login_body_is_refused_in_chinese(client, demo):
    response = client.post(reverse("login"), {"username": "clerk", "password": "长" * (1024 * 1024)})

    assert response.status_code == 400
    assert "提交的内容过大" in response.content.decode()


@pytest.mark.parametrize("field", ["old_password", "new_password"])
@pytest.mark.parametrize("label", list(VALUES))
def test_bad_password_change_input_is_refused_in_chinese_or_becomes_the_password(client, demo, field, label):
    user = User.objects.get(username="clerk")
    client.force_login(user, backend=MODEL_BACKEND)
    value = VALUES[label]
    new = value if field == "new_password" else "Another-pass-2021"
    data = {"old_password": value if field == "old_password" else DEMO_PASSWORD,
            "new_password1": new, "new_password2": new}

    response = client.post(reverse("password_change"), data)

    user.refresh_from_db()
    if response.status_code == 302:  # accepted: exactly what was typed is the new password
        assert (field, user.check_password(new)) == ("new_password", True)
    else:
        assert response.status_code == 200
        errors = form_errors(response)
        assert errors and [m for m in errors if not is_chinese(m)] == []
        assert user.check_password(DEMO_PASSWORD) is True
