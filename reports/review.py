"""The reviewers' services: 复核得分 with 复核说明, the two opinions, and deciding (return, forward, approve).

Each save is one transaction that first claims the report's revision (UPDATE … WHERE revision = n
AND status = the reviewer's status, as reports.editing does for the clerk), so a stale page is
refused instead of overwriting someone else's work; it records what changed as a ReportEdit and
an audit event. Status moves go through reports.workflow.move only.
"""
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from audit.enums import Event
from audit.services import audit_record
from reports.changes import path_sort_key
from reports.editing import StaleRevision
from reports.enums import Status as S
from reports.history import document_diff, edit_recorded
from reports.models import Report, ScoreEntry, StatusChange
from reports.returns import marks_clean
from reports.validators import validate_group_total, validate_review_note, validate_score
from reports.workflow import allowed_moves, move

REVIEW_LABEL = gettext_lazy("复核得分")

# status -> (the opinion field, the permission to write it, the ReportEdit section, its caption)
OPINIONS = {
    S.DEPT_REVIEW: ("dept_opinion", "reports.dept_decide_report", "dept-opinion", gettext_lazy("部门（单位）意见")),
    S.FINANCE_REVIEW: (
        "finance_opinion", "reports.finance_decide_report", "finance-opinion", gettext_lazy("财政部门归口业务科室意见"),
    ),
}

# Values the workflow writes itself (sign-off names, dates, opinions) and the reviewer's own 复核:
# left out when showing a reviewer what the department changed between two submissions.
WORKFLOW_PATHS = frozenset({
    "signoff.leader_signed_on", "signoff.dept_opinion", "signoff.dept_head_name", "signoff.dept_signed_on",
    "signoff.finance_opinion", "signoff.finance_head_name", "signoff.finance_signed_on",
})
REVIEW_SUFFIXES = (".review_score", ".review_note")


def review_score_name(indicator):
    return f"review_score__{indicator.code}"


def review_note_name(indicator):
    return f"review_note__{indicator.code}"


def _claim(report, revision, status):
    """Move the report from `revision` to the next one while it is in `status`; else StaleRevision or
    PermissionDenied (it left that status)."""
    claimed = Report.objects.filter(pk=report.pk, revision=revision, status=status).update(
        revision=F("revision") + 1, updated_at=timezone.now()
    )
    if claimed:
        return revision + 1
    current = Report.objects.filter(pk=report.pk).values("status", "revision").first()
    if current is None or current["status"] != status:
        raise PermissionDenied(_("报告已不在本环节，不能再修改。"))
    raise StaleRevision(current["revision"])


def _indicators(report):
    return list(
        report.evaluation_year.rubric.indicators.filter(level=3).select_related("shares_points_with").order_by("order")
    )


def review_rows_check(indicators, entries, values, *, step):
    """Problems of the reviewer's scores as {field name: [message]} (empty when all is well).

    `values` maps indicator id -> (复核得分 or None, 复核说明); a row missing from it (a score the
    form could not read) is not checked, nor is its group. Each score lies between 0 and 分值 in
    steps of `step`; a score that differs from 自评得分 needs a 复核说明; rows sharing one 分值 may
    not together exceed it (a row without 复核得分 counts with its 自评得分).
    """
    errors = {}
    for indicator in indicators:
        if indicator.pk not in values:
            continue
        score, note = values[indicator.pk]
        entry = entries.get(indicator.pk)
        self_score = entry.self_score if entry else None
        try:
            validate_score(score, indicator.max_points, step=step, field=review_score_name(indicator),
                           label=REVIEW_LABEL, exact=(entry.suggested_score if entry else None,))
            validate_review_note(score, self_score, note)
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                name = review_note_name(indicator) if field == "review_note" else review_score_name(indicator)
                errors.setdefault(name, []).extend(messages)
    groups = {}
    for indicator in indicators:
        if indicator.shares_points_with_id:
            groups.setdefault(indicator.shares_points_with, []).append(indicator)
    for lead, members in groups.items():
        group = [lead, *members]
        if any(member.pk not in values for member in group):
            continue
        effective = []
        for member in group:
            score = values.get(member.pk, (None, ""))[0]
            entry = entries.get(member.pk)
            effective.append(score if score is not None else (entry.self_score if entry else None))
        try:
            validate_group_total([m.label for m in group], effective, lead.points, field=review_score_name(lead))
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                errors.setdefault(field, []).extend(messages)
    return errors


def report_set_review_scores(*, report, rows, revision, by):
    """Set 复核得分 and 复核说明 of the report's 评分表 rows as the finance reviewer `by`.

    `rows` are dicts {"indicator_id", "review_score" (Decimal or None), "review_note"}; rows not
    given keep their values. One transaction: checks reports.finance_decide_report, claims the
    revision (StaleRevision when someone saved since `revision`), validates every row with the
    shared validators, writes, records a ReportEdit (section "review-scores", old → new) and an
    audit event. Returns the new revision. Raises PermissionDenied, StaleRevision or
    ValidationError (keyed by review_score__<code> / review_note__<code>); nothing is written then.
    """
    if not by.has_perm("reports.finance_decide_report", report):
        raise PermissionDenied(_("您没有复核这份报告的权限。"))
    indicators = _indicators(report)
    by_id = {i.pk: i for i in indicators}
    values = {}
    for row in rows:
        if row.get("indicator_id") not in by_id:
            raise ValidationError(_("评分表中没有这一指标。"))
        values[row["indicator_id"]] = (row.get("review_score"), (row.get("review_note") or "").strip())
    with transaction.atomic():
        new_revision = _claim(report, revision, S.FINANCE_REVIEW)
        entries = {e.indicator_id: e for e in ScoreEntry.objects.select_for_update().filter(report=report)}
        merged = {i.pk: (e.review_score, e.review_note) if e else (None, "")
                  for i in indicators for e in [entries.get(i.pk)]}
        merged.update(values)
        errors = review_rows_check(indicators, entries, merged, step=report.evaluation_year.score_step)
        if errors:
            raise ValidationError(errors)
        with edit_recorded(report=report, by=by, section="review-scores", revision=new_revision, parts=("scores",)):
            create, update = [], []
            for indicator_id, (score, note) in values.items():
                entry = entries.get(indicator_id)
                if entry is None:
                    create.append(ScoreEntry(report=report, indicator_id=indicator_id, review_score=score,
                                             review_note=note))
                elif (entry.review_score, entry.review_note) != (score, note):
                    entry.review_score, entry.review_note = score, note
                    update.append(entry)
            ScoreEntry.objects.bulk_update(update, ["review_score", "review_note"])
            ScoreEntry.objects.bulk_create(create)
        audit_record(event=Event.REPORT_EDIT, user=by, obj=report, detail=_describe(
            _("保存复核得分"), [(by_id[e.indicator_id].label, e.review_score, e.review_note) for e in update + create],
            revision, new_revision))
    report.revision = new_revision
    return new_revision


def report_save_opinion(*, report, opinion, revision, by):
    """Save the opinion of the report's current reviewer: 部门（单位）意见 in 部门审核 (the head),
    财政部门归口业务科室意见 in 财政审核 (the reviewer).

    One transaction with the revision claim; records a ReportEdit (dept-opinion / finance-opinion)
    and an audit event. Returns the new revision. Raises PermissionDenied or StaleRevision.
    """
    if report.status not in OPINIONS:
        raise PermissionDenied(_("报告当前不在审核环节。"))
    field, perm, section, caption = OPINIONS[report.status]
    if not by.has_perm(perm, report):
        raise PermissionDenied(_("您没有审核这份报告的权限。"))
    opinion = (opinion or "").strip()
    with transaction.atomic():
        new_revision = _claim(report, revision, report.status)
        with edit_recorded(report=report, by=by, section=section, revision=new_revision, parts=("signoff",)):
            Report.objects.filter(pk=report.pk).update(**{field: opinion})
        audit_record(event=Event.REPORT_EDIT, user=by, obj=report,
                     detail=_describe(_("保存%(caption)s") % {"caption": caption}, [], revision, new_revision))
    setattr(report, field, opinion)
    report.revision = new_revision
    return new_revision


def report_review_save(*, report, rows, opinion, revision, by):
    """The reviewer's 保存: 复核得分 rows and 财政部门归口业务科室意见 in one transaction (see
    report_set_review_scores and report_save_opinion). Returns the new revision."""
    with transaction.atomic():
        revision = report_set_review_scores(report=report, rows=rows, revision=revision, by=by)
        return report_save_opinion(report=report, opinion=opinion, revision=revision, by=by)


def report_decide(*, report, to, revision, by, opinion=None, rows=None, comment="", marks=None):
    """Save what the reviewer typed (复核得分 rows, the opinion) and move the report to `to`, as one
    transaction: 退回 (to 草稿) with `comment` and the sections and 评分表 rows the return is about
    (`marks`: {"sections": [...], "rows": [codes]}, kept on the return's StatusChange), 报送财政 or
    审定通过 with the opinion as the move's comment (which signs it off in reports.workflow).

    Forwarding and approving need an opinion. Returns the moved report. Raises PermissionDenied,
    StaleRevision or ValidationError; nothing is written then.
    """
    if to not in allowed_moves(report, by):
        raise PermissionDenied(_("当前状态下不能执行此操作。"))
    comment = (comment or "").strip()
    if to == S.DRAFT and not comment:
        raise ValidationError({"comment": _("请填写退回理由，说明需要修改的内容。")})
    if to != S.DRAFT and not (opinion if opinion is not None else _current_opinion(report)).strip():
        raise ValidationError({"opinion": _("请填写%(caption)s。") % {"caption": OPINIONS[report.status][3]}})
    if to == S.DRAFT and marks:
        marks = marks_clean(sections=marks.get("sections", ()), rows=marks.get("rows", ()),
                            codes=[indicator.code for indicator in _indicators(report)])
    with transaction.atomic():
        if rows is not None:
            revision = report_set_review_scores(report=report, rows=rows, revision=revision, by=by)
        if opinion is not None:
            revision = report_save_opinion(report=report, opinion=opinion, revision=revision, by=by)
        if rows is None and opinion is None:
            current = Report.objects.select_for_update().filter(pk=report.pk).values_list("revision", flat=True).first()
            if current != revision:
                raise StaleRevision(current)
        return move(report, to, by=by, comment=comment if to == S.DRAFT else _current_opinion(report),
                    marks=marks if to == S.DRAFT else None)


def _current_opinion(report):
    field = OPINIONS[report.status][0]
    return getattr(report, field) or ""


def report_reopen(*, report, reason, by):
    """重新打开: an admin sends an approved report back to 草稿 with a reason (reports.workflow logs it
    and forgets the frozen snapshot). Returns the moved report."""
    return move(report, S.DRAFT, by=by, comment=reason)


def _describe(action, rows, old, new):
    lines = [_("%(action)s（修订号 %(old)s → %(new)s）") % {"action": action, "old": old, "new": new}]
    lines += [f"{label}：{score if score is not None else '（空）'} {note}".rstrip() for label, score, note in rows]
    return "\n".join(lines)


# --- What changed between submissions ------------------------------------------------------------
def submission_changes(report):
    """What the department changed between its previous submission and its latest one, or None when
    the report was submitted only once. Values the workflow writes and the reviewer's 复核 are left out.
    """
    snapshots = list(
        StatusChange.objects.filter(report=report, to_status=S.DEPT_REVIEW)
        .order_by("-at", "-pk").values_list("snapshot", flat=True)[:2]
    )
    if len(snapshots) < 2:
        return None
    latest, previous = snapshots
    changes = [
        change for change in document_diff(previous, latest)
        if change["path"] not in WORKFLOW_PATHS and not change["path"].endswith(REVIEW_SUFFIXES)
    ]
    return sorted(changes, key=lambda change: path_sort_key(change["path"]))
