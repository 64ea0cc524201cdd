"""Follow-up notices: the 整改通知 and each later step of a finding, written on commit to the people
concerned, and the reminders of followup.deadlines (one per recipient, item and threshold: `key`).

A notice keeps its sentence (`text`) and link (`url`), so reading them needs no joins. With
settings.REMINDERS_BY_EMAIL (set when EMAIL_HOST is configured) a notice also goes out by e-mail to
recipients with an address.
"""
from django.conf import settings
from django.core.mail import send_mail
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from departments.enums import Role
from followup.enums import FindingStatus as F
from followup.enums import NoticeKind
from followup.models import FindingChange, Notice
from workflow.notices import department_members, office_reviewers, on_commit_robust

EVERYONE = (Role.CLERK, Role.HEAD)


def _recipients(change, department):
    """(user ids, kind) of one step of a finding."""
    if not change.from_status:
        return department_members(department, EVERYONE), NoticeKind.ISSUED
    if change.to_status == F.REPLIED:
        return office_reviewers(department), NoticeKind.REPLIED
    if change.to_status == F.ACCEPTED:
        return department_members(department, EVERYONE), NoticeKind.ACCEPTED
    return department_members(department, EVERYONE), NoticeKind.RETURNED


def _text(change, kind):
    finding = change.finding
    report = finding.report
    values = {
        "report": f"{report.evaluation_year.year}年度{report.department.name}", "by": change.by.display_name,
        "category": finding.get_category_display(), "deadline": finding.deadline.isoformat(),
        "comment": change.comment,
    }
    if kind == NoticeKind.ISSUED:
        return _("整改通知：%(by)s在%(report)s的自评报告中发现“%(category)s”问题，请于%(deadline)s前整改并答复。") % values
    if kind == NoticeKind.REPLIED:
        return _("%(report)s已答复“%(category)s”问题的整改情况，请您验收。") % values
    if kind == NoticeKind.ACCEPTED:
        return _("%(report)s“%(category)s”问题的整改已由%(by)s验收通过。") % values
    return _("%(report)s“%(category)s”问题的整改被%(by)s退回，理由：%(comment)s") % values


def notices_create(*, change_id):
    """Write the notices of one step of a finding; running it again writes nothing new. Returns the count."""
    change = FindingChange.objects.select_related(
        "finding__report__department", "finding__report__evaluation_year", "by").get(pk=change_id)
    users, kind = _recipients(change, change.finding.report.department)
    url = reverse("finding_detail", args=[change.finding_id])
    text = _text(change, kind)
    notices = [
        Notice(recipient_id=user_id, kind=kind, finding=change.finding, change=change, text=text, url=url,
               key=f"change:{change.pk}")
        for user_id in sorted(users) if user_id != change.by_id
    ]
    Notice.objects.bulk_create(notices, ignore_conflicts=True)
    notices_mail(Notice.objects.filter(change=change))
    return len(notices)


def finding_notify(change):
    on_commit_robust(notices_create, change_id=change.pk)


def notices_mail(notices):
    """E-mail each of `notices` (a queryset) not mailed yet whose recipient has an address, when
    settings.REMINDERS_BY_EMAIL says an SMTP server is configured. Returns how many went out."""
    if not settings.REMINDERS_BY_EMAIL:
        return 0
    sent = 0
    for notice in notices.filter(emailed=False).exclude(recipient__email="").select_related("recipient"):
        sent += send_mail(str(notice.get_kind_display()), notice.text, None, [notice.recipient.email],
                          fail_silently=True)
        Notice.objects.filter(pk=notice.pk).update(emailed=True)
    return sent


# --- Reading -----------------------------------------------------------------------------------
def notices_for(user):
    return Notice.objects.filter(recipient=user)


def notices_unread(user):
    """The user's unread notices (the navbar counts them with the report notices: followup.apps)."""
    return Notice.objects.filter(recipient=user, read_at__isnull=True)


def notices_mark_read(*, user):
    return Notice.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())
