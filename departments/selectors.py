"""Who holds which role where: the one place that reads Membership for access decisions."""
from django.db.models import Q

from departments.enums import Role
from departments.models import Department, Membership


def user_is_admin(user):
    if not user.is_authenticated:
        return False
    return Membership.objects.filter(user=user, role=Role.ADMIN).exists()  # never is_superuser (reports/rules.py)


def departments_for(user, roles=(Role.CLERK, Role.HEAD)):
    """Departments where the user holds one of `roles` directly."""
    if not user.is_authenticated:
        return Department.objects.none()
    return Department.objects.filter(memberships__user=user, memberships__role__in=roles).distinct()


def departments_reviewed_by(user):
    """Departments covered by the offices where the user is a 财政审核人."""
    if not user.is_authenticated:
        return Department.objects.none()
    return Department.objects.filter(
        office__memberships__user=user, office__memberships__role=Role.REVIEWER
    ).distinct()


def department_scope_q(user, prefix="department"):
    """A Q() limiting rows with a `prefix` department FK to what the user may see."""
    if user_is_admin(user):
        return Q()
    own = Membership.objects.filter(user=user, role__in=[Role.CLERK, Role.HEAD]).values("department")
    reviewed = Membership.objects.filter(user=user, role=Role.REVIEWER).values("office")
    # One IN over the visible departments (not an OR of the two across a join): the database then finds the
    # rows through the department index instead of reading every row of the table (issue #14: at 15,000
    # departments an OR here made SQLite scan all reports for a reviewer's queue counts).
    visible = Department.objects.filter(Q(pk__in=own) | Q(office__in=reviewed)).values("pk")
    return Q(**{f"{prefix}__in": visible})


def roles_of(user):
    """The user's memberships as a frozenset of (role, department_id, office_id), cached on the user object."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_evalsite_roles", None)
    if cached is None:
        cached = frozenset(Membership.objects.filter(user=user).values_list("role", "department_id", "office_id"))
        user._evalsite_roles = cached
    return cached
