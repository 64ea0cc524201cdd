"""Applying a year's rubric to a report.

`evaluate(nodes, figures, entries, bands=...)` is pure: the rubric as plain nodes
(scoring.services.rubric_nodes_from_db), the report's figures and score entries as plain dicts
(scoring.inputs) in, a `ScoreSheet` out: per 三级 row the suggestion or why there is none, the
trace, 自评得分, 复核得分, whether the row is flagged and why, then the totals, the grade and the
consistency problems. `report_evaluate` gathers and applies; `report_score` also stores.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from reports.models import ScoreEntry
from scoring import framework, rules, target_rules
from scoring.enums import Level, RuleKind
from scoring.flags import flag_reasons
from scoring.grades import score_totals
from scoring.inputs import entry_values, report_entries, report_figures
from scoring.services import frozen_rubric

ZERO = Decimal(0)


@dataclass(frozen=True)
class RowResult:
    """One 三级 row of the 评分表 for one report."""

    code: str
    label: str
    points: Decimal  # the 分值 the row is scored against (its group's when shared)
    result: rules.Score | rules.NotApplicable
    self_score: Decimal | None = None
    review_score: Decimal | None = None
    deduction_reason: str = ""
    shares_points_with: str | None = None
    flag_reasons: tuple = ()

    @property
    def suggestion(self):
        return self.result.value

    @property
    def flagged(self):
        return bool(self.flag_reasons)

    @property
    def trace(self):
        return self.result.trace

    @property
    def stored_trace(self):
        """The trace as ScoreEntry.suggestion_trace keeps it: the computation, then why the row is flagged."""
        return "\n".join([self.result.trace, *self.flag_reasons])


@dataclass(frozen=True)
class ScoreSheet:
    rows: list
    self_total: Decimal | None
    review_total: Decimal | None
    grade: str | None
    problems: list = field(default_factory=list)

    @property
    def final_total(self):
        return self.review_total if self.review_total is not None else self.self_total

    @property
    def flagged(self):
        return [row for row in self.rows if row.flagged]


def _figure(figures, key, fallback=None):
    """The named figure `key`; when blank and a `fallback` key holds a value, that one, saying so; when
    both hold values that differ, `key`'s, saying which figure scored and by how much they differ."""
    label = str(rules.FIGURE_LABELS.get(key, key))
    value = figures.get(key)
    other = figures.get(fallback) if fallback else None
    if other is None:
        return rules.Figure(label, value)
    alt_label = str(rules.FIGURE_LABELS.get(fallback, fallback))
    if value is None:
        note = _("%(label)s未填写，取%(alt)s%(value)s") % {"label": label, "alt": alt_label, "value": rules.fmt(other)}
        return rules.Figure(label, other, note)
    if value != other:
        note = _("%(label)s%(value)s与%(alt)s%(other)s不一致（相差%(diff)s），按%(label)s计分") % {
            "label": label, "value": rules.fmt(value), "alt": alt_label, "other": rules.fmt(other),
            "diff": rules.fmt(value - other),
        }
        return rules.Figure(label, value, note)
    return rules.Figure(label, value)


def _deduction_params(params):
    return {
        "per_point": Decimal(str(params["per_point"])),
        "deduction": params.get("deduction", rules.PRO_RATA),
    }


def _ratio_figures(figures, params):
    return (
        _figure(figures, params["numerator"], params.get("numerator_fallback")),
        _figure(figures, params["denominator"], params.get("denominator_fallback")),
    )


def _inputs_count(inputs):
    value = inputs.get("violations")
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        return int(value)
    except ValueError:
        return None


def suggest(node, points, figures, inputs):
    """The suggestion for one 三级 row by its rule kind and parameters.

    Parameters the admin validates (scoring.validators.rubric_rule_problems) could still arrive
    broken from elsewhere; such a row says so instead of failing the whole sheet.
    """
    try:
        return _suggest(node, points, figures, inputs)
    except (KeyError, TypeError, ValueError, ArithmeticError, AttributeError):
        return rules.NotApplicable(_("计分规则参数有误，请管理员检查评分表"))


def _rate_options(params):
    return {"change": bool(params.get("change")), "absolute": bool(params.get("absolute"))}


def _suggest(node, points, figures, inputs):
    # A framework kind (在职人员控制率, …) is the ratio rule its definition gives (scoring.framework).
    kind, params = framework.expand(node["rule_kind"], node.get("rule_params") or {})
    if kind == RuleKind.CAPPED_RATIO:
        numerator, denominator = _ratio_figures(figures, params)
        return rules.capped_ratio(
            numerator, denominator, full=points, limit=Decimal(str(params.get("limit", "100"))),
            **_rate_options(params), **_deduction_params(params),
        )
    if kind == RuleKind.FLOOR_RATIO:
        numerator, denominator = _ratio_figures(figures, params)
        return rules.floor_ratio(
            numerator, denominator, full=points, floor=Decimal(str(params.get("floor", "100"))),
            **_rate_options(params), **_deduction_params(params),
        )
    if kind == RuleKind.BANDS:
        if "value" in params:
            value = _figure(figures, params["value"], params.get("value_fallback"))
            return rules.bands(table=params["bands"], full=points, value=value)
        numerator, denominator = _ratio_figures(figures, params)
        return rules.bands(table=params["bands"], full=points, numerator=numerator, denominator=denominator,
                           **_rate_options(params))
    if kind == RuleKind.TARGET_COMPLETION:
        return target_rules.suggest(params, points, figures)
    if kind == RuleKind.BALANCE:
        return rules.balance(
            accumulated=_figure(figures, "expenditure.accumulated_surplus"),
            current=_figure(figures, "expenditure.current_surplus"),
            income_total=_figure(figures, "income.total"), expenditure_total=_figure(figures, "expenditure.total"),
            carryover=_figure(figures, "income.carried_over"),
            none=Decimal(str(params.get("none", points))), within=Decimal(str(params.get("within_carryover", "0"))),
            above=Decimal(str(params.get("above_carryover", "0"))),
        )
    if kind == RuleKind.CHECKLIST:
        items = [(item["label"], Decimal(str(item["points"]))) for item in params.get("items", ())]
        checked = inputs.get("checked")
        if isinstance(checked, list) and len(checked) == len(items) and None not in checked:
            checked = [bool(c) for c in checked]
        elif isinstance(checked, list) and any(c is not None for c in checked):
            return rules.missing(_("尚有%(count)s项未逐项核对") % {
                "count": len(items) - sum(1 for c in checked[:len(items)] if c is not None),
            })
        else:
            checked = None
        return rules.checklist(items=items, checked=checked, full=points)
    if kind == RuleKind.VIOLATIONS:
        if "count" in params:
            count = _figure(figures, params["count"])
        else:
            count = rules.Figure(params.get("count_label") or _("不符合要求"), _inputs_count(inputs))
            if count.value is None:
                return rules.missing(_("尚未填写%(label)s的例数") % {"label": count.label})
        population = _figure(figures, params["population"]) if params.get("population") else None
        return rules.violations(count, full=points, per_case=Decimal(str(params["per_case"])),
                                unit=params.get("unit") or _("例"), population=population)
    if params.get("source") == "external":
        return rules.manual(_("此项根据区综合绩效考核领导小组办公室对部门工作实绩的考核分数折算，由人工填报，系统不计算建议得分"))
    if params.get("category"):
        return rules.manual(_("效益指标由部门对照定量目标的完成情况自评，系统不计算建议得分"))
    return rules.manual(_("此项由人工评分，系统不计算建议得分"))


def row_suggestion(indicator, inputs=None, figures=None):
    """The exact suggested score of one 三级 `indicator` (rule_kind, rule_params, max_points) from
    what people ticked or counted (`inputs`) and, where given, the report's `figures`; None when
    the rule cannot suggest one. Forms and imports accept this value whatever the score step."""
    node = {"rule_kind": indicator.rule_kind, "rule_params": indicator.rule_params}
    return suggest(node, Decimal(indicator.max_points), figures or {}, inputs or {}).value


def _flag_reasons(node, result, self_score, figures):
    category = (node.get("rule_params") or {}).get("category")
    return flag_reasons(
        self_score=self_score, suggestion=result.value if result.applicable else None, category=category,
        none_declared=bool(category and figures.get("declared_none", {}).get(category)),
    )


def _problems(rows):
    """Consistency problems: a score below its 分值 without 扣分原因 (per group for shared 分值), a group over."""
    problems, groups = [], {}
    leads = {row.shares_points_with for row in rows if row.shares_points_with}
    for row in rows:
        if row.shares_points_with or row.code in leads:
            groups.setdefault(row.shares_points_with or row.code, []).append(row)
            continue
        if row.self_score is not None and row.self_score < row.points and not row.deduction_reason.strip():
            problems.append(_("“%(label)s”自评得分%(self)s分，低于分值%(points)s分，未填写扣分原因。") % {
                "label": row.label, "self": rules.fmt(row.self_score), "points": rules.fmt(row.points),
            })
    for members in groups.values():
        scores = [row.self_score for row in members if row.self_score is not None]
        if not scores:
            continue
        summed, points = sum(scores, ZERO), members[0].points
        labels = "、".join(row.label for row in members)
        if summed > points:
            problems.append(_("%(labels)s共用分值%(max)s分，得分合计%(sum)s分，超过分值。") % {
                "labels": labels, "max": rules.fmt(points), "sum": rules.fmt(summed),
            })
        elif summed < points and not any(row.deduction_reason.strip() for row in members):
            problems.append(_("%(labels)s共用分值%(max)s分，自评得分合计%(sum)s分，未填写扣分原因。") % {
                "labels": labels, "max": rules.fmt(points), "sum": rules.fmt(summed),
            })
    return problems


def evaluate(nodes, figures, entries, bands=()):
    """Apply rubric `nodes` to a report's `figures` and score `entries` (all plain data): a ScoreSheet."""
    points_of = {node["code"]: node["points"] for node in nodes}
    rows = []
    for node in nodes:
        if node["level"] != Level.THIRD:
            continue
        lead = node.get("shares_points_with")
        points = Decimal(points_of[lead] if lead else node["points"])
        entry = entries.get(node["code"], {})
        result = suggest(node, points, figures, entry.get("inputs") or {})
        self_score = entry.get("self_score")
        rows.append(RowResult(
            code=node["code"], label=node["label"], points=points, result=result,
            self_score=self_score, review_score=entry.get("review_score"),
            deduction_reason=entry.get("deduction_reason") or "", shares_points_with=lead,
            flag_reasons=_flag_reasons(node, result, self_score, figures),
        ))
    self_total, review_total, grade = score_totals(((row.self_score, row.review_score) for row in rows), bands)
    return ScoreSheet(rows=rows, self_total=self_total, review_total=review_total, grade=grade,
                      problems=_problems(rows))


def report_evaluate(report, entries=None):
    """Gather `report`'s figures and entries (`entries`: already read, as report_entries gives them) and apply
    its year's rubric (reads only; the report exists, so the rubric is frozen: scoring.services.frozen_rubric)."""
    year = report.evaluation_year
    bands = [(band.label, band.min_score) for band in year.grade_bands.all()]
    entries = report_entries(report) if entries is None else entries
    return evaluate(frozen_rubric(year.rubric).nodes, report_figures(report), entries, bands)


@transaction.atomic
def report_score(*, report):
    """Store each 三级 row's suggested_score, suggestion_trace and flagged on the report's ScoreEntry rows.

    Creates the missing ScoreEntry rows (one per 三级 indicator of the year's rubric) and touches no
    other field, so a clerk's 自评得分 saved meanwhile is kept. Returns the ScoreSheet.

    The rows are locked and read once, before the evaluation, which takes them from there."""
    codes = {row.pk: row.code for row in frozen_rubric(report.evaluation_year.rubric).scored_rows}

    def locked():
        return {e.indicator_id: e for e in ScoreEntry.objects.filter(report=report).order_by("pk").select_for_update()}

    entries = locked()
    missing = [ScoreEntry(report=report, indicator_id=pk) for pk in codes if pk not in entries]
    if missing:
        ScoreEntry.objects.bulk_create(missing)
        entries = locked()
    # evaluate reads the entries of the rubric's 三级 rows only (the save refuses any other row).
    plain = {codes[pk]: entry_values(entry) for pk, entry in entries.items() if pk in codes}
    sheet = report_evaluate(report, entries=plain)
    ids = {code: pk for pk, code in codes.items()}
    changed = []
    for row in sheet.rows:
        entry = entries[ids[row.code]]
        stored = (row.suggestion, row.stored_trace, row.flagged)
        if (entry.suggested_score, entry.suggestion_trace, entry.flagged) != stored:
            entry.suggested_score, entry.suggestion_trace, entry.flagged = stored
            changed.append(entry)
    if changed:
        ScoreEntry.objects.bulk_update(changed, ["suggested_score", "suggestion_trace", "flagged"])
    return sheet
