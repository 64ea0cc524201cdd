"""二、收支情况 (four tables of 机构 rows) and 基础数据."""
from crispy_forms.helper import FormHelper
from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from budgets import validators as bv
from budgets.models import BaseData, ExpenditureRow, FixedAssetRow, IncomeRow, ThreePublicRow
from reports.fields import CountField, MoneyField, PercentField
from reports.forms.base import EditorForm, RowForm, model_label, row_formset
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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in self.signed_fields:
            self.fields[name].widget.attrs["data-signed"] = "1"
        for total, parts in self.identities:
            self.fields[total].widget.attrs.update({
                "data-sum": " ".join(parts), "data-sum-label": str(model_label(self.model, total)),
            })

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

BASE_MONEY = (
    "three_public_prev_final", "three_public_budget", "three_public_final", "budget_initial", "budget_adjustment",
    "project_expenditure", "key_project_expenditure", "procurement_budget", "procurement_actual",
    "card_due", "card_actual",
)
BASE_COUNTS = ("special_fund_count", "special_fund_late_count")
BASE_FIELDS = (*BASE_MONEY[:7], *BASE_COUNTS, *BASE_MONEY[7:], "satisfaction")
BASE_GROUPS = (
    (_("三公经费"), BASE_FIELDS[0:3]),
    (_("预算编制和调整"), BASE_FIELDS[3:5]),
    (_("项目支出"), BASE_FIELDS[5:7]),
    (_("专项资金下达"), BASE_FIELDS[7:9]),
    (_("政府采购"), BASE_FIELDS[9:11]),
    (_("公务卡"), BASE_FIELDS[11:13]),
    (_("满意度"), BASE_FIELDS[13:]),
)


class _BaseDataForm(EditorForm):
    """基础数据: the figures the rubric's computed indicators need (万元 unless stated)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        self.helper.layout = Layout(*(
            Fieldset(legend, Row(*(Column(name, css_class="col-sm-6 col-lg-4") for name in names)),
                     css_class="base-group")
            for legend, names in BASE_GROUPS
        ))

    def clean(self):
        cleaned = super().clean()
        try:
            bv.validate_base_data(cleaned)
        except ValidationError as error:
            self.add_error(None, error)
        return cleaned


def _base_data_field(name):
    label = model_label(BaseData, name)
    if name in BASE_MONEY:
        return MoneyField(label=format_lazy("{}（万元）", label))
    if name in BASE_COUNTS:
        return CountField(label=label)
    return PercentField(label=label)


BaseDataForm = type(
    "BaseDataForm", (_BaseDataForm,), {name: _base_data_field(name) for name in BASE_FIELDS} | {"__module__": __name__}
)
