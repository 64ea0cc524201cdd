"""Deadlines: reminders before the 报告 deadline (per department, respecting its extension) and before
each 整改期限, as in-app notices (and e-mail, see followup.notices), and the notices of an extension or a
结果应用.

reminders_send(today) is idempotent: each item gets one reminder per threshold (REMINDER_DAYS, then one
once it is overdue), keyed by item, deadline and threshold, so running it twice a day, or again after a
missed day, sends nothing twice; an extension changes the deadline and so starts its reminders afresh.
`manage.py send_reminders` runs it (a daily job), or enqueues it as the job `reminders` (jobs.runners), which the
admin also starts from 年度管理. year_opened_notify tells every department of an opened year (the job
`year_notice`, enqueued with the year), one notice per recipient and year.
"""
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from departments.enums import Role
from departments.models import Department, Membership
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


class NoProgress:
    """What reminders_send reports its progress to when nobody watches (jobs.services.Progress otherwise)."""

    def set_total(self, total):
        pass

    def advance(self, count=1):
        pass


def _unsubmitted(evaluation_year):
    return Department.objects.filter(is_active=True).exclude(
        pk__in=evaluation_year.reports.exclude(status=Status.DRAFT).values("department_id")).order_by("code")


def _open_years():
    return EvaluationYear.objects.filter(is_open=True, deadline__isnull=False).order_by("year")


def report_reminders(evaluation_year, today, progress=None):
    """Reminders of a year's 报告 deadline to departments that have not submitted. Returns how many."""
    progress = progress or NoProgress()
    extensions = extensions_of(evaluation_year)
    drafts = dict(evaluation_year.reports.filter(status=Status.DRAFT).values_list("department_id", "pk"))
    written = 0
    for department in _unsubmitted(evaluation_year).iterator():
        progress.advance()
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


def _open_findings():
    return Finding.objects.filter(status=FindingStatus.OPEN)


def finding_reminders(today, progress=None):
    """Reminders of each 待整改 finding's 整改期限 to its department. Returns how many were written."""
    progress = progress or NoProgress()
    written = 0
    findings = _open_findings().select_related(
        "report__department", "report__evaluation_year").order_by("deadline", "pk")
    for finding in findings.iterator():
        progress.advance()
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


def reminders_send(today=None, *, progress=None):
    """Write the reminders due on `today` (the local date by default), in one transaction, reporting each
    department and finding looked at to `progress` (set_total, advance; jobs.services.Progress, whose
    JobStopped rolls everything back). Returns {"report": n, "finding": n}."""
    today = today or timezone.localdate()
    progress = progress or NoProgress()
    with transaction.atomic():
        years = list(_open_years())
        progress.set_total(sum(_unsubmitted(year).count() for year in years) + _open_findings().count())
        reports = sum(report_reminders(year, today, progress) for year in years)
        findings = finding_reminders(today, progress)
    return {"report": reports, "finding": findings}


NOTICE_CHUNK = 500


def year_opened_notify(evaluation_year, *, progress=None):
    """Tell the clerks and heads of every department with a report of `evaluation_year` that the year is open
    (its deadline, a link to their report): one notice per recipient, year and department (`key`), written
    NOTICE_CHUNK departments at a time, each chunk committed on its own, so running it again (a retried job)
    writes only what is missing. Keyed by year and department: a member of two departments hears of both.
    Returns how many notices it wrote."""
    progress = progress or NoProgress()
    reports = evaluation_year.reports.filter(department__is_active=True).order_by("department__code", "pk")
    progress.set_total(reports.count())
    text = _("%(year)s年度部门整体支出绩效自评已开启，%(department)s的自评报告已建好草稿，截止日期为%(deadline)s，请及时填报。")
    written, last = 0, None
    while True:
        page = reports.filter(department__code__gt=last) if last is not None else reports
        chunk = list(page.values_list("pk", "department_id", "department__name", "department__code")[:NOTICE_CHUNK])
        if not chunk:
            return written
        members = {}
        for user_id, department_id in Membership.objects.filter(
                department_id__in=[row[1] for row in chunk], role__in=EVERYONE).values_list("user_id", "department_id"):
            members.setdefault(department_id, set()).add(user_id)
        keys = {department_id: f"year_open:{evaluation_year.year}:{department_id}" for _pk, department_id, *_r in chunk}
        notices = [
            Notice(recipient_id=user_id, kind=NoticeKind.YEAR_OPEN, key=keys[department_id],
                   url=reverse("report_detail", args=[pk]),
                   text=text % {"year": evaluation_year.year, "department": name,
                                "deadline": evaluation_year.deadline or "—"})
            for pk, department_id, name, _code in chunk for user_id in sorted(members.get(department_id, ()))
        ]
        ours = Notice.objects.filter(key__in=keys.values())
        with transaction.atomic():
            before = ours.count()
            Notice.objects.bulk_create(notices, ignore_conflicts=True)
            written += ours.count() - before
        notices_mail(ours)
        progress.advance(len(chunk))
        last = chunk[-1][3]


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
