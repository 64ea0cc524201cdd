"""Who hears of a workflow move, for any department's document.

A document that reaches someone (submitted to the head, forwarded to the office's reviewers) or
comes back to them (returned, approved, reopened) gives each of them one notice; the person who
moved it gets none. Each kind of document stores its notices in its own model and writes them on
commit (reports.notices, targets.notices); the rule of who receives what is this one.
"""
from functools import partial

from django.db import transaction

from departments.enums import Role
from departments.models import Membership
from workflow.enums import NoticeKind, Step


def department_members(department, roles):
    return set(
        Membership.objects.filter(department_id=department.pk, role__in=roles).values_list("user_id", flat=True)
    )


def office_reviewers(department):
    """The 财政审核人 of the office covering the department, less the department's own members."""
    if department.office_id is None:
        return set()
    reviewers = Membership.objects.filter(office_id=department.office_id, role=Role.REVIEWER)
    return set(reviewers.values_list("user_id", flat=True)) - department_members(department, (Role.CLERK, Role.HEAD))


def move_recipients(*, department, from_status, to_status, by_id):
    """{user id: NoticeKind} for one move of a department's document (its author excluded)."""
    frm, to = from_status, to_status
    everyone = (Role.CLERK, Role.HEAD)
    if to == Step.DEPT_REVIEW:
        users, kind = department_members(department, (Role.HEAD,)), NoticeKind.TO_REVIEW
    elif to == Step.FINANCE_REVIEW:
        users, kind = office_reviewers(department), NoticeKind.TO_REVIEW
    elif to == Step.APPROVED:
        users, kind = department_members(department, everyone), NoticeKind.APPROVED
    elif frm == Step.DEPT_REVIEW:
        users, kind = department_members(department, (Role.CLERK,)), NoticeKind.RETURNED
    elif frm == Step.FINANCE_REVIEW:
        users, kind = department_members(department, everyone), NoticeKind.RETURNED
    else:  # 重新打开 of an approved document
        users, kind = department_members(department, everyone) | office_reviewers(department), NoticeKind.REOPENED
    return {user_id: kind for user_id in users if user_id != by_id}


def on_commit_robust(create, **kwargs):
    """Have `create(**kwargs)` run once the current transaction commits (a failure is logged, never
    turned into an error of the committed move)."""
    transaction.on_commit(partial(create, **kwargs), robust=True)
