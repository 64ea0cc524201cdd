from itertools import groupby

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from reports.checks_submit import checks_for
from reports.consistency import COMPLETE, STATE_LABELS
from reports.enums import EDITABLE
from reports.forms.sections import SECTIONS
from reports.models import Report
from reports.selectors import reports_visible_to


def _earliest_years(reports):
    """{department id: the earliest year it has a report} in one query, for the copy-forward button."""
    earliest = {}
    rows = Report.objects.filter(department_id__in={r.department_id for r in reports}).values_list(
        "department_id", "evaluation_year__year"
    )
    for department_id, year in rows:
        earliest[department_id] = min(year, earliest.get(department_id, year))
    return earliest


@login_required
def home(request):
    """The user's reports by year: status, deadline and what is still missing, with their actions."""
    user = request.user
    reports = list(reports_visible_to(user).select_related("department__bureau", "evaluation_year__rubric"))
    checks = checks_for(reports)
    earliest = _earliest_years(reports)
    today = timezone.localdate()
    rows = []
    for report in reports:
        check = checks[report.pk]
        can_edit = user.has_perm("reports.edit_report", report)
        year = report.evaluation_year
        rows.append({
            "report": report,
            "can_edit": can_edit,
            "editable_status": report.status in EDITABLE,
            "blocking": len(check.blocking),
            "unfinished": [
                {"title": cls.title, "state": check.states[key], "state_label": STATE_LABELS[check.states[key]]}
                for key, cls in SECTIONS.items() if check.states[key] != COMPLETE
            ],
            "can_copy_forward": can_edit and earliest.get(report.department_id, year.year) < year.year,
            "overdue": year.deadline is not None and year.deadline < today and report.status in EDITABLE,
        })
    years = [
        {"year": year, "deadline": items[0]["report"].evaluation_year.deadline, "rows": items}
        for year, items in ((y, list(g)) for y, g in groupby(rows, key=lambda r: r["report"].evaluation_year.year))
    ]
    return render(request, "reports/home.html", {"years": years})
