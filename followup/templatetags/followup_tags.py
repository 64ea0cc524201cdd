"""Follow-up on other apps' pages without their importing it: the navbar link with the unread count, the
home page's 整改 card (overdue items stand out), the dashboard's overdue list and a report's findings panel."""
from django import template
from django.db.models import Count, Q
from django.utils import timezone

from followup.enums import FindingStatus
from followup.models import CarriedFinding
from followup.selectors import carried_candidates, findings_visible_to, overdue_q
from reports.notices import notice_unread_counts

register = template.Library()
SHOWN = 10


@register.inclusion_tag("followup/_nav.html", takes_context=True)
def followup_nav(context):
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return {"show": False}
    return {"show": True, "count": notice_unread_counts(user)["followup"]}  # counted with review_nav's


def _counts(findings):
    """{status: n} and the overdue count of `findings`, in one query."""
    return findings.aggregate(
        **{s.value: Count("pk", filter=Q(status=s)) for s in FindingStatus}, overdue=Count("pk", filter=overdue_q()),
    )


@register.inclusion_tag("followup/_home_card.html", takes_context=True)
def followup_home_card(context):
    """The user's 整改 items still to do: 待整改 for a department, 待验收 for a reviewer; overdue first."""
    visible = findings_visible_to(context["user"])
    counts = _counts(visible)
    open_items = visible.filter(status=FindingStatus.OPEN)
    return {
        "overdue_count": counts["overdue"], "open_count": counts[FindingStatus.OPEN],
        "replied_count": counts[FindingStatus.REPLIED],
        "overdue": list(open_items.filter(overdue_q())[:SHOWN]) if counts["overdue"] else [],
        "upcoming": list(open_items.exclude(overdue_q())[:SHOWN]) if counts[FindingStatus.OPEN] else [],
    }


@register.inclusion_tag("followup/_dashboard.html", takes_context=True)
def followup_dashboard(context, evaluation_year):
    """The year's 整改 on the admin's dashboard: counts by status and the overdue items (two queries)."""
    findings = findings_visible_to(context["user"]).filter(report__evaluation_year=evaluation_year)
    counts = _counts(findings)
    return {
        "year": evaluation_year, "counts": [(s.label, counts[s.value]) for s in FindingStatus],
        "overdue": list(findings.filter(overdue_q())[:SHOWN]) if counts["overdue"] else [],
        "overdue_count": counts["overdue"], "today": timezone.localdate(),
    }


@register.inclusion_tag("followup/_report_panel.html", takes_context=True)
def followup_report_panel(context, report):
    """On a report's page: its findings, 记录问题 for the office's reviewer, 上年问题整改情况."""
    user = context["user"]
    carried = list(CarriedFinding.objects.filter(report=report).select_related("finding"))
    return {
        "report": report, "findings": list(findings_visible_to(user).filter(report=report)),
        "can_record": user.has_perm("followup.record_finding", report),
        "carried": carried, "has_candidates": bool(carried) or carried_candidates(report).exists(),
        "can_edit_carried": user.has_perm("followup.edit_carried", report),
    }
