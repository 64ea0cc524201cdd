"""Deadlines: reminders before the 报告 deadline (per department, respecting its extension) and before
each 整改期限, as in-app notices (and e-mail, see followup.notices), and the notices of an extension or a
结果应用.

reminders_send(today) is idempotent: each item gets one reminder per threshold (REMINDER_DAYS, then one
once it is overdue), keyed by item, deadline and threshold, so running it twice a day, or again after a
missed day, sends nothing twice; an extension changes the deadline and so starts its reminders afresh.
`manage.py send_reminders` runs it (a daily job).
"""
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from departments.enums import Role
from departments.models import Department
from followup.enums import REMINDER_DAYS, FindingStatus, NoticeKind
from followup.models import Finding, Notice
from followup.notices import notices_mail
from followup.selectors import extensions_of
from reports.enums import Status
from scoring.models import EvaluationYear
from workflow.notices import department_members, on_commit_robust

OVERDUE = -1
EVERYONE = (Role.CLERK, Role.HEAD)


def threshold(days_left):
    """The tightest threshold reached `days_left` days before a deadline (OVERDUE past it), or None if
    it is further away than the first one."""
    if days_left < 0:
        return OVERDUE
    reached = [t for t in REMINDER_DAYS if days_left <= t]
    return min(reached) if reached else None


def _when(days_left):
    if days_left < 0:
        return _("已逾期%(days)s天") % {"days": -days_left}
    if days_left == 0:
        return _("今天截止")
    return _("还有%(days)s天截止") % {"days": days_left}


def _write(users, *, kind, text, url, key, finding=None):
    notices = [Notice(recipient_id=u, kind=kind, text=text, url=url, key=key, finding=finding) for u in sorted(users)]
    Notice.objects.bulk_create(notices, ignore_conflicts=True)
    return Notice.objects.filter(key=key)


def report_reminders(evaluation_year, today):
    """Reminders of a year's 报告 deadline to departments that have not submitted. Returns how many."""
    extensions = extensions_of(evaluation_year)
    submitted = set(
        evaluation_year.reports.exclude(status=Status.DRAFT).values_list("department_id", flat=True)
    )
    drafts = dict(evaluation_year.reports.filter(status=Status.DRAFT).values_list("department_id", "pk"))
    written = 0
    departments = Department.objects.filter(is_active=True).exclude(pk__in=submitted).order_by("code")
    for department in departments.iterator():
        deadline = extensions.get(department.pk, evaluation_year.deadline)
        if deadline is None:
            continue
        days_left = (deadline - today).days
        step = threshold(days_left)
        if step is None:
            continue
        users = department_members(department, EVERYONE)
        key = f"report:{evaluation_year.year}:{department.pk}:{deadline.isoformat()}:{step}"
        before = Notice.objects.filter(key=key).count()
        url = reverse("report_detail", args=[drafts[department.pk]]) if department.pk in drafts else reverse("home")
        text = _("截止提醒：%(year)s年度%(department)s的自评报告截止日期为%(deadline)s（%(when)s），请及时填报并提交。") % {
            "year": evaluation_year.year, "department": department.name, "deadline": deadline,
            "when": _when(days_left)}
        notices = _write(users, kind=NoticeKind.REMINDER, text=text, url=url, key=key)
        written += notices.count() - before
        notices_mail(notices)
    return written


def finding_reminders(today):
    """Reminders of each 待整改 finding's 整改期限 to its department. Returns how many were written."""
    written = 0
    findings = Finding.objects.filter(status=FindingStatus.OPEN).select_related(
        "report__department", "report__evaluation_year").order_by("deadline", "pk")
    for finding in findings.iterator():
        days_left = (finding.deadline - today).days
        step = threshold(days_left)
        if step is None:
            continue
        report = finding.report
        key = f"finding:{finding.pk}:{finding.deadline.isoformat()}:{step}"
        before = Notice.objects.filter(key=key).count()
        text = _("整改提醒：%(year)s年度%(department)s“%(category)s”问题的整改期限为%(deadline)s（%(when)s），请及时整改并答复。") % {
            "year": report.evaluation_year.year, "department": report.department.name,
            "category": finding.get_category_display(), "deadline": finding.deadline, "when": _when(days_left)}
        notices = _write(department_members(report.department, EVERYONE), kind=NoticeKind.REMINDER, text=text,
                         url=reverse("finding_detail", args=[finding.pk]), key=key, finding=finding)
        written += notices.count() - before
        notices_mail(notices)
    return written


def reminders_send(today=None):
    """Write the reminders due on `today` (the local date by default): {"report": n, "finding": n}."""
    today = today or timezone.localdate()
    with transaction.atomic():
        reports = sum(
            report_reminders(year, today)
            for year in EvaluationYear.objects.filter(is_open=True, deadline__isnull=False).order_by("year")
        )
        findings = finding_reminders(today)
    return {"report": reports, "finding": findings}


def extension_notify(extension):
    def create():
        key = f"extension:{extension.pk}:{extension.deadline.isoformat()}"
        text = _("%(year)s年度%(department)s的自评报告截止日期已延长至%(deadline)s，理由：%(reason)s") % {
            "year": extension.evaluation_year.year, "department": extension.department.name,
            "deadline": extension.deadline, "reason": extension.reason}
        notices_mail(_write(department_members(extension.department, EVERYONE), kind=NoticeKind.REMINDER, text=text,
                            url=reverse("followup_home"), key=key))

    on_commit_robust(create)


def result_notify(result):
    def create():
        key = f"result:{result.pk}:{result.consequence}:{result.decided_at.isoformat()}"[:100]
        text = _("%(year)s年度%(department)s的评价结果应用：%(consequence)s。%(note)s") % {
            "year": result.evaluation_year.year, "department": result.department.name,
            "consequence": result.consequence, "note": result.note}
        notices_mail(_write(department_members(result.department, EVERYONE), kind=NoticeKind.RESULT, text=text,
                            url=reverse("followup_home"), key=key))

    on_commit_robust(create)
