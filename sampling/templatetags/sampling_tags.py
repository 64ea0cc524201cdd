"""The report page's 专家评审 block: each expert's score of the report's finished panels."""
from django import template

from reports.enums import Status
from sampling.selectors import final_panels_of

register = template.Library()


@register.inclusion_tag("sampling/_report_panels.html", takes_context=True)
def expert_panels(context, report):
    """Finished panels only: until every expert has submitted, no score of a panel is shown anywhere."""
    user = context["request"].user
    return {"report": report, "panels": [(p, sorted(p.sheets.all(), key=lambda s: s.pk)) for p in final_panels_of(report)],
            "can_set_up": user.has_perm("sampling.administer") and report.status == Status.APPROVED}
