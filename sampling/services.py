"""Writing 抽评 and panels: drawing a sample, assigning re-reviewers, setting up a panel, saving and
submitting a score sheet. Each service validates, writes in one transaction and records an audit row."""
import secrets
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.enums import Event
from audit.services import audit_record
from departments.models import Membership
from reports.enums import Status
from reports.exporters.queries import totals_of, year_bands, year_reports
from reports.models import Report, ScoreEntry
from reports.validators import validate_group_total, validate_score
from sampling import draw as sampling
from sampling.enums import PanelMethod, SampleBy, SheetKind
from sampling.models import Draw, Panel, ScoreSheet, SheetRow
from sampling.selectors import original_reviewers, rereviewer_candidates

MAX_SEED = 10**12
MIN_EXPERTS = {PanelMethod.MEAN: 2, PanelMethod.TRIMMED: 3}


def score_name(indicator):
    return f"score__{indicator.code}"


def reason_name(indicator):
    return f"reason__{indicator.code}"


# --- Drawing ---------------------------------------------------------------------------------------

def candidate_ids(evaluation_year, *, offices=(), grades=(), expenditure_min=None, expenditure_max=None):
    """Ids of the year's approved reports that pass the filters, ascending: office among `offices`,
    评价等次 (the reviewed grade) among `grades`, 支出合计 within [min, max] (a report without 支出
    rows counts as 0). Empty filters let everything through. One query."""
    reports = Report.objects.filter(evaluation_year=evaluation_year, status=Status.APPROVED)
    if offices:
        reports = reports.filter(department__office__in=list(offices))
    bands = year_bands(evaluation_year)
    ids = []
    for report in year_reports(reports, evaluation_year).order_by("pk"):
        spent = report.expenditure_total or Decimal(0)
        if expenditure_min is not None and spent < expenditure_min:
            continue
        if expenditure_max is not None and spent > expenditure_max:
            continue
        if grades and totals_of(report, bands).grade not in grades:
            continue
        ids.append(report.pk)
    return ids


def draw_filters(draw):
    return {"offices": draw.offices, "grades": draw.grades, "expenditure_min": draw.expenditure_min,
            "expenditure_max": draw.expenditure_max}


def draw_size(draw, population):
    return sampling.sample_size(population, count=draw.count if draw.sample_by == SampleBy.COUNT else None,
                                share=draw.share)


def draw_repeat(draw):
    """The sample the draw's seed and filters give over today's reports: (candidate ids, drawn ids).

    Equal to the recorded ones while no report has entered or left the candidates since."""
    population = candidate_ids(draw.evaluation_year, **draw_filters(draw))
    return population, sampling.draw_sample(population, seed=draw.seed, size=draw_size(draw, len(population)))


@transaction.atomic
def draw_create(*, evaluation_year, by, sample_by, count=None, share=None, offices=(), grades=(),
                expenditure_min=None, expenditure_max=None, other_office=False, seed=None):
    """Draw a sample of the year's approved reports and record it (seed, filters, candidates, sample) with
    an audit row. Without `seed` a random one is chosen (and recorded). Raises ValidationError at a field."""
    if not by.has_perm("sampling.administer"):
        raise PermissionDenied
    if seed is None:
        seed = secrets.randbelow(MAX_SEED)
    if sample_by == SampleBy.COUNT and (count is None or count < 1):
        raise ValidationError({"count": _("请填写抽取数量（至少1份）。")})
    if sample_by == SampleBy.SHARE and (share is None or not Decimal(0) < share <= 100):
        raise ValidationError({"share": _("抽取比例应大于0且不超过100。")})
    if expenditure_min is not None and expenditure_max is not None and expenditure_min > expenditure_max:
        raise ValidationError({"expenditure_max": _("支出合计上限不能小于下限。")})
    draw = Draw(
        evaluation_year=evaluation_year, seed=seed, sample_by=sample_by,
        count=count if sample_by == SampleBy.COUNT else None, share=share if sample_by == SampleBy.SHARE else None,
        offices=sorted(int(o) for o in offices), grades=sorted(grades), expenditure_min=expenditure_min,
        expenditure_max=expenditure_max, other_office=other_office, created_by=by,
    )
    population = candidate_ids(evaluation_year, **draw_filters(draw))
    if not population:
        raise ValidationError({"__all__": _("没有符合条件的已审定报告，请放宽筛选条件。")})
    draw.population = population
    draw.drawn = sampling.draw_sample(population, seed=seed, size=draw_size(draw, len(population)))
    draw.save()
    audit_record(event=Event.ADMIN_ACTION, user=by, obj=draw, detail=(
        f"抽评抽样：种子 {seed}，范围 {len(population)} 份，抽中 {len(draw.drawn)} 份 "
        f"(报告 {', '.join(map(str, draw.drawn))})；条件 {draw_filters(draw)}"
    ))
    return draw


@transaction.atomic
def sheet_assign(*, draw, report, scorer, by):
    """Make `scorer` the re-reviewer of `report` in `draw` (replacing an earlier one whose sheet is not
    submitted; their scores go with it). Never the report's original reviewer nor a member of its
    department; with draw.other_office, not a reviewer of its office. Audited."""
    if not by.has_perm("sampling.administer"):
        raise PermissionDenied
    if report.pk not in draw.drawn:
        raise ValidationError({"scorer": _("该报告不在本次抽评样本中。")})
    if scorer.pk in original_reviewers(report):
        raise ValidationError({"scorer": _("复核人不能是该报告的原审核人。")})
    if not rereviewer_candidates(report, other_office=draw.other_office).filter(pk=scorer.pk).exists():
        raise ValidationError({"scorer": _("该用户不能复核此报告（须为其他科室或本单位以外的财政审核人）。")
                               if draw.other_office else _("该用户不能复核此报告。")})
    sheet = ScoreSheet.objects.select_for_update().filter(draw=draw, report=report).first()
    if sheet is not None and sheet.is_submitted:
        raise ValidationError({"scorer": _("复核已提交，不能更换复核人。")})
    if sheet is None:
        sheet = ScoreSheet.objects.create(kind=SheetKind.REREVIEW, draw=draw, report=report, scorer=scorer)
    elif sheet.scorer_id != scorer.pk:
        sheet.rows.all().delete()
        sheet.scorer, sheet.total = scorer, None
        sheet.save()
    audit_record(event=Event.ADMIN_ACTION, user=by, obj=sheet, detail=f"抽评 #{draw.pk} 指定复核人 {scorer.username}")
    return sheet


# --- Panels ----------------------------------------------------------------------------------------

@transaction.atomic
def panel_create(*, report, experts, method, by):
    """Set up an expert panel on `report`: one sheet per expert (at least two, three for a trimmed mean;
    none a member of the report's department). Audited."""
    if not by.has_perm("sampling.administer"):
        raise PermissionDenied
    experts = list({e.pk: e for e in experts}.values())
    if len(experts) < MIN_EXPERTS[method]:
        raise ValidationError({"experts": _("%(method)s至少需要%(n)d名专家。") % {
            "method": PanelMethod(method).label, "n": MIN_EXPERTS[method]}})
    members = set(Membership.objects.filter(department=report.department_id).values_list("user_id", flat=True))
    if any(e.pk in members for e in experts):
        raise ValidationError({"experts": _("专家不能是被评价单位的人员。")})
    panel = Panel.objects.create(report=report, method=method, created_by=by)
    ScoreSheet.objects.bulk_create(
        ScoreSheet(kind=SheetKind.EXPERT, panel=panel, report=report, scorer=e) for e in experts
    )
    audit_record(event=Event.ADMIN_ACTION, user=by, obj=panel,
                 detail=f"专家评审：{PanelMethod(method).label}，专家 {', '.join(e.username for e in experts)}")
    return panel


def _finalise(panel):
    totals = list(panel.sheets.values_list("total", flat=True))
    panel.final_score = sampling.panel_score(totals, trim=panel.method == PanelMethod.TRIMMED)
    panel.finalised_at = timezone.now()
    panel.save(update_fields=["final_score", "finalised_at"])


# --- Score sheets ----------------------------------------------------------------------------------

def sheet_indicators(sheet):
    """The 三级 rows of the report's rubric, in order (with the rows whose 分值 they share)."""
    return list(sheet.report.evaluation_year.rubric.indicators.filter(level=3)
                .select_related("shares_points_with", "parent").order_by("order"))


def sheet_rows_check(indicators, entries, values, *, step, complete):
    """Problems of a sheet's scores as {field name: [message]}.

    `values` maps indicator id -> (score or None, reason). Each score lies within 0..分值 in steps of
    `step` (a suggested score is always allowed); a score that differs from 自评得分 needs a reason;
    rows sharing one 分值 may not together exceed it; with `complete` (submitting) every row is scored.
    """
    errors = {}
    for indicator in indicators:
        if indicator.pk not in values:
            continue
        score, reason = values[indicator.pk]
        entry = entries.get(indicator.pk)
        try:
            validate_score(score, indicator.max_points, step=step, field=score_name(indicator), label=_("得分"),
                           exact=(entry.suggested_score if entry else None,))
        except ValidationError as error:
            errors.setdefault(score_name(indicator), []).extend(error.message_dict[score_name(indicator)])
            continue
        if score is None and complete:
            errors.setdefault(score_name(indicator), []).append(_("提交前请为每一项评分。"))
        own = entry.self_score if entry else None
        if score is not None and score != own and not reason.strip():
            errors.setdefault(reason_name(indicator), []).append(_("得分与自评得分不同，请填写评分理由。"))
    groups = {}
    for indicator in indicators:
        if indicator.shares_points_with_id:
            groups.setdefault(indicator.shares_points_with, []).append(indicator)
    for lead, members in groups.items():
        group = [lead, *members]
        if any(m.pk not in values for m in group):
            continue
        try:
            validate_group_total([m.label for m in group], [values[m.pk][0] for m in group], lead.points,
                                 field=score_name(lead))
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                errors.setdefault(field_name, []).extend(messages)
    return errors


@transaction.atomic
def sheet_save(*, sheet, values, by, submit=False):
    """Save the scorer's scores (`values`: indicator id -> (score or None, reason)); with `submit` every
    row must be scored and the sheet becomes read-only. When the last expert of a panel submits, the
    panel's score is computed and stored. Raises PermissionDenied or ValidationError({field: [...]})."""
    sheet = ScoreSheet.objects.select_for_update().select_related("report__evaluation_year").get(pk=sheet.pk)
    if not by.has_perm("sampling.score_sheet", sheet):
        raise PermissionDenied(_("评分已提交，不能再修改。"))
    indicators = sheet_indicators(sheet)
    entries = {e.indicator_id: e for e in ScoreEntry.objects.filter(report=sheet.report_id)}
    errors = sheet_rows_check(indicators, entries, values, step=sheet.report.evaluation_year.score_step,
                              complete=submit)
    if errors:
        raise ValidationError(errors)
    existing = {row.indicator_id: row for row in sheet.rows.all()}
    for indicator in indicators:
        score, reason = values.get(indicator.pk, (None, ""))
        row = existing.get(indicator.pk)
        if score is None:
            if row is not None:
                row.delete()
            continue
        if row is None:
            SheetRow.objects.create(sheet=sheet, indicator=indicator, score=score, reason=reason.strip())
        elif (row.score, row.reason) != (score, reason.strip()):
            row.score, row.reason = score, reason.strip()
            row.save(update_fields=["score", "reason"])
    scores = [v[0] for v in values.values() if v[0] is not None]
    sheet.total = sum(scores, Decimal(0)) if scores else None
    if submit:
        sheet.submitted_at = timezone.now()
    sheet.save(update_fields=["total", "submitted_at"])
    if submit:
        audit_record(event=Event.ADMIN_ACTION, user=by, obj=sheet, detail=f"{sheet.get_kind_display()}提交：合计 {sheet.total}")
        if sheet.panel_id is not None:
            panel = Panel.objects.select_for_update().get(pk=sheet.panel_id)
            if not panel.sheets.filter(submitted_at__isnull=True).exists():
                _finalise(panel)
    return sheet
