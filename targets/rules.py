"""Object-level permissions of declarations and 调整申请 (django-rules), from workflow.rules' roles.

Checked with user.has_perm("targets.<name>", declaration or adjustment); lists go through
targets.selectors.declarations_visible_to, so another department's declaration is a 404.
"""
import rules

from departments.enums import Role
from departments.selectors import roles_of
from targets.enums import AdjustmentStatus, Status
from workflow.rules import is_admin, is_clerk, is_head, is_member, is_reviewer, status_is

is_draft = status_is(Status.DRAFT)
in_dept_review = status_is(Status.DEPT_REVIEW)
in_finance_review = status_is(Status.FINANCE_REVIEW)
is_approved = status_is(Status.APPROVED)
adjustment_draft = status_is(AdjustmentStatus.DRAFT)
adjustment_in_review = status_is(AdjustmentStatus.FINANCE_REVIEW)


@rules.predicate
def is_some_clerk(user):
    """A 填报人 of any department (who may start their department's declaration)."""
    return user.is_authenticated and any(role == Role.CLERK for role, _department, _office in roles_of(user))


can_view = is_member | is_reviewer | is_admin

rules.add_perm("targets.declare", is_some_clerk)
rules.add_perm("targets.view_declaration", can_view)
rules.add_perm("targets.edit_declaration", is_clerk & is_draft)
rules.add_perm("targets.submit_declaration", is_clerk & is_draft)
rules.add_perm("targets.dept_decide_declaration", is_head & in_dept_review)
rules.add_perm("targets.finance_decide_declaration", is_reviewer & in_finance_review)
rules.add_perm("targets.request_adjustment", is_clerk & is_approved)
# On an Adjustment (its department is its declaration's).
rules.add_perm("targets.view_adjustment", can_view)
rules.add_perm("targets.submit_adjustment", is_clerk & adjustment_draft)
rules.add_perm("targets.decide_adjustment", is_reviewer & adjustment_in_review)
# A department's 绩效档案 (on a targets.archive.ArchiveOf): its members, its office's reviewers, admins.
rules.add_perm("targets.view_archive", can_view)
# The indicator library: every signed-in user searches it; the bureau's admins curate it.
rules.add_perm("targets.curate_library", is_admin)
