"""Review and sign-off: the head's page, the reviewer's queue and review page, reopening, the history
of a report, the user's notices and the public verification page.

Reports are fetched through reports_visible_to, so another department's (or another office's)
report is a 404; an action the user may not take on a report they can see is a 403. Every change
goes through reports.review / reports.workflow.
"""
import secrets

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Exists, OuterRef, Q, Subquery, Sum
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from audit.enums import TallyKind
from audit.tallies import anonymous_miss_record, verify_rate_exceeded
from evalsite.paging import page_of
from reports.approval import digest_matches, pdf_state_context
from reports.changes import described, score_labels_of
from reports.checks_submit import report_check
from reports.editing import SECTION_TITLES, StaleRevision
from reports.enums import IN_REVIEW
from reports.enums import Status as S
from reports.forms.review import (
    APPROVE,
    RETURN,
    DecisionForm,
    QueueFilterForm,
    ReopenForm,
    ReviewForm,
    VerifyForm,
    VerifyPdfForm,
)
from reports.models import Report, ReportEdit, ScoreEntry, StatusChange
from reports.notices import notice_text, notice_url, notices_for, notices_mark_read
from reports.rendering import report_output_context
from reports.returns import last_return, marked_changes
from reports.review import report_decide, report_reopen, report_review_save, report_save_opinion
from reports.review import submission_changes as changes_between_submissions
from reports.selectors import report_visible, reports_visible_to, status_counts
from reports.verification import DigestUploadHandler, archived_pdf_sha256
from reports.workflow import FLOW, MOVE_LABELS, move_buttons
from rescue.middleware import keeps_input
from rescue.services import restored_input
from scoring.models import EvaluationYear
from workflow.engine import confirm_text

NOTICE_PAGE = 50
QUEUE_PAGE = 50
# ReportEdit.section -> its caption on the history page.
EDIT_SECTIONS = {
    **SECTION_TITLES, "review-scores": "复核得分", "dept-opinion": "部门（单位）意见",
    "finance-opinion": "财政部门归口业务科室意见", "evidence": "佐证材料", "followup": "问题整改",
    "carried": "上年问题整改情况",
}
# The queue's flag filter -> the annotation of _queue_flags it tests.
FLAG_ANNOTATIONS = {"flagged": "has_flags", "reviewed": "reviewed", "returned": "returned"}


def _report(request, pk):
    return report_visible(request.user, pk)


def _require(user, perm, report):
    if not user.has_perm(perm, report):
        raise PermissionDenied(_("您当前不能执行此操作。"))


def _posted_revision(request):
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return 0


def _page_context(report):
    context = {**report_output_context(report), **pdf_state_context(report)}
    check = report_check(report)
    changes = changes_between_submissions(report)
    labels = score_labels_of(report)
    returned = last_return(report)
    marked = None
    if returned is not None and returned.marked and changes is not None:
        # What changed in the places the return was about, between the submissions around it.
        latest = (StatusChange.objects.filter(report=report, to_status=S.DEPT_REVIEW)
                  .order_by("-at", "-pk").values_list("snapshot", flat=True).first())
        marked = marked_changes(returned, changes, latest, score_labels=labels)
    context.update({
        "check": check,
        "problems": check.problems,
        "blocking": check.blocking,
        "changes": None if changes is None else described(changes, score_labels=labels),
        "last_return": returned,
        "marked_changes": marked,
    })
    return context


def _decide_errors(form, error):
    """Put a service's ValidationError on the form (at the field where it names one)."""
    if hasattr(error, "error_dict"):
        for field, messages_ in error.message_dict.items():
            for message in messages_:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in error.messages:
            form.add_error(None, message)


def _decided(request, report, moved, *, then):
    """After a return or an approval: a message naming the report, and back to where the user decides
    the next one (`then`: the reviewer's queue, the head's home)."""
    messages.success(request, _("已%(action)s：%(year)s年度 %(department)s的自评报告现为“%(status)s”。") % {
        "action": MOVE_LABELS[(report.status, moved.status)], "year": report.evaluation_year.year,
        "department": report.department.name, "status": moved.get_status_display()})
    return redirect(then)


def _decision_buttons(report, user, *, forward_to):
    """The approve and return buttons the user may press now (workflow.allowed_moves), each with its
    confirmation text: [{action, to, label, confirm}]."""
    actions = {forward_to: APPROVE, S.DRAFT: RETURN}  # in the order they are shown
    buttons = {button["to"]: {**button, "action": actions[button["to"]]}
               for button in move_buttons(report, user) if button["to"] in actions}
    return [buttons[to] for to in actions if to in buttons]


def _stale(request, stale):
    messages.error(request, _(
        "未保存：您打开页面后，这份报告已被他人修改（当前修订号 %(current)s）。您填写的内容仍在下方表单中，核对后可再次提交。")
        % {"current": stale.current_revision})


def _post_decision(request, report, form, *, forward_to, save, saved, page, then, rows=None):
    """The head's and the reviewer's POST: approve (to `forward_to`) or return through report_decide,
    or only `save`. Returns (response, status): a redirect when done, else None and the page's status
    (409 for a stale revision, 400 for errors; the form keeps everything typed)."""
    if form.is_valid():
        data = form.cleaned_data
        try:
            if data["action"] in (APPROVE, RETURN):
                to = forward_to if data["action"] == APPROVE else S.DRAFT
                extra = {"rows": rows()} if rows is not None else {}
                if data["action"] == RETURN:
                    extra["marks"] = form.marks()
                moved = report_decide(report=report, to=to, revision=data["revision"], by=request.user,
                                      opinion=data["opinion"], comment=data["comment"], **extra)
                return _decided(request, report, moved, then=then), 302
            save(data)
            messages.success(request, saved)
            return redirect(page, pk=report.pk), 302
        except StaleRevision as stale:
            _stale(request, stale)
            return None, 409
        except ValidationError as error:
            _decide_errors(form, error)
    messages.error(request, _("请按提示修改后再提交，所填内容均已保留。"))
    return None, 400


# --- The head's page ------------------------------------------------------------------------------
@keeps_input
@login_required
@require_http_methods(["GET", "POST"])
def dept_review(request, pk):
    """部门审核: read the whole report, write 部门（单位）意见, approve it for the finance bureau or return it."""
    report = _report(request, pk)
    _require(request.user, "reports.dept_decide_report", report)
    status = 200
    indicators = _third_level(report)
    if request.method == "POST":
        form = DecisionForm(request.POST, indicators=indicators)

        def save(data):
            report_save_opinion(report=report, opinion=data["opinion"], revision=data["revision"], by=request.user)

        response, status = _post_decision(
            request, report, form, forward_to=S.FINANCE_REVIEW, save=save,
            saved=_("部门（单位）意见已保存。"), page="report_dept_review", then="home",
        )
        if response is not None:
            return response
    elif (kept := restored_input(request)) is not None:
        form = DecisionForm(kept, indicators=indicators)
    else:
        form = DecisionForm(initial={"revision": report.revision, "opinion": report.dept_opinion},
                            indicators=indicators)
    context = _page_context(report)
    context.update({"form": form, "revision": report.revision, "back_url": reverse("home"),
                    "decisions": _decision_buttons(report, request.user, forward_to=S.FINANCE_REVIEW)})
    return render(request, "reports/review/dept_review.html", context, status=status)


# --- The reviewer's page --------------------------------------------------------------------------
def _third_level(report):
    return list(report.evaluation_year.rubric.indicators.filter(level=3).select_related("parent").order_by("order"))


def _review_form(report, data=None):
    indicators = _third_level(report)
    entries = {e.indicator_id: e for e in ScoreEntry.objects.filter(report=report)}
    initial = {"revision": report.revision, "opinion": report.finance_opinion}
    return ReviewForm(data, indicators=indicators, entries=entries, step=report.evaluation_year.score_step,
                      initial=initial)


@keeps_input
@login_required
@require_http_methods(["GET", "POST"])
def review(request, pk):
    """财政审核: the report, its consistency problems and score flags; 复核得分 with 复核说明 per row,
    财政部门归口业务科室意见; save, return or approve (审定)."""
    report = _report(request, pk)
    _require(request.user, "reports.finance_decide_report", report)
    status = 200
    if request.method == "POST":
        form = _review_form(report, request.POST)

        def save(data):
            report_review_save(report=report, rows=form.rows_data(), opinion=data["opinion"],
                               revision=data["revision"], by=request.user)

        response, status = _post_decision(
            request, report, form, forward_to=S.APPROVED, save=save, saved=_("复核得分和意见已保存。"),
            page="report_review", then="review_queue", rows=form.rows_data,
        )
        if response is not None:
            return response
    else:
        form = _review_form(report, restored_input(request))
    context = _page_context(report)
    context.update({"form": form, "revision": report.revision, "back_url": reverse("review_queue"),
                    "decisions": _decision_buttons(report, request.user, forward_to=S.APPROVED)})
    return render(request, "reports/review/review.html", context, status=status)


# --- Reopening -------------------------------------------------------------------------------------
@keeps_input
@login_required
@require_http_methods(["GET", "POST"])
def reopen(request, pk):
    """重新打开 (admin): an approved report back to 草稿, with a reason that is logged."""
    report = _report(request, pk)
    _require(request.user, "reports.reopen_report", report)
    if request.method == "POST":
        form = ReopenForm(request.POST)
        if form.is_valid():
            try:
                report_reopen(report=report, reason=form.cleaned_data["reason"], by=request.user)
            except ValidationError as error:
                _decide_errors(form, error)
            else:
                messages.success(request, _("报告已重新打开，退回本部门修改。"))
                return redirect("report_history", pk=report.pk)
    else:
        form = ReopenForm(restored_input(request))
    return render(request, "reports/review/reopen.html", {
        "report": report, "form": form, "confirm": confirm_text(FLOW, S.APPROVED, S.DRAFT)},
                  status=400 if request.method == "POST" else 200)


# --- History ----------------------------------------------------------------------------------------
@login_required
def history(request, pk):
    """Every move and every save of the report, newest first, each change old → new."""
    report = _report(request, pk)
    labels = score_labels_of(report)
    events = [
        {"at": c.at, "by": c.by, "move": c, "label": MOVE_LABELS.get((c.from_status, c.to_status), "")}
        for c in StatusChange.objects.filter(report=report).select_related("by").defer("snapshot")
    ]
    events += [
        {"at": e.at, "by": e.by, "edit": e, "section": _(EDIT_SECTIONS.get(e.section, e.section)),
         "changes": described(e.changes, score_labels=labels)}
        for e in ReportEdit.objects.filter(report=report).select_related("by")
    ]
    events.sort(key=lambda event: event["at"], reverse=True)
    # Between the last two submissions: what the head or reviewer now in charge has not seen yet.
    changes = changes_between_submissions(report) if report.status in IN_REVIEW else None
    return render(request, "reports/review/history.html", {
        "report": report, "events": events,
        "changes": None if changes is None else described(changes, score_labels=labels),
    })


# --- The reviewer's queue ---------------------------------------------------------------------------
def _queue_flags():
    """The queue's per-report flags, as expressions on the report (OuterRef("pk"))."""
    scores = ScoreEntry.objects.filter(report=OuterRef("pk"))
    return scores, {
        "has_flags": Exists(scores.filter(flagged=True)),
        "reviewed": Exists(scores.filter(review_score__isnull=False)),
        "returned": Exists(StatusChange.objects.filter(report=OuterRef("pk"), to_status=S.DRAFT)),
    }


def _queue_rows(ids):
    """The reports `ids` (one page of the queue) with 自评得分 and the flags, in the order of `ids`:
    the annotations run on the page's rows only, whatever the number of departments."""
    scores, flags = _queue_flags()
    totals = scores.values("report").annotate(total=Sum("self_score")).values("total")
    reports = (
        Report.objects.filter(pk__in=ids).select_related("evaluation_year", "department", "department__office")
        .annotate(self_total=Subquery(totals), **flags)
    )
    by_pk = {report.pk: report for report in reports}
    return [by_pk[pk] for pk in ids]


@login_required
def queue(request):
    """The office's reports by status, filtered by year, status, department and flag, with counts,
    a page at a time in a stable order (the page's ids first, then those reports with their totals)."""
    if not request.user.has_perm("reports.review_queue"):
        raise PermissionDenied(_("只有财政审核人可以查看审核列表。"))
    reports = reports_visible_to(request.user)
    years = EvaluationYear.objects.order_by("-year").values_list("year", flat=True)
    form = QueueFilterForm(request.GET or None, years=years)
    if form.is_valid():
        data = form.cleaned_data
        if data["year"]:
            reports = reports.filter(evaluation_year__year=data["year"])
        if data["department"].strip():
            text = data["department"].strip()
            reports = reports.filter(Q(department__code__startswith=text) | Q(department__name__contains=text))
        if data["flag"]:
            reports = reports.filter(_queue_flags()[1][FLAG_ANNOTATIONS[data["flag"]]])
    counts = status_counts(reports)
    if form.is_valid() and form.cleaned_data["status"]:
        reports = reports.filter(status=form.cleaned_data["status"])
    page = page_of(request, reports.select_related(None).order_by(*form.order()), per_page=QUEUE_PAGE)
    page.object_list = _queue_rows(list(page.object_list.values_list("pk", flat=True)))
    rows = [
        {"report": report, "can_review": request.user.has_perm("reports.finance_decide_report", report)}
        for report in page.object_list
    ]
    return render(request, "reports/review/queue.html", {
        "form": form, "rows": rows, "page": page,
        "counts": [{"status": s, "label": s.label, "count": counts[s]} for s in S],
        "total": sum(counts.values()),
    })


# --- Notices ----------------------------------------------------------------------------------------
@login_required
def notices(request):
    """The user's notices, newest first, each linked to where they act on the report. Showing them
    marks them read (the unread ones are highlighted this once)."""
    page = page_of(request, notices_for(request.user), per_page=NOTICE_PAGE)
    items = [
        {"notice": n, "text": notice_text(n), "url": notice_url(n, request.user)} for n in page.object_list
    ]
    notices_mark_read(user=request.user)
    return render(request, "reports/review/notices.html", {"items": items, "page": page})


# --- Public verification ----------------------------------------------------------------------------
@csrf_exempt  # the upload handler is set before the body is read; _verify checks the CSRF token
def verify(request, token):
    """Whether a digest (as printed on an approved report's PDF) is the report's, or (POST) whether an
    uploaded PDF is byte for byte its archived PDF: no login, and only the report's year, department and
    approval date are shown. The upload is hashed as it arrives and never stored (reports.verification).
    Rate-limited per client address before anything is read; an anonymous miss is counted, not chained
    (audit.tallies)."""
    if verify_rate_exceeded(request):
        anonymous_miss_record(kind=TallyKind.VERIFY_LIMITED, request=request)
        request.audit_miss_counted = True
        response = render(request, "reports/review/verify_limited.html", status=429)
        response["Retry-After"] = "60"
        response["Cache-Control"] = "no-store"
        return response
    if request.method == "POST":
        request.upload_handlers = [DigestUploadHandler(request, max_bytes=settings.EVAL_VERIFY_UPLOAD_MAX_BYTES)]
    return _verify(request, token)


@csrf_protect
@require_http_methods(["GET", "POST"])
def _verify(request, token):
    report = (
        Report.objects.select_related("department", "evaluation_year").exclude(verification_token="")
        .filter(verification_token=token, status=S.APPROVED).first()
    )
    if report is None:
        if not request.user.is_authenticated:
            anonymous_miss_record(kind=TallyKind.VERIFY_MISS, request=request)
            request.audit_miss_counted = True
        raise Http404
    form = VerifyForm(request.GET or None)
    result = None
    if form.is_valid() and form.cleaned_data["digest"].strip():
        result = digest_matches(report, form.cleaned_data["digest"])
    posted = request.method == "POST"
    upload_form = VerifyPdfForm(request.POST if posted else None, request.FILES if posted else None,
                                max_bytes=settings.EVAL_VERIFY_UPLOAD_MAX_BYTES)
    pdf_result = None
    if posted and upload_form.is_valid():
        archived = archived_pdf_sha256(report)
        upload = upload_form.cleaned_data["pdf"]
        pdf_result = {"sha256": upload.sha256, "archived": archived,
                      "same": archived is not None and secrets.compare_digest(archived, upload.sha256)}
    response = render(request, "reports/review/verify.html", {
        "year": report.evaluation_year.year, "department": report.department.name,
        "approved_at": report.approved_at, "form": form, "result": result,
        "upload_form": upload_form, "pdf_result": pdf_result,
    })
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
