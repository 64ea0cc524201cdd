import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.backends import AdminRoleBackend, LockoutBackend
from accounts.enums import AdminRole
from departments.enums import Role
from reports.enums import Status
from reports.models import Report
from scoring.models import EvaluationYear, Rubric
from tests.factories import DepartmentFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_audit_admin_may_read_and_export_the_audit_log_and_nothing_else():
    user = UserFactory(admin_role=AdminRole.AUDIT, is_staff=True)

    assert user.get_all_permissions() == {"audit.view_auditevent", "audit.export_auditevent", "audit.view_tally"}


def test_the_system_admin_manages_accounts_and_configuration_not_roles_or_the_log():
    user = UserFactory(admin_role=AdminRole.SYSTEM, is_staff=True)

    granted = {p for p in ["accounts.add_user", "departments.change_department", "scoring.change_rubric",
                           "auth.change_group", "departments.add_membership", "audit.view_auditevent",
                           "axes.delete_accessattempt"] if user.has_perm(p)}

    assert granted == {"accounts.add_user", "departments.change_department", "scoring.change_rubric"}


def test_the_security_admin_manages_roles_and_policies_not_accounts_or_the_log():
    user = UserFactory(admin_role=AdminRole.SECURITY, is_staff=True)

    granted = {p for p in ["accounts.add_user", "departments.change_department", "scoring.change_rubric",
                           "auth.change_group", "departments.add_membership", "audit.view_auditevent",
                           "axes.delete_accessattempt"] if user.has_perm(p)}

    assert granted == {"auth.change_group", "departments.add_membership", "axes.delete_accessattempt"}


def test_an_ordinary_user_gets_nothing_from_the_role_backend():
    user = UserFactory()

    assert AdminRoleBackend().get_all_permissions(user) == set()


def test_role_permissions_are_never_object_permissions():
    user = UserFactory(admin_role=AdminRole.AUDIT)

    assert AdminRoleBackend().has_perm(user, "audit.view_auditevent", obj=user) is False


def test_an_inactive_admin_has_no_permissions():
    user = UserFactory(admin_role=AdminRole.AUDIT, is_active=False)

    assert AdminRoleBackend().get_all_permissions(user) == set()


def test_module_permissions_follow_the_role():
    user = UserFactory(admin_role=AdminRole.AUDIT, is_staff=True)

    assert (user.has_module_perms("audit"), user.has_module_perms("accounts")) == (True, False)


@pytest.mark.parametrize("admin_role", list(AdminRole))
def test_no_admin_role_approves_or_decides_reports(admin_role):
    rubric = Rubric.objects.create(name="2021")
    year = EvaluationYear.objects.create(year=2021, rubric=rubric)
    department = DepartmentFactory()
    MembershipFactory(role=Role.CLERK, department=department)
    user = UserFactory(admin_role=admin_role, is_staff=True)
    report = Report.objects.create(evaluation_year=year, department=department, status=Status.FINANCE_REVIEW)
    perms = ["reports.view_report", "reports.edit_report", "reports.submit_report", "reports.dept_decide_report",
             "reports.finance_decide_report", "reports.reopen_report"]

    assert [p for p in perms if user.has_perm(p, report)] == []


def test_a_login_without_a_request_is_not_counted_by_the_lockout_backend(client):
    UserFactory(username="clerk")

    assert LockoutBackend().authenticate(None, username="clerk", password="x") is None
    assert client.login(username="clerk", password="Test-pass-2021") is True


def test_force_login_through_the_first_backend_keeps_the_user_signed_in(client):
    client.force_login(UserFactory(username="clerk"))

    assert client.get("/").status_code == 200


def test_a_business_permission_without_an_object_is_asked_of_the_rules_alone():
    # The navbar asks reports.administer on every page: no permission rows are read for it.
    clerk = MembershipFactory(role=Role.CLERK, department=DepartmentFactory()).user
    admin = MembershipFactory(role=Role.ADMIN, department=None).user

    with CaptureQueriesContext(connection) as queries:
        asked = (clerk.has_perm("reports.administer"), admin.has_perm("reports.administer"))

    assert asked == (False, True)
    assert [q["sql"] for q in queries.captured_queries if "auth_permission" in q["sql"]] == []
