"""Notices of declarations and 调整申请: written on commit of a move, to the people workflow.notices names."""
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from targets.models import AdjustmentChange, DeclarationChange, DeclarationNotice
from workflow.enums import NoticeKind, Step
from workflow.notices import move_recipients, on_commit_robust


def notices_create(*, change_id=None, adjustment_change_id=None):
    """Write the notices of one declaration or adjustment move; running it again writes nothing new."""
    if change_id is not None:
        change = DeclarationChange.objects.select_related("declaration__department").get(pk=change_id)
        declaration, extra = change.declaration, {"change": change}
    else:
        change = AdjustmentChange.objects.select_related("adjustment__declaration__department").get(
            pk=adjustment_change_id
        )
        declaration, extra = change.adjustment.declaration, {"adjustment_change": change}
    recipients = move_recipients(
        department=declaration.department, from_status=change.from_status, to_status=change.to_status,
        by_id=change.by_id,
    )
    notices = [
        DeclarationNotice(recipient_id=user_id, declaration=declaration, kind=kind, **extra)
        for user_id, kind in sorted(recipients.items())
    ]
    DeclarationNotice.objects.bulk_create(notices, ignore_conflicts=True)
    return len(notices)


def declaration_notify(change):
    on_commit_robust(notices_create, change_id=change.pk)


def adjustment_notify(change):
    on_commit_robust(notices_create, adjustment_change_id=change.pk)


def notices_for(user):
    return DeclarationNotice.objects.filter(recipient=user).select_related(
        "declaration__department", "change__by", "adjustment_change__by",
    )


def notices_mark_read(*, user):
    return DeclarationNotice.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def notice_text(notice):
    """Who did what to which declaration (and why, for a return)."""
    change = notice.change or notice.adjustment_change
    values = {
        "item": f"{notice.declaration.year}年度{notice.declaration.department.name}"
                + (_("的绩效目标") if notice.change_id else _("的绩效目标调整申请")),
        "by": change.by.display_name, "comment": change.comment,
    }
    if notice.kind == NoticeKind.TO_REVIEW and change.to_status == Step.DEPT_REVIEW:
        return _("%(by)s提交了%(item)s，请您审核。") % values
    if notice.kind == NoticeKind.TO_REVIEW:
        return _("%(item)s已报送财政，请您审核。") % values
    if notice.kind == NoticeKind.RETURNED:
        return _("%(item)s被%(by)s退回，退回理由：%(comment)s") % values
    if notice.kind == NoticeKind.APPROVED:
        return _("%(item)s已由%(by)s批复。") % values
    return _("%(item)s已由%(by)s重新打开，理由：%(comment)s") % values


def notice_url(notice):
    if notice.adjustment_change_id:
        return reverse("adjustment_detail", args=[notice.adjustment_change.adjustment_id])
    return reverse("declaration_detail", args=[notice.declaration_id])
