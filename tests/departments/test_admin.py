"""Role assignments in /admin/: a refused combination is a form error, never a 500 (departments/admin.py)."""
import pytest
from django.contrib.auth.models import Permission

from accounts.enums import AdminRole
from departments.enums import Role
from departments.models import Membership
from tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

SELF_GRANT = ["不能给自己分配角色。"]
ADMIN_CLASH = ["系统管理员、安全管理员、审计管理员不能担任任何业务角色（填报人、部门负责人、财政审核人、管理员）。"]
SUPERUSER_CLASH = ["超级用户（应急账户）不能担任任何业务角色。"]


@pytest.fixture
def secadmin(client):
    user = UserFactory(username="secadmin", admin_role=AdminRole.SECURITY, is_staff=True)
    client.force_login(user)
    return user


def grant(client, user, role, **scope):
    return client.post("/admin/departments/membership/add/", {"user": user.pk, "role": role, **scope})


def test_the_security_admin_cannot_grant_itself_the_business_admin_role(client, secadmin):
    response = grant(client, secadmin, Role.ADMIN)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"user": SELF_GRANT}
    assert Membership.objects.count() == 0


@pytest.mark.parametrize("admin_role", list(AdminRole))
@pytest.mark.parametrize("role", [Role.ADMIN, Role.CLERK])
def test_no_admin_account_is_granted_a_business_role(client, secadmin, admin_role, role):
    target = UserFactory(username=f"{admin_role}-target", admin_role=admin_role, is_staff=True)
    scope = {"department": DepartmentFactory().pk} if role == Role.CLERK else {}

    response = grant(client, target, role, **scope)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"user": ADMIN_CLASH}
    assert Membership.objects.count() == 0


def test_a_superuser_is_granted_no_business_role(client, secadmin):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)

    response = grant(client, root, Role.ADMIN)

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"user": SUPERUSER_CLASH}


def test_an_ordinary_account_is_granted_the_business_admin_role(client, secadmin):
    target = UserFactory(username="bureau-admin")

    response = grant(client, target, Role.ADMIN)

    assert response.status_code == 302
    assert list(Membership.objects.values_list("user__username", "role")) == [("bureau-admin", "admin")]


def test_nobody_changes_their_own_role_assignment(client):
    staff = UserFactory(username="staff-clerk", is_staff=True)
    staff.user_permissions.set(Permission.objects.filter(codename__in=["view_membership", "change_membership"]))
    own = Membership.objects.create(user=staff, role=Role.CLERK, department=DepartmentFactory())
    client.force_login(staff)

    response = client.post(f"/admin/departments/membership/{own.pk}/change/", {"user": staff.pk, "role": Role.HEAD,
                                                                              "department": own.department_id})

    assert response.status_code == 403
    assert Membership.objects.get().role == Role.CLERK
