"""Who may do what with evidence: the report's own permissions (reports.rules), named for evidence.

Seeing a report's files is seeing the report; adding or removing one is editing it (its clerk, in 草稿).
"""
import rules

from reports.rules import can_view, is_clerk, is_draft

rules.add_perm("evidence.view_evidence", can_view)
rules.add_perm("evidence.change_evidence", is_clerk & is_draft)
