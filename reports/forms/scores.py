"""评分表: 自评得分 and 扣分原因 for every 三级 row of the year's rubric."""
import functools
import json
from dataclasses import dataclass
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from reports.fields import CountField, LongTextField, ScoreField
from reports.forms.base import EditorForm, style_field
from reports.limits import text_limit
from reports.validators import validate_group_total, validate_score
from scoring.enums import RuleKind
from scoring.evaluate import row_suggestion

# A checklist item is answered 符合 or 不符合, or not yet (blank): only a fully answered list scores.
CHECK_CHOICES = (("", "—"), ("1", _("符合")), ("0", _("不符合")))


@dataclass
class ScoreRow:
    """One 三级 row as the page shows it: the indicator, its stored entry and the two inputs."""

    indicator: object
    entry: object
    score: object
    reason: object
    group_head: object = None  # the 二级 indicator when this row starts a new 二级 group
    shared_with: object = None  # the lead indicator when the row shares its 分值
    is_group_lead: bool = False  # the row holding a 分值 that others share
    checks: tuple = ()  # (item label with points, bound field) for checklist rules
    violations: object = None  # bound count field for violations counted by people

    @property
    def max_points(self):
        return self.indicator.max_points

    @property
    def points_text(self):
        return _number(self.indicator.max_points)

    @property
    def suggested_text(self):
        return _number(self.entry.suggested_score) if self.entry is not None else ""

    @property
    def checks_open(self):
        """The 逐项核对 panel opens once any item is answered, stored or only just chosen (a refused save)."""
        return any(field.value() not in (None, "") for _label, field in self.checks)

    @property
    def live(self):
        """The row's rule as static/app/scores.js recomputes the suggestion while people answer (JSON), ""
        for a row without answers or counts. The server's suggestion (scoring.rules) stays authoritative."""
        params = self.indicator.rule_params or {}
        full = _number(self.indicator.max_points)
        if self.checks:
            return json.dumps({"rule": "checklist", "full": full, "items": [
                {"label": item["label"], "points": _number(item["points"])} for item in checklist_items(self.indicator)
            ]}, ensure_ascii=False)
        if self.violations is not None and not params.get("population"):
            return json.dumps({
                "rule": "violations", "full": full, "per_case": _number(params["per_case"]),
                "label": str(params.get("count_label") or _("不符合要求")), "unit": str(params.get("unit") or _("例")),
            }, ensure_ascii=False)
        return ""


def _number(value):
    """5.00 → "5", 4.50 → "4.5"; None → ""."""
    if value is None:
        return ""
    return f"{Decimal(value).normalize():f}"


def score_name(indicator):
    return f"score__{indicator.code}"


def reason_name(indicator):
    return f"reason__{indicator.code}"


def check_name(indicator, index):
    return f"check__{indicator.code}__{index}"


def violations_name(indicator):
    return f"violations__{indicator.code}"


def checklist_items(indicator):
    """The ticked items of a checklist rule, [] for any other rule."""
    if indicator.rule_kind != RuleKind.CHECKLIST:
        return []
    return list((indicator.rule_params or {}).get("items", ()))


def counts_violations(indicator):
    """A violations rule whose count people enter (not one read from 基础数据)."""
    return indicator.rule_kind == RuleKind.VIOLATIONS and "count" not in (indicator.rule_params or {})


def point_groups(indicators):
    """{lead indicator id: [rows of the group, lead first]} for rows that share one 分值."""
    groups = {}
    for indicator in indicators:
        lead_id = indicator.shares_points_with_id
        if lead_id is not None:
            groups.setdefault(lead_id, [])
            groups[lead_id].append(indicator)
    by_id = {i.pk: i for i in indicators}
    return {lead: [by_id[lead], *members] for lead, members in groups.items() if lead in by_id}


class CheckField(forms.ChoiceField):
    """A checklist item's 符合 / 不符合: its choices are CHECK_CHOICES, never changed, so a copy shares them
    (ChoiceField's own copy deep-copies them, lazy texts and all: three times the rest of the field)."""

    def __deepcopy__(self, memo):
        return forms.Field.__deepcopy__(self, memo)


@functools.cache
def _field_kinds():
    """Each kind of the 评分表's fields, built and styled once per process: a page of 60 fields copies them (a
    copy costs a third of building one). The labels are lazy: the same in every language."""
    kinds = {
        "score": ScoreField(label=_("自评得分")),
        "reason": LongTextField(label=_("扣分原因和其他说明"), rows=1,
                                max_length=text_limit("ScoreEntry", "deduction_reason")),
        "check": CheckField(label="", choices=CHECK_CHOICES, required=False),
        "violations": CountField(label=""),
    }
    for field in kinds.values():
        style_field(field, compact=ScoresForm.compact)
    return kinds


def _shallow(obj):
    """copy.copy(obj) for a field or widget (plain attributes, no __copy__ or __getstate__ of their own) without
    copy's reduce protocol."""
    clone = object.__new__(type(obj))
    clone.__dict__.update(obj.__dict__)
    return clone


def fresh_copy(kind):
    """copy.deepcopy(kind) for the prototypes of _field_kinds, written out: what Field.__deepcopy__ (a copy with
    its own widget, error messages and validators) and Widget.__deepcopy__ (its own attrs) do, without deepcopy's
    memo and copy's reduce protocol. A page copies 60 of them. tests/reports/test_forms.py compares both."""
    field = _shallow(kind)
    widget = field.widget = _shallow(kind.widget)
    widget.attrs = kind.widget.attrs.copy()  # the one select (CheckField's) shares its fixed choices, as the field does
    field.error_messages = kind.error_messages.copy()
    field.validators = kind.validators[:]
    return field


def _labelled(kind, label):
    field = fresh_copy(kind)
    field.label = label
    return field


class ScoresForm(EditorForm):
    """One pair of inputs per 三级 indicator; `indicators` come ordered, with parent and shared lead loaded."""

    compact = True

    def __init__(self, *args, indicators, entries, step, **kwargs):
        self.indicators = list(indicators)
        self.entries = entries  # {indicator id: ScoreEntry}
        self.step = step
        initial = kwargs.pop("initial", None) or {}
        for indicator in self.indicators:
            entry = entries.get(indicator.pk)
            if entry is not None:
                initial.setdefault(score_name(indicator), entry.self_score)
                initial.setdefault(reason_name(indicator), entry.deduction_reason)
                inputs = entry.inputs or {}
                checked = inputs.get("checked") if isinstance(inputs.get("checked"), list) else []
                for index, value in enumerate(checked):
                    initial.setdefault(check_name(indicator, index), "" if value is None else ("1" if value else "0"))
                initial.setdefault(violations_name(indicator), inputs.get("violations"))
        super().__init__(*args, initial=initial, **kwargs)
        kinds = _field_kinds()
        for indicator in self.indicators:
            self.fields[score_name(indicator)] = fresh_copy(kinds["score"])
            self.fields[reason_name(indicator)] = fresh_copy(kinds["reason"])
            for index, item in enumerate(checklist_items(indicator)):
                self.fields[check_name(indicator, index)] = _labelled(kinds["check"], item["label"])
            if counts_violations(indicator):
                self.fields[violations_name(indicator)] = _labelled(
                    kinds["violations"], (indicator.rule_params or {}).get("count_label") or _("不符合要求例数"))
        self.style_widgets()
        self.groups = point_groups(self.indicators)
        for indicator in self.indicators:
            attrs = self.fields[score_name(indicator)].widget.attrs
            attrs.update({
                "class": attrs["class"] + " score-input", "data-max": f"{indicator.max_points:f}",
                "data-step": f"{step:f}", "data-reason": f"id_{self.add_prefix(reason_name(indicator))}",
            })
            entry = entries.get(indicator.pk)
            if entry is not None and entry.suggested_score is not None:
                attrs["data-suggested"] = _number(entry.suggested_score)  # valid whatever the step
            lead = indicator.shares_points_with_id or (indicator.pk if indicator.pk in self.groups else None)
            if lead is not None:
                attrs.update({"data-group": str(lead), "data-group-max": f"{indicator.max_points:f}"})

    def field_caption(self, name):
        code = name.split("__")[1]
        label = next((i.label for i in self.indicators if i.code == code), code)
        return f"{label} · {self.fields[name].label}"

    def rows(self):
        rows, previous_parent = [], None
        for indicator in self.indicators:
            rows.append(ScoreRow(
                indicator=indicator, entry=self.entries.get(indicator.pk),
                score=self[score_name(indicator)], reason=self[reason_name(indicator)],
                group_head=indicator.parent if indicator.parent_id != previous_parent else None,
                shared_with=indicator.shares_points_with, is_group_lead=indicator.pk in self.groups,
                checks=tuple(
                    (f"{item['label']}（{_number(item['points'])}分）", self[check_name(indicator, index)])
                    for index, item in enumerate(checklist_items(indicator))
                ),
                violations=self[violations_name(indicator)] if counts_violations(indicator) else None,
            ))
            previous_parent = indicator.parent_id
        return rows

    def clean(self):
        cleaned = super().clean()
        for indicator in self.indicators:
            name = score_name(indicator)
            if name not in cleaned:
                continue
            score = cleaned[name]
            entry = self.entries.get(indicator.pk)
            exact = (entry.suggested_score if entry is not None else None,
                     row_suggestion(indicator, self._inputs(indicator)))
            try:
                validate_score(score, indicator.max_points, step=self.step, field=name, exact=exact)
            except ValidationError as error:
                self.add_error(None, error)
        for members in self.groups.values():
            names = [score_name(m) for m in members]
            if any(n not in cleaned for n in names):
                continue
            try:
                validate_group_total(
                    [m.label for m in members], [cleaned[n] for n in names], members[0].points, field=names[0],
                )
            except ValidationError as error:
                self.add_error(None, error)
        return cleaned

    def _inputs(self, indicator):
        """What people ticked or counted for the row's rule, as ScoreEntry.inputs holds it (None: no such input)."""
        items = checklist_items(indicator)
        if items:
            answers = [self.cleaned_data.get(check_name(indicator, i)) or "" for i in range(len(items))]
            if not any(answers):
                return {"checked": None}  # nothing answered: the row keeps no answers at all
            return {"checked": [None if a == "" else a == "1" for a in answers]}
        if counts_violations(indicator):
            return {"violations": self.cleaned_data.get(violations_name(indicator))}
        return None

    def rows_data(self):
        """The cleaned scores as plain rows for reports.editing."""
        rows = []
        for indicator in self.indicators:
            row = {
                "indicator_id": indicator.pk,
                "self_score": self.cleaned_data.get(score_name(indicator)),
                "deduction_reason": self.cleaned_data.get(reason_name(indicator), ""),
            }
            inputs = self._inputs(indicator)
            if inputs is not None:
                row["inputs"] = inputs
            rows.append(row)
        return rows
