"""The navbar's review links: the reviewer's queue and the unread notice count."""
from django import template

from departments.enums import Role
from departments.selectors import roles_of
from reports.notices import notice_unread_counts

register = template.Library()

RECIPIENT_ROLES = frozenset({Role.CLERK, Role.HEAD, Role.REVIEWER})


@register.inclusion_tag("reports/review/_nav.html", takes_context=True)
def review_nav(context):
    """Links for the navbar. Notices go to department and office members only."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"show": False}
    roles = {role for role, _department, _office in roles_of(user)}
    recipient = bool(roles & RECIPIENT_ROLES)
    return {
        "show": True,
        "queue": bool(roles & {Role.REVIEWER, Role.ADMIN}),
        "notices": recipient,
        "count": notice_unread_counts(user)["reports"] if recipient else 0,  # with followup_nav's, one query
    }
