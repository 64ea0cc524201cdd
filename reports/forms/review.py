"""The reviewers' forms: the head's decision, the finance reviewer's 复核 and decision, reopening, the
reviewer's queue filters and the public digest check. Forms only validate; reports.review saves."""
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import F
from django.utils.translation import gettext_lazy as _

from reports.editing import SECTION_TITLES
from reports.enums import Status
from reports.fields import LongTextField, ScoreField
from reports.forms.base import EditorForm
from reports.forms.scores import point_groups
from reports.limits import text_limit
from reports.review import review_note_name, review_rows_check, review_score_name

SAVE, APPROVE, RETURN = "save", "approve", "return"


class DecisionForm(EditorForm):
    """What a head or a reviewer posts: the opinion, a return comment and the button pressed.

    The buttons are <button name="action" value="save|approve|return">. Approving needs the
    opinion, returning needs the comment; the other field may stay blank.
    """

    revision = forms.IntegerField(widget=forms.HiddenInput)
    action = forms.ChoiceField(choices=[(SAVE, _("保存")), (APPROVE, _("通过")), (RETURN, _("退回"))])
    # The opinion prints in a 意见 box of 四 (and a comment may become it): both have the opinion's limit.
    opinion = LongTextField(label=_("部门（单位）意见"), rows=3, max_length=text_limit("Report", "dept_opinion"))
    comment = LongTextField(label=_("退回理由"), rows=2, help_text=_("退回时必填：说明需要修改的内容。"),
                            max_length=min(text_limit("Report", "dept_opinion"), text_limit("StatusChange", "comment")))

    # What a return is about: the clerk's editor highlights these, the next review shows what changed there.
    return_sections = forms.MultipleChoiceField(
        label=_("退回涉及的章节"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(key, _(title)) for key, title in SECTION_TITLES.items()],
    )
    return_rows = forms.MultipleChoiceField(label=_("退回涉及的评分表指标"), required=False,
                                            widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, opinion_label=None, indicators=(), **kwargs):
        super().__init__(*args, **kwargs)
        if opinion_label:
            self.fields["opinion"].label = opinion_label
        self.fields["return_rows"].choices = [(indicator.code, indicator.label) for indicator in indicators]

    def marks(self):
        """The return's marks as reports.review.report_decide takes them."""
        return {"sections": self.cleaned_data.get("return_sections") or [],
                "rows": self.cleaned_data.get("return_rows") or []}

    def row_marks(self):
        """{三级 code: its checkbox} for placing each row's mark beside the row."""
        return {box.data["value"]: box for box in self["return_rows"]}

    def clean(self):
        cleaned = super().clean()
        action = cleaned.get("action")
        if action == RETURN and not (cleaned.get("comment") or "").strip():
            self.add_error("comment", _("请填写退回理由，说明需要修改的内容。"))
        if action == APPROVE and not (cleaned.get("opinion") or "").strip():
            self.add_error("opinion", _("请填写%(label)s。") % {"label": self.fields["opinion"].label})
        return cleaned


@dataclass
class ReviewRow:
    """One 三级 row on the review page: the indicator, its entry and the two inputs."""

    indicator: object
    entry: object
    score: object
    note: object
    group_head: object = None  # the 二级 indicator when this row starts a new 二级 group
    mark: object = None  # the row's 退回 mark checkbox

    @property
    def self_score(self):
        return self.entry.self_score if self.entry else None

    @property
    def flagged(self):
        return bool(self.entry and self.entry.flagged)


class ReviewForm(DecisionForm):
    """The finance reviewer's page: 复核得分 and 复核说明 per 三级 row, 财政部门归口业务科室意见, and
    a return comment. A blank 复核得分 means the row keeps its 自评得分."""

    compact = True

    def __init__(self, *args, indicators, entries, step, **kwargs):
        self.indicators = list(indicators)
        self.entries = entries  # {indicator id: ScoreEntry}
        self.step = step
        initial = kwargs.pop("initial", None) or {}
        for indicator in self.indicators:
            entry = entries.get(indicator.pk)
            if entry is not None:
                initial.setdefault(review_score_name(indicator), entry.review_score)
                initial.setdefault(review_note_name(indicator), entry.review_note)
        super().__init__(*args, initial=initial, opinion_label=_("财政部门归口业务科室意见"),
                         indicators=self.indicators, **kwargs)
        for indicator in self.indicators:
            self.fields[review_score_name(indicator)] = ScoreField(label=_("复核得分"))
            self.fields[review_note_name(indicator)] = LongTextField(
                label=_("复核说明"), rows=1, max_length=text_limit("ScoreEntry", "review_note"),
            )
        self.style_widgets()
        self.groups = point_groups(self.indicators)
        for indicator in self.indicators:
            attrs = self.fields[review_score_name(indicator)].widget.attrs
            attrs.update({"class": attrs["class"] + " score-input", "data-max": f"{indicator.max_points:f}"})

    def rows(self):
        rows, previous_parent = [], None
        marks = self.row_marks()
        for indicator in self.indicators:
            rows.append(ReviewRow(
                indicator=indicator, entry=self.entries.get(indicator.pk),
                score=self[review_score_name(indicator)], note=self[review_note_name(indicator)],
                group_head=indicator.parent if indicator.parent_id != previous_parent else None,
                mark=marks.get(indicator.code),
            ))
            previous_parent = indicator.parent_id
        return rows

    def clean(self):
        cleaned = super().clean()
        values = {  # a score that is not a number already has its message and is left out
            i.pk: (cleaned[review_score_name(i)], (cleaned.get(review_note_name(i)) or "").strip())
            for i in self.indicators if review_score_name(i) in cleaned
        }
        for name, messages in review_rows_check(self.indicators, self.entries, values, step=self.step).items():
            for message in messages:
                self.add_error(name, message)
        return cleaned

    def rows_data(self):
        """The cleaned 复核 as plain rows for reports.review."""
        return [
            {
                "indicator_id": indicator.pk,
                "review_score": self.cleaned_data.get(review_score_name(indicator)),
                "review_note": (self.cleaned_data.get(review_note_name(indicator)) or "").strip(),
            }
            for indicator in self.indicators
        ]


class ReopenForm(EditorForm):
    reason = LongTextField(
        label=_("重新打开的理由"), rows=3, required=True, max_length=text_limit("StatusChange", "comment"),
        error_messages={"required": _("请填写重新打开的理由。")},
    )


FLAGS = (
    ("flagged", _("自评高于建议得分")),
    ("reviewed", _("已复核")),
    ("returned", _("曾被退回")),
)


# The queue's sort orders: choice -> order_by fields (the paginator appends the primary key).
QUEUE_SORTS = {
    "code": ("-evaluation_year__year", "department__code"),
    "submitted": ("-evaluation_year__year", "submitted_at", "department__code"),
    # Never-submitted reports last on every database (PostgreSQL sorts NULL first when descending).
    "submitted_desc": ("-evaluation_year__year", F("submitted_at").desc(nulls_last=True), "department__code"),
}


class QueueFilterForm(forms.Form):
    """The reviewer's queue: 年度, 状态, 部门（单位）(预算编码 or part of the name), a flag and the order;
    every filter optional."""

    year = forms.TypedChoiceField(label=_("年度"), coerce=int, required=False)
    status = forms.ChoiceField(label=_("状态"), required=False, choices=[("", _("全部状态")), *Status.choices])
    department = forms.CharField(label=_("部门（单位）"), required=False, max_length=100,
                                 widget=forms.TextInput(attrs={"placeholder": _("预算编码或名称")}))
    flag = forms.ChoiceField(label=_("标记"), required=False, choices=[("", _("全部")), *FLAGS])
    sort = forms.ChoiceField(label=_("排序"), required=False, choices=[
        ("code", _("按预算编码")), ("submitted", _("按提交时间（早→晚）")), ("submitted_desc", _("按提交时间（晚→早）")),
    ])

    def __init__(self, *args, years, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [("", _("全部年度")), *((y, f"{y}") for y in years)]
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-control form-control-sm" if name == "department" else \
                "form-select form-select-sm"

    def order(self):
        return QUEUE_SORTS[(self.cleaned_data.get("sort") if self.is_valid() else "") or "code"]


class VerifyPdfForm(forms.Form):
    """A PDF to compare with the approved one; its file arrives hashed (reports.verification.DigestedUpload)."""

    pdf = forms.FileField(label=_("审定报告PDF文件"), error_messages={"required": _("请选择要比对的PDF文件。")},
                          widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".pdf,application/pdf"}))

    def __init__(self, *args, max_bytes, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def clean_pdf(self):
        upload = self.cleaned_data["pdf"]
        if getattr(upload, "too_large", False):
            raise ValidationError(_("文件超过%(mb)sMB，无法比对。") % {"mb": self.max_bytes // (1024 * 1024)})
        if not hasattr(upload, "sha256"):  # only DigestUploadHandler's uploads can be compared
            raise ValidationError(_("请选择要比对的PDF文件。"))
        return upload


class VerifyForm(forms.Form):
    digest = forms.CharField(
        label=_("审定内容摘要（SHA-256）"), max_length=200, required=False,
        widget=forms.TextInput(attrs={"class": "form-control font-monospace", "autocomplete": "off",
                                      "spellcheck": "false"}),
    )
