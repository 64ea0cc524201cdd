"""Declaring targets: the list, a new declaration, the editor, the 申报表 with its workflow buttons and
history, and the 调整申请. Views are thin: they fetch through declarations_visible_to (another
department's declaration is a 404), check the named permission and call one service."""
from decimal import Decimal

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from departments.enums import Role
from departments.selectors import departments_for
from rescue.middleware import keeps_input
from rescue.services import restored_input
from targets.completion import target_text
from targets.enums import GROUPS, AdjustmentStatus, Category, Direction
from targets.forms import AdjustmentForm, AdjustRowFormSet, DeclarationForms
from targets.library import library_choices
from targets.models import DeclarationChange, TargetIndicator
from targets.notices import notice_text, notice_url, notices_for
from targets.selectors import adjustments_visible_to, declarations_visible_to
from targets.services import StaleRevision, adjustment_save, declaration_create, declaration_save
from targets.workflow import (
    ADJUSTMENT_FLOW,
    MOVE_LABELS,
    adjustment_move,
    adjustment_move_buttons,
    move,
    move_buttons,
)
from workflow.engine import confirm_text

PAGE = 50


class NewDeclarationForm(forms.Form):
    department = forms.ModelChoiceField(label=_("部门（单位）"), queryset=None, empty_label=None)
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100, error_messages={
        "invalid": _("请输入年份，如 2022。"), "min_value": _("年份不能早于2000年。"),
        "max_value": _("年份不能晚于2100年。"), "required": _("请填写年度。"),
    })

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_for(user, roles=(Role.CLERK,)).order_by("code")
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control form-control-sm"


class MoveForm(forms.Form):
    to = forms.CharField(max_length=20)
    comment = forms.CharField(required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


@login_required
def targets_home(request):
    """The declarations the user may see (newest year first, a page at a time), starting a new one, notices."""
    declarations = declarations_visible_to(request.user)
    page = Paginator(declarations, PAGE).get_page(request.GET.get("page"))
    new_form = None
    if request.user.has_perm("targets.declare"):
        new_form = NewDeclarationForm(user=request.user, initial={"year": timezone.localdate().year})
    notices = [{"notice": n, "text": notice_text(n), "url": notice_url(n)} for n in notices_for(request.user)[:20]]
    return render(request, "targets/home.html", {"page": page, "new_form": new_form, "notices": notices})


@login_required
@require_POST
def declaration_new(request):
    if not request.user.has_perm("targets.declare"):
        raise PermissionDenied(_("只有部门填报人可以申报绩效目标。"))
    form = NewDeclarationForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            declaration = declaration_create(
                department=form.cleaned_data["department"], year=form.cleaned_data["year"], by=request.user,
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("已创建%(year)s年度的绩效目标申报。") % {"year": declaration.year})
            return redirect("declaration_edit", declaration.pk)
    declarations = declarations_visible_to(request.user)
    page = Paginator(declarations, PAGE).get_page(1)
    return render(request, "targets/home.html", {"page": page, "new_form": form, "notices": []}, status=200)


def _declaration(request, pk):
    declaration = get_object_or_404(declarations_visible_to(request.user), pk=pk)
    if not request.user.has_perm("targets.view_declaration", declaration):
        raise PermissionDenied
    return declaration


def _history(declaration):
    changes = DeclarationChange.objects.filter(declaration=declaration).select_related("by")
    return [{"change": c, "label": MOVE_LABELS.get((c.from_status, c.to_status), "")} for c in changes]


@login_required
@require_http_methods(["GET", "POST"])
def declaration_detail(request, pk):
    """The 绩效目标申报表 read-only, with the moves the user may make now (a return needs a comment)."""
    declaration = _declaration(request, pk)
    form = MoveForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            to = form.cleaned_data["to"]
            try:
                moved = move(declaration, to, by=request.user, comment=form.cleaned_data["comment"])
            except ValidationError as error:
                form.add_error("comment", error.message_dict.get("comment", error.messages))
            else:
                messages.success(request, _("已%(action)s：绩效目标现为“%(status)s”。") % {
                    "action": MOVE_LABELS[(declaration.status, to)], "status": moved.get_status_display()})
                return redirect("declaration_detail", moved.pk)
    moves = move_buttons(declaration, request.user)
    return render(request, "targets/detail.html", {
        "declaration": declaration, "groups": _groups(declaration), "moves": moves, "form": form,
        "history": _history(declaration),
        "adjustments": adjustments_visible_to(request.user).filter(declaration=declaration),
        "can_edit": request.user.has_perm("targets.edit_declaration", declaration),
        "can_adjust": request.user.has_perm("targets.request_adjustment", declaration),
    })


def _groups(declaration):
    """[(一级, [(二级 label, [indicators])])] of the declaration's indicators."""
    by_category = {}
    for indicator in declaration.indicators.all():
        by_category.setdefault(indicator.category, []).append(indicator)
    return [
        (title, [(c.label, by_category.get(c.value, [])) for c in categories]) for title, categories in GROUPS
    ]


@keeps_input
@login_required
@require_http_methods(["GET", "POST"])
def declaration_edit(request, pk):
    """The editor: 年度预算, tasks, 定性目标 and the indicator tree; a bad value keeps everything typed."""
    declaration = _declaration(request, pk)
    if not request.user.has_perm("targets.edit_declaration", declaration):
        messages.error(request, _("绩效目标当前为“%(status)s”，不能修改。") % {"status": declaration.get_status_display()})
        return redirect("declaration_detail", declaration.pk)
    kept = restored_input(request)
    bundle = DeclarationForms(declaration, request.POST if request.method == "POST" else kept)
    revision = declaration.revision
    if kept is not None:
        try:
            revision = int(kept.get("revision", ""))
        except ValueError:
            pass
    if request.method == "POST":
        try:
            revision = int(request.POST.get("revision", ""))
        except ValueError:
            revision = -1
        if bundle.is_valid():
            try:
                declaration_save(declaration=declaration, revision=revision, data=bundle.cleaned(), by=request.user)
            except StaleRevision as stale:
                messages.error(request, _(
                    "未保存：您打开页面后，绩效目标已被他人修改（当前修订号 %(current)s）。您填写的内容仍在下方，核对后可再次保存。")
                    % {"current": stale.current_revision})
            except ValidationError as error:
                messages.error(request, "；".join(error.messages))
            else:
                messages.success(request, _("已保存。"))
                if request.POST.get("then") == "detail":
                    return redirect("declaration_detail", declaration.pk)
                return redirect("declaration_edit", declaration.pk)
        else:
            messages.error(request, _("有%(count)s处需要修改，请看标红的字段。") % {"count": bundle.error_count()})
    return render(request, "targets/edit.html", {
        "declaration": declaration, "bundle": bundle, "revision": revision,
        "library": library_choices(declaration.department),
        "directions": Direction.choices, "categories": Category.choices,
    })


@keeps_input
@login_required
@require_http_methods(["GET", "POST"])
def adjustment_new(request, pk):
    """A 调整申请 of an approved declaration: the reason and each indicator's proposed values."""
    declaration = _declaration(request, pk)
    if not request.user.has_perm("targets.request_adjustment", declaration):
        raise PermissionDenied(_("只有本部门的填报人可以对已批复的绩效目标申请调整。"))
    indicators = list(declaration.indicators.all())
    initial = [
        {"id": i.pk, "direction": i.direction, "value": i.value, "unit": i.unit, "qualitative_value": i.qualitative_value}
        for i in indicators
    ]
    data = request.POST if request.method == "POST" else restored_input(request)
    form = AdjustmentForm(data, prefix="adjust")
    rows = AdjustRowFormSet(data, prefix="rows", initial=initial)
    if request.method == "POST" and form.is_valid() and rows.is_valid():
        cleaned = [f.cleaned_data for f in rows.forms if f.cleaned_data]
        try:
            adjustment = adjustment_save(
                declaration=declaration, reason=form.cleaned_data["reason"], rows=cleaned, by=request.user,
            )
            if request.POST.get("then") == "submit":
                adjustment = adjustment_move(adjustment, AdjustmentStatus.FINANCE_REVIEW, by=request.user)
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                for message in errors:
                    form.add_error(field if field in form.fields else None, message)
        else:
            messages.success(request, _("调整申请已保存，现为“%(status)s”。") % {"status": adjustment.get_status_display()})
            return redirect("adjustment_detail", adjustment.pk)
    return render(request, "targets/adjust.html", {
        "declaration": declaration, "form": form, "rows": list(zip(indicators, rows.forms, strict=False)), "formset": rows,
        "submit_confirm": confirm_text(ADJUSTMENT_FLOW, AdjustmentStatus.DRAFT, AdjustmentStatus.FINANCE_REVIEW),
    })


@keeps_input
@login_required
@require_http_methods(["GET", "POST"])
def adjustment_detail(request, pk):
    """One 调整申请: old → new values, its history, and the moves the user may make (a return needs a reason)."""
    adjustment = get_object_or_404(adjustments_visible_to(request.user), pk=pk)
    if not request.user.has_perm("targets.view_adjustment", adjustment):
        raise PermissionDenied
    form = MoveForm(request.POST or restored_input(request))
    if request.method == "POST" and form.is_valid():
        to = form.cleaned_data["to"]
        try:
            moved = adjustment_move(adjustment, to, by=request.user, comment=form.cleaned_data["comment"])
        except ValidationError as error:
            form.add_error("comment", error.message_dict.get("comment", error.messages))
        else:
            messages.success(request, _("调整申请现为“%(status)s”。") % {"status": moved.get_status_display()})
            return redirect("adjustment_detail", moved.pk)
    moves = adjustment_move_buttons(adjustment, request.user)
    return render(request, "targets/adjustment.html", {
        "adjustment": adjustment, "lines": adjustment_lines(adjustment), "moves": moves, "form": form,
        "history": adjustment.status_changes.select_related("by"),
    })


def adjustment_lines(adjustment):
    """Each changed indicator: name, old value text, new value text."""
    indicators = {str(i.pk): i for i in TargetIndicator.objects.filter(declaration_id=adjustment.declaration_id)}
    lines = []
    source = adjustment.previous if adjustment.status == AdjustmentStatus.APPROVED else None
    for pk, new in adjustment.proposed.items():
        indicator = indicators.get(pk)
        old = source.get(pk) if source else None
        if old is None and indicator is not None:
            old = {"direction": indicator.direction, "value": indicator.value, "unit": indicator.unit,
                   "qualitative_value": indicator.qualitative_value}
        lines.append({
            "name": (indicator.name if indicator else (old or {}).get("name", "")),
            "old": _value_text(old or {}), "new": _value_text(new),
        })
    return lines


def _value_text(values):
    value = values.get("value")
    return target_text(
        values.get("direction"), None if value in (None, "") else Decimal(str(value)),
        values.get("unit") or "", values.get("qualitative_value") or "",
    )
