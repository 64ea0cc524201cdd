"""Object-level permissions as named predicates (django-rules).

Checked everywhere with user.has_perm("reports.<name>", report). The role predicates (clerk, head,
reviewer of the office, admin) are workflow.rules', shared with the other reviewed documents.
"""
import rules

from reports.enums import Status
from workflow.rules import holds_reviewer_role, is_admin, is_clerk, is_head, is_member, is_reviewer, status_is

is_draft = status_is(Status.DRAFT)
in_dept_review = status_is(Status.DEPT_REVIEW)
in_finance_review = status_is(Status.FINANCE_REVIEW)
is_approved = status_is(Status.APPROVED)

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
