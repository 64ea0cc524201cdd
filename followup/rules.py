"""Object-level permissions of follow-up (django-rules), from workflow.rules' roles.

On a Report: followup.record_finding. On a Finding: view, reply (the department while 待整改), decide (the
office's reviewer while 待验收). followup.administer: the bureau's admins (结果应用, extensions).
Lists go through followup.selectors.findings_visible_to, so another department's finding is a 404.
"""
import rules

from followup.enums import FindingStatus
from reports.enums import Status
from workflow.rules import is_admin, is_clerk, is_member, is_reviewer, status_is

report_reviewed = status_is(Status.FINANCE_REVIEW, Status.APPROVED)
finding_open = status_is(FindingStatus.OPEN)
finding_replied = status_is(FindingStatus.REPLIED)

rules.add_perm("followup.record_finding", is_reviewer & report_reviewed)
rules.add_perm("followup.view_finding", is_member | is_reviewer | is_admin)
rules.add_perm("followup.reply_finding", is_member & finding_open)
rules.add_perm("followup.decide_finding", is_reviewer & finding_replied)
rules.add_perm("followup.edit_carried", is_clerk & status_is(Status.DRAFT))
rules.add_perm("followup.administer", is_admin)
