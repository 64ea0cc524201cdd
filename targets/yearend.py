"""The approved targets in the year-end report: read-only targets, the department's 实际值, 完成率.

The report reads its department's approved declaration of the report's year (with any approved
调整申请 already applied to it), so the targets are never retyped; IndicatorResult holds what the
department enters. Loaded for many reports at once in a fixed number of queries (the home page's
check lists). Nothing here imports reports: the report's services call these functions.
"""
from dataclasses import dataclass

from django.db.models import Count, Max, Prefetch

from targets.completion import Completion, completion
from targets.enums import AdjustmentStatus, Category, Status
from targets.models import Adjustment, Declaration, IndicatorResult, TargetIndicator


@dataclass
class ResultRow:
    indicator: TargetIndicator
    result: IndicatorResult | None
    completion: Completion

    @property
    def category_label(self):
        return Category(self.indicator.category).label

    @property
    def deviation_reason(self):
        return self.result.deviation_reason if self.result else ""

    @property
    def needs_reason(self):
        return self.completion.shortfall and not self.deviation_reason.strip()


@dataclass
class ReportTargets:
    declaration: Declaration
    rows: list
    adjustments: list  # the approved 调整申请, oldest first

    @property
    def adjusted(self):
        return bool(self.adjustments)


def _completion(indicator, result):
    if result is None:
        return completion(indicator.direction, target=indicator.value)
    return completion(indicator.direction, target=indicator.value, actual=result.actual_value, outcome=result.outcome)


def targets_for_reports(reports):
    """{report pk: ReportTargets} for the reports (with evaluation_year loaded) whose department has an
    approved declaration of the report's year; three queries whatever the number of reports."""
    reports = list(reports)
    if not reports:
        return {}
    keys = {(r.department_id, r.evaluation_year.year): r for r in reports}
    declarations = (
        Declaration.objects.filter(
            status=Status.APPROVED, department_id__in={k[0] for k in keys}, year__in={k[1] for k in keys},
        )
        .select_related("department")
        .prefetch_related(
            Prefetch("indicators", queryset=TargetIndicator.objects.order_by("order", "pk")),
            Prefetch("adjustments", queryset=Adjustment.objects.filter(status=AdjustmentStatus.APPROVED)
                     .order_by("approved_at", "pk"), to_attr="approved_adjustments"),
        )
    )
    by_key = {(d.department_id, d.year): d for d in declarations if (d.department_id, d.year) in keys}
    results = {}
    if by_key:
        report_ids = [keys[k].pk for k in by_key]
        for result in IndicatorResult.objects.filter(report_id__in=report_ids):
            results[(result.report_id, result.indicator_id)] = result
    found = {}
    for key, declaration in by_key.items():
        report = keys[key]
        rows = []
        for indicator in declaration.indicators.all():
            result = results.get((report.pk, indicator.pk))
            rows.append(ResultRow(indicator=indicator, result=result, completion=_completion(indicator, result)))
        found[report.pk] = ReportTargets(
            declaration=declaration, rows=rows, adjustments=declaration.approved_adjustments,
        )
    return found


def targets_marker(report):
    """What moves whenever the approved targets a report reads change: (declaration pk, revision, approved
    调整申请 count, latest approval), or None without approved targets. A cache key for reports.checks_submit
    (an approval or a return moves the declaration's revision; an approved 调整申请 rewrites its indicators
    without it). One small query on every editor page, a second only when the department has approved targets."""
    found = list(
        Declaration.objects.filter(
            status=Status.APPROVED, department_id=report.department_id, year=report.evaluation_year.year,
        ).order_by().values_list("pk", "revision")[:1]  # one per department and year: no order (and no join)
    )
    # Left on the report for report_targets in the same request: "none approved" needs no second query.
    report._no_approved_targets = not found
    if not found:
        return None
    pk, revision = found[0]
    approved = Adjustment.objects.filter(declaration_id=pk, status=AdjustmentStatus.APPROVED).aggregate(
        count=Count("pk"), last=Max("approved_at"),
    )
    return (pk, revision, approved["count"], approved["last"] and approved["last"].isoformat())


def report_targets(report):
    """The ReportTargets of one report, or None when its department has no approved targets for its year (known
    without a query once targets_marker read it for this report instance, as an editor page does first)."""
    if getattr(report, "_no_approved_targets", False):
        return None
    return targets_for_reports([report]).get(report.pk)


def results_write(report, rows):
    """Store the 完成情况 rows ({"indicator": pk, "actual_value", "outcome", "deviation_reason"}) of the
    report's approved indicators; rows naming any other indicator are ignored. The caller holds the
    report's transaction and revision."""
    targets = report_targets(report)
    if targets is None:
        return
    allowed = {row.indicator.pk for row in targets.rows}
    existing = {r.indicator_id: r for r in IndicatorResult.objects.filter(report_id=report.pk)}
    create, update = [], []
    for row in rows:
        pk = row.get("indicator")
        if pk not in allowed:
            continue
        result = existing.get(pk) or IndicatorResult(report_id=report.pk, indicator_id=pk)
        result.actual_value = row.get("actual_value")
        result.outcome = row.get("outcome") or ""
        result.deviation_reason = (row.get("deviation_reason") or "").strip()
        (update if result.pk else create).append(result)
    IndicatorResult.objects.bulk_create(create)
    if update:
        IndicatorResult.objects.bulk_update(update, ["actual_value", "outcome", "deviation_reason"])


def results_snapshot(report):
    """The report's stored 完成情况 as comparable data: sorted (indicator, 实际值, outcome, 偏差原因) tuples."""
    return sorted(
        IndicatorResult.objects.filter(report_id=report.pk)
        .values_list("indicator_id", "actual_value", "outcome", "deviation_reason")
    )


def results_check_data(targets):
    """The plain data the report's check list reads: one dict per approved indicator."""
    if targets is None:
        return None
    return [
        {
            "name": row.indicator.name, "category": row.category_label, "entered": row.completion.met is not None,
            "shortfall": row.completion.shortfall, "reason": row.deviation_reason,
        }
        for row in targets.rows
    ]


def export_rows(targets):
    """The targets and their 完成情况 as the report's interchange document holds them."""
    return [
        {
            "category": row.indicator.category, "name": row.indicator.name, "direction": row.indicator.direction,
            "value": None if row.indicator.value is None else str(row.indicator.value), "unit": row.indicator.unit,
            "qualitative_value": row.indicator.qualitative_value, "adjusted": row.indicator.adjusted_by_id is not None,
            "actual_value": None if not row.result or row.result.actual_value is None else str(row.result.actual_value),
            "outcome": row.result.outcome if row.result else "",
            "deviation_reason": row.deviation_reason,
            "completion_rate": None if row.completion.rate is None else str(row.completion.rate),
            "shortfall": row.completion.shortfall,
        }
        for row in targets.rows
    ]
