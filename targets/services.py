"""Writing declarations and 调整申请: each service one transaction, revision-checked like the report editor."""
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from audit.enums import Event
from audit.services import audit_record
from targets.enums import AdjustmentStatus, Direction, Status
from targets.interchange import INDICATOR_FIELDS, declaration_read
from targets.library import library_link
from targets.models import BUDGET_FIELDS, Adjustment, Declaration, DeclaredGoal, DeclaredTask, TargetIndicator
from targets.validators import validate_indicator


class StaleRevision(Exception):
    """Saved by someone else since the form was loaded."""

    def __init__(self, current_revision):
        super().__init__(current_revision)
        self.current_revision = current_revision


def _claim(model, pk, revision):
    """Move the row's revision from `revision` to the next one, or raise StaleRevision."""
    if not model.objects.filter(pk=pk, revision=revision).update(revision=F("revision") + 1):
        raise StaleRevision(model.objects.values_list("revision", flat=True).get(pk=pk))
    return revision + 1


def _replace_rows(declaration, model, rows, fields):
    """Make the declaration's rows of `model` exactly `rows` (dicts), in that order."""
    model.objects.filter(declaration=declaration).delete()
    model.objects.bulk_create(
        model(declaration=declaration, order=position, **{n: row.get(n) for n in fields})
        for position, row in enumerate(rows, start=1)
    )


def _copy_previous(declaration):
    """Start from the department's latest earlier declaration: tasks, 定性目标 and indicators (值 as a
    starting point, adjustments forgotten)."""
    previous = (
        Declaration.objects.filter(department_id=declaration.department_id, year__lt=declaration.year)
        .order_by("-year").first()
    )
    if previous is None:
        return
    _replace_rows(declaration, DeclaredTask, [{"text": t.text} for t in previous.tasks.all()], ("text",))
    _replace_rows(declaration, DeclaredGoal, [{"text": g.text} for g in previous.goals.all()], ("text",))
    _replace_rows(declaration, TargetIndicator, [
        {**{n: getattr(i, n) for n in INDICATOR_FIELDS}, "library_id": i.library_id} for i in previous.indicators.all()
    ], (*INDICATOR_FIELDS, "library_id"))


@transaction.atomic
def declaration_create(*, department, year, by):
    """A 草稿 declaration of `department` for `year`, prefilled from its latest earlier one. Raises
    ValidationError when one exists, PermissionDenied unless `by` is the department's clerk."""
    probe = Declaration(department=department, year=year)
    if not by.has_perm("targets.edit_declaration", probe):
        raise PermissionDenied(_("只有本部门的填报人可以申报绩效目标。"))
    if Declaration.objects.filter(department=department, year=year).exists():
        raise ValidationError({"year": _("%(year)s年度的绩效目标已经申报过了。") % {"year": year}})
    try:
        with transaction.atomic():
            declaration = Declaration.objects.create(department=department, year=year)
    except IntegrityError as exc:
        raise ValidationError({"year": _("%(year)s年度的绩效目标已经申报过了。") % {"year": year}}) from exc
    _copy_previous(declaration)
    audit_record(event=Event.REPORT_EDIT, user=by, obj=declaration, detail="declaration created")
    return declaration


@transaction.atomic
def declaration_save(*, declaration, revision, data, by):
    """Save the whole declaration: `data` = {"budget": {...}, "tasks": [{"text"}], "goals": [{"text"}],
    "indicators": [{category, name, direction, value, unit, qualitative_value}]} (each indicator is
    linked to the library entry of its category and name).

    Refuses unless `by` may edit it (草稿, own department's clerk); raises StaleRevision when someone
    saved since `revision`. Returns the new revision.
    """
    if not by.has_perm("targets.edit_declaration", declaration):
        raise PermissionDenied(_("当前状态下不能修改绩效目标。"))
    for row in data.get("indicators", []):
        validate_indicator(row)
    new_revision = _claim(Declaration, declaration.pk, revision)
    locked = Declaration.objects.select_for_update().get(pk=declaration.pk)
    if locked.status != Status.DRAFT:
        raise PermissionDenied(_("当前状态下不能修改绩效目标。"))
    Declaration.objects.filter(pk=declaration.pk).update(**{n: data.get("budget", {}).get(n) for n in BUDGET_FIELDS})
    _replace_rows(locked, DeclaredTask, data.get("tasks", []), ("text",))
    _replace_rows(locked, DeclaredGoal, data.get("goals", []), ("text",))
    indicators = library_link([dict(row) for row in data.get("indicators", [])])
    _replace_rows(locked, TargetIndicator, indicators, (*INDICATOR_FIELDS, "library_id"))
    audit_record(event=Event.REPORT_EDIT, user=by, obj=locked, detail=f"declaration saved r{new_revision}")
    return new_revision


def _proposal(declaration, rows):
    """{indicator pk: new values} for the rows whose values differ from the indicator's."""
    indicators = {i.pk: i for i in declaration.indicators.all()}
    proposed = {}
    for row in rows:
        indicator = indicators.get(row.get("id"))
        if indicator is None:
            continue
        validate_indicator({**row, "name": indicator.name})
        values = {n: row.get(n) for n in ("direction", "value", "unit", "qualitative_value")}
        values["value"] = None if values["value"] is None else str(values["value"])
        if values["direction"] == Direction.QUALITATIVE:
            values["value"] = None
        current = {
            "direction": indicator.direction, "value": None if indicator.value is None else str(indicator.value),
            "unit": indicator.unit, "qualitative_value": indicator.qualitative_value,
        }
        if _same(values, current):
            continue
        proposed[str(indicator.pk)] = values
    return proposed


def _same(a, b):
    def norm(v):
        return {**v, "value": None if v["value"] is None else Decimal(v["value"]).normalize()}
    return norm(a) == norm(b)


@transaction.atomic
def adjustment_save(*, declaration, adjustment=None, reason, rows, by):
    """Write a 调整申请 (new, or the caller's 草稿): its reason and the indicators whose values change.
    Raises ValidationError when nothing changes or no reason is given. Returns the Adjustment."""
    if adjustment is None:
        if not by.has_perm("targets.request_adjustment", declaration):
            raise PermissionDenied(_("只有已批复的绩效目标可以申请调整。"))
        if declaration.adjustments.exclude(status=AdjustmentStatus.APPROVED).exists():
            raise ValidationError({"reason": _("已有一份未批准的调整申请，请先处理。")})
    elif not by.has_perm("targets.submit_adjustment", adjustment):
        raise PermissionDenied(_("当前状态下不能修改调整申请。"))
    errors = {}
    if not (reason or "").strip():
        errors["reason"] = _("请填写调整理由。")
    proposed = _proposal(declaration, rows)
    if not proposed:
        errors["__all__"] = _("没有修改任何指标值。")
    if errors:
        raise ValidationError(errors)
    if adjustment is None:
        adjustment = Adjustment.objects.create(
            declaration=declaration, reason=reason.strip(), proposed=proposed, created_by=by,
        )
    else:
        Adjustment.objects.filter(pk=adjustment.pk).update(
            reason=reason.strip(), proposed=proposed, revision=F("revision") + 1,
        )
        adjustment.refresh_from_db()
    audit_record(event=Event.REPORT_EDIT, user=by, obj=adjustment, detail="adjustment saved")
    return adjustment


def declaration_import(*, declaration, document, by):
    """Replace a 草稿 declaration's content (年度预算, tasks, 定性目标, indicators) by a JSON document's
    (docs/report-format.md, 绩效目标申报). Raises ValidationError listing every problem of the document
    and writes nothing then; PermissionDenied unless `by` may edit it. Returns the new revision."""
    content = declaration_read(document)
    data = {
        "budget": content["budget"],
        "tasks": [{"text": text.strip()} for text in content["tasks"] if text.strip()],
        "goals": [{"text": text.strip()} for text in content["goals"] if text.strip()],
        "indicators": content["indicators"],
    }
    return declaration_save(declaration=declaration, revision=declaration.revision, data=data, by=by)
