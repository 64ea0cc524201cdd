"""The report editor: one page per section, the check page, submit and copy forward.

Reports are fetched through reports.selectors.report_visible, so another department's report is a 404; editing
needs reports.edit_report (draft only), submitting reports.submit_report.
"""
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reports.checks_submit import SubmitBlocked, evidence_state, report_check_cached, report_submit
from reports.consistency import HAS_ERRORS, STATE_LABELS
from reports.editing import StaleRevision, report_copy_forward, report_previous, report_save_section
from reports.enums import Status as S
from reports.forms.sections import SECTIONS, compare, flatten
from reports.returns import current_return
from reports.selectors import report_visible
from reports.workflow import FLOW, allowed_moves
from rescue.middleware import keeps_input
from rescue.services import input_take
from workflow.engine import confirm_text

SECTION_ORDER = list(SECTIONS)


def _report(request, pk):
    return report_visible(request.user, pk)


def _posted_revision(request):
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return 0


def _section_url(report, key):
    return reverse("report_section", args=[report.pk, key])


def _navigation(report, check, current=None, current_failed=False, returned=None):
    items = []
    for key, cls in SECTIONS.items():
        state = check.states[key]
        if key == current and current_failed:
            state = HAS_ERRORS
        items.append({
            "key": key, "title": cls.title, "url": _section_url(report, key), "state": state,
            "state_label": STATE_LABELS[state], "active": key == current,
            "marked": returned is not None and returned.highlights(key),
        })
    return items


def _render(request, report, section, *, revision, status=200, conflict=None, failed=False, restored=False,
            check=None, evidence=None):
    evidence = evidence or evidence_state(report)
    check = check or report_check_cached(report, evidence)
    returned = current_return(report)
    index = SECTION_ORDER.index(section.key)
    can_edit = request.user.has_perm("reports.edit_report", report)
    context = {
        "report": report, "section": section, "revision": revision, "conflict": conflict,
        "nav": _navigation(report, check, section.key, failed, returned), "check": check,
        "returned": returned, "section_marked": returned is not None and returned.highlights(section.key),
        "can_edit": can_edit,
        "previous_report": report_previous(report) if can_edit and section.key == "cover" else None,
        "next_url": _section_url(report, SECTION_ORDER[index + 1]) if index + 1 < len(SECTION_ORDER) else None,
        "prev_url": _section_url(report, SECTION_ORDER[index - 1]) if index > 0 else None,
        "unsaved": section.is_bound, "restored": restored,
        "section_warnings": [p for p in check.problems if p.section == section.key and not p.blocking],
        "evidence_files": evidence.counts,  # the 佐证材料（n） links of the page
    }
    return render(request, section.template, context, status=status)


@login_required
def edit(request, pk):
    """The editor's entry: its first section."""
    report = _report(request, pk)
    return redirect(_section_url(report, SECTION_ORDER[0]))


@keeps_input
@login_required
def section(request, pk, key):
    """Show one section of the report; on POST validate it and save it if nobody saved meanwhile.

    A POST that arrived after the session ended was kept (rescue): the owner's next look at the
    section shows that input again, unsaved, with the revision it was typed against."""
    report = _report(request, pk)
    cls = SECTIONS.get(key)
    if cls is None:
        raise Http404
    if request.method != "POST":
        kept = input_take(user=request.user, path=request.path, request=request)
        if kept is not None:
            try:
                revision = int(kept.get("revision", ""))
            except ValueError:
                revision = report.revision
            return _render(request, report, cls(report, kept), revision=revision, restored=True)
        # The check first: computed afresh, its prefetches fill the report's relations, which the section's
        # forms then reuse (from the cache, the forms read their own rows).
        evidence = evidence_state(report)
        check = report_check_cached(report, evidence)
        return _render(request, report, cls(report), revision=report.revision, check=check, evidence=evidence)
    if not request.user.has_perm("reports.edit_report", report):
        messages.error(request, _("这份报告当前不能修改。"))
        return redirect(_section_url(report, key))
    revision = _posted_revision(request)
    bound = cls(report, request.POST)
    if not bound.is_valid():
        messages.error(request, _("有%(count)s处需要修改，请查看标红的栏目。所填内容均已保留，尚未保存。") % {
            "count": bound.error_count() or 1})
        return _render(request, report, bound, revision=revision, failed=True)
    try:
        saved = report_save_section(
            report=report, section=key, data=bound.cleaned(), revision=revision, by=request.user,
            changes=compare(flatten(bound, stored=True), flatten(bound)),
        )
    except StaleRevision as stale:
        fresh = _report(request, pk)
        differences = compare(flatten(cls(fresh)), flatten(bound))
        messages.error(request, _(
            "未保存：您编辑期间，这份报告已被他人保存（当前修订号 %(current)s，您打开时为 %(yours)s）。"
            "下表对照了当前已保存的内容和您填写的内容；您填写的内容仍在表单中，核对后可再次保存。") % {
            "current": stale.current_revision, "yours": revision})
        return _render(request, fresh, bound, revision=stale.current_revision, status=409, conflict=differences)
    except PermissionDenied as denied:
        messages.error(request, str(denied) or _("这份报告当前不能修改。"))
        return redirect(_section_url(report, key))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return _render(request, report, bound, revision=revision, failed=True)
    # The tag tells static/app/drafts.js to forget the browser's unsaved copy of this section.
    draft_tags = f"draft-saved draft-{request.user.pk}-{report.pk}-{key}"
    if saved == revision:
        messages.info(request, _("没有需要保存的修改：“%(title)s”与已保存的内容相同，修订号仍为 %(revision)s。") % {
            "title": cls.title, "revision": revision}, extra_tags=draft_tags)
    else:
        messages.success(request, _("“%(title)s”已保存。") % {"title": cls.title}, extra_tags=draft_tags)
    if "save_next" in request.POST and key != SECTION_ORDER[-1]:
        return redirect(_section_url(report, SECTION_ORDER[SECTION_ORDER.index(key) + 1]))
    if "save_check" in request.POST:
        return redirect("report_check", pk=report.pk)
    return redirect(_section_url(report, key))


@login_required
def check(request, pk):
    """The check list before submit: every problem, linked to its field, and the submit button."""
    report = _report(request, pk)
    result = report_check_cached(report)
    returned = current_return(report)
    groups = []
    for key, cls in SECTIONS.items():
        problems = [p for p in result.problems if p.section == key]
        if problems:
            groups.append({"title": cls.title, "url": _section_url(report, key), "problems": problems})
    return render(request, "reports/editor/check.html", {
        "report": report, "check": result, "groups": groups, "revision": report.revision,
        "nav": _navigation(report, result, returned=returned), "returned": returned,
        "can_submit": S.DEPT_REVIEW in allowed_moves(report, request.user),
        "submit_confirm": confirm_text(FLOW, S.DRAFT, S.DEPT_REVIEW),
    })


@login_required
@require_POST
def submit(request, pk):
    """草稿 → 部门审核, only when the check list has nothing that blocks."""
    report = _report(request, pk)
    try:
        report_submit(report=report, revision=_posted_revision(request), by=request.user)
    except SubmitBlocked as blocked:
        messages.error(request, str(blocked))
        return redirect("report_check", pk=report.pk)
    except PermissionDenied:
        messages.error(request, _("这份报告当前不能提交。"))
        return redirect("report_check", pk=report.pk)
    messages.success(request, _("报告已提交部门审核，在退回之前不能再修改。"))
    return redirect("home")


@login_required
@require_POST
def copy_forward(request, pk):
    """Start the report from the department's previous one (fills only what is blank)."""
    report = _report(request, pk)
    try:
        copied = report_copy_forward(report=report, revision=_posted_revision(request), by=request.user)
    except StaleRevision:
        messages.error(request, _("这份报告刚被他人保存，请刷新后再复制。"))
    except PermissionDenied:
        messages.error(request, _("这份报告当前不能修改。"))
    except ValueError:
        messages.error(request, _("没有找到本部门以前年度的报告。"))
    else:
        if copied:
            messages.success(request, _("已从上一年度报告复制：%(parts)s。请逐项核对并更新本年度的数字。") % {
                "parts": "、".join(copied)})
        else:
            messages.info(request, _("没有需要复制的内容：相应栏目已填写。"))
    return redirect(_section_url(report, SECTION_ORDER[0]))
