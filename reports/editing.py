"""Saving the editor's sections, the revision check that stops silent overwrites, and copy forward.

Every save is one transaction that first moves Report.revision from the revision the form was
loaded with to the next one (UPDATE … WHERE revision = n): when someone else saved in between,
nothing is written and StaleRevision is raised, so the view can show both versions.
"""
import logging

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.enums import Event
from audit.services import audit_record
from budgets import validators as bv
from budgets.models import PREVIOUS_YEAR_FIGURES, BaseData, ExpenditureRow, FixedAssetRow, IncomeRow, ThreePublicRow
from budgets.money import total
from reports.enums import EDITABLE, Category
from reports.history import document_diff, record_edit
from reports.interchange import report_export
from reports.models import Evaluator, Narrative, QualitativeGoal, QuantitativeIndicator, Report, ScoreEntry, Task
from reports.narrative import TEXT_FIELDS
from reports.validators import validate_group_total, validate_headcount, validate_score
from scoring.evaluate import report_score, row_suggestion
from scoring.services import frozen_rubric_scored_rows
from targets.yearend import results_snapshot, results_write

logger = logging.getLogger(__name__)

COVER_FIELDS = (
    "evaluation_method", "evaluation_body", "report_date", "issuer",
    "contact_name", "contact_phone", "staff_quota", "actual_headcount",
    "in_service_count", "retired_count", "temporary_count", "functions", "achievements",
)
SIGNOFF_FIELDS = ("leader_name", "leader_signed_on", "filler_name", "filler_phone")
BASE_DATA_FIELDS = tuple(f.name for f in BaseData._meta.fields if f.name not in ("id", "report"))

SECTION_TITLES = {
    "cover": "封面和基本概况", "finance": "收支情况", "base-data": "基础数据", "goals": "绩效目标",
    "scores": "评分表", "narrative": "评价报告综述", "people": "评价人员和填报人",
}

# prefix -> (model, row validator) of the four 收支 tables.
TABLES = {
    "income": (IncomeRow, bv.validate_income_row),
    "expenditure": (ExpenditureRow, bv.validate_expenditure_row),
    "three_public": (ThreePublicRow, bv.validate_three_public_row),
    "fixed_asset": (FixedAssetRow, bv.validate_fixed_asset_row),
}


class StaleRevision(Exception):
    """The report was saved by someone else since the form was loaded."""

    def __init__(self, current_revision):
        super().__init__(current_revision)
        self.current_revision = current_revision


def _fields_of(model):
    return [f.name for f in model._meta.fields if f.name not in ("id", "report", "order")]


def _sync_rows(manager, model, rows, fields):
    """Make the report's rows of `model` exactly `rows` (dicts with optional `id`), in that order.

    Rows whose id is not one of this report's rows are created anew, so a forged id cannot touch
    another report's data. Only the rows and fields that differ are written (a save usually changes one cell).
    """
    existing = {row.pk: row for row in manager.all()}
    keep, create, update, changed_fields = set(), [], [], set()
    for position, values in enumerate(rows, start=1):
        row = existing.get(values.get("id"))
        if row is None:
            row = model(report=manager.instance, order=position)
            create.append(row)
        else:
            keep.add(row.pk)
        changed = set()
        if row.order != position:
            row.order = position
            changed.add("order")
        for name in fields:
            value = values.get(name)
            value = "" if value is None and _is_text(model, name) else value
            if getattr(row, name) != value:
                setattr(row, name, value)
                changed.add(name)
        if changed and row.pk is not None:
            update.append(row)
            changed_fields |= changed
    stale = [pk for pk in existing if pk not in keep]
    if stale:
        model.objects.filter(pk__in=stale).delete()
    if update:
        model.objects.bulk_update(update, [name for name in (*fields, "order") if name in changed_fields])
    if create:
        model.objects.bulk_create(create)


def _is_text(model, name):
    return model._meta.get_field(name).get_internal_type() in ("CharField", "TextField")


def _clean_text_values(model, values, fields):
    return {n: ("" if values.get(n) is None and _is_text(model, n) else values.get(n)) for n in fields}


def _validate_rows(rows, validator):
    for values in rows:
        validator(values)


def _save_cover(report, data):
    values = _clean_text_values(Report, data.get("report", {}), COVER_FIELDS)
    validate_headcount(values)
    Report.objects.filter(pk=report.pk).update(**values)
    _sync_rows(report.tasks, Task, data.get("tasks", []), ["text"])


def _save_finance(report, data):
    for prefix, (model, validator) in TABLES.items():
        rows = data.get(prefix, [])
        _validate_rows(rows, validator)
        _sync_rows(getattr(report, model._meta.default_related_name), model, rows, _fields_of(model))


def _save_base_data(report, data):
    values = {n: data.get("base_data", {}).get(n) for n in BASE_DATA_FIELDS}
    bv.validate_base_data(values)
    BaseData.objects.update_or_create(report=report, defaults=values)


def _save_goals(report, data):
    _sync_rows(report.qualitative_goals, QualitativeGoal, data.get("qualitative_goals", []), ["target", "actual"])
    if "results" in data:
        # With approved targets the 定量 part is their 完成情况; the free-text rows stay as they were.
        results_write(report, data["results"])
        return
    rows = []
    for category in Category.values:
        rows.extend({**row, "category": category} for row in data.get("quantitative", {}).get(category, []))
    _sync_rows(report.quantitative_indicators, QuantitativeIndicator, rows, ["category", "target", "actual"])


def _save_scores(report, data):
    # The report exists: its year's rubric is frozen (scoring.services.frozen_rubric); its rows are shared, read only.
    indicators = {i.pk: i for i in frozen_rubric_scored_rows(report.evaluation_year.rubric)}
    step = report.evaluation_year.score_step
    existing = {e.indicator_id: e for e in report.scores.all()}
    create, update, by_indicator = [], [], {}
    for row in data.get("scores", []):
        indicator = indicators.get(row.get("indicator_id"))
        if indicator is None:
            raise ValidationError(_("评分表中没有这一指标。"))
        score, reason = row.get("self_score"), row.get("deduction_reason") or ""
        entry = existing.get(indicator.pk)
        inputs = {**(entry.inputs or {} if entry else {}), **(row.get("inputs") or {})}
        exact = (entry.suggested_score if entry else None, row_suggestion(indicator, inputs))
        validate_score(score, indicator.max_points, step=step, exact=exact)
        by_indicator[indicator.pk] = score
        if entry is None:
            before = None
            entry = ScoreEntry(report=report, indicator=indicator, self_score=score, deduction_reason=reason)
            create.append(entry)
        else:
            before = (entry.self_score, entry.deduction_reason, entry.inputs)
            entry.self_score, entry.deduction_reason = score, reason
        if "inputs" in row:  # what people ticked or counted replaces those keys (None removes one), others stay
            merged = {**(entry.inputs or {}), **row["inputs"]}
            entry.inputs = {key: value for key, value in merged.items() if value is not None}
        if before is not None and (entry.self_score, entry.deduction_reason, entry.inputs) != before:
            update.append(entry)  # only the rows that differ are written
    groups = {}
    for indicator in indicators.values():
        if indicator.shares_points_with_id:
            groups.setdefault(indicator.shares_points_with, []).append(indicator)
    for lead, members in groups.items():
        group = [lead, *members]
        validate_group_total([m.label for m in group], [by_indicator.get(m.pk) for m in group], lead.points)
    if update:
        ScoreEntry.objects.bulk_update(update, ["self_score", "deduction_reason", "inputs"])
    if create:
        ScoreEntry.objects.bulk_create(create)


def _save_narrative(report, data):
    values = {n: data.get("narrative", {}).get(n) or "" for n in TEXT_FIELDS}
    Narrative.objects.update_or_create(report=report, defaults=values)


def _save_people(report, data):
    values = _clean_text_values(Report, data.get("report", {}), SIGNOFF_FIELDS)
    Report.objects.filter(pk=report.pk).update(**values)
    _sync_rows(report.evaluators, Evaluator, data.get("evaluators", []), ["name", "title", "unit"])


# The parts of the interchange document each section's writer changes: a save reads and compares these alone,
# before and after (tests/reports/test_section_parts.py checks that no other part of the whole document moves).
SECTION_PARTS = {
    "cover": ("cover", "overview", "tasks"),
    "finance": ("income", "expenditure", "three_public", "fixed_assets"),
    "base-data": ("base_data",),
    "goals": ("qualitative_goals", "quantitative"),
    "scores": ("scores",),
    "narrative": ("narrative",),
    "people": ("signoff", "evaluators"),
}

# The sections whose data the scoring engine reads (scoring.inputs: the cover's headcounts, the 收支 tables, 基础数据,
# the 定量目标 and approved targets' results, the 评分表): a save of any other leaves the stored suggestions as they
# are. The approved targets change outside any save: refresh_for_targets below.
SCORED_SECTIONS = frozenset({"cover", "finance", "base-data", "goals", "scores"})

WRITERS = {
    "cover": _save_cover,
    "finance": _save_finance,
    "base-data": _save_base_data,
    "goals": _save_goals,
    "scores": _save_scores,
    "narrative": _save_narrative,
    "people": _save_people,
}


def _claim_revision(report, revision):
    """Move the report from `revision` to the next one, or raise StaleRevision / PermissionDenied."""
    claimed = Report.objects.filter(pk=report.pk, revision=revision, status__in=EDITABLE).update(
        revision=F("revision") + 1, updated_at=timezone.now()
    )
    if claimed:
        return revision + 1
    current = Report.objects.filter(pk=report.pk).values("status", "revision").first()
    if current is None or current["status"] not in EDITABLE:
        raise PermissionDenied(_("报告已提交，不能再修改。"))
    raise StaleRevision(current["revision"])


class _Unchanged(Exception):
    """Raised inside the save's transaction to undo the revision claim when the writes changed nothing."""


def _state(report, section, data):
    """What a save of `section` with `data` may change: its parts of the interchange document and, when the goals
    save the approved targets' 绩效目标完成情况 (`results`, not in the document), those rows."""
    results = results_snapshot(report) if section == "goals" and "results" in data else None
    return report_export(report, parts=SECTION_PARTS[section]), results


def _same_text(value):
    """A stored text as the comparison of two versions reads it: line ends and surrounding spaces do not count."""
    if not isinstance(value, str):
        return value
    return "\n".join(line.rstrip() for line in value.replace("\r\n", "\n").replace("\r", "\n").split("\n")).strip()


def _unchanged(before, after):
    """Whether two states of a report differ in nothing a person would call a change.

    Amounts are compared as the document writes them (two decimals: 1.0 is 1.00); texts less
    trailing spaces and CR line ends (what re-posting an imported text normalises).
    """
    (doc_before, results_before), (doc_after, results_after) = before, after
    changes = document_diff(doc_before, doc_after)
    return results_before == results_after and all(
        _same_text(change["old"]) == _same_text(change["new"]) for change in changes
    )


def report_save_section(*, report, section, data, revision, by, changes=()):
    """Save one section of the editor for `by`, as one transaction, if nobody saved since `revision`.

    `data` is the section's cleaned data as plain dicts and lists (see reports.forms.sections);
    `changes` lists what differs from the stored version as (caption, old, new) for the audit log.
    Checks reports.edit_report, moves Report.revision on by one (raising StaleRevision when it is no
    longer `revision`), re-checks the shared validators, writes the section's rows and records a
    ReportEdit and a REPORT_EDIT audit event. Then refreshes the scoring engine's stored suggestions.
    Returns the new revision.

    A save that changes nothing (the stored report reads the same before and after the writes,
    see `_unchanged`) is undone whole: the revision stays `revision`, no ReportEdit and no audit
    event are written, and `revision` itself is returned. Raises PermissionDenied, StaleRevision or
    ValidationError; nothing is written then.
    """
    if section not in WRITERS:
        raise ValueError(section)
    if not by.has_perm("reports.edit_report", report):
        raise PermissionDenied(_("您没有修改这份报告的权限。"))
    try:
        with transaction.atomic():
            new_revision = _claim_revision(report, revision)
            before = _state(report, section, data)
            WRITERS[section](report, data)
            after = _state(report, section, data)
            if _unchanged(before, after):
                raise _Unchanged
            record_edit(report=report, by=by, section=section, before=before[0], after=after[0],
                        revision=new_revision)
            detail = _describe(section, changes, revision, new_revision)
            audit_record(event=Event.REPORT_EDIT, user=by, obj=report, detail=detail)
    except _Unchanged:
        report.revision = revision
        if section in SCORED_SECTIONS:
            _refresh_suggestions(report)  # advice only (not history): a rubric's change shows on any such save
        return revision
    report.revision = new_revision
    if section in SCORED_SECTIONS:
        _refresh_suggestions(report)
    return new_revision


def _describe(section, changes, revision, new_revision):
    lines = [_("保存“%(section)s”（修订号 %(old)s → %(new)s）") % {
        "section": SECTION_TITLES.get(section, section), "old": revision, "new": new_revision,
    }]
    lines += [f"{caption}：{old or '（空）'} → {new or '（空）'}" for caption, old, new in changes]
    return "\n".join(lines)


def _refresh_suggestions(report):
    """Store the scoring engine's suggestions for the new data. They are advice: a failure is logged,
    never turned into a lost save."""
    try:
        report_score(report=report)
    except Exception:  # noqa: BLE001 (advisory data must not undo a committed save)
        logger.exception("Storing score suggestions failed for report %s", report.pk)


def refresh_for_targets(sender, *, department_id, year, **kwargs):
    """targets.signals.approved_targets_changed: store the new suggestions of the department's report of that year
    while it is being filled in (the suggestions a save would store; targets.yearend reads the targets live)."""
    reports = Report.objects.filter(department_id=department_id, evaluation_year__year=year, status__in=EDITABLE)
    for report in reports.select_related("evaluation_year"):
        _refresh_suggestions(report)


# Department facts that carry over from one year to the next (the year's own figures do not).
CARRIED_FACTS = (
    "evaluation_method", "evaluation_body", "issuer", "contact_name", "contact_phone", "staff_quota",
    "actual_headcount", "in_service_count", "retired_count", "temporary_count", "functions",
)


def report_previous(report):
    """The same department's most recent report of an earlier year, or None."""
    return (
        Report.objects.filter(department_id=report.department_id, evaluation_year__year__lt=report.evaluation_year.year)
        .select_related("evaluation_year")
        .order_by("-evaluation_year__year")
        .first()
    )


def _blank(value):
    return value is None or value == ""


def report_copy_forward(*, report, revision, by):
    """Start `report` from the department's previous report, filling only what is still blank.

    Copies the department facts (CARRIED_FACTS), the 定性目标 texts (预期目标 only, 实际完成 left
    for this year) when the report has none, and the 基础数据 figures last year's report holds for this
    year (PREVIOUS_YEAR_FIGURES: 三公经费上年决算数 and 上年预算数, 上年结转结余总额) where blank.
    One transaction with the revision check of report_save_section. Returns the labels of what was
    copied (empty when nothing was). Raises PermissionDenied, StaleRevision or ValueError (no
    previous report).
    """
    if not by.has_perm("reports.edit_report", report):
        raise PermissionDenied(_("您没有修改这份报告的权限。"))
    previous = report_previous(report)
    if previous is None:
        raise ValueError("no previous report")
    copied = []
    with transaction.atomic():
        new_revision = _claim_revision(report, revision)
        current = Report.objects.get(pk=report.pk)
        facts = {
            name: getattr(previous, name) for name in CARRIED_FACTS
            if _blank(getattr(current, name)) and not _blank(getattr(previous, name))
        }
        # The model's defaults (评价方式, 评价机构) count as blank only when last year's differ.
        for name, default in (("evaluation_method", Report._meta.get_field("evaluation_method").default),
                              ("evaluation_body", Report._meta.get_field("evaluation_body").default)):
            if getattr(current, name) == default and getattr(previous, name) not in (default, ""):
                facts[name] = getattr(previous, name)
        if facts:
            Report.objects.filter(pk=report.pk).update(**facts)
            copied.append(_("部门基本情况"))
        if not current.qualitative_goals.exists():
            goals = [
                QualitativeGoal(report=current, order=g.order, target=g.target)
                for g in previous.qualitative_goals.all()
            ]
            if goals:
                QualitativeGoal.objects.bulk_create(goals)
                copied.append(_("定性目标"))
        figures = {name: value for name, value in _previous_figures(previous).items() if value is not None}
        if figures:
            base, _created = BaseData.objects.get_or_create(report=current)
            blank = [name for name in figures if getattr(base, name) is None]
            if blank:
                for name in blank:
                    setattr(base, name, figures[name])
                base.save(update_fields=blank)
                copied.append(_("基础数据（%(labels)s）") % {
                    "labels": "、".join(str(BaseData._meta.get_field(name).verbose_name) for name in blank),
                })
    report.revision = new_revision
    return copied


def _previous_figures(previous):
    """{BaseData field: value} this year's 基础数据 takes from `previous` (PREVIOUS_YEAR_FIGURES)."""
    base = BaseData.objects.filter(report=previous).first()
    figures = {name: getattr(base, source, None) for name, source in PREVIOUS_YEAR_FIGURES.items()}
    if figures["three_public_prev_final"] is None:
        figures["three_public_prev_final"] = total([row.total for row in previous.three_public_rows.all()])
    return figures
