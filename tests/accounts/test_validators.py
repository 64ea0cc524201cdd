import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from accounts.enums import AdminRole
from accounts.validators import character_classes, validate_admin_role_memberships
from departments.enums import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def messages_for(password, user):
    try:
        validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        ("Demo-2021-pass", []),
        ("Plan-Budget-88", []),
        ("Ab1-cdef", []),  # exactly 8 characters, four classes
        ("Ab1-cde", ["密码长度不能少于 8 个字符。"]),
        ("abcdefg12", ["密码须包含大写字母、小写字母、数字、特殊字符中的至少 3 类。"]),
        ("ABCDEFGH-", ["密码须包含大写字母、小写字母、数字、特殊字符中的至少 3 类。"]),
        ("abcdefgh-1", []),  # lower, digit, other: three classes are enough
        ("财政绩效Ab12", []),  # Chinese characters count as the "other" class
        ("P@ssw0rd", ["这个密码太常见了。"]),
        ("Zhangwei-2021", ["密码跟 用户名 太相似了。", "密码不能包含用户名。"]),
        ("ZHANGWEI#2021", ["密码跟 用户名 太相似了。", "密码不能包含用户名。"]),
        ("My-zhangwei-budget-2021", ["密码不能包含用户名。"]),
    ],
)
def test_password_rules(password, expected):
    user = UserFactory(username="zhangwei")

    assert messages_for(password, user) == expected


def test_two_letter_usernames_are_not_checked_for_containment():
    user = UserFactory(username="li")

    assert messages_for("Li-Ming-2021", user) == []


@pytest.mark.parametrize(
    ("password", "classes"),
    [("abc", 1), ("aB", 2), ("aB1", 3), ("aB1-", 4), ("aB1 ", 4), ("密码", 1), ("", 0)],
)
def test_character_classes(password, classes):
    assert character_classes(password) == classes


def change_password(user, password):
    validate_password(password, user)
    user.set_password(password)
    user.save()


def test_none_of_the_last_five_passwords_may_be_reused():
    user = UserFactory(username="clerk")
    history = [f"Round-{n}-Secret" for n in range(1, 7)]
    for password in history:
        change_password(user, password)

    # The current password and the four before it are refused; the sixth-latest is allowed again.
    refused = [p for p in history if messages_for(p, user)]
    assert refused == history[1:]
    assert messages_for(history[5], user) == ["新密码不能与最近 5 次使用过的密码相同。"]
    assert messages_for(history[0], user) == []
    assert user.password_history.count() == 5


def test_the_current_password_is_refused_even_without_history():
    user = UserFactory(username="clerk")  # factory sets the hash directly: no history row

    assert messages_for("Test-pass-2021", user) == ["新密码不能与最近 5 次使用过的密码相同。"]


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("admin_role", list(AdminRole))
def test_no_admin_role_may_hold_any_business_role(admin_role, role):
    with pytest.raises(ValidationError) as raised:
        validate_admin_role_memberships(admin_role=admin_role, membership_roles=[role])

    assert raised.value.message_dict == {
        "admin_role": ["系统管理员、安全管理员、审计管理员不能担任任何业务角色（填报人、部门负责人、财政审核人、管理员）。"]
    }


@pytest.mark.parametrize("role", list(Role))
def test_a_superuser_may_hold_no_business_role(role):
    with pytest.raises(ValidationError) as raised:
        validate_admin_role_memberships(admin_role="", is_superuser=True, membership_roles=[role])

    assert raised.value.message_dict == {"is_superuser": ["超级用户（应急账户）不能担任任何业务角色。"]}


@pytest.mark.parametrize("role", list(Role))
def test_an_ordinary_account_may_hold_any_business_role(role):
    assert validate_admin_role_memberships(admin_role="", membership_roles=[role]) is None
