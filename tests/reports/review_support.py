"""People and reports for the review tests: one department with its clerk and head, the reviewer of
its office, a reviewer of another office, a clerk of another department and an admin."""
from dataclasses import dataclass

from departments.enums import Role
from reports.enums import Status
from reports.models import Report, ScoreEntry
from reports.workflow import move
from tests.factories import DepartmentFactory, MembershipFactory, OfficeFactory, UserFactory
from tests.reports.editor_support import seed_report

# The seed scores these rows below 分值 without a 扣分原因; a submittable report gives one.
MISSING_REASONS = {"fund_balance": "有结余，但未超过上年结转。", "card_payment_rate": "公务卡刷卡率未达到要求。"}


@dataclass
class People:
    clerk: object
    head: object
    reviewer: object
    other_reviewer: object
    other_clerk: object
    admin: object
    department: object
    other_department: object


def make_people():
    department = DepartmentFactory(name="岳阳市岳阳楼区融媒体中心")
    other_department = DepartmentFactory(name="岳阳市岳阳楼区档案馆", office=department.office)
    people = People(
        clerk=UserFactory(username="clerk", full_name="孟庆红"),
        head=UserFactory(username="head", full_name="吴鹏翔"),
        reviewer=UserFactory(username="reviewer", full_name="刘建国"),
        other_reviewer=UserFactory(username="reviewer9", full_name="赵其他"),
        other_clerk=UserFactory(username="clerk2", full_name="周丽"),
        admin=UserFactory(username="admin", full_name="系统管理员"),
        department=department, other_department=other_department,
    )
    MembershipFactory(user=people.clerk, role=Role.CLERK, department=department)
    MembershipFactory(user=people.head, role=Role.HEAD, department=department)
    MembershipFactory(user=people.reviewer, role=Role.REVIEWER, office=department.office)
    MembershipFactory(user=people.other_reviewer, role=Role.REVIEWER, office=OfficeFactory())
    MembershipFactory(user=people.other_clerk, role=Role.CLERK, department=other_department)
    MembershipFactory(user=people.admin, role=Role.ADMIN)
    return people


def submittable_report(department, **overrides):
    """The seed report for `department`, complete enough to submit (nothing on the check list blocks)."""
    report = seed_report(department, **overrides)
    for code, reason in MISSING_REASONS.items():
        ScoreEntry.objects.filter(report=report, indicator__code=code).update(deduction_reason=reason)
    return Report.objects.get(pk=report.pk)


def fresh(user):
    """The user without the roles cached on the object (a new request sees new memberships)."""
    return type(user).objects.get(pk=user.pk)


def advance(report, people, status):
    """Move `report` along the workflow to `status` the way the people would."""
    path = [Status.DRAFT, Status.DEPT_REVIEW, Status.FINANCE_REVIEW, Status.APPROVED]
    actors = {Status.DEPT_REVIEW: (people.clerk, ""), Status.FINANCE_REVIEW: (people.head, "同意报送。"),
              Status.APPROVED: (people.reviewer, "同意。")}
    for target in path[path.index(report.status) + 1: path.index(status) + 1]:
        by, comment = actors[target]
        report = move(report, target, by=by, comment=comment)
    return report
