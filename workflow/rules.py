"""Who may act on a department's document: the role predicates (django-rules) every kind of document
(report, 绩效目标申报, 调整申请) builds its named permissions from.

A predicate takes the user and the document, which has `department` (with `office_id`) and `status`;
membership rows are read once per request through departments.selectors.roles_of.
"""
import rules

from departments.enums import Role
from departments.selectors import roles_of


@rules.predicate
def is_admin(user):
    """The bureau's 管理员 membership. Never is_superuser: the break-glass account does no business work."""
    return user.is_authenticated and any(r[0] == Role.ADMIN for r in roles_of(user))


@rules.predicate
def is_clerk(user, document):
    return document is not None and (Role.CLERK, document.department_id, None) in roles_of(user)


@rules.predicate
def is_head(user, document):
    return document is not None and (Role.HEAD, document.department_id, None) in roles_of(user)


@rules.predicate
def is_member(user, document):
    return is_clerk(user, document) or is_head(user, document)


@rules.predicate
def is_reviewer(user, document):
    """A 财政审核人 of the office covering the document's department, who is not a member of it."""
    if document is None or document.department.office_id is None:
        return False
    return (Role.REVIEWER, None, document.department.office_id) in roles_of(user) and not is_member(user, document)


def status_is(*statuses):
    @rules.predicate(name=f"status_is_{'_'.join(statuses)}")
    def predicate(user, document):
        return document is not None and document.status in statuses

    return predicate


@rules.predicate
def holds_reviewer_role(user):
    """A 财政审核人 of any office."""
    return user.is_authenticated and any(role == Role.REVIEWER for role, _department, _office in roles_of(user))
