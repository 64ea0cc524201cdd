"""Read-side queries of declarations; every list and lookup goes through declarations_visible_to."""
from departments.selectors import department_scope_q
from targets.enums import Status
from targets.models import Adjustment, Declaration


def declarations_visible_to(user):
    """The declarations a user may see: their departments', their office's, or all for an admin."""
    if not user.is_authenticated:
        return Declaration.objects.none()
    return (
        Declaration.objects.filter(department_scope_q(user))
        .select_related("department", "department__office")
        .order_by("-year", "department__code")
    )


def adjustments_visible_to(user):
    if not user.is_authenticated:
        return Adjustment.objects.none()
    return Adjustment.objects.filter(department_scope_q(user, "declaration__department")).select_related(
        "declaration__department__office", "created_by",
    )


def approved_declaration(department_id, year):
    """The department's approved declaration of `year` with its indicators, or None."""
    return (
        Declaration.objects.filter(department_id=department_id, year=year, status=Status.APPROVED)
        .select_related("department").prefetch_related("indicators__adjusted_by", "tasks", "goals").first()
    )
