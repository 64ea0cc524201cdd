"""Who may manage whose account (django-rules), checked with user.has_perm(name, target).

三员分立 for the accounts themselves: the system admin manages ordinary accounts, only the security
admin resets or deactivates a 三员 or superuser account, and nobody manages their own account
here (their own password is changed on the password page). A superuser (break-glass) grants
nothing: it may reset an ordinary account's password, so if it could also grant roles, groups or
a 三员 role it could make itself a puppet account that fills or approves reports.
"""
import rules

from accounts.enums import AdminRole


@rules.predicate
def is_self(user, target):
    return target is not None and target.pk == user.pk


@rules.predicate
def target_is_protected(user, target):
    return target is not None and target.is_protected_account


@rules.predicate
def is_system_admin(user):
    return user.is_authenticated and user.admin_role == AdminRole.SYSTEM


@rules.predicate
def is_security_admin(user):
    return user.is_authenticated and user.admin_role == AdminRole.SECURITY


@rules.predicate
def is_superuser(user):
    return user.is_authenticated and user.is_active and user.is_superuser


# Reset the password (and with it who can sign in as the account).
rules.add_perm(
    "accounts.reset_password",
    ~is_self & ((target_is_protected & is_security_admin) | (~target_is_protected & (is_system_admin | is_superuser))),
)
# Change the account in the admin at all (which fields, accounts.admin decides); deactivation included.
rules.add_perm(
    "accounts.manage_account",
    ~is_self & ((target_is_protected & is_security_admin)
                | (~target_is_protected & (is_system_admin | is_security_admin | is_superuser))),
)
# Grant a privilege in the admin: a business role (Membership), a group, a permission, a 三员 role, staff.
# Model permissions decide who else may; a superuser never does (see the module docstring).
rules.add_perm("accounts.grant_privileges", ~is_superuser)
