"""Forms of 抽评 and panels. They only validate; sampling.services writes."""
from dataclasses import dataclass

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from departments.models import Office
from reports.fields import LongTextField, MoneyField, PercentField, ScoreField
from reports.forms.base import EditorForm
from reports.limits import text_limit
from sampling.enums import PanelMethod, SampleBy
from sampling.services import MAX_SEED, reason_name, score_name

REASON_LIMIT = text_limit("ScoreEntry", "review_note")


class DrawForm(EditorForm):
    """The admin's 抽评: year, filters, how many, and optionally a seed to repeat an earlier draw."""

    year = forms.TypedChoiceField(label=_("评价年度"), coerce=int)
    offices = forms.ModelMultipleChoiceField(
        label=_("归口业务科室"), queryset=Office.objects.order_by("name"), required=False,
        widget=forms.CheckboxSelectMultiple, help_text=_("不选则不限科室。"),
    )
    grades = forms.MultipleChoiceField(label=_("评价等次"), required=False, widget=forms.CheckboxSelectMultiple,
                                       help_text=_("不选则不限等次。"))
    expenditure_min = MoneyField(label=_("支出合计下限（万元）"))
    expenditure_max = MoneyField(label=_("支出合计上限（万元）"))
    sample_by = forms.ChoiceField(label=_("抽取方式"), choices=SampleBy.choices, initial=SampleBy.COUNT,
                                  widget=forms.RadioSelect)
    count = forms.IntegerField(label=_("抽取数量（份）"), required=False, min_value=1, max_value=100000,
                               error_messages={"invalid": _("请输入整数份数，如 3。"),
                                               "min_value": _("抽取数量至少为1份。"),
                                               "max_value": _("抽取数量过大。")})
    share = PercentField(label=_("抽取比例（%）"), help_text=_("按比例时四舍五入到整份。"))
    other_office = forms.BooleanField(label=_("复核人须来自其他科室"), required=False)
    seed = forms.IntegerField(label=_("随机种子"), required=False, min_value=0, max_value=MAX_SEED - 1,
                              help_text=_("留空则随机生成并记录；填写以前的种子和相同条件可重现同一样本。"),
                              error_messages={"invalid": _("随机种子须为非负整数。"),
                                              "min_value": _("随机种子须为非负整数。"),
                                              "max_value": _("随机种子过大。")})

    def __init__(self, *args, years, grades, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y.year, f"{y.year}年度") for y in years]
        self.fields["grades"].choices = [(g, g) for g in grades]
        for name in ("offices", "grades", "sample_by"):
            self.fields[name].widget.attrs["class"] = "form-check-input"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("sample_by") == SampleBy.COUNT and cleaned.get("count") is None and "count" not in self.errors:
            self.add_error("count", _("请填写抽取数量（至少1份）。"))
        if cleaned.get("sample_by") == SampleBy.SHARE and "share" not in self.errors:
            share = cleaned.get("share")
            if share is None or share <= 0:
                self.add_error("share", _("抽取比例应大于0且不超过100。"))
        low, high = cleaned.get("expenditure_min"), cleaned.get("expenditure_max")
        if low is not None and high is not None and low > high:
            self.add_error("expenditure_max", _("支出合计上限不能小于下限。"))
        return cleaned


class AssignForm(EditorForm):
    """One drawn report's re-reviewer, chosen among the users who may re-review it."""

    report = forms.IntegerField(widget=forms.HiddenInput)
    scorer = forms.ModelChoiceField(label=_("复核人"), queryset=User.objects.none(),
                                    error_messages={"required": _("请选择复核人。"),
                                                    "invalid_choice": _("该用户不能复核此报告。")})

    def __init__(self, *args, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scorer"].queryset = candidates
        self.fields["scorer"].label_from_instance = lambda user: f"{user.display_name}（{user.username}）"


class PanelForm(EditorForm):
    """An expert panel on an approved report: the experts and how their scores combine."""

    experts = forms.ModelMultipleChoiceField(
        label=_("专家"), queryset=User.objects.filter(is_active=True).order_by("username"),
        widget=forms.CheckboxSelectMultiple, error_messages={"required": _("请选择专家。")},
    )
    method = forms.ChoiceField(label=_("计分方法"), choices=PanelMethod.choices, initial=PanelMethod.MEAN,
                               widget=forms.RadioSelect)

    def __init__(self, *args, experts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["experts"].queryset = experts
        self.fields["experts"].label_from_instance = lambda user: f"{user.display_name}（{user.username}）"
        for name in ("experts", "method"):
            self.fields[name].widget.attrs["class"] = "form-check-input"


@dataclass
class SheetLine:
    indicator: object
    entry: object
    score: object
    reason: object
    row: object = None
    group_head: object = None


class SheetForm(EditorForm):
    """A score sheet: 得分 and 评分理由 per 三级 row. Blank scores may be saved; submitting needs them all."""

    compact = True
    action = forms.ChoiceField(choices=[("save", _("保存")), ("submit", _("提交"))], initial="save")

    def __init__(self, *args, indicators, entries, rows, **kwargs):
        self.indicators, self.entries, self.saved = indicators, entries, rows
        initial = kwargs.pop("initial", None) or {}
        for indicator in indicators:
            row = rows.get(indicator.pk)
            if row is not None:
                initial.setdefault(score_name(indicator), row.score)
                initial.setdefault(reason_name(indicator), row.reason)
        super().__init__(*args, initial=initial, **kwargs)
        for indicator in indicators:
            self.fields[score_name(indicator)] = ScoreField(label=_("得分"))
            self.fields[reason_name(indicator)] = LongTextField(label=_("评分理由"), rows=1, max_length=REASON_LIMIT)
        self.style_widgets()
        for indicator in indicators:
            attrs = self.fields[score_name(indicator)].widget.attrs
            attrs["data-max"] = f"{indicator.max_points:f}"

    def lines(self):
        lines, previous = [], None
        for indicator in self.indicators:
            lines.append(SheetLine(
                indicator=indicator, entry=self.entries.get(indicator.pk), score=self[score_name(indicator)],
                reason=self[reason_name(indicator)], row=self.saved.get(indicator.pk),
                group_head=indicator.parent if indicator.parent_id != previous else None,
            ))
            previous = indicator.parent_id
        return lines

    def values(self):
        """indicator id -> (score or None, reason) of the rows the form could read."""
        cleaned = self.cleaned_data
        return {
            i.pk: (cleaned[score_name(i)], cleaned.get(reason_name(i)) or "")
            for i in self.indicators if score_name(i) in cleaned
        }
