"""The largest report the limits allow (reports.limits): every list full, every text at its limit.

`maximal_document()` builds it from the seed report; reports/data/maximal_report.json is its
output (`python manage.py shell -c "from reports.maximal import write; write()"` rewrites it), and
a test keeps the two equal. Tests, the benchmark and docs/screenshots render it.
"""
import copy
import json
from pathlib import Path

from reports.enums import BENEFIT_CATEGORIES, OUTPUT_CATEGORIES, Category
from reports.limits import (
    LIST_LIMITS,
    NARRATIVE_LIMIT,
    NARRATIVE_LONG,
    NARRATIVE_LONG_LIMIT,
    NARRATIVE_TOTAL_LIMIT,
    text_limit,
)

MAXIMAL_FILE = Path(__file__).resolve().parent / "data" / "maximal_report.json"
SEED_FILE = Path(__file__).resolve().parent / "data" / "demo_2021_106019.json"

# Sentences the long texts are made of (from the seed's own wording, so the lines break as real text does).
SENTENCES = (
    "围绕区委、区政府中心工作，及时宣传报道区内经济、政治、文化、社会和生态文明建设中的大事。",
    "全年在中央级主流党媒发稿129篇，省级主流党媒发稿364篇，市级主流党媒发稿387条。",
    "严格控制预算，严格控制“三公”经费支出，做到预算支出不超标；",
    "进一步完善机关财务制度，加强专项资金管理，提高资金使用效益。",
    "融媒体中心现有人数23人，其中在职全额编制12人，退休3人，借调临聘人员8人。",
    "策划创作新媒体作品200余个（含短视频、H5、长图），网络传播量累计超过1.2亿次！",
)


def filler(length, *, offset=0, paragraph=220):
    """Chinese text of exactly `length` characters, in paragraphs of about `paragraph` characters."""
    if length <= 0:
        return ""
    out, used, index = [], 0, offset
    current = ""
    while used < length:
        sentence = SENTENCES[index % len(SENTENCES)]
        index += 1
        if len(current) + len(sentence) > paragraph and current:
            out.append(current)
            used += 1  # the line break
            current = ""
        current += sentence
        used += len(sentence)
    out.append(current)
    return "\n".join(out)[:length]


def line(length, *, offset=0):
    """One line of exactly `length` characters (names, titles, 机构名称)."""
    base = "岳阳市岳阳楼区融媒体中心新闻采编部全媒体指挥调度中心"
    text = (base[offset % len(base):] + base) * (length // len(base) + 2)
    return text[:length]


def maximal_document():
    """The seed report grown to every limit of reports.limits (an importable interchange document)."""
    doc = json.loads(SEED_FILE.read_text(encoding="utf-8"))
    doc = copy.deepcopy(doc)
    for section, model in (("cover", "Report"), ("overview", "Report"), ("signoff", "Report")):
        for name, value in doc[section].items():
            limit = text_limit(model, name)
            if limit is None or not isinstance(value, str):
                continue
            if name in ("functions", "achievements", "dept_opinion", "finance_opinion"):
                doc[section][name] = filler(limit, offset=len(name))
            else:
                doc[section][name] = line(limit, offset=len(name))
    doc["tasks"] = [filler(text_limit("Task", "text"), offset=i, paragraph=400)
                    for i in range(LIST_LIMITS["tasks"])]
    for key in ("income", "expenditure", "three_public", "fixed_assets"):
        template = doc[key][0]
        rows = []
        for i in range(LIST_LIMITS[key]):
            row = copy.deepcopy(template)
            row["org_name"] = line(text_limit("TableRow", "org_name"), offset=i)
            rows.append(row)
        doc[key] = rows
    doc["qualitative_goals"] = [
        {"target": filler(text_limit("QualitativeGoal", "target"), offset=i, paragraph=400),
         "actual": "已完成" if i % 3 else filler(text_limit("QualitativeGoal", "actual"), offset=i + 1, paragraph=400)}
        for i in range(LIST_LIMITS["qualitative_goals"])
    ]
    # 60 indicators: a full 数量指标 (30), 社会效益 20, and the other categories share the rest.
    counts = {Category.QUANTITY: 30, Category.SOCIAL: 20}
    others = [c for c in (*OUTPUT_CATEGORIES, *BENEFIT_CATEGORIES, Category.SATISFACTION) if c not in counts]
    for index in range(LIST_LIMITS["quantitative"] - sum(counts.values())):
        category = others[index % len(others)]
        counts[category] = counts.get(category, 0) + 1
    doc["quantitative"] = [
        {"category": str(category.value if hasattr(category, "value") else category),
         "target": filler(text_limit("QuantitativeIndicator", "target"), offset=i, paragraph=400),
         "actual": filler(text_limit("QuantitativeIndicator", "actual"), offset=i + 2, paragraph=400)}
        for category in (*OUTPUT_CATEGORIES, *BENEFIT_CATEGORIES, Category.SATISFACTION)
        for i in range(counts.get(category, 0))
    ]
    doc["evaluators"] = [
        {"name": line(text_limit("Evaluator", "name"), offset=i), "title": line(text_limit("Evaluator", "title"), offset=i + 1),
         "unit": line(text_limit("Evaluator", "unit"), offset=i + 2)}
        for i in range(LIST_LIMITS["evaluators"])
    ]
    # Each section at its limit until the 综述's total limit is reached (performance first: the longest).
    left = NARRATIVE_TOTAL_LIMIT
    for name in sorted(doc["narrative"], key=lambda n: n not in NARRATIVE_LONG):
        limit = min(left, NARRATIVE_LONG_LIMIT if name in NARRATIVE_LONG else NARRATIVE_LIMIT)
        doc["narrative"][name] = filler(limit, offset=len(name))
        left -= limit
    for index, row in enumerate(doc["scores"]):
        row["deduction_reason"] = filler(text_limit("ScoreEntry", "deduction_reason"), offset=index, paragraph=400)
        row["review_note"] = filler(text_limit("ScoreEntry", "review_note"), offset=index + 3, paragraph=400)
        row["review_score"] = row["self_score"]
    doc.pop("derived", None)
    doc.pop("status", None)
    return doc


def write():
    """Rewrite reports/data/maximal_report.json from maximal_document()."""
    from reports.interchange import document_dumps

    MAXIMAL_FILE.write_text(document_dumps(maximal_document()), encoding="utf-8")
