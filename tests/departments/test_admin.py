"""Role assignments in /admin/: a refused combination is a form error, never a 500 (departments/admin.py)."""
import pytest
from django.contrib.auth.models import Permission

from accounts.enums import AdminRole
from departments.enums import Role
from departments.models import Department, Membership
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


# Bidi overrides and isolates, zero-width space and BOM: invisible in the form, dangerous in a file name.
INVISIBLE = "\u202e\u2066\u2067\u2068\u2069\u200b\ufeff\u200e"


@pytest.fixture
def sysadmin(client):
    user = UserFactory(username="sysadmin", admin_role=AdminRole.SYSTEM, is_staff=True)
    client.force_login(user)
    return user


def test_invisible_characters_are_stripped_from_names_added_in_the_admin(client, sysadmin):
    from departments.models import Bureau, Office
    from tests.factories import BureauFactory

    bureau = BureauFactory()
    office = client.post("/admin/departments/office/add/", {"bureau": bureau.pk, "name": f"预算{INVISIBLE}科"})
    department = client.post("/admin/departments/department/add/", {
        "bureau": bureau.pk, "code": f"9010{INVISIBLE}99", "name": "\u202e岳阳楼区fdp.exe\u202c 融媒体中心\u200b",
        "is_active": "on",
    })
    added_bureau = client.post("/admin/departments/bureau/add/", {"name": f"{INVISIBLE}另一财政局", "region": "君山\u2067区"})

    assert (office.status_code, department.status_code, added_bureau.status_code) == (302, 302, 302)
    assert Office.objects.get(bureau=bureau).name == "预算科"
    created = Department.objects.get(code="901099")
    assert created.name == "岳阳楼区fdp.exe 融媒体中心"
    assert Bureau.objects.filter(name="另一财政局", region="君山区").exists()


def test_a_department_renamed_in_the_admin_loses_its_invisible_characters(client, sysadmin):
    department = DepartmentFactory(name="旧名称")

    response = client.post(f"/admin/departments/department/{department.pk}/change/", {
        "bureau": department.bureau_id, "code": department.code, "name": "新\u2066名称\u2069\ufeff", "is_active": "on",
    })

    department.refresh_from_db()
    assert (response.status_code, department.name) == (302, "新名称")


def test_a_name_of_invisible_characters_only_is_a_required_field_error(client, sysadmin):
    department = DepartmentFactory(name="旧名称")

    response = client.post(f"/admin/departments/department/{department.pk}/change/", {
        "bureau": department.bureau_id, "code": department.code, "name": INVISIBLE, "is_active": "on",
    })

    assert response.status_code == 200
    assert response.context["adminform"].form.errors == {"name": ["此字段不能为空。"]}
    department.refresh_from_db()
    assert department.name == "旧名称"


def test_names_saved_by_code_are_stripped_too():
    department = DepartmentFactory(name="部门\u202e名称")

    assert Department.objects.get(pk=department.pk).name == "部门名称"
