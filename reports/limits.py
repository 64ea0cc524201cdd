"""How long each text of a report may be and how many rows each list may hold.

One table for the editor's forms (their `max_length`, rendered as `maxlength` for the character
counter), the formsets' row counts, the JSON import (which refuses a document beyond them) and
docs/report-format.md. They protect the printed form: the largest report they allow
(reports/data/maximal_report.json, every list full and every text at its limit) still renders to
PDF within the budget of benchmarks/pdf.py. A limit is never above the database column's.

Pure: no ORM. Keys are (model label, field name), e.g. ("Report", "functions").
"""
from django.utils.translation import gettext as _

TEXT_LIMITS = {
    # Cover
    ("Report", "evaluation_method"): 30,
    ("Report", "evaluation_body"): 30,
    ("Report", "issuer"): 30,
    # 一、基本概况
    ("Report", "contact_name"): 30,
    ("Report", "contact_phone"): 30,
    ("Report", "functions"): 1500,
    ("Report", "achievements"): 3000,
    ("Task", "text"): 200,
    # 二、收支情况
    ("TableRow", "org_name"): 30,
    # 三、绩效自评情况
    ("QualitativeGoal", "target"): 200,
    ("QualitativeGoal", "actual"): 60,
    ("QuantitativeIndicator", "target"): 150,
    ("QuantitativeIndicator", "actual"): 60,
    # 四、评价人员 and the sign-off blocks
    ("Evaluator", "name"): 20,
    ("Evaluator", "title"): 30,
    ("Evaluator", "unit"): 30,
    ("Report", "leader_name"): 30,
    ("Report", "dept_opinion"): 500,
    ("Report", "dept_head_name"): 30,
    ("Report", "finance_opinion"): 500,
    ("Report", "finance_head_name"): 30,
    ("Report", "filler_name"): 30,
    ("Report", "filler_phone"): 30,
    # 评分表
    ("ScoreEntry", "deduction_reason"): 100,
    ("ScoreEntry", "review_note"): 80,
    # Not printed, but kept with the report's history: 退回 and 重新打开 reasons.
    ("StatusChange", "comment"): 500,
}

# 五、评价报告综述: one limit per section (reports.narrative.TEXT_FIELDS).
NARRATIVE_LIMIT = 4000
NARRATIVE_LONG_LIMIT = 8000  # 部门（单位）整体支出绩效情况 is the body of the 综述
NARRATIVE_LONG = frozenset({"performance"})
NARRATIVE_TOTAL_LIMIT = 20000  # all sections together: about a ten-page 综述

# The lists: the most rows each may hold.
LIST_LIMITS = {
    "tasks": 30,
    "income": 10,
    "expenditure": 10,
    "three_public": 10,
    "fixed_assets": 10,
    "qualitative_goals": 30,
    "quantitative": 60,  # in all; and QUANTITATIVE_PER_CATEGORY in each category
    "evaluators": 20,
}
QUANTITATIVE_PER_CATEGORY = 30

# The models whose org_name is the 收支 tables' 机构名称.
TABLE_ROW_MODELS = frozenset({"IncomeRow", "ExpenditureRow", "ThreePublicRow", "FixedAssetRow", "TableRow"})
# The Narrative model's fields are limited by NARRATIVE_LIMIT / NARRATIVE_LONG_LIMIT.
NARRATIVE_MODEL = "Narrative"


def text_limit(model_name, field):
    """The most characters field `field` of model `model_name` may hold, or None when it has no limit here."""
    if model_name == NARRATIVE_MODEL:
        return NARRATIVE_LONG_LIMIT if field in NARRATIVE_LONG else NARRATIVE_LIMIT
    if model_name in TABLE_ROW_MODELS:
        model_name = "TableRow"
    return TEXT_LIMITS.get((model_name, field))


def limit_of(model, field):
    """text_limit for a model class (or instance)."""
    return text_limit(model._meta.object_name, field)


def list_count_problem(key, count):
    """A Chinese message when list `key` holds more rows than allowed, else None."""
    limit = LIST_LIMITS.get(key)
    if limit is not None and count > limit:
        return _("最多%(max)s行（现为%(count)s行）。") % {"max": limit, "count": count}
    return None


def narrative_total_problem(texts):
    """A Chinese message when the 综述's sections together are longer than allowed, else None."""
    total = sum(len(t or "") for t in texts)
    if total > NARRATIVE_TOTAL_LIMIT:
        return _("评价报告综述各部分合计最多%(max)s个字符（现为%(count)s个）。") % {
            "max": NARRATIVE_TOTAL_LIMIT, "count": total,
        }
    return None


def quantitative_count_problems(counts):
    """Messages for a 定量目标 tree too large: {category: row count} -> [(category or None, message)]."""
    problems = []
    for category, count in counts.items():
        if count > QUANTITATIVE_PER_CATEGORY:
            problems.append((category, _("每类指标最多%(max)s行（现为%(count)s行）。") % {
                "max": QUANTITATIVE_PER_CATEGORY, "count": count,
            }))
    total = sum(counts.values())
    if total > LIST_LIMITS["quantitative"]:
        problems.append((None, _("定量指标合计最多%(max)s行（现为%(count)s行）。") % {
            "max": LIST_LIMITS["quantitative"], "count": total,
        }))
    return problems
