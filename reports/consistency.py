"""The check list before submit (and for the reviewer): what is missing, broken or inconsistent.

`report_problems(data)` is a pure function over plain data (dicts, lists, Decimals) as
`check_data_for` loads it, so the browser, the JSON import and the reviewer's page all agree.
Each Problem names the editor section and the HTML id of the field to fix.
"""
import dataclasses
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from budgets import validators as bv
from budgets.money import fmt_money
from reports.enums import BENEFIT_CATEGORIES, Category
from reports.narrative import OUTLINE, TEXT_FIELDS
from reports.validators import validate_headcount
from scoring.flags import declared_none, flag_reasons
from scoring.inputs import figures_from_data, mirrors_of

MISSING, ERROR, WARNING = "missing", "error", "warning"
EMPTY, INCOMPLETE, HAS_ERRORS, COMPLETE = "empty", "incomplete", "error", "complete"
STATE_LABELS = {
    EMPTY: gettext_lazy("未填写"), INCOMPLETE: gettext_lazy("未完成"),
    HAS_ERRORS: gettext_lazy("有错误"), COMPLETE: gettext_lazy("已完成"),
}
SECTION_KEYS = ("cover", "finance", "base-data", "goals", "scores", "narrative", "people")

REQUIRED_COVER = (
    "evaluation_method", "evaluation_body", "report_date", "issuer", "contact_name", "contact_phone",
    "staff_quota", "actual_headcount", "in_service_count", "retired_count", "temporary_count",
    "functions", "achievements",
)
COVER_LABELS = {
    "evaluation_method": "评价方式", "evaluation_body": "评价机构", "report_date": "报告日期", "issuer": "制表机关",
    "contact_name": "联系人", "contact_phone": "联络电话", "staff_quota": "人员编制", "actual_headcount": "实有人数",
    "in_service_count": "在职人数", "retired_count": "退休人数", "temporary_count": "借调临聘人数",
    "functions": "职能职责概述", "achievements": "年度部门（单位）总体运行情况及取得的成绩",
}
BASE_LABELS = {
    "three_public_prev_final": "三公经费上年决算数", "three_public_budget": "三公经费本年预算数",
    "three_public_final": "三公经费本年决算数", "budget_initial": "年初预算数", "budget_adjustment": "预算调整数",
    "project_expenditure": "项目支出", "key_project_expenditure": "重点项目支出",
    "special_fund_count": "专项资金个数", "special_fund_late_count": "未按进度下达的专项个数",
    "procurement_budget": "政府采购预算数", "procurement_actual": "政府采购实际数",
    "card_due": "公务卡应结算金额", "card_actual": "公务卡实际刷卡金额", "satisfaction": "满意度（%）",
    "three_public_prev_budget": "三公经费上年预算数",
}
TABLES = (
    ("income", "年度收入情况", bv.validate_income_row),
    ("expenditure", "年度支出和结余情况", bv.validate_expenditure_row),
    ("three_public", "三公经费", bv.validate_three_public_row),
    ("fixed_asset", "固定资产", bv.validate_fixed_asset_row),
)
NARRATIVE_TITLES = {key: f"{number}{title}" for key, _depth, number, title in OUTLINE}

# Amounts and counts the narrative states, and the table figure they must equal.
AMOUNT_GAP = r"[^\d，。；;,、（）()]{0,6}?"
NARRATIVE_AMOUNTS = (
    ("整体支出|支出总额|支出合计", "expenditure", "total"),
    ("基本支出", "expenditure", "basic"),
    ("人员经费|人员支出", "expenditure", "personnel"),
    ("公用经费|公用支出", "expenditure", "public_use"),
    ("项目支出", "expenditure", "project"),
    ("收入合计|整体收入|总收入", "income", "total"),
)
NARRATIVE_COUNTS = (
    ("(?:现有|实有)人数", "actual_headcount"),
    ("在职", "in_service_count"),
    ("退休", "retired_count"),
    ("临聘", "temporary_count"),
)


@dataclass(frozen=True)
class Problem:
    """One item of the check list: `anchor` is the HTML id of the field in `section`'s page.

    Missing fields and errors block submit, warnings do not; a missing figure that only feeds the
    scoring suggestions (基础数据) is `kind=MISSING, blocking=False`.
    """

    section: str
    anchor: str
    message: str
    kind: str = MISSING
    blocking: bool = None
    # How the system computed what the row is compared with (the suggestion's trace); not part of equality.
    detail: str = dataclasses.field(default="", compare=False)

    def __post_init__(self):
        if self.blocking is None:
            object.__setattr__(self, "blocking", self.kind != WARNING)


def _blank(value):
    return value is None or (isinstance(value, str) and not value.strip())


def _fmt(value):
    return f"{Decimal(value).normalize():f}"


def _cover_problems(data):
    report, problems = data["report"], []
    for name in REQUIRED_COVER:
        if _blank(report.get(name)):
            problems.append(Problem("cover", f"id_cover-{name}", _("请填写%(label)s。") % {"label": COVER_LABELS[name]}))
    try:
        validate_headcount(report)
    except ValidationError as error:
        for message in error.message_dict.get("actual_headcount", []):
            problems.append(Problem("cover", "id_cover-actual_headcount", message, ERROR))
    if not any(not _blank(t.get("text")) for t in data["tasks"]):
        problems.append(Problem("cover", "formset-tasks", _("请至少填写一项年度主要工作任务。")))
    return problems


def _finance_problems(data):
    problems = []
    for prefix, title, validator in TABLES:
        rows = data[prefix]
        if not rows:
            problems.append(Problem("finance", f"formset-{prefix}", _("请填写%(table)s表。") % {"table": title}))
            continue
        total_label = bv.LABELS[prefix]["total"]
        for index, row in enumerate(rows):
            if row.get("total") is None:
                problems.append(Problem("finance", f"id_{prefix}-{index}-total", _(
                    "请填写%(table)s表“%(org)s”的%(total)s。") % {"table": title, "org": row.get("org_name", ""),
                                                                 "total": total_label}))
                continue
            try:
                validator(row)
            except ValidationError as error:
                for field, messages in error.message_dict.items():
                    for message in messages:
                        problems.append(Problem("finance", f"id_{prefix}-{index}-{field}", _(
                            "%(table)s表“%(org)s”：%(message)s") % {"table": title, "org": row.get("org_name", ""),
                                                                   "message": message}, ERROR))
    return problems


def _base_data_problems(data):
    base = data["base_data"] or {}
    problems = []
    missing = [name for name in BASE_LABELS if base.get(name) is None]
    if missing:
        # 基础数据 is not part of 附件2-1: without it the engine says 数据不足, so it only warns.
        problems.append(Problem("base-data", f"id_base-{missing[0]}", _(
            "基础数据未填写：%(labels)s。系统无法计算相关指标的建议得分（没有发生的填0）。") % {
            "labels": "、".join(BASE_LABELS[name] for name in missing)}, MISSING, blocking=False))
    try:
        bv.validate_base_data(base)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            problems.extend(Problem("base-data", f"id_base-{field}", m, ERROR) for m in messages)
    problems.extend(_mirror_problems(data))
    return problems


def _mirror_problems(data):
    """基础数据 figures that disagree with the 收支 table holding the same figure (scoring takes 基础数据's)."""
    figures = figures_from_data(report=data["report"], base_data=data["base_data"],
                                tables={prefix: data[prefix] for prefix, *_rest in TABLES}, quantitative=())
    return [
        Problem("base-data", f"id_base-{mirror.field}", _(
            "基础数据的%(base)s%(base_value)s万元与%(table)s%(table_value)s万元不一致（相差%(diff)s万元），"
            "评分按基础数据计算，请核实。") % {
            "base": mirror.base_label, "base_value": fmt_money(mirror.base_value), "table": mirror.table_label,
            "table_value": fmt_money(mirror.table_value), "diff": fmt_money(mirror.difference)}, WARNING)
        for mirror in mirrors_of(figures) if mirror.differs
    ]


def _goal_problems(data):
    problems = []
    goals = data["qualitative"]
    if not goals:
        problems.append(Problem("goals", "formset-qualitative", _("请至少填写一项定性目标。")))
    for index, goal in enumerate(goals):
        if _blank(goal.get("actual")):
            problems.append(Problem("goals", f"id_qualitative-{index}-actual", _(
                "请填写定性目标%(n)s的实际完成情况。") % {"n": index + 1}))
    targets = data.get("targets")
    for row in targets or []:
        if not row["entered"]:
            problems.append(Problem("goals", "results-table", _(
                "请填写绩效目标“%(name)s”的实际完成情况。") % {"name": row["name"]}))
        elif row["shortfall"] and _blank(row["reason"]):
            problems.append(Problem("goals", "results-table", _(
                "绩效目标“%(name)s”未完成，请填写偏差原因。") % {"name": row["name"]}))
    if targets:
        # The approved targets stand for the 定量目标 tree: the free-text rows are not asked for.
        return problems
    for category in Category:
        rows = data["quantitative"].get(category.value, [])
        if not rows:
            problems.append(Problem("goals", f"formset-q-{category.value}", _(
                "请填写%(label)s的绩效目标（没有时填“无”）。") % {"label": category.label}))
        for index, row in enumerate(rows):
            if _blank(row.get("actual")):
                problems.append(Problem("goals", f"id_q-{category.value}-{index}-actual", _(
                    "请填写%(label)s第%(n)s项的完成情况（没有时填“无”）。") % {"label": category.label, "n": index + 1}))
    return problems


def _score_groups(rows):
    """{lead code: [lead row, *rows sharing its 分值]}."""
    by_code = {r["code"]: r for r in rows}
    groups = {}
    for row in rows:
        lead = row.get("lead")
        if lead and lead in by_code:
            groups.setdefault(lead, [by_code[lead]]).append(row)
    return groups


def _score_problems(data):
    problems, step, rows = [], data["score_step"], data["scores"]
    groups = _score_groups(rows)
    grouped = {m["code"] for members in groups.values() for m in members}
    for row in rows:
        anchor = f"id_scores-score__{row['code']}"
        if row.get("requires_evidence") and not row.get("evidence_count"):
            problems.append(Problem("scores", f"evidence-{row['code']}", _(
                "“%(label)s”须附佐证材料，请上传后再提交。") % {"label": row["label"]}))
        score = row["self_score"]
        if score is None:
            problems.append(Problem("scores", anchor, _("请填写“%(label)s”的自评得分。") % {"label": row["label"]}))
            continue
        # An exact suggested score is valid whatever the step (the step is for people's own judgement).
        off_step = step and score % step and score != row.get("suggested_score")
        if score < 0 or score > row["points"] or off_step:
            problems.append(Problem("scores", anchor, _(
                "“%(label)s”的自评得分应在0至%(max)s分之间，且为%(step)s分的整数倍。") % {
                "label": row["label"], "max": _fmt(row["points"]), "step": _fmt(step)}, ERROR))
        elif row["code"] not in grouped and score < row["points"] and _blank(row.get("deduction_reason")):
            problems.append(Problem("scores", f"id_scores-reason__{row['code']}", _(
                "“%(label)s”自评得分%(score)s分低于分值%(max)s分，请填写扣分原因。") % {
                "label": row["label"], "score": _fmt(score), "max": _fmt(row["points"])}))
        problems.extend(_flag_problems(data, row, anchor))
    for members in groups.values():
        entered = [m["self_score"] for m in members if m["self_score"] is not None]
        points = members[0]["points"]
        labels = "、".join(m["label"] for m in members)
        if entered and sum(entered) > points:
            problems.append(Problem("scores", f"id_scores-score__{members[0]['code']}", _(
                "%(labels)s共用分值%(max)s分，得分合计%(sum)s分超过了分值。") % {
                "labels": labels, "max": _fmt(points), "sum": _fmt(sum(entered))}, ERROR))
        elif len(entered) == len(members) and sum(entered) < points and all(
            _blank(m.get("deduction_reason")) for m in members
        ):
            problems.append(Problem("scores", f"id_scores-reason__{members[0]['code']}", _(
                "%(labels)s共用分值%(max)s分，自评得分合计%(sum)s分，请填写扣分原因。") % {
                "labels": labels, "max": _fmt(points), "sum": _fmt(sum(entered))}))
    return problems


def _flag_problems(data, row, anchor):
    """A row's flags (scoring.flags, the rule ScoreEntry.flagged stores) as warnings, one per reason."""
    category = row.get("category")
    none_declared = category in BENEFIT_CATEGORIES and declared_none(
        (q.get("target"), q.get("actual")) for q in data["quantitative"].get(category, [])
    )
    reasons = flag_reasons(self_score=row["self_score"], suggestion=row.get("suggested_score"),
                           category=category, none_declared=none_declared)
    detail = "\n".join(line for line in (row.get("suggestion_trace") or "").splitlines() if line not in reasons)
    return [
        Problem("scores", anchor, _("“%(label)s”：%(reason)s请核实。") % {"label": row["label"], "reason": reason},
                WARNING, detail=detail)
        for reason in reasons
    ]


def _text_problems(data):
    narrative = data["narrative"] or {}
    problems = [
        Problem("narrative", f"id_narrative-{name}", _("请填写综述“%(title)s”。") % {"title": NARRATIVE_TITLES[name]})
        for name in TEXT_FIELDS if _blank(narrative.get(name))
    ]
    problems.extend(_narrative_mismatches(data, narrative))
    if not any(not _blank(e.get("name")) for e in data["evaluators"]):
        problems.append(Problem("people", "formset-evaluators", _("请至少填写一名评价人员。")))
    for name, label in (("filler_name", "填报人"), ("filler_phone", "填报人联系电话")):
        if _blank(data["report"].get(name)):
            problems.append(Problem("people", f"id_signoff-{name}", _("请填写%(label)s。") % {"label": label}))
    return problems


def _number(text):
    return Decimal(text.replace(",", ""))


def _narrative_mismatches(data, narrative):
    problems = []
    for name in TEXT_FIELDS:
        text = unicodedata.normalize("NFKC", narrative.get(name) or "")
        if not text:
            continue
        anchor, title = f"id_narrative-{name}", NARRATIVE_TITLES[name]
        for words, table, field in NARRATIVE_AMOUNTS:
            rows = data[table]
            if not rows:
                continue
            actual = sum((r.get(field) or Decimal(0) for r in rows), Decimal(0))
            for match in re.finditer(rf"({words}){AMOUNT_GAP}(\d[\d,]*(?:\.\d+)?)\s*万元", text):
                said = _number(match.group(2))
                if said != actual:
                    problems.append(Problem("narrative", anchor, _(
                        "综述“%(title)s”中%(words)s为%(said)s万元，与收支情况表中的%(label)s%(actual)s万元不一致。") % {
                        "title": title, "words": match.group(1), "said": fmt_money(said),
                        "label": bv.LABELS[table][field], "actual": fmt_money(actual) or "0"}, ERROR))
        for words, field in NARRATIVE_COUNTS:
            actual = data["report"].get(field)
            if actual is None:
                continue
            for match in re.finditer(rf"({words})[^\d，。；;,、]{{0,6}}?(\d+)\s*人", text):
                if int(match.group(2)) != actual:
                    problems.append(Problem("narrative", anchor, _(
                        "综述“%(title)s”中%(words)s%(said)s人，与基本概况中的%(label)s%(actual)s人不一致。") % {
                        "title": title, "words": match.group(1), "said": match.group(2),
                        "label": COVER_LABELS[field], "actual": actual}, ERROR))
    return problems


def report_problems(data):
    """Every problem of one report's data, in the order of the form's sections."""
    return [
        *_cover_problems(data), *_finance_problems(data), *_base_data_problems(data),
        *_goal_problems(data), *_score_problems(data), *_text_problems(data),
    ]


def _entered(data):
    report = data["report"]
    defaults = data.get("defaults", {})
    return {
        "cover": bool(data["tasks"]) or any(
            not _blank(report.get(n)) and report.get(n) != defaults.get(n) for n in REQUIRED_COVER
        ),
        "finance": any(data[prefix] for prefix, *_rest in TABLES),
        "base-data": any(v is not None for v in (data["base_data"] or {}).values()),
        "goals": bool(data["qualitative"]) or any(data["quantitative"].values())
        or any(row["entered"] for row in data.get("targets") or []),
        "scores": any(r["self_score"] is not None or not _blank(r.get("deduction_reason")) for r in data["scores"]),
        "narrative": any(not _blank(v) for v in (data["narrative"] or {}).values()),
        "people": bool(data["evaluators"]) or any(
            not _blank(report.get(n)) for n in ("leader_name", "filler_name", "filler_phone")
        ),
    }


def section_states(data, problems):
    """{section key: EMPTY | INCOMPLETE | HAS_ERRORS | COMPLETE} for the editor's navigation."""
    entered = _entered(data)
    states = {}
    for key in SECTION_KEYS:
        kinds = {p.kind for p in problems if p.section == key}
        if not entered[key]:
            states[key] = EMPTY
        elif ERROR in kinds:
            states[key] = HAS_ERRORS
        elif MISSING in kinds:
            states[key] = INCOMPLETE
        else:
            states[key] = COMPLETE
    return states
