"""Changes of a report described for people: "收支情况 · 年度收入情况 第1行 · 收入合计：260.48 → 250.00".

A change is {"path", "old", "new"} as reports.history.document_diff gives it; the path is named
with the same words the form and the editor use (model verbose names, rubric labels).
"""
import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

from budgets.models import BaseData, ExpenditureRow, FixedAssetRow, IncomeRow, ThreePublicRow
from reports.enums import Category
from reports.interchange.fields import BASE_DATA, COVER, LISTS, NARRATIVE, OVERVIEW, SCORE, SIGNOFF, TABLES, TOP_LEVEL
from reports.models import Evaluator, Narrative, QualitativeGoal, QuantitativeIndicator, Report, ScoreEntry
from reports.rendering import fmt_score

PATH_RE = re.compile(r"^(?P<key>[a-z_]+)(?:\[(?P<index>\d+)\])?(?:\.(?P<field>[a-z_]+))?(?P<rest>.*)$")
TABLE_MODELS = {
    "income": (IncomeRow, "年度收入情况"), "expenditure": (ExpenditureRow, "年度支出和结余情况"),
    "three_public": (ThreePublicRow, "三公经费"), "fixed_assets": (FixedAssetRow, "固定资产"),
}
LIST_MODELS = {
    "qualitative_goals": (QualitativeGoal, "定性目标", "目标%(n)s"),
    "quantitative": (QuantitativeIndicator, "定量目标", "第%(n)s项"),
    "evaluators": (Evaluator, "评价人员", "第%(n)s人"),
}
SECTION_CAPTIONS = {
    "cover": "封面", "overview": "基本概况", "signoff": "签字和意见", "base_data": "基础数据",
    "narrative": "评价报告综述", "tasks": "年度主要工作任务", "scores": "评分表",
}


# The order of the keys inside each part of the document, as reports.interchange writes them.
FIELD_ORDER = {
    "cover": COVER, "overview": OVERVIEW, "signoff": SIGNOFF, "base_data": BASE_DATA, "narrative": NARRATIVE,
    "scores": SCORE,
    **{key: ("org_name", *money) for key, _model, _rel, money in TABLES},
    **{key: names for key, _model, _rel, names in LISTS},
}
TOKEN_RE = re.compile(r"([^.\[\]]+)|\[(\d+)\]")
SCORE_PATH_RE = re.compile(r"^scores\[\d+\]\.(?:self_score|review_score)$")


def path_sort_key(path):
    """Sorts paths in the order of the document as exported (a JSON store such as PostgreSQL's
    jsonb does not keep key order): part, row, then field in the form's order."""
    tokens = [int(index) if index else name for name, index in TOKEN_RE.findall(path)]
    if not tokens:
        return ()
    part = tokens[0]
    key = [(TOP_LEVEL.index(part) if part in TOP_LEVEL else len(TOP_LEVEL), "")]
    order = FIELD_ORDER.get(part, ())
    for token in tokens[1:]:
        if isinstance(token, int):
            key.append((token, ""))
        else:
            key.append((order.index(token) if token in order else len(order), token))
            order = ()
    return tuple(key)


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


def _verbose(model, name):
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:  # noqa: BLE001 (a key the model no longer has keeps its own name)
        return name


def shown(value):
    """A value as a person reads it: （空） for blank, 是/否, categories by their label, a 佐证材料 file by
    its name, description and the start of its SHA-256."""
    if isinstance(value, dict) and "sha256" in value:
        description = f"（{value['description']}）" if value.get("description") else ""
        return f"{value.get('name', '')}{description} SHA-256 {str(value['sha256'])[:12]}…"
    if value is None or value == "" or value == [] or value == {}:
        return _("（空）")
    if value is True:
        return _("是")
    if value is False:
        return _("否")
    if isinstance(value, str) and value in Category.values:
        return str(Category(value).label)
    return str(value)


def path_label(path, *, score_labels=()):
    """The words for one document path; `score_labels` are the 三级 labels in rubric order."""
    match = PATH_RE.match(path)
    if not match:
        return path
    key, index, field = match["key"], match["index"], match["field"]
    number = int(index) + 1 if index is not None else None
    if key in ("cover", "overview", "signoff") and field:
        return f"{_(SECTION_CAPTIONS[key])} · {_verbose(Report, field)}"
    if key == "base_data" and field:
        return f"{_(SECTION_CAPTIONS[key])} · {_verbose(BaseData, field)}"
    if key == "narrative" and field:
        return f"{_(SECTION_CAPTIONS[key])} · {_verbose(Narrative, field)}"
    if key == "tasks":
        return _("年度主要工作任务 · 任务%(n)s") % {"n": number}
    if key in TABLE_MODELS and number:
        model, title = TABLE_MODELS[key]
        row = _("%(table)s 第%(n)s行") % {"table": _(title), "n": number}
        return f"{row} · {_verbose(model, field)}" if field else row
    if key in LIST_MODELS and number:
        model, title, item = LIST_MODELS[key]
        caption = f"{_(title)} {_(item) % {'n': number}}"
        return f"{caption} · {_verbose(model, field)}" if field else caption
    if key == "scores" and number:
        label = score_labels[number - 1] if number <= len(score_labels) else str(number)
        caption = f"{_(SECTION_CAPTIONS[key])} · {label}"
        return f"{caption} · {_verbose(ScoreEntry, field)}" if field else caption
    return path


def _label(change, score_labels):
    if change["path"].startswith("evidence."):
        entry = change["new"] or change["old"] or {}
        return _("佐证材料 · %(place)s") % {"place": entry.get("place_label") or change["path"][len("evidence."):]}
    return path_label(change["path"], score_labels=score_labels)


def _shown_at(path, value):
    """shown(value), a 自评得分 or 复核得分 as the form prints it (4, not the document's "4.00")."""
    if value not in (None, "") and SCORE_PATH_RE.match(path):
        try:
            return fmt_score(value)
        except ArithmeticError:  # not a number (an older document's text): as it is
            pass
    return shown(value)


def described(changes, *, score_labels=()):
    """[Change] for document_diff's changes, in their order."""
    return [Change(label=_label(c, score_labels), old=_shown_at(c["path"], c["old"]), new=_shown_at(c["path"], c["new"]))
            for c in changes]


def score_labels_of(report):
    """The 三级 labels of the report's rubric in the order of the document's `scores` list."""
    return list(
        report.evaluation_year.rubric.indicators.filter(level=3).order_by("order").values_list("label", flat=True)
    )
