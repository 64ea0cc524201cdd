"""Loading reports as the plain data reports.consistency checks, in a fixed number of queries.

`check_data_for(reports)` reads any number of reports with prefetches (so the home page's query
count does not grow with its rows); `report_check(report)` gives one report's problems and the
state of each editor section; `report_check_cached(report)` the same through Django's cache, for the
pages that show it on every render (submit always checks afresh).
"""
import hashlib
from dataclasses import dataclass

from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count, Max, Prefetch, prefetch_related_objects
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from budgets.models import BaseData
from reports.consistency import SECTION_KEYS, report_problems, section_states
from reports.editing import BASE_DATA_FIELDS, COVER_FIELDS, SIGNOFF_FIELDS
from reports.enums import Category, Status
from reports.models import Report
from reports.narrative import TEXT_FIELDS
from reports.workflow import move
from scoring.services import frozen_rubric_scored_rows
from targets.yearend import results_check_data, targets_for_reports, targets_marker

TABLE_RELATIONS = {
    "income": "income_rows", "expenditure": "expenditure_rows",
    "three_public": "three_public_rows", "fixed_asset": "fixed_asset_rows",
}
RELATIONS = (
    "tasks", "qualitative_goals", "quantitative_indicators", "evaluators", "scores", "base_data", "narrative",
    *TABLE_RELATIONS.values(),
)
DEFAULTS = {
    "evaluation_method": Report._meta.get_field("evaluation_method").default,
    "evaluation_body": Report._meta.get_field("evaluation_body").default,
}


def _row_values(row, exclude=("id", "report", "order")):
    return {f.name: getattr(row, f.name) for f in row._meta.fields if f.name not in exclude}


def _report_data(report, third_level, evidence):
    """`third_level`: the rubric's 三级 rows; `evidence`: {row code: current 佐证材料}."""
    entries = {e.indicator_id: e for e in report.scores.all()}
    scores = []
    for indicator in third_level:
        entry = entries.get(indicator.pk)
        scores.append({
            "code": indicator.code, "label": indicator.label, "points": indicator.max_points,
            "lead": indicator.shares_points_with.code if indicator.shares_points_with_id else None,
            "category": (indicator.rule_params or {}).get("category"),
            "self_score": entry.self_score if entry else None,
            "deduction_reason": entry.deduction_reason if entry else "",
            "suggested_score": entry.suggested_score if entry else None,
            "suggestion_trace": entry.suggestion_trace if entry else "",
            "flagged": entry.flagged if entry else False,
            "requires_evidence": indicator.requires_evidence,
            "evidence_count": evidence.get(indicator.code, 0),
        })
    quantitative = {c.value: [] for c in Category}
    for row in report.quantitative_indicators.all():
        quantitative.setdefault(row.category, []).append({"target": row.target, "actual": row.actual})
    base = getattr(report, "base_data", None)
    narrative = getattr(report, "narrative", None)
    defaults = dict(DEFAULTS, issuer=report.department.bureau.issuer if report.department.bureau_id else "")
    return {
        "report": {name: getattr(report, name) for name in (*COVER_FIELDS, *SIGNOFF_FIELDS)},
        "defaults": defaults,
        "tasks": [{"text": t.text} for t in report.tasks.all()],
        **{key: [_row_values(r) for r in getattr(report, rel).all()] for key, rel in TABLE_RELATIONS.items()},
        "base_data": {n: getattr(base, n) for n in BASE_DATA_FIELDS} if isinstance(base, BaseData) else None,
        "qualitative": [{"target": g.target, "actual": g.actual} for g in report.qualitative_goals.all()],
        "quantitative": quantitative,
        "scores": scores,
        "score_step": report.evaluation_year.score_step,
        "narrative": {n: getattr(narrative, n) for n in TEXT_FIELDS} if narrative is not None else None,
        "evaluators": [{"name": e.name, "title": e.title, "unit": e.unit} for e in report.evaluators.all()],
    }


def _evidence_by_code(report, third_level):
    """{评分表 row code: current 佐证材料} from the current_evidence prefetch (evidence.Evidence through its
    reverse relation; a file on a row names its indicator, any other none)."""
    codes, counts = {row.pk: row.code for row in third_level}, {}
    for row in report.current_evidence:
        code = codes.get(row.indicator_id)
        if code is not None:
            counts[code] = counts.get(code, 0) + 1
    return counts


def check_data_for(reports, evidence=None):
    """{report pk: plain data} for `reports` (Report objects with evaluation_year and department loaded).

    `evidence`: {report pk: EvidenceState} for reports whose files the page has read already (evidence_state);
    the others' are read here. A report exists, so its year's rubric is frozen (scoring.services.frozen_rubric)."""
    reports, evidence = list(reports), evidence or {}
    current_evidence = Prefetch(
        "evidence_files", queryset=Report._meta.get_field("evidence_files").related_model.objects.current(),
        to_attr="current_evidence",
    )
    prefetch_related_objects(reports, *RELATIONS, "department__bureau", "evaluation_year__rubric")
    prefetch_related_objects([r for r in reports if r.pk not in evidence], current_evidence)
    # No query for a report whose targets_marker (an editor page reads it first) has just found none approved.
    targets = targets_for_reports([r for r in reports if not getattr(r, "_no_approved_targets", False)])
    data = {}
    for report in reports:
        third_level, state = frozen_rubric_scored_rows(report.evaluation_year.rubric), evidence.get(report.pk)
        by_code = _evidence_by_code(report, third_level) if state is None else {
            key.removeprefix("scores/"): count for key, count in state.counts.items() if key.startswith("scores/")
        }
        data[report.pk] = {
            **_report_data(report, third_level, by_code), "targets": results_check_data(targets.get(report.pk)),
        }
    return data


@dataclass
class ReportCheck:
    """One report's problems and the state of each editor section."""

    problems: list
    states: dict

    @property
    def blocking(self):
        return [p for p in self.problems if p.blocking]

    @property
    def warnings(self):
        return [p for p in self.problems if not p.blocking]

    def by_section(self):
        return {key: [p for p in self.problems if p.section == key] for key in SECTION_KEYS}


def checks_for(reports, evidence=None):
    """{report pk: ReportCheck} for many reports at once (`evidence` as check_data_for takes it)."""
    checks = {}
    for pk, data in check_data_for(reports, evidence).items():
        problems = report_problems(data)
        checks[pk] = ReportCheck(problems=problems, states=section_states(data, problems))
    return checks


def report_check(report, evidence=None):
    """The ReportCheck of one report (`evidence`: its EvidenceState, when the page has read it)."""
    return checks_for([report], None if evidence is None else {report.pk: evidence})[report.pk]


# A backstop only: every change the check reads moves a part of the key (see _check_key).
CHECK_CACHE_SECONDS = 600


@dataclass(frozen=True)
class EvidenceState:
    """A report's 佐证材料 as the editor's pages need them, read in one query."""

    marker: tuple  # (rows, newest pk, removed rows, newest removal): what the check's cache key holds
    counts: dict  # {place key: current files}: the 佐证材料（n） links (evidence.labels.place_key's keys)


def evidence_state(report):
    """The report's EvidenceState from its file rows, removed ones too (through the reverse relation: reports
    imports nothing of evidence). A current file is one not removed whose 定量 row still exists, as
    evidence.models.EvidenceQuerySet.current has it; tests/reports/test_checks_submit.py compares both."""
    rows = report.evidence_files.values_list("pk", "removed_at", "place", "indicator__code", "quantitative_id",
                                             "section")
    counts, count, last, removed, last_removed = {}, 0, None, 0, None
    for pk, removed_at, place, code, quantitative_id, section in rows:
        count += 1
        last = pk if last is None else max(last, pk)
        if removed_at is not None:
            removed += 1
            last_removed = removed_at if last_removed is None else max(last_removed, removed_at)
            continue
        if place == "quantitative":
            if quantitative_id is None:
                continue
            key = f"quantitative/{quantitative_id}"
        else:
            key = f"scores/{code}" if place == "score" else f"section/{section}"
        counts[key] = counts.get(key, 0) + 1
    return EvidenceState(marker=(count, last, removed, last_removed), counts=counts)


def _check_key(report, evidence=None):
    """The cache key of a report's check: everything its result depends on that can change.

    The report's own rows move `revision` (every save, import and workflow move claims it); files and
    approved targets do not, so their markers are read (two small queries, one when `evidence` is given): the
    evidence rows' count, newest pk, removals and newest removal, and targets.yearend.targets_marker. The year's score step and the
    bureau's issuer come with the report; the rubric is frozen once the year has reports. Per process
    (LocMemCache) or shared: the key holds what a save elsewhere changes, so no invalidation is needed."""
    if evidence is None:
        files = report.evidence_files.aggregate(
            count=Count("pk"), last=Max("pk"), removed=Count("removed_at"), last_removed=Max("removed_at"),
        )
        marker = (files["count"], files["last"], files["removed"], files["last_removed"])
    else:
        marker = evidence.marker
    year = report.evaluation_year
    issuer = report.department.bureau.issuer if report.department.bureau_id else ""
    parts = (
        report.pk, report.revision, report.status, report.updated_at, year.pk, year.rubric_id, year.score_step,
        issuer, *marker, targets_marker(report),
        get_language(),
    )
    return "report-check:" + hashlib.sha256(repr(parts).encode()).hexdigest()


def report_check_cached(report, evidence=None):
    """report_check(report), kept in the cache until the report, its files or its approved targets change.

    For display (the editor's navigation and warnings, the check page). Nothing is prefetched on `report`
    when the result comes from the cache. `evidence`: the report's EvidenceState when the page read it already
    (its marker is the key's)."""
    key = _check_key(report, evidence)
    result = cache.get(key)
    if result is None:
        result = report_check(report, evidence)
        cache.set(key, result, CHECK_CACHE_SECONDS)
    return result


class SubmitBlocked(Exception):
    """The report cannot be submitted yet (problems left, or changed since it was checked)."""


def report_submit(*, report, revision, by):
    """草稿 → 部门审核 through reports.workflow.move, only when nothing on the check list blocks.

    Locks the report, refuses when it changed since the check page the user saw (`revision`) or when
    any blocking problem is left, then moves it. Returns the moved report. Raises SubmitBlocked or
    PermissionDenied.
    """
    if not by.has_perm("reports.submit_report", report):
        raise PermissionDenied(_("这份报告当前不能提交。"))
    with transaction.atomic():
        locked = Report.objects.select_for_update().select_related("evaluation_year", "department").get(pk=report.pk)
        if locked.revision != revision:
            raise SubmitBlocked(_("报告在您检查之后又被修改过，请重新检查后再提交。"))
        blocking = report_check(locked).blocking
        if blocking:
            raise SubmitBlocked(_("还有%(count)s个问题需要处理，暂不能提交。") % {"count": len(blocking)})
        return move(locked, Status.DEPT_REVIEW, by=by)
