"""In-app notices: who hears of a workflow move, and reading them.

The report's workflow move calls notices_on_commit(change) after each StatusChange; the notices are
written once the move has committed, so a rolled-back move notifies nobody. Who receives which
notice is workflow.notices.move_recipients, the rule every kind of document shares.
"""
from django.contrib.auth import get_user_model
from django.db.models import Func, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from reports.enums import Status as S
from reports.models import Notice, NoticeKind, StatusChange
from workflow.notices import move_recipients, on_commit_robust


def notice_recipients(change):
    """{user id: NoticeKind} for one StatusChange (its author excluded): workflow.notices' rule."""
    return move_recipients(
        department=change.report.department, from_status=change.from_status, to_status=change.to_status,
        by_id=change.by_id,
    )


def notices_create(*, change_id):
    """Write the notices of one StatusChange; running it again writes nothing new. Returns the count."""
    change = StatusChange.objects.select_related("report__department").get(pk=change_id)
    notices = [
        Notice(recipient_id=user_id, report=change.report, change=change, kind=kind)
        for user_id, kind in sorted(notice_recipients(change).items())
    ]
    Notice.objects.bulk_create(notices, ignore_conflicts=True)
    return len(notices)


def notices_on_commit(change):
    """Have the notices of `change` written once the current transaction commits (a failure is logged,
    never turned into an error of the committed move)."""
    on_commit_robust(notices_create, change_id=change.pk)


# --- Reading -----------------------------------------------------------------------------------
def notices_for(user):
    """The user's notices, newest first, with what their text and link need."""
    return Notice.objects.filter(recipient=user).select_related(
        "report__department__office", "report__evaluation_year", "change__by",
    )


def notice_unread_count(user):
    if not user.is_authenticated:
        return 0
    return _unread(user).count()


def _unread(user):
    return Notice.objects.filter(recipient=user, read_at__isnull=True)


# Other apps' notices the navbar counts in the same query as the report notices: {name: function of a user giving
# the queryset of their unread notices}. followup registers its own (followup.apps).
UNREAD_SOURCES = {}


def register_unread_notices(name, unread):
    UNREAD_SOURCES[name] = unread


def notice_unread_counts(user):
    """{"reports": n, and n for each registered source's name}: the signed-in user's unread notices, counted in one
    query and kept on the user object for the rest of the request (the navbar's links ask one after the other)."""
    counts = getattr(user, "_unread_notice_counts", None)
    if counts is None:
        sources = {"reports": _unread, **UNREAD_SOURCES}
        counted = {
            name: Subquery(unread(user).order_by().annotate(n=Func("pk", function="COUNT")).values("n")[:1])
            for name, unread in sources.items()
        }
        counts = get_user_model().objects.filter(pk=user.pk).values(**counted).get()
        user._unread_notice_counts = counts
    return counts


def notices_mark_read(*, user):
    """Mark all of the user's unread notices read. Returns how many were."""
    return Notice.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def notice_text(notice):
    """The notice as a sentence: who did what to which report (and why, for a return or reopening)."""
    change = notice.change
    values = {
        "report": f"{notice.report.evaluation_year.year}年度{notice.report.department.name}",
        "by": change.by.display_name, "comment": change.comment,
    }
    if notice.kind == NoticeKind.TO_REVIEW and change.to_status == S.DEPT_REVIEW:
        return _("%(by)s提交了%(report)s的自评报告，请您审核。") % values
    if notice.kind == NoticeKind.TO_REVIEW:
        return _("%(report)s的自评报告已由%(by)s审核通过并报送财政，请您复核。") % values
    if notice.kind == NoticeKind.RETURNED:
        return _("%(report)s的自评报告被%(by)s退回，退回理由：%(comment)s") % values
    if notice.kind == NoticeKind.APPROVED:
        return _("%(report)s的自评报告已由%(by)s审定。") % values
    return _("%(report)s的自评报告已由%(by)s重新打开，理由：%(comment)s") % values


def notice_url(notice, user):
    """Where the recipient acts on the report now: the review page, the head's page, the record of
    a return (the comment and what changed), the editor, or the finished form."""
    report = notice.report
    if user.has_perm("reports.finance_decide_report", report):
        return reverse("report_review", args=[report.pk])
    if user.has_perm("reports.dept_decide_report", report):
        return reverse("report_dept_review", args=[report.pk])
    if notice.kind in (NoticeKind.RETURNED, NoticeKind.REOPENED) and user.has_perm("reports.view_report", report):
        return reverse("report_history", args=[report.pk])
    return reverse("report_detail", args=[report.pk])
