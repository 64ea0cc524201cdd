"""评分表: 自评得分 and 扣分原因 for every 三级 row of the year's rubric."""
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from reports.fields import LongTextField, ScoreField
from reports.forms.base import EditorForm
from reports.validators import validate_group_total, validate_score


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

    @property
    def max_points(self):
        return self.indicator.max_points

    @property
    def points_text(self):
        return _number(self.indicator.max_points)

    @property
    def suggested_text(self):
        return _number(self.entry.suggested_score) if self.entry is not None else ""


def _number(value):
    """5.00 → "5", 4.50 → "4.5"; None → ""."""
    if value is None:
        return ""
    return f"{Decimal(value).normalize():f}"


def score_name(indicator):
    return f"score__{indicator.code}"


def reason_name(indicator):
    return f"reason__{indicator.code}"


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
        super().__init__(*args, initial=initial, **kwargs)
        for indicator in self.indicators:
            score = ScoreField(label=_("自评得分"))
            reason = LongTextField(label=_("扣分原因和其他说明"), rows=1)
            self.fields[score_name(indicator)] = score
            self.fields[reason_name(indicator)] = reason
        self.style_widgets()
        self.groups = point_groups(self.indicators)
        for indicator in self.indicators:
            attrs = self.fields[score_name(indicator)].widget.attrs
            attrs.update({
                "class": attrs["class"] + " score-input", "data-max": f"{indicator.max_points:f}",
                "data-step": f"{step:f}", "data-reason": f"id_{self.add_prefix(reason_name(indicator))}",
            })
            lead = indicator.shares_points_with_id or (indicator.pk if indicator.pk in self.groups else None)
            if lead is not None:
                attrs.update({"data-group": str(lead), "data-group-max": f"{indicator.max_points:f}"})

    def field_caption(self, name):
        kind, code = name.split("__", 1)
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
            try:
                validate_score(score, indicator.max_points, step=self.step, field=name)
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

    def rows_data(self):
        """The cleaned scores as plain rows for reports.editing."""
        return [
            {
                "indicator_id": indicator.pk,
                "self_score": self.cleaned_data.get(score_name(indicator)),
                "deduction_reason": self.cleaned_data.get(reason_name(indicator), ""),
            }
            for indicator in self.indicators
        ]
