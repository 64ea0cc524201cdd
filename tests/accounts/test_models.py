from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.enums import AdminRole
from accounts.models import User
from departments.enums import Role
from tests.factories import DepartmentFactory, MembershipFactory, OfficeFactory, UserFactory

pytestmark = pytest.mark.django_db

CLASH = {"admin_role": ["系统管理员、安全管理员、审计管理员不能担任任何业务角色（填报人、部门负责人、财政审核人、管理员）。"]}


def test_new_accounts_need_no_password_change():
    user = User.objects.create_user("clerk", password="Demo-2021-pass")

    assert (user.must_change_password, user.admin_role) == (False, "")
    assert timezone.now() - user.password_changed_at < timedelta(seconds=5)


def test_setting_a_password_stamps_the_change_time():
    user = UserFactory(password_changed_at=timezone.now() - timedelta(days=100))

    user.set_password("Fresh-pass-2022")

    assert timezone.now() - user.password_changed_at < timedelta(seconds=5)


def test_saving_a_password_keeps_its_hash_in_the_history():
    user = User.objects.create_user("clerk", password="Demo-2021-pass")

    user.set_password("Fresh-pass-2022")
    user.save()

    assert [h.password for h in user.password_history.all()] == [user.password]


def test_an_unknown_admin_role_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(admin_role="root")


def test_a_three_role_account_cannot_be_a_superuser():
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(admin_role=AdminRole.AUDIT, is_superuser=True)


def test_the_superuser_rule_is_also_a_form_level_message():
    user = UserFactory.build(username="sec", admin_role=AdminRole.SECURITY, is_superuser=True)

    with pytest.raises(ValidationError) as raised:
        user.full_clean(exclude=["password"])

    assert raised.value.message_dict == {"__all__": ["三员账户不能是超级用户。"]}


@pytest.mark.parametrize("role", [Role.CLERK, Role.HEAD])
def test_an_admin_role_account_cannot_be_given_a_department_role(role):
    user = UserFactory(admin_role=AdminRole.SYSTEM)

    with pytest.raises(ValidationError) as raised:
        MembershipFactory(user=user, role=role, department=DepartmentFactory())

    assert raised.value.message_dict == CLASH
    assert user.memberships.count() == 0


def test_an_admin_role_account_cannot_be_made_a_reviewer():
    user = UserFactory(admin_role=AdminRole.SECURITY)

    with pytest.raises(ValidationError):
        MembershipFactory(user=user, role=Role.REVIEWER, office=OfficeFactory())


def test_a_reviewer_cannot_be_given_an_admin_role():
    user = UserFactory()
    MembershipFactory(user=user, role=Role.REVIEWER, office=OfficeFactory())
    user.admin_role = AdminRole.AUDIT

    with pytest.raises(ValidationError) as raised:
        user.save()

    assert raised.value.message_dict == CLASH


def test_the_clash_is_reported_by_full_clean_for_admin_forms():
    user = UserFactory()
    MembershipFactory(user=user, role=Role.CLERK, department=DepartmentFactory())
    user.admin_role = AdminRole.SYSTEM

    with pytest.raises(ValidationError) as raised:
        user.full_clean()

    assert raised.value.message_dict == CLASH


def test_saving_other_fields_of_an_admin_does_not_recheck_roles():
    user = UserFactory(admin_role=AdminRole.AUDIT)

    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])

    assert User.objects.get(pk=user.pk).last_login == user.last_login


def test_a_superuser_passes_no_business_predicate_but_keeps_the_admin_model_permissions():
    root = UserFactory(username="root", is_staff=True, is_superuser=True)

    business = {perm: root.has_perm(perm) for perm in ("reports.administer", "reports.review_queue")}

    assert business == {"reports.administer": False, "reports.review_queue": False}
    assert root.has_perm("reports.change_report") is True
    assert root.has_perm("reports.view_report") is True  # the admin's model-level check
    assert root.has_perm("accounts.reset_password", root) is False
