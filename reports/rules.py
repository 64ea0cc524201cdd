"""Object-level permissions as named predicates (django-rules).

Checked everywhere with user.has_perm("reports.<name>", report). A predicate takes the user and
the report; membership rows are read once per request through departments.selectors.roles_of.
"""
import rules

from departments.enums import Role
from departments.selectors import roles_of
from reports.enums import Status


@rules.predicate
def is_admin(user):
    return user.is_authenticated and (user.is_superuser or any(r[0] == Role.ADMIN for r in roles_of(user)))


@rules.predicate
def is_clerk(user, report):
    return report is not None and (Role.CLERK, report.department_id, None) in roles_of(user)


@rules.predicate
def is_head(user, report):
    return report is not None and (Role.HEAD, report.department_id, None) in roles_of(user)


@rules.predicate
def is_member(user, report):
    return is_clerk(user, report) or is_head(user, report)


@rules.predicate
def is_reviewer(user, report):
    """A 财政审核人 of the office covering the report's department, who is not a member of it."""
    if report is None or report.department.office_id is None:
        return False
    return (Role.REVIEWER, None, report.department.office_id) in roles_of(user) and not is_member(user, report)


def status_is(*statuses):
    @rules.predicate(name=f"status_is_{'_'.join(statuses)}")
    def predicate(user, report):
        return report is not None and report.status in statuses

    return predicate


is_draft = status_is(Status.DRAFT)
in_dept_review = status_is(Status.DEPT_REVIEW)
in_finance_review = status_is(Status.FINANCE_REVIEW)
is_approved = status_is(Status.APPROVED)

@rules.predicate
def holds_reviewer_role(user):
    """A 财政审核人 of any office."""
    return user.is_authenticated and any(role == Role.REVIEWER for role, _department, _office in roles_of(user))


can_view = is_member | is_reviewer | is_admin

rules.add_perm("reports.view_report", can_view)
rules.add_perm("reports.edit_report", is_clerk & is_draft)
rules.add_perm("reports.submit_report", is_clerk & is_draft)
rules.add_perm("reports.dept_decide_report", is_head & in_dept_review)
rules.add_perm("reports.finance_decide_report", is_reviewer & in_finance_review)
rules.add_perm("reports.reopen_report", is_admin & is_approved)
# The bureau admin (管理员): opening years, the progress dashboard, exports, department import.
rules.add_perm("reports.administer", is_admin)
# The reviewer's queue of the offices' reports.
rules.add_perm("reports.review_queue", holds_reviewer_role | is_admin)
