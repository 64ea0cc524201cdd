"""Authentication and admin events become audit rows (driven through the real views)."""
import pytest

from audit.enums import Event
from audit.models import AuditEvent
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db


def trail():
    return list(
        AuditEvent.objects.order_by("id").values_list("event", "username", "ip", "path", "success")
    )


def test_a_login_and_a_logout_are_recorded(client):
    UserFactory(username="clerk")

    client.post("/accounts/login/", {"username": "clerk", "password": "Test-pass-2021"})
    client.post("/accounts/logout/")

    assert trail() == [
        ("login", "clerk", "127.0.0.1", "/accounts/login/", True),
        ("logout", "clerk", "127.0.0.1", "/accounts/logout/", True),
    ]


def test_failed_logins_and_the_lockout_are_recorded_with_the_account_name_tried(client):
    UserFactory(username="clerk")

    for _ in range(5):
        client.post("/accounts/login/", {"username": "clerk", "password": "Wrong-pass-2021"})

    failed = ("login_failed", "clerk", "127.0.0.1", "/accounts/login/", False)
    # django-axes' receiver runs first and announces the lockout while the fifth failure is handled.
    assert trail() == [failed] * 4 + [("lockout", "clerk", "127.0.0.1", "/accounts/login/", False), failed]
    assert AuditEvent.objects.get(event=Event.LOCKOUT).detail == "连续登录失败次数过多，账户已锁定"


def test_an_anonymous_logout_records_nothing(client):
    client.post("/accounts/logout/")

    assert trail() == []


def test_an_admin_change_is_recorded_as_an_admin_action(client):
    client.force_login(UserFactory(username="sysadmin", admin_role="system", is_staff=True))
    department = DepartmentFactory(code="901001", name="旧名称")

    response = client.post(
        f"/admin/departments/department/{department.pk}/change/",
        {"bureau": department.bureau_id, "code": "901001", "name": "岳阳楼区融媒体中心", "office": department.office_id,
         "parent": "", "is_active": "on"},
    )

    row = AuditEvent.objects.get(event=Event.ADMIN_ACTION)
    assert response.status_code == 302
    assert (row.username, row.ip, row.object_type, row.object_id, row.object_repr, row.detail) == (
        "sysadmin", "127.0.0.1", "departments.department", str(department.pk), "901001 岳阳楼区融媒体中心",
        "修改：已修改部门（单位）名称。",
    )


def test_every_login_of_a_superuser_is_recorded_as_such(client):
    UserFactory(username="root", is_staff=True, is_superuser=True)

    response = client.post("/admin/login/", {"username": "root", "password": "Test-pass-2021", "next": "/admin/"})

    assert response.status_code == 302
    assert list(AuditEvent.objects.values_list("event", "username", "path", "detail")) == [
        ("login", "root", "/admin/login/", "超级用户（应急账户）登录"),
    ]
