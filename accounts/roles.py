"""What each 三员 role may do in the Django admin, and which business roles it may never hold.

Patterns are "app_label.codename" with fnmatch wildcards, resolved against the installed models.
"""
from accounts.enums import AdminRole
from departments.enums import Role

ADMIN_ROLE_PERMISSIONS = {
    # Accounts and configuration: users (not their privileges), bureaus, offices, departments, rubrics, years.
    AdminRole.SYSTEM: (
        "accounts.add_user", "accounts.change_user", "accounts.view_user",
        "departments.*_bureau", "departments.*_office", "departments.*_department",
        "scoring.*",
    ),
    # Roles and policies: who holds which role and permission, lockouts, second-factor devices.
    AdminRole.SECURITY: (
        "accounts.view_user", "accounts.change_user",
        "auth.*_group", "auth.view_permission",
        "departments.*_membership",
        "axes.*", "otp_totp.*",
    ),
    # The audit log, nothing else.
    AdminRole.AUDIT: ("audit.view_auditevent", "audit.export_auditevent", "audit.view_tally"),
}

# Business roles (departments.Membership) each 三员 role may not hold: none, not even the bureau's
# 管理员 (who reads every report and the year's workbook); the 三员 administer the system, not the work.
FORBIDDEN_MEMBERSHIPS = {admin_role: frozenset(Role) for admin_role in AdminRole}

# User fields that grant power; only a security admin (or a superuser) sets them, never on themselves.
PRIVILEGE_FIELDS = ("is_staff", "is_superuser", "groups", "user_permissions", "admin_role")
