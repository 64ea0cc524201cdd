"""Rubric structure and grade bands, as plain functions over plain data.

A rubric is given as a list of nodes (mappings or objects) with `code`, `level`, `parent`
(the parent's code or None), `label`, `points` (Decimal or None) and `shares_points_with`
(a code or None). Forms, the admin, the JSON import and services all call these.
"""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TOTAL_POINTS = Decimal("100")
LEVEL_NAMES = {1: "一级指标", 2: "二级指标", 3: "三级指标"}


def _get(node, key):
    return node.get(key) if isinstance(node, dict) else getattr(node, key)


def _fmt(value):
    return f"{Decimal(value).normalize():f}"


def rubric_problems(nodes):
    """Every structural problem of a rubric, as Chinese sentences (empty when it is sound)."""
    problems = []
    by_code = {}
    for node in nodes:
        code = _get(node, "code")
        if code in by_code:
            problems.append(_("指标代码“%(code)s”重复。") % {"code": code})
        by_code[code] = node
    children = {}
    for node in nodes:
        children.setdefault(_get(node, "parent"), []).append(node)

    for node in nodes:
        level, parent, label = _get(node, "level"), _get(node, "parent"), _get(node, "label")
        if level == 1 and parent is not None:
            problems.append(_("一级指标“%(label)s”不能有上级指标。") % {"label": label})
        if level in (2, 3):
            parent_node = by_code.get(parent)
            if parent_node is None or _get(parent_node, "level") != level - 1:
                problems.append(_("%(level)s“%(label)s”的上级指标应为%(parent_level)s。") % {
                    "level": LEVEL_NAMES[level], "label": label, "parent_level": LEVEL_NAMES[level - 1],
                })
        lead_code = _get(node, "shares_points_with")
        if lead_code:
            lead = by_code.get(lead_code)
            if level != 3 or lead is None or _get(lead, "parent") != parent or _get(lead, "shares_points_with"):
                problems.append(_("三级指标“%(label)s”只能与同一二级指标下的三级指标共用分值。") % {"label": label})
            elif _get(node, "points") is not None:
                problems.append(_("三级指标“%(label)s”与“%(lead)s”共用分值，不能另设分值。") % {
                    "label": label, "lead": _get(lead, "label"),
                })
        elif _get(node, "points") is None:
            problems.append(_("%(level)s“%(label)s”未设置分值。") % {"level": LEVEL_NAMES.get(level, ""), "label": label})
        elif _get(node, "points") < 0:
            problems.append(_("%(level)s“%(label)s”的分值不能为负数。") % {"level": LEVEL_NAMES.get(level, ""), "label": label})

    def counted_points(kids):
        # A shared 分值 counts once: only rows that hold their own points add up.
        return sum((_get(k, "points") or Decimal(0) for k in kids if not _get(k, "shares_points_with")), Decimal(0))

    for node in nodes:
        level = _get(node, "level")
        if level not in (1, 2) or _get(node, "points") is None:
            continue
        kids = children.get(_get(node, "code"), [])
        if not kids:
            problems.append(_("%(level)s“%(label)s”下没有%(child)s。") % {
                "level": LEVEL_NAMES[level], "label": _get(node, "label"), "child": LEVEL_NAMES[level + 1],
            })
            continue
        summed = counted_points(kids)
        if summed != _get(node, "points"):
            problems.append(_("%(level)s“%(label)s”分值为%(points)s分，其下%(child)s分值合计为%(sum)s分。") % {
                "level": LEVEL_NAMES[level], "label": _get(node, "label"), "points": _fmt(_get(node, "points")),
                "child": LEVEL_NAMES[level + 1], "sum": _fmt(summed),
            })
    firsts = [n for n in nodes if _get(n, "level") == 1]
    summed = counted_points(firsts)
    if summed != TOTAL_POINTS:
        problems.append(_("一级指标分值合计应为100分，现为%(sum)s分。") % {"sum": _fmt(summed)})
    return problems


def validate_rubric_structure(nodes):
    """Raise ValidationError listing every problem unless 三级 → 二级 → 一级 → 100 all add up."""
    problems = rubric_problems(nodes)
    if problems:
        raise ValidationError(problems)


def validate_grade_bands(bands):
    """Bands as (label, min_score): distinct labels and cut-offs within 0-100, one starting at 0."""
    problems = []
    labels = [label for label, _min in bands]
    cuts = [cut for _label, cut in bands]
    if not bands:
        problems.append(_("请至少设置一个评价等次。"))
    if len(set(labels)) != len(labels):
        problems.append(_("评价等次名称不能重复。"))
    if len(set(cuts)) != len(cuts):
        problems.append(_("评价等次的最低分不能重复。"))
    for label, cut in bands:
        if cut < 0 or cut > TOTAL_POINTS:
            problems.append(_("等次“%(label)s”的最低分应在0至100之间。") % {"label": label})
    if bands and min(cuts) != 0:
        problems.append(_("最低的评价等次应从0分起，否则部分总分没有等次。"))
    if problems:
        raise ValidationError(problems)
