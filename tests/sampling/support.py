"""A year of approved reports for the 抽评 tests: departments in two offices with their reviewers."""
from dataclasses import dataclass
from decimal import Decimal

from budgets.models import ExpenditureRow
from departments.enums import Role
from reports.enums import Status
from reports.models import Report, ScoreEntry
from tests.factories import DepartmentFactory, MembershipFactory, OfficeFactory, UserFactory
from tests.reports.review_support import make_people, submittable_report


@dataclass
class World:
    people: object  # review_support.People: its department's report went through the real workflow
    report: object  # that report, approved by people.reviewer
    offices: list
    reports: list  # every approved report of 2021, by id
    reviewers: dict  # office id -> a 财政审核人 of that office (besides people.reviewer)
    admin: object


def approved_world(extra=4, *, expenditure=None):
    """people.department's report approved through the workflow, plus `extra` more departments' reports
    approved directly (half in people's office, half in another); `expenditure` gives each extra report's
    支出合计 in turn (万元)."""
    from tests.reports.review_support import advance

    people = make_people()
    report = advance(submittable_report(people.department), people, Status.APPROVED)
    office_a = people.department.office
    office_b = OfficeFactory(name="教科文科")
    reviewers = {office_a.pk: UserFactory(username="reviewer_a2", full_name="钱二"),
                 office_b.pk: UserFactory(username="reviewer_b", full_name="孙三")}
    for office_id, user in reviewers.items():
        MembershipFactory(user=user, role=Role.REVIEWER, office_id=office_id)
    amounts = expenditure or [Decimal(100 * (n + 1)) for n in range(extra)]
    for n in range(extra):
        department = DepartmentFactory(name=f"抽评单位{n}", office=office_a if n % 2 == 0 else office_b)
        other = submittable_report(department)
        Report.objects.filter(pk=other.pk).update(status=Status.APPROVED)
        ExpenditureRow.objects.filter(report=other).update(total=amounts[n % len(amounts)])
    reports = list(Report.objects.filter(status=Status.APPROVED).order_by("pk"))
    return World(people=people, report=Report.objects.get(pk=report.pk), offices=[office_a, office_b],
                 reports=reports, reviewers=reviewers, admin=people.admin)


def self_scores(report):
    return dict(ScoreEntry.objects.filter(report=report).values_list("indicator__code", "self_score"))
