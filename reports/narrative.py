"""The fixed outline of 五、评价报告综述 with its correct numbering.

The seed's own numbering is broken (two 二, a missing 一 and 四); the form prints this outline.
Each entry: (field name, depth, number, title). Depth 1 is 一、, 2 is （一）, 3 is 1.
"""
from django.utils.translation import gettext_lazy as _

OUTLINE = (
    ("overview", 1, "一、", _("部门（单位）概况")),
    ("basic_info", 2, "（一）", _("部门（单位）基本情况")),
    ("expenditure_scope", 2, "（二）", _("部门（单位）整体支出规模、使用方向和主要内容、涉及范围等")),
    ("management", 1, "二、", _("部门（单位）整体支出管理及使用情况")),
    ("basic_expenditure", 2, "（一）", _("基本支出")),
    ("special_expenditure", 2, "（二）", _("专项支出")),
    ("special_allocation", 3, "1.", _("专项资金安排落实、总投入等情况分析")),
    ("special_usage", 3, "2.", _("专项资金实际使用情况分析")),
    ("special_management", 3, "3.", _("专项资金管理情况分析")),
    ("organization", 1, "三、", _("部门（单位）专项组织实施情况")),
    ("special_organization", 2, "（一）", _("专项组织情况分析")),
    ("special_oversight", 2, "（二）", _("专项管理情况分析")),
    ("performance", 1, "四、", _("部门（单位）整体支出绩效情况")),
    ("problems", 1, "五、", _("存在的主要问题")),
    ("suggestions", 1, "六、", _("改进措施和有关建议")),
)

# Headings that group others and hold no text of their own.
HEADINGS_ONLY = frozenset({"management", "special_expenditure", "organization"})

TEXT_FIELDS = tuple(key for key, *_rest in OUTLINE if key not in HEADINGS_ONLY)
