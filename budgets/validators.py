"""The arithmetic identities of 二、收支情况, as plain functions shared by forms, imports and services.

Each takes a mapping of field name -> Decimal or None (blank) and raises
ValidationError({field: message}) naming the figures, so a clerk sees what to fix.
A blank cell counts as nothing; a row left wholly blank is fine.
"""
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from budgets.money import fmt_money, total

# (table, total field, part fields) for every identity of product.md §2.
INCOME_IDENTITY = ("total", ("carried_over", "public_finance", "government_fund", "special_account", "other"))
EXPENDITURE_IDENTITIES = (
    ("total", ("basic", "project")),
    ("basic", ("personnel", "public_use")),
)
THREE_PUBLIC_IDENTITY = ("total", ("reception", "vehicle_operation", "vehicle_purchase", "overseas"))
FIXED_ASSET_IDENTITY = ("total", ("in_use", "rented", "other"))

LABELS = {
    "income": {
        "total": "收入合计", "carried_over": "上年结转", "public_finance": "公共财政拨款",
        "government_fund": "政府基金拨款", "special_account": "纳入专户管理的非税收入拨款", "other": "其他收入",
    },
    "expenditure": {
        "total": "支出合计", "basic": "基本支出", "personnel": "人员支出", "public_use": "公用支出",
        "project": "项目支出", "current_surplus": "当年结余", "accumulated_surplus": "累计结余",
    },
    "three_public": {
        "total": "三公经费合计", "reception": "公务接待费", "vehicle_operation": "公务用车运维费",
        "vehicle_purchase": "公务用车购置费", "overseas": "因公出国费",
    },
    "fixed_asset": {"total": "固定资产合计", "in_use": "在用固定资产", "rented": "出租固定资产", "other": "其他"},
}


def identity_error(values, total_field, part_fields, labels):
    """The Chinese message when values[total_field] is not the sum of the parts, else None."""
    declared = values.get(total_field)
    parts = [values.get(f) for f in part_fields]
    summed = total(parts)
    if declared is None and summed is None:
        return None
    part_names = "、".join(labels[f] for f in part_fields)
    if declared is None:
        return _("请填写%(total)s（%(parts)s之和为 %(sum)s）。") % {
            "total": labels[total_field], "parts": part_names, "sum": fmt_money(summed),
        }
    if summed is None or declared != summed:
        return _("%(total)s应等于%(parts)s之和：填写为 %(declared)s，各项之和为 %(sum)s。") % {
            "total": labels[total_field], "parts": part_names,
            "declared": fmt_money(declared), "sum": fmt_money(summed if summed is not None else 0),
        }
    return None


def _check(values, identities, labels):
    errors = {}
    for total_field, part_fields in identities:
        message = identity_error(values, total_field, part_fields, labels)
        if message:
            errors.setdefault(total_field, []).append(message)
    if errors:
        raise ValidationError(errors)


def validate_income_row(values):
    """收入合计 = 上年结转 + 公共财政拨款 + 政府基金拨款 + 纳入专户管理的非税收入拨款 + 其他收入."""
    _check(values, (INCOME_IDENTITY,), LABELS["income"])


def validate_expenditure_row(values):
    """支出合计 = 基本支出 + 项目支出; 基本支出 = 人员支出 + 公用支出."""
    _check(values, EXPENDITURE_IDENTITIES, LABELS["expenditure"])


def validate_three_public_row(values):
    """三公经费合计 = 公务接待费 + 公务用车运维费 + 公务用车购置费 + 因公出国费."""
    _check(values, (THREE_PUBLIC_IDENTITY,), LABELS["three_public"])


def validate_fixed_asset_row(values):
    """固定资产合计 = 在用 + 出租 + 其他."""
    _check(values, (FIXED_ASSET_IDENTITY,), LABELS["fixed_asset"])


# (part, whole, labels): counts of 工作任务 that are a subset of another count.
WORK_PARTS = (
    ("work_timely", "work_completed", "及时完成工作数", "实际完成工作数"),
    ("work_quality", "work_completed", "质量达标工作数", "实际完成工作数"),
    ("key_work_completed", "key_work_assigned", "重点工作办结数", "重点工作交办数"),
)


def validate_base_data(values):
    """基础数据 that cannot be true together: more late 专项 than 专项, 重点 above all 项目支出, more
    工作任务 done on time or up to standard than done, more 重点工作 finished than assigned."""
    errors = {}
    count, late = values.get("special_fund_count"), values.get("special_fund_late_count")
    if count is not None and late is not None and late > count:
        errors["special_fund_late_count"] = _("未按进度下达的专项个数（%(late)s）不能多于专项资金个数（%(count)s）。") % {
            "late": late, "count": count,
        }
    project, key = values.get("project_expenditure"), values.get("key_project_expenditure")
    if project is not None and key is not None and key > project:
        errors["key_project_expenditure"] = _("重点项目支出（%(key)s）不能大于项目支出（%(project)s）。") % {
            "key": fmt_money(key), "project": fmt_money(project),
        }
    for part, whole, part_label, whole_label in WORK_PARTS:
        if values.get(part) is not None and values.get(whole) is not None and values[part] > values[whole]:
            errors[part] = _("%(part_label)s（%(part)s）不能多于%(whole_label)s（%(whole)s）。") % {
                "part_label": part_label, "part": values[part], "whole_label": whole_label, "whole": values[whole],
            }
    if errors:
        raise ValidationError(errors)
