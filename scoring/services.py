"""Creating rubrics and evaluation years."""
import json
import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from scoring.enums import Level
from scoring.grades import DEFAULT_GRADE_BANDS
from scoring.models import EvaluationYear, GradeBand, Indicator, Rubric
from scoring.sheets import Problem as SheetProblem
from scoring.sheets import read_rubric_sheet, rubric_workbook
from scoring.validators import validate_grade_bands, validate_rubric_structure

DATA = Path(__file__).resolve().parent / "data"
DEFAULT_RUBRIC_FILE = DATA / "rubric_2021.json"
# The rubric templates an admin can open a year with: 岳阳 2021 (the seed's) and the national framework's 共性指标.
RUBRIC_TEMPLATES = {"yueyang_2021": DEFAULT_RUBRIC_FILE, "framework_2013": DATA / "rubric_framework.json"}


def _decimal(value):
    return None if value is None else Decimal(str(value))


def rubric_nodes_from_data(data):
    """Flatten the nested rubric document (scoring/data/rubric_2021.json) into ordered plain nodes."""
    nodes = []

    def walk(items, parent, level):
        for item in items:
            rule = dict(item.get("rule") or {})
            nodes.append({
                "code": item["code"],
                "level": level,
                "parent": parent,
                "label": item["label"],
                "standard": item.get("standard", ""),
                "points": _decimal(item.get("points")),
                "shares_points_with": item.get("shares_points_with"),
                "rule_kind": rule.pop("kind", "manual"),
                "rule_params": rule,
                "is_custom": bool(item.get("is_custom", False)),
                "requires_evidence": bool(item.get("requires_evidence", False)),
                "order": len(nodes) + 1,
            })
            walk(item.get("children", ()), item["code"], level + 1)

    walk(data["indicators"], None, Level.FIRST)
    return nodes


def _node(row):
    """One indicator (its parent and shared-分值 lead loaded) as a plain node."""
    return {
        "code": row.code, "level": row.level, "parent": row.parent.code if row.parent_id else None,
        "label": row.label, "standard": row.standard, "points": row.points,
        "shares_points_with": row.shares_points_with.code if row.shares_points_with_id else None,
        "rule_kind": row.rule_kind, "rule_params": row.rule_params, "is_custom": row.is_custom,
        "requires_evidence": row.requires_evidence, "order": row.order,
    }


def rubric_nodes_from_db(rubric):
    """The rubric's indicators as plain nodes, in order (the shape the validators take)."""
    return [_node(row) for row in _linked_indicators(rubric.pk)]


def _linked_indicators(rubric_id):
    """Every indicator of the rubric in order, each with its parent and shared-分值 lead linked: one query."""
    every = list(Indicator.objects.filter(rubric_id=rubric_id).order_by("order"))
    by_id = {indicator.pk: indicator for indicator in every}
    parent, lead = Indicator.parent.field, Indicator.shares_points_with.field
    for indicator in every:
        parent.set_cached_value(indicator, by_id.get(indicator.parent_id))
        lead.set_cached_value(indicator, by_id.get(indicator.shares_points_with_id))
    return every


def rubric_scored_rows(rubric_id):
    """The rubric's 三级 rows in order, each with its parent, grandparent and shared-分值 lead loaded.

    One query for the whole tree (a rubric holds a few dozen rows), linked here: three joins cost
    the 评分表 page more than reading the 一级 and 二级 rows along with the 三级 ones."""
    return [indicator for indicator in _linked_indicators(rubric_id) if indicator.level == Level.THIRD]


@dataclass(frozen=True)
class FrozenRubric:
    """A frozen rubric as read once: its 三级 rows (as rubric_scored_rows) and its plain nodes (as
    rubric_nodes_from_db). Shared between requests: read them, never change them."""

    scored_rows: tuple
    nodes: tuple


# {(rubric pk, created_at): (kept until, FrozenRubric)}: rubrics whose year has reports, per process.
_FROZEN = {}
FROZEN_ROWS_SECONDS = 600


def frozen_rubric(rubric):
    """The FrozenRubric of a rubric whose year has reports, kept per process for FROZEN_ROWS_SECONDS: such a
    rubric no longer changes (scoring.admin refuses every change to it once rubric_is_frozen), so the 评分表
    page, the check list and every save's suggestions need not read it on every request. Keyed by its creation
    time too, so a new rubric that reuses a pk is read afresh; a change made outside the admin shows within the
    period (or at once after frozen_rubrics_forget())."""
    key, now = (rubric.pk, rubric.created_at), time.monotonic()
    kept = _FROZEN.get(key)
    if kept is None or kept[0] < now:
        for stale in [k for k, (until, _rubric) in _FROZEN.items() if until < now]:
            _FROZEN.pop(stale, None)
        every = _linked_indicators(rubric.pk)
        kept = (now + FROZEN_ROWS_SECONDS, FrozenRubric(
            scored_rows=tuple(row for row in every if row.level == Level.THIRD),
            nodes=tuple(_node(row) for row in every),
        ))
        _FROZEN[key] = kept
    return kept[1]


def frozen_rubric_scored_rows(rubric):
    """frozen_rubric(rubric)'s 三级 rows."""
    return frozen_rubric(rubric).scored_rows


def frozen_rubrics_forget():
    """Read every frozen rubric afresh from now on (after a change made outside the admin)."""
    _FROZEN.clear()


@transaction.atomic
def rubric_create(*, name, nodes, based_on=None):
    """Create a rubric from plain nodes after checking that every level adds up to 100."""
    validate_rubric_structure(nodes)
    rubric = Rubric.objects.create(name=name, based_on=based_on)
    created = {}
    for node in nodes:
        created[node["code"]] = Indicator.objects.create(
            rubric=rubric,
            parent=created.get(node["parent"]),
            level=node["level"],
            code=node["code"],
            label=node["label"],
            standard=node.get("standard", ""),
            points=node["points"],
            shares_points_with=created.get(node.get("shares_points_with")),
            rule_kind=node.get("rule_kind", "manual"),
            rule_params=node.get("rule_params") or {},
            is_custom=node.get("is_custom", False),
            requires_evidence=node.get("requires_evidence", False),
            order=node["order"],
        )
    return rubric


def rubric_get_or_create_template(key):
    """The template rubric `key` of RUBRIC_TEMPLATES, created from its data file on first use."""
    data = json.loads(RUBRIC_TEMPLATES[key].read_text(encoding="utf-8"))
    existing = Rubric.objects.filter(name=data["name"]).first()
    if existing is not None:
        return existing
    return rubric_create(name=data["name"], nodes=rubric_nodes_from_data(data))


def rubric_get_or_create_default():
    """The seed's 2021 rubric, created from scoring/data/rubric_2021.json on first use."""
    return rubric_get_or_create_template("yueyang_2021")


def rubric_templates_get_or_create():
    """Every template rubric (岳阳 2021, 共性指标框架), created where missing, so a year can open with either."""
    return [rubric_get_or_create_template(key) for key in RUBRIC_TEMPLATES]


@transaction.atomic
def year_create(*, year, rubric, deadline=None, bands=DEFAULT_GRADE_BANDS):
    """Create an evaluation year with its rubric and grade bands (default 优秀/良好/中/差 at 90/80/60)."""
    validate_grade_bands(list(bands))
    evaluation_year = EvaluationYear.objects.create(year=year, rubric=rubric, deadline=deadline)
    GradeBand.objects.bulk_create(
        GradeBand(evaluation_year=evaluation_year, label=label, min_score=minimum) for label, minimum in bands
    )
    return evaluation_year


def rubric_is_frozen(rubric):
    """A rubric is frozen once any evaluation year using it has reports."""
    return EvaluationYear.objects.filter(rubric=rubric, reports__isnull=False).exists()


def _copy_name(name):
    candidate, n = f"{name}（副本）", 1
    while Rubric.objects.filter(name=candidate).exists():
        n += 1
        candidate = f"{name}（副本{n}）"
    return candidate


@transaction.atomic
def rubric_copy(*, rubric, name=None):
    """Create an editable copy of `rubric` (every indicator, rule and parameter), named `name` or "…（副本）"."""
    return rubric_create(name=name or _copy_name(rubric.name), nodes=rubric_nodes_from_db(rubric), based_on=rubric)


@transaction.atomic
def year_set_grade_bands(*, evaluation_year, bands):
    """Replace the year's 评价等次 with `bands` ((label, min_score) pairs) after validating them.

    Replacing them whole lets cut-offs and labels move past each other (90/80/60 → 80/70/60)
    without tripping the uniqueness of a label or a cut-off half-way. Returns the new bands.
    """
    bands = list(bands)
    validate_grade_bands(bands)
    GradeBand.objects.filter(evaluation_year=evaluation_year).delete()
    return GradeBand.objects.bulk_create(
        GradeBand(evaluation_year=evaluation_year, label=label, min_score=minimum) for label, minimum in bands
    )


# --- Rubrics as Excel sheets ----------------------------------------------------------------------
def rubric_export_sheet(rubric):
    """The .xlsx bytes of `rubric` (scoring.sheets layout), for a bureau to edit or another installation."""
    return rubric_workbook(rubric_nodes_from_db(rubric), name=rubric.name)


@dataclass
class SheetImport:
    """What reading a rubric sheet found and, unless it was a dry run or had problems, created."""

    name: str
    nodes: list
    problems: list
    rubric: Rubric | None = None

    @property
    def ok(self):
        return not self.problems


def rubric_import_sheet(*, file, name=None, dry_run=False):
    """Read a rubric sheet and, when it has no problem and this is no dry run, create a new rubric from it.

    Every problem is listed (with its Excel row); any problem writes nothing. The rubric is always
    new (named `name`, else the sheet's 评分表名称): rubrics already used by reports stay as they are.
    Returns a SheetImport.
    """
    sheet_name, nodes, problems = read_rubric_sheet(file)
    name = (name or sheet_name or "").strip()
    max_length = Rubric._meta.get_field("name").max_length
    if not name:
        problems.append(SheetProblem(None, _("请填写评分表名称。")))
    elif len(name) > max_length:
        problems.append(SheetProblem(None, _("评分表名称不能超过%(max)s个字符。") % {"max": max_length}))
    elif Rubric.objects.filter(name=name).exists():
        problems.append(SheetProblem(None, _("已有名为“%(name)s”的评分表，请换一个名称。") % {"name": name}))
    result = SheetImport(name=name, nodes=nodes, problems=problems)
    if result.ok and not dry_run:
        result.rubric = rubric_create(name=name, nodes=nodes)
    return result
