"""The editor's sections: each builds its forms for a report, validates them and hands plain data on.

A section's `cleaned()` is the `data` of reports.editing.report_save_section; `values()` is the
same shape from what is stored (unbound) or what was typed (bound and valid), so two versions of
a section can be compared field by field (`flatten`).
"""
import datetime
from decimal import Decimal

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import prefetch_related_objects
from django.forms import BaseFormSet
from django.utils.translation import gettext_lazy as _

from budgets.money import fmt_money
from reports.editing import BASE_DATA_FIELDS, COVER_FIELDS, SIGNOFF_FIELDS
from reports.enums import Category
from reports.forms.cover import CoverForm, EvaluatorFormSet, SignOffForm, TaskFormSet
from reports.forms.finance import TABLE_FORMSETS, TABLES, BaseDataForm
from reports.forms.goals import (
    QUANTITATIVE_GROUPS,
    QualitativeGoalFormSet,
    QuantitativeIndicatorFormSet,
    category_prefix,
    number_rows,
)
from reports.forms.scores import ScoresForm
from reports.forms.texts import NarrativeForm
from reports.limits import quantitative_count_problems
from reports.models import Narrative
from reports.narrative import TEXT_FIELDS
from scoring.inputs import report_mirrors
from scoring.services import frozen_rubric_scored_rows
from targets.forms import ResultsForm
from targets.yearend import report_targets


def _rows_initial(rows, fields):
    return [{"id": row.pk, **{name: getattr(row, name) for name in fields}} for row in rows]


def _formset(cls, prefix, data, rows, fields):
    return cls(data=data, prefix=prefix, initial=_rows_initial(rows, fields))


class Section:
    key = ""
    title = ""
    template = ""

    def __init__(self, report, data=None):
        self.report = report
        self.is_bound = data is not None
        self.parts = self.build(data)  # name -> (title, form or formset)

    def build(self, data):
        raise NotImplementedError

    def __getitem__(self, name):
        return self.parts[name][1]

    @property
    def forms(self):
        """{name: form or formset}, for templates."""
        return {name: part for name, (_title, part) in self.parts.items()}

    def part_list(self):
        """[(name, title, form or formset)] in page order, for templates."""
        return [(name, title, part) for name, (title, part) in self.parts.items()]

    def is_valid(self):
        results = [part.is_valid() for _title, part in self.parts.values()]
        return all(results)

    def error_count(self):
        count = 0
        for _title, part in self.parts.values():
            if isinstance(part, BaseFormSet):
                count += sum(len(e) for e in part.errors) + len(part.non_form_errors())
            else:
                count += sum(len(e) for e in part.errors.values())
        return count

    def part_values(self, name, *, stored=False):
        """What the part holds: cleaned data when bound (and valid), the initial values otherwise.

        `stored`: the initial values even when bound, that is what is stored (a bound section is built from the same
        rows as an unbound one, so a save reads the stored version without building the section a second time)."""
        part = self[name]
        typed = self.is_bound and not stored
        if isinstance(part, BaseFormSet):
            return part.rows() if typed else [dict(row) for row in part.initial or []]
        if typed:
            return {n: part.cleaned_data.get(n) for n in part.fields}
        return {n: part.initial.get(n, part.fields[n].initial) for n in part.fields}

    def cleaned(self):
        raise NotImplementedError


class CoverSection(Section):
    key, title, template = "cover", _("封面和基本概况"), "reports/editor/cover.html"

    def build(self, data):
        report = self.report
        initial = {name: getattr(report, name) for name in COVER_FIELDS}
        if not report.issuer:
            initial["issuer"] = report.department.bureau.issuer
        return {
            "cover": (_("封面和基本概况"), CoverForm(data, prefix="cover", initial=initial)),
            "tasks": (_("年度主要工作内容"), _formset(TaskFormSet, "tasks", data, report.tasks.all(), ("text",))),
        }

    def cleaned(self):
        return {"report": self.part_values("cover"), "tasks": self.part_values("tasks")}


class FinanceSection(Section):
    key, title, template = "finance", _("收支情况"), "reports/editor/finance.html"

    def build(self, data):
        # The tables once for both the forms and tables()'s 基础数据 comparison (scoring.inputs.report_mirrors);
        # nothing is read again when the check list's prefetches already filled them.
        prefetch_related_objects([self.report], *(model._meta.default_related_name for *_rest, model in TABLES))
        parts = {}
        name = self.report.department.name
        for prefix, title, form, model in TABLES:
            rows = getattr(self.report, model._meta.default_related_name).all()
            fields = ("org_name", *form.money_fields)
            if rows:
                formset = _formset(TABLE_FORMSETS[prefix], prefix, data, rows, fields)
            else:
                # An empty table starts with one row for the department itself (its name can be changed).
                formset = TABLE_FORMSETS[prefix](data=data, prefix=prefix, initial=[{"org_name": name}],
                                                 form_kwargs={"prefilled_org_name": name})
            parts[prefix] = (title, formset)
        return parts

    def part_values(self, name, *, stored=False):
        # What is stored: the department's name prefilled in an empty table is no stored row.
        if stored or not self.is_bound:
            return [dict(row) for row in self[name].initial or [] if row.get("id")]
        return super().part_values(name)

    def tables(self):
        """[(prefix, title, formset, notes)]: each table with the 基础数据 figures that disagree with it.

        The difference is also said in the cell that holds the table's figure: under the column's input when the
        table has one 机构 row, under the column's 合计 when it has more (`mirror_notes`, editor_tags.row_cells)."""
        notes = {}
        parts = self.part_list()
        formsets = {name: part for name, _title, part in parts}
        for mirror in report_mirrors(self.report):
            if not mirror.differs:
                continue
            values = {
                "base": mirror.base_label, "base_value": fmt_money(mirror.base_value), "table": mirror.table_label,
                "table_value": fmt_money(mirror.table_value), "diff": fmt_money(mirror.difference)}
            notes.setdefault(mirror.table, []).append(_(
                "基础数据中的%(base)s为%(base_value)s万元，与本表%(table)s%(table_value)s万元相差%(diff)s万元；"
                "评分按基础数据计算，请核对。") % values)
            _mark_mirror_cell(formsets[mirror.table], mirror.column,
                              _("基础数据为%(base_value)s万元，相差%(diff)s万元") % values)
        return [(name, title, part, notes.get(name, [])) for name, title, part in parts]

    def cleaned(self):
        return {prefix: self.part_values(prefix) for prefix, *_rest in TABLES}


def _mark_mirror_cell(formset, column, note):
    """Say `note` under the one row's `column` input, or under the column's 合计 when there are several rows."""
    if len(formset.forms) != 1:
        formset.mirror_notes = {**getattr(formset, "mirror_notes", {}), column: note}
        return
    form = formset.forms[0]
    form.mirror_notes = {**getattr(form, "mirror_notes", {}), column: note}
    widget = form.fields[column].widget
    widget.attrs["class"] = widget.attrs.get("class", "") + " mirror-mismatch"


class BaseDataSection(Section):
    key, title, template = "base-data", _("基础数据"), "reports/editor/simple.html"

    def build(self, data):
        try:
            base = self.report.base_data  # read once for the form and for report_mirrors
        except ObjectDoesNotExist:
            base = None
        self.stored = {name: getattr(base, name) for name in BASE_DATA_FIELDS} if base else {}
        initial = dict(self.stored)
        # Figures the 收支 tables also hold start from the tables (saved with the page); where both
        # are filled and differ, the field says by how much (scoring takes 基础数据's: scoring.evaluate).
        mirrors = report_mirrors(self.report)
        for mirror in mirrors:
            if mirror.base_value is None and mirror.table_value is not None:
                initial[mirror.field] = mirror.table_value
        form = BaseDataForm(data, prefix="base", initial=initial)
        for mirror in mirrors:
            field = form.fields[mirror.field]
            values = {"table": mirror.table_label, "value": fmt_money(mirror.table_value),
                      "diff": fmt_money(mirror.difference)}
            if mirror.base_value is None and mirror.table_value is not None:
                field.help_text = _("已按%(table)s预填%(value)s万元，保存后生效。") % values
            elif mirror.differs:
                field.help_text = _("与%(table)s%(value)s万元不一致，相差%(diff)s万元；评分按本栏计算。") % values
                field.widget.attrs["class"] = field.widget.attrs.get("class", "") + " mirror-mismatch"
        return {"base_data": (_("基础数据"), form)}

    def part_values(self, name, *, stored=False):
        # What is stored, not the figures prefilled from the tables: a save that keeps a prefilled
        # figure records it as a change.
        if stored or not self.is_bound:
            return {n: self.stored.get(n) for n in self[name].fields}
        return super().part_values(name)

    def cleaned(self):
        return {"base_data": self.part_values("base_data")}


class GoalsSection(Section):
    key, title, template = "goals", _("绩效目标"), "reports/editor/goals.html"

    def build(self, data):
        report = self.report
        self.targets = report_targets(report)
        goals = list(report.qualitative_goals.all())
        qualitative = _formset(QualitativeGoalFormSet, "qualitative", data, goals, ("target", "actual"))
        if self.targets is not None and not goals:
            # A report without 定性目标 yet starts from the approved declaration's (saved with the page).
            initial = [{"target": goal.text, "actual": ""} for goal in self.targets.declaration.goals.all()]
            qualitative = QualitativeGoalFormSet(data=data, prefix="qualitative", initial=initial)
        parts = {"qualitative": (_("定性目标"), number_rows(qualitative, _("目标")))}
        # The year-start targets approved for this department and year stand for the 定量目标 tree:
        # shown read-only, with the 完成情况 the department enters.
        if self.targets is not None:
            parts["results"] = (_("绩效目标完成情况"), ResultsForm(data, prefix="results", rows=self.targets.rows))
            return parts
        by_category = {}
        for row in report.quantitative_indicators.all():
            by_category.setdefault(row.category, []).append(row)
        for category in Category:
            prefix = category_prefix(category)
            rows = by_category.get(category.value, [])
            parts[prefix] = (category.label, number_rows(_formset(
                QuantitativeIndicatorFormSet, prefix, data, rows, ("target", "actual"),
            ), _("指标"), only_if_many=True))
        return parts

    def is_valid(self):
        """Each category's formset holds at most its limit; the tree as a whole has one too (reports.limits)."""
        valid = super().is_valid()
        if valid and category_prefix(Category.QUALITY) in self.parts:  # not when the approved targets stand for it
            counts = {c.value: len(self[category_prefix(c)].rows()) for c in Category}
            for _category, message in quantitative_count_problems(counts):
                self[category_prefix(Category.QUALITY)].non_form_errors().append(message)
                valid = False
        return valid

    def groups(self):
        """[(产出目标 / 效益目标, [(category label, formset)])] as the form prints the tree."""
        if self.targets is not None:
            return []
        return [
            (title, [(c.label, self[category_prefix(c)]) for c in categories])
            for title, categories in QUANTITATIVE_GROUPS
        ]

    def cleaned(self):
        if self.targets is not None:
            return {"qualitative_goals": self.part_values("qualitative"), "results": self["results"].rows_data()}
        return {
            "qualitative_goals": self.part_values("qualitative"),
            "quantitative": {c.value: self.part_values(category_prefix(c)) for c in Category},
        }


class ScoresSection(Section):
    key, title, template = "scores", _("评分表"), "reports/editor/scores.html"

    def build(self, data):
        year = self.report.evaluation_year
        indicators = frozen_rubric_scored_rows(year.rubric)  # the report exists: its year's rubric is frozen
        entries = {entry.indicator_id: entry for entry in self.report.scores.all()}
        form = ScoresForm(data, prefix="scores", indicators=indicators, entries=entries, step=year.score_step)
        self.bands = [(band.label, band.min_score) for band in year.grade_bands.all()]
        return {"scores": (_("评分表"), form)}

    def bands_attr(self):
        """The year's grade bands as the page's live total reads them: "90:优秀;80:良好;…"."""
        return ";".join(f"{minimum.normalize():f}:{label}" for label, minimum in self.bands)

    def has_suggestions(self):
        return any(e.suggested_score is not None for e in self["scores"].entries.values())

    def has_review(self):
        """Whether a reviewer has set any 复核得分 or 复核说明 (the page then shows them beside each row)."""
        return any(e.review_score is not None or e.review_note for e in self["scores"].entries.values())

    def stored_total(self):
        scores = [e.self_score for e in self["scores"].entries.values() if e.self_score is not None]
        return display(sum(scores, Decimal(0)).normalize()) if scores else ""

    def cleaned(self):
        return {"scores": self["scores"].rows_data()}


class NarrativeSection(Section):
    key, title, template = "narrative", _("评价报告综述"), "reports/editor/simple.html"

    def build(self, data):
        narrative = Narrative.objects.filter(report=self.report).first()
        initial = {name: getattr(narrative, name) for name in TEXT_FIELDS} if narrative else {}
        return {"narrative": (_("评价报告综述"), NarrativeForm(data, prefix="narrative", initial=initial))}

    def cleaned(self):
        return {"narrative": self.part_values("narrative")}


class PeopleSection(Section):
    key, title, template = "people", _("评价人员和填报人"), "reports/editor/people.html"

    def build(self, data):
        report = self.report
        initial = {name: getattr(report, name) for name in SIGNOFF_FIELDS}
        initial["filler_name"] = initial["filler_name"] or report.contact_name
        initial["filler_phone"] = initial["filler_phone"] or report.contact_phone
        return {
            "evaluators": (_("评价人员"), _formset(
                EvaluatorFormSet, "evaluators", data, report.evaluators.all(), ("name", "title", "unit"),
            )),
            "signoff": (_("评价组组长和填报人"), SignOffForm(data, prefix="signoff", initial=initial)),
        }

    def cleaned(self):
        return {"report": self.part_values("signoff"), "evaluators": self.part_values("evaluators")}


SECTIONS = {
    cls.key: cls
    for cls in (
        CoverSection, FinanceSection, BaseDataSection, GoalsSection, ScoresSection, NarrativeSection, PeopleSection,
    )
}


def display(value):
    """A value as a person reads it in the comparison of two versions."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def flatten(section, *, stored=False):
    """{(part, row, field): (caption, display value)} of everything a section holds (`stored`: as it is stored, even
    when the section is bound to what was typed)."""
    flat = {}
    for name, (title, part) in section.parts.items():
        values = section.part_values(name, stored=stored)
        if isinstance(part, BaseFormSet):
            labels = {n: f.label for n, f in part.empty_form.fields.items()}
            for index, row in enumerate(values, start=1):
                for field, value in row.items():
                    if field in ("id", "DELETE"):
                        continue
                    caption = _("%(part)s 第%(row)s行 · %(field)s") % {"part": title, "row": index, "field": labels[field]}
                    flat[(name, index, field)] = (caption, display(value))
        else:
            caption_of = getattr(part, "field_caption", None)
            for field, value in values.items():
                caption = caption_of(field) if caption_of else f"{title} · {part.fields[field].label}"
                flat[(name, 0, field)] = (caption, display(value))
    return flat


def compare(saved, typed):
    """The fields where two flattened versions differ: (caption, saved value, typed value), in order."""
    keys = list(saved)
    keys += [k for k in typed if k not in saved]
    differences = []
    for key in keys:
        saved_caption, saved_value = saved.get(key, (None, ""))
        typed_caption, typed_value = typed.get(key, (None, ""))
        if saved_value != typed_value:
            differences.append((saved_caption or typed_caption, saved_value, typed_value))
    return differences
