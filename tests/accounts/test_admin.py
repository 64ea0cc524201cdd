"""The user admin: created and reset accounts must change their password; 三员 field rights."""
import pytest

from accounts.enums import AdminRole
from accounts.models import User
from audit.enums import Event
from audit.models import AuditEvent
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PRIVILEGES = ["admin_role", "groups", "is_staff", "is_superuser", "user_permissions"]


def admin_client(client, admin_role):
    user = UserFactory(username=f"{admin_role}_admin", admin_role=admin_role, is_staff=True)
    client.force_login(user)
    return user


def test_an_account_created_in_the_admin_must_change_its_password(client):
    admin_client(client, AdminRole.SYSTEM)

    response = client.post("/admin/accounts/user/add/", {
        "username": "newclerk", "usable_password": "true", "password1": "Start-pass-2021", "password2": "Start-pass-2021",
    })

    assert response.status_code == 302
    assert User.objects.get(username="newclerk").must_change_password is True
    row = AuditEvent.objects.filter(event=Event.ADMIN_ACTION).get()
    assert (row.username, row.object_type, row.object_repr, row.detail) == (
        "system_admin", "accounts.user", "newclerk", "新增：已添加。",
    )


def test_a_password_reset_in_the_admin_forces_a_change(client):
    admin_client(client, AdminRole.SYSTEM)
    target = UserFactory(username="clerk")

    response = client.post(f"/admin/accounts/user/{target.pk}/password/", {
        "usable_password": "true", "password1": "Reset-pass-2021", "password2": "Reset-pass-2021",
    })

    target.refresh_from_db()
    assert response.status_code == 302
    assert (target.must_change_password, target.check_password("Reset-pass-2021")) == (True, True)


def test_the_security_admin_may_not_reset_passwords(client):
    admin_client(client, AdminRole.SECURITY)
    target = UserFactory(username="clerk")

    response = client.get(f"/admin/accounts/user/{target.pk}/password/")

    assert response.status_code == 403


def readonly_fields(client, user):
    response = client.get(f"/admin/accounts/user/{user.pk}/change/")
    assert response.status_code == 200
    return set(response.context["adminform"].readonly_fields)


def test_the_system_admin_edits_accounts_but_not_privileges(client):
    admin_client(client, AdminRole.SYSTEM)

    readonly = readonly_fields(client, UserFactory(username="clerk"))

    assert set(PRIVILEGES) <= readonly
    assert {"username", "full_name", "is_active"} & readonly == set()


def test_the_security_admin_edits_privileges_but_not_identities(client):
    admin_client(client, AdminRole.SECURITY)

    readonly = readonly_fields(client, UserFactory(username="clerk"))

    assert set(PRIVILEGES) - readonly == {"admin_role", "groups", "is_staff", "user_permissions"}
    assert {"username", "full_name", "is_active", "must_change_password"} <= readonly


def test_nobody_changes_their_own_privileges(client):
    me = admin_client(client, AdminRole.SECURITY)

    assert set(PRIVILEGES) <= readonly_fields(client, me)


def test_the_audit_admin_cannot_see_accounts(client):
    admin_client(client, AdminRole.AUDIT)

    assert client.get("/admin/accounts/user/").status_code == 403


def test_giving_an_admin_role_in_the_admin_makes_the_account_staff(client):
    admin_client(client, AdminRole.SECURITY)
    target = UserFactory(username="auditor", is_staff=False)
    page = client.get(f"/admin/accounts/user/{target.pk}/change/")
    data = {"admin_role": AdminRole.AUDIT, "groups": [], "user_permissions": []}

    response = client.post(f"/admin/accounts/user/{target.pk}/change/", data)

    target.refresh_from_db()
    assert page.status_code == 200
    assert response.status_code == 302
    assert (target.admin_role, target.is_staff, target.username) == (AdminRole.AUDIT, True, "auditor")
