"""People and an approved report for the follow-up tests (the review tests' people: clerk, head, the
office's reviewer, another office's reviewer, another department's clerk, an admin)."""
import datetime

from django.utils import timezone

from followup.enums import FindingCategory
from followup.services import finding_record
from reports.enums import Status
from tests.reports.review_support import advance, make_people, submittable_report


def approved_world(status=Status.APPROVED):
    people = make_people()
    report = advance(submittable_report(people.department), people, status)
    return people, report


def record(report, people, *, days=30, description="三公经费预算编制不细化，未按项目列示。", places=("section/finance",)):
    return finding_record(
        report=report, category=FindingCategory.BUDGET, description=description, places=list(places),
        deadline=timezone.localdate() + datetime.timedelta(days=days), by=people.reviewer,
    )


def reply_data(finding, **changes):
    data = {"revision": str(finding.revision), "measures": "已细化三公经费预算到项目。", "responsible": "孟庆红",
            "completed_on": timezone.localdate().isoformat(), "then": "submit"}
    data.update(changes)
    return data
