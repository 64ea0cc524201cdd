"""The user admin: created and reset accounts must change their password; 三员 field rights."""
import pytest

from accounts.enums import AdminRole
from accounts.models import User
from audit.enums import Event
from audit.models import AuditEvent
from departments.enums import Role
from departments.models import Membership
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


def test_each_reset_of_an_admin_account_is_its_own_audit_event_with_actor_and_target(client):
    admin_client(client, AdminRole.SECURITY)
    target = UserFactory(username="auditor", full_name="审计管理员", admin_role=AdminRole.AUDIT, is_staff=True)

    response = client.post(f"/admin/accounts/user/{target.pk}/password/", {
        "usable_password": "true", "password1": "Reset-pass-2021", "password2": "Reset-pass-2021",
    })

    assert response.status_code == 302
    row = AuditEvent.objects.get(event=Event.PASSWORD_RESET)
    assert (row.username, row.object_type, row.object_id, row.object_repr, row.detail, row.path) == (
        "security_admin", "accounts.user", str(target.pk), "审计管理员", "为账户 auditor 设置临时密码",
        f"/admin/accounts/user/{target.pk}/password/",
    )


def test_a_business_role_holder_made_an_admin_account_is_a_form_error(client):
    admin_client(client, AdminRole.SECURITY)
    target = UserFactory(username="bureau-admin")
    Membership.objects.create(user=target, role=Role.ADMIN)

    response = client.post(f"/admin/accounts/user/{target.pk}/change/", {
        "admin_role": AdminRole.SECURITY, "groups": [], "user_permissions": [],
    })

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {
        "admin_role": ["系统管理员、安全管理员、审计管理员不能担任任何业务角色（填报人、部门负责人、财政审核人、管理员）。"],
    }
    assert User.objects.get(pk=target.pk).admin_role == ""


def test_a_business_role_holder_made_a_superuser_is_a_form_error(client):
    client.force_login(UserFactory(username="root", is_staff=True, is_superuser=True))
    target = UserFactory(username="bureau-admin")
    Membership.objects.create(user=target, role=Role.ADMIN)
    page = client.get(f"/admin/accounts/user/{target.pk}/change/")
    data = {name: page.context["adminform"].form[name].value() or "" for name in ("username", "full_name", "phone")}

    response = client.post(f"/admin/accounts/user/{target.pk}/change/", {
        **data, "is_active": "on", "is_superuser": "on", "password_changed_at_0": "2021-01-01",
        "password_changed_at_1": "00:00:00",
    })

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"is_superuser": ["超级用户（应急账户）不能担任任何业务角色。"]}
    assert User.objects.get(pk=target.pk).is_superuser is False


def test_invisible_characters_are_stripped_from_a_name_edited_in_the_admin(client):
    admin_client(client, AdminRole.SYSTEM)
    target = UserFactory(username="clerk", full_name="张三")
    page = client.get(f"/admin/accounts/user/{target.pk}/change/")
    data = {name: page.context["adminform"].form[name].value() or "" for name in ("username", "phone", "email")}

    response = client.post(f"/admin/accounts/user/{target.pk}/change/", {
        **data, "full_name": "\u202e张\u2066三\u2069\u200b\ufeff", "first_name": "\u200f三", "last_name": "张\u202d",
        "is_active": "on", "must_change_password": "", "password_changed_at_0": "2021-01-01",
        "password_changed_at_1": "00:00:00",
    })

    target.refresh_from_db()
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert (target.full_name, target.first_name, target.last_name) == ("张三", "三", "张")


def test_a_user_name_with_invisible_characters_is_refused_at_the_field(client):
    admin_client(client, AdminRole.SYSTEM)

    response = client.post("/admin/accounts/user/add/", {
        "username": "clerk\u202egpj.exe", "usable_password": "true", "password1": "Start-pass-2021",
        "password2": "Start-pass-2021",
    })

    assert response.status_code == 200
    assert list(response.context["adminform"].form.errors) == ["username"]
    assert "请输入合法的用户名" in response.context["adminform"].form.errors["username"][0]
    assert not User.objects.filter(username__startswith="clerk").exists()


def test_a_superuser_cannot_make_a_puppet_account_that_holds_a_business_role(client):
    """The break-glass account may reset an ordinary account's password; it grants nothing, so it
    cannot then sign in as that account with a role it gave it (found by issue 12's review)."""
    from django.contrib.auth.models import Group, Permission

    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    puppet = UserFactory(username="puppet")
    group = Group.objects.create(name="业务")
    client.force_login(root)

    granted = client.post("/admin/departments/membership/add/", {"user": puppet.pk, "role": Role.ADMIN})
    grouped = client.post("/admin/auth/group/add/", {"name": "新组", "permissions": [Permission.objects.first().pk]})
    page = client.get(f"/admin/accounts/user/{puppet.pk}/change/")
    changed = client.post(f"/admin/auth/group/{group.pk}/change/", {"name": "改名"})
    memberships = client.get("/admin/departments/membership/")

    assert (granted.status_code, grouped.status_code, changed.status_code, memberships.status_code) == (403, 403, 403, 200)
    assert "/admin/departments/membership/add/" not in memberships.content.decode()
    form = page.context["adminform"].form
    assert sorted(name for name in PRIVILEGES if name in form.fields) == ["is_superuser"]
    assert (Membership.objects.count(), Group.objects.get().name) == (0, "业务")
