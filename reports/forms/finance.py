"""二、收支情况 (four tables of 机构 rows) and 基础数据."""
import functools

from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from budgets import validators as bv
from budgets.models import BaseData, ExpenditureRow, FixedAssetRow, IncomeRow, ThreePublicRow
from reports.fields import CountField, MoneyField, PercentField
from reports.forms.base import EditorForm, RowForm, editor_helper, model_label, row_formset
from reports.limits import LIST_LIMITS, limit_of


class TableRowForm(RowForm):
    """One 机构 row of a 收支 table; the identities of budgets.validators are checked per row."""

    model = None
    money_fields = ()
    signed_fields = ()
    identities = ()
    validator = None
    required_field = "org_name"
    required_message = _("请填写机构名称。")

    def __init__(self, *args, prefilled_org_name="", **kwargs):
        super().__init__(*args, **kwargs)
        # The department's name the editor prefills in an empty table's first row: with no amount
        # beside it, the row is still blank (a page saved untouched stores no row).
        self.prefilled_org_name = prefilled_org_name
        for name in self.signed_fields:
            self.fields[name].widget.attrs["data-signed"] = "1"
        for total, parts in self.identities:
            self.fields[total].widget.attrs.update({
                "data-sum": " ".join(parts), "data-sum-label": str(model_label(self.model, total)),
            })

    def is_blank(self):
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return False
        org_name = self.cleaned_data.get("org_name") or ""
        return org_name in ("", self.prefilled_org_name) and all(
            self.cleaned_data.get(n) is None for n in self.money_fields
        )

    def clean(self):
        cleaned = super().clean()
        try:
            type(self).validator(cleaned)
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned


def _table_form(model, identities, validator, *, signed=()):
    names = [f.name for f in model._meta.fields if f.name not in ("id", "report", "org_name", "order")]
    attrs = {
        "org_name": forms.CharField(
            label=model_label(model, "org_name"), max_length=limit_of(model, "org_name"), required=False,
        ),
        "model": model,
        "money_fields": tuple(names),
        "signed_fields": tuple(signed),
        "identities": identities,
        "validator": staticmethod(validator),
        "__module__": __name__,
    }
    for name in names:
        attrs[name] = MoneyField(label=model_label(model, name), signed=name in signed)
    return type(f"{model.__name__}Form", (TableRowForm,), attrs)


IncomeRowForm = _table_form(IncomeRow, (bv.INCOME_IDENTITY,), bv.validate_income_row)
ExpenditureRowForm = _table_form(
    ExpenditureRow, bv.EXPENDITURE_IDENTITIES, bv.validate_expenditure_row,
    signed=("current_surplus", "accumulated_surplus"),
)
ThreePublicRowForm = _table_form(ThreePublicRow, (bv.THREE_PUBLIC_IDENTITY,), bv.validate_three_public_row)
FixedAssetRowForm = _table_form(FixedAssetRow, (bv.FIXED_ASSET_IDENTITY,), bv.validate_fixed_asset_row)

# (prefix, title, form, model): the order the form prints the tables.
TABLES = (
    ("income", _("年度收入情况（万元）"), IncomeRowForm, IncomeRow),
    ("expenditure", _("部门（单位）年度支出和结余情况（万元）"), ExpenditureRowForm, ExpenditureRow),
    ("three_public", _("三公经费（万元）"), ThreePublicRowForm, ThreePublicRow),
    ("fixed_asset", _("固定资产（万元）"), FixedAssetRowForm, FixedAssetRow),
)
# The interchange document's name of each table (its row-count limit in reports.limits).
LIST_KEYS = {"income": "income", "expenditure": "expenditure", "three_public": "three_public", "fixed_asset": "fixed_assets"}
TABLE_FORMSETS = {
    prefix: row_formset(form, max_num=LIST_LIMITS[LIST_KEYS[prefix]]) for prefix, _title, form, _model in TABLES
}

# (legend, fields): how the 基础数据 page groups its figures; every BaseData figure appears once.
BASE_GROUPS = (
    (_("三公经费"), ("three_public_prev_budget", "three_public_budget", "three_public_prev_final", "three_public_final")),
    (_("预算编制、调整和完成"), ("budget_initial", "budget_adjustment", "budget_adjusted", "budget_completed")),
    (_("支付进度"), ("payment_progress_actual", "payment_progress_planned")),
    (_("结转结余"), ("carryover_prev_total", "carryover_total")),
    (_("公用经费"), ("public_funds_budget", "public_funds_actual")),
    (_("项目支出"), ("project_expenditure", "key_project_expenditure")),
    (_("专项资金下达"), ("special_fund_count", "special_fund_late_count")),
    (_("政府采购"), ("procurement_budget", "procurement_actual")),
    (_("公务卡"), ("card_due", "card_actual")),
    (_("工作任务"), ("work_planned", "work_completed", "work_timely", "work_quality", "key_work_assigned",
                    "key_work_completed")),
    (_("满意度"), ("satisfaction",)),
)
BASE_FIELDS = tuple(name for _legend, names in BASE_GROUPS for name in names)


@functools.cache
def _base_layout():
    """The 基础数据 groups as fieldsets of columns (lazy legends: one layout for every language)."""
    return Layout(*(
        Fieldset(legend, Row(*(Column(name, css_class="col-sm-6 col-lg-4") for name in names)), css_class="base-group")
        for legend, names in BASE_GROUPS
    ))


class _BaseDataForm(EditorForm):
    """基础数据: the figures the rubric's computed indicators need (万元 unless stated)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = editor_helper(self, _base_layout())

    def clean(self):
        cleaned = super().clean()
        try:
            bv.validate_base_data(cleaned)
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned


def _base_data_field(name):
    label, field = model_label(BaseData, name), BaseData._meta.get_field(name)
    if isinstance(field, models.PositiveIntegerField):
        return CountField(label=label)
    if any(isinstance(v, MaxValueValidator) for v in field.validators):
        return PercentField(label=label)
    return MoneyField(label=format_lazy("{}（万元）", label))


BaseDataForm = type(
    "BaseDataForm", (_BaseDataForm,), {name: _base_data_field(name) for name in BASE_FIELDS} | {"__module__": __name__}
)
