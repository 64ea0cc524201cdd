"""Rubric structure and grade bands, as plain functions over plain data.

A rubric is given as a list of nodes (mappings or objects) with `code`, `level`, `parent`
(the parent's code or None), `label`, `points` (Decimal or None) and `shares_points_with`
(a code or None). Forms, the admin, the JSON import and services all call these.
"""
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from scoring import target_rules
from scoring.enums import RuleKind
from scoring.framework import DEFINITIONS, ExpandError, expand

TOTAL_POINTS = Decimal("100")
LEVEL_NAMES = {1: "一级指标", 2: "二级指标", 3: "三级指标"}


def _get(node, key):
    return node.get(key) if isinstance(node, dict) else getattr(node, key)


def _fmt(value):
    return f"{Decimal(value).normalize():f}"


def located_rubric_problems(nodes):
    """Every structural problem of a rubric as (code of the row it is about or None, Chinese sentence)."""
    problems = []
    by_code = {}
    for node in nodes:
        code = _get(node, "code")
        if code in by_code:
            problems.append((code, _("指标代码“%(code)s”重复。") % {"code": code}))
        by_code[code] = node
    children = {}
    for node in nodes:
        children.setdefault(_get(node, "parent"), []).append(node)

    for node in nodes:
        level, parent, label = _get(node, "level"), _get(node, "parent"), _get(node, "label")
        here = _get(node, "code")
        if level == 1 and parent is not None:
            problems.append((here, _("一级指标“%(label)s”不能有上级指标。") % {"label": label}))
        if level in (2, 3):
            parent_node = by_code.get(parent)
            if parent_node is None or _get(parent_node, "level") != level - 1:
                problems.append((here, _("%(level)s“%(label)s”的上级指标应为%(parent_level)s。") % {
                    "level": LEVEL_NAMES[level], "label": label, "parent_level": LEVEL_NAMES[level - 1],
                }))
        lead_code = _get(node, "shares_points_with")
        if lead_code:
            lead = by_code.get(lead_code)
            if level != 3 or lead is None or _get(lead, "parent") != parent or _get(lead, "shares_points_with"):
                problems.append((here, _("三级指标“%(label)s”只能与同一二级指标下的三级指标共用分值。") % {"label": label}))
            elif _get(node, "points") is not None:
                problems.append((here, _("三级指标“%(label)s”与“%(lead)s”共用分值，不能另设分值。") % {
                    "label": label, "lead": _get(lead, "label"),
                }))
        elif _get(node, "points") is None:
            problems.append((here, _("%(level)s“%(label)s”未设置分值。") % {"level": LEVEL_NAMES.get(level, ""), "label": label}))
        elif _get(node, "points") < 0:
            problems.append((here, _("%(level)s“%(label)s”的分值不能为负数。") % {"level": LEVEL_NAMES.get(level, ""), "label": label}))

    def counted_points(kids):
        # A shared 分值 counts once: only rows that hold their own points add up.
        return sum((_get(k, "points") or Decimal(0) for k in kids if not _get(k, "shares_points_with")), Decimal(0))

    for node in nodes:
        level = _get(node, "level")
        if level not in (1, 2) or _get(node, "points") is None:
            continue
        kids = children.get(_get(node, "code"), [])
        if not kids:
            problems.append((_get(node, "code"), _("%(level)s“%(label)s”下没有%(child)s。") % {
                "level": LEVEL_NAMES[level], "label": _get(node, "label"), "child": LEVEL_NAMES[level + 1],
            }))
            continue
        summed = counted_points(kids)
        if summed != _get(node, "points"):
            problems.append((_get(node, "code"), _("%(level)s“%(label)s”分值为%(points)s分，其下%(child)s分值合计为%(sum)s分。") % {
                "level": LEVEL_NAMES[level], "label": _get(node, "label"), "points": _fmt(_get(node, "points")),
                "child": LEVEL_NAMES[level + 1], "sum": _fmt(summed),
            }))
    firsts = [n for n in nodes if _get(n, "level") == 1]
    summed = counted_points(firsts)
    if summed != TOTAL_POINTS:
        problems.append((None, _("一级指标分值合计应为100分，现为%(sum)s分。") % {"sum": _fmt(summed)}))
    return problems


def rubric_problems(nodes):
    """Every structural problem of a rubric, as Chinese sentences (empty when it is sound)."""
    return [message for _code, message in located_rubric_problems(nodes)]


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


# --- Rules and 个性化指标 ----------------------------------------------------------------------
# Codes of the 一级指标 under which a year's rubric may add 个性化指标 (产出, 效果).
CUSTOM_ROOTS = frozenset({"output", "effect"})
RULE_KINDS = tuple(RuleKind.values)
# Parameters naming figures: a framework kind's definition fixes them, so its rows may not set them.
FIGURE_PARAMS = ("numerator", "denominator", "numerator_fallback", "denominator_fallback", "change", "absolute",
                 "value", "value_fallback")
DEDUCTION_MODES = ("pro_rata", "per_started_point")


def _number(value):
    """A rule parameter as a Decimal, or None when it is not a number."""
    if isinstance(value, bool) or value is None:
        return None
    try:
        number = Decimal(str(value))
    except ArithmeticError:
        return None
    return number if number.is_finite() else None


def _bands_problem(table, full):
    """What is wrong with a bands rule's table (a Chinese phrase), or None."""
    if not isinstance(table, list) or not table:
        return _("请设置评分档")
    edges = {"min" if "min" in band else "max" if "max" in band else None for band in table if isinstance(band, dict)}
    if len(edges) != 1 or None in edges or len(table) != sum(isinstance(b, dict) for b in table):
        return _("评分档应统一以下限（min）或上限（max）表示")
    for band in table:
        score = _number(band.get("score"))
        if score is None or score < 0 or score > full:
            return _("评分档得分应在0至%(full)s分之间") % {"full": _fmt(full)}
    return None


def _rule_detail(kind, params, full, figure_keys):
    """What is wrong with one row's rule parameters (a Chinese phrase), or None."""
    if kind not in RULE_KINDS:
        return _("计分规则“%(kind)s”不存在") % {"kind": kind}
    if not isinstance(params, dict):
        return _("规则参数应为JSON对象")
    if kind == target_rules.KIND:
        problem = target_rules.params_problem(params)
        if problem is None and params.get("scoring") == target_rules.BANDS:
            return _bands_problem(params.get("bands"), full)
        return problem
    if kind in DEFINITIONS:
        fixed = [key for key in FIGURE_PARAMS if key in params]
        if fixed:
            return _("“%(label)s”的数据项由共性指标定义确定，不能另设%(keys)s") % {
                "label": DEFINITIONS[kind].label, "keys": "、".join(fixed),
            }
        try:
            kind, params = expand(kind, params)
        except ExpandError as error:
            return str(error)

    def known(key, name):
        value = params.get(key)
        if value is None:
            return _("缺少%(name)s") % {"name": name}
        if figure_keys is not None and value not in figure_keys:
            return _("%(name)s“%(value)s”不是可用的数据项") % {"name": name, "value": value}
        return None

    if kind in ("capped_ratio", "floor_ratio") or (kind == "bands" and "value" not in params):
        for key, name in (("numerator", _("分子")), ("denominator", _("分母"))):
            problem = known(key, name)
            if problem:
                return problem
    for key, name in (("numerator_fallback", _("分子备用数据项")), ("denominator_fallback", _("分母备用数据项")),
                      ("value_fallback", _("取值备用数据项")), ("population", _("事项总数"))):
        if params.get(key) is not None and known(key, name):
            return known(key, name)
    if kind in ("capped_ratio", "floor_ratio"):
        per_point = _number(params.get("per_point"))
        if per_point is None or per_point <= 0:
            return _("每个百分点扣分应为正数")
        if params.get("deduction", "pro_rata") not in DEDUCTION_MODES:
            return _("扣分方式应为按比例（pro_rata）或不足一个百分点按一个计（per_started_point）")
    if kind == "bands":
        if "value" in params and known("value", _("取值")):
            return known("value", _("取值"))
        return _bands_problem(params.get("bands"), full)
    if kind == "balance":
        for key in ("none", "within_carryover", "above_carryover"):
            score = _number(params.get(key, 0))
            if score is None or score < 0 or score > full:
                return _("结余各情形得分应在0至%(full)s分之间") % {"full": _fmt(full)}
    if kind == "checklist":
        items = params.get("items")
        if not isinstance(items, list) or not items:
            return _("请列出逐项计分的各项")
        points = [_number(item.get("points")) if isinstance(item, dict) else None for item in items]
        if None in points or any(p < 0 for p in points):
            return _("逐项计分的各项分值应为非负数")
        if sum(points, Decimal(0)) != full:
            return _("逐项计分各项分值合计为%(sum)s分，应等于分值%(full)s分") % {
                "sum": _fmt(sum(points, Decimal(0))), "full": _fmt(full),
            }
    if kind == "violations":
        per_case = _number(params.get("per_case"))
        if per_case is None or per_case <= 0:
            return _("每例扣分应为正数")
        if params.get("count") is not None and known("count", _("例数")):
            return known("count", _("例数"))
    return None


def rubric_rule_problems(nodes, figure_keys=None):
    """Every 三级 row whose rule kind or parameters cannot score it, as Chinese sentences.

    `figure_keys`, when given, are the figures a ratio's numerator and denominator may name.
    """
    return [message for _code, message in located_rule_problems(nodes, figure_keys)]


def located_rule_problems(nodes, figure_keys=None):
    """rubric_rule_problems as (code of the row, sentence) pairs."""
    points = {_get(n, "code"): _get(n, "points") for n in nodes}
    problems = []
    for node in nodes:
        if _get(node, "level") != 3:
            continue
        lead = _get(node, "shares_points_with")
        full = points.get(lead) if lead else _get(node, "points")
        if full is None:
            continue  # rubric_problems reports the missing 分值
        detail = _rule_detail(_get(node, "rule_kind"), _get(node, "rule_params") or {}, full, figure_keys)
        if detail:
            problems.append((_get(node, "code"), _("三级指标“%(label)s”的计分规则有误：%(detail)s。") % {
                "label": _get(node, "label"), "detail": detail,
            }))
    return problems


def custom_indicator_problems(nodes):
    """个性化指标 may only be added under 产出 and 效果."""
    return [message for _code, message in located_custom_problems(nodes)]


def located_custom_problems(nodes):
    """custom_indicator_problems as (code of the row, sentence) pairs."""
    by_code = {_get(n, "code"): n for n in nodes}
    problems = []
    for node in nodes:
        if not _get(node, "is_custom"):
            continue
        root, seen = node, set()
        while _get(root, "parent") in by_code and _get(root, "code") not in seen:
            seen.add(_get(root, "code"))
            root = by_code[_get(root, "parent")]
        if _get(node, "level") == 1 or _get(root, "level") != 1 or _get(root, "code") not in CUSTOM_ROOTS:
            problems.append((_get(node, "code"), _("个性化指标“%(label)s”只能设在产出或效果之下。") % {
                "label": _get(node, "label"),
            }))
    return problems


def located_problems(nodes, figure_keys=None):
    """Every problem of structure, rules and 个性化指标 placement as (row code or None, sentence)."""
    return (located_rubric_problems(nodes) + located_rule_problems(nodes, figure_keys)
            + located_custom_problems(nodes))


def validate_rubric(nodes, figure_keys=None):
    """Raise ValidationError listing every problem of structure, rules and 个性化指标 placement."""
    problems = rubric_problems(nodes) + rubric_rule_problems(nodes, figure_keys) + custom_indicator_problems(nodes)
    if problems:
        raise ValidationError(problems)
