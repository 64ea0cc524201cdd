"""The computed indicators of the national common-indicator framework as rule kinds.

财政部《关于推进预算绩效管理的指导意见》附件 部门整体支出绩效评价共性指标体系框架 (财预〔2013〕53号)
defines each computed 三级指标 as a ratio of two figures. Here each is a rule kind an admin picks
for a row without code: the kind fixes the figures (the framework's definition), the row's
parameters give only how the rate scores, which bureaus word differently:

    {"scoring": "capped", "limit": "100", "per_point": "0.5", "deduction": "pro_rata"}   # ≤ limit full
    {"scoring": "floor", "floor": "100", "per_point": "0.2"}                              # ≥ floor full
    {"scoring": "bands", "bands": [{"min": "90", "score": "5"}, …]}                       # by band

`expand(kind, params)` turns such a row into the generic rule (capped_ratio, floor_ratio or bands
with its numerator and denominator) that scoring.rules computes; the validators check the
expanded rule. Pure: no ORM.
"""
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

CAPPED, FLOOR, BANDS = "capped", "floor", "bands"
SHAPES = {CAPPED: "capped_ratio", FLOOR: "floor_ratio", BANDS: "bands"}
SHAPE_LABELS = {CAPPED: _("不超过上限得满分，超出扣分"), FLOOR: _("达到下限得满分，不足扣分"), BANDS: _("分档计分")}
# Parameters a framework kind's row may carry besides its scoring ones.
OWN_PARAMS = frozenset({"scoring", "basis"})


@dataclass(frozen=True)
class Ratio:
    """numerator / denominator (or, with `change`, (numerator − denominator) / denominator), by figure key."""

    numerator: str
    denominator: str
    change: bool = False
    absolute: bool = False
    numerator_fallback: str | None = None
    denominator_fallback: str | None = None


@dataclass(frozen=True)
class Definition:
    """One computed indicator of the framework: its name, formula as the framework words it, figures."""

    kind: str
    label: str
    formula: str
    ratio: Ratio
    scoring: str  # the shape a row gets when its parameters do not say
    # Other readings a rubric may define instead ("basis" parameter -> Ratio); the first is the framework's.
    bases: dict = field(default_factory=dict)


THREE_PUBLIC_FINAL = "base_data.three_public_final"

DEFINITIONS = {d.kind: d for d in (
    Definition(
        "staff_control_rate", _("在职人员控制率"), _("在职人员控制率 =（在职人员数 / 编制数）× 100%"),
        Ratio("report.in_service_count", "report.staff_quota"), CAPPED,
    ),
    Definition(
        "three_public_change_rate", _("“三公经费”变动率"),
        _("“三公经费”变动率 =（本年度“三公经费”预算数 − 上年度“三公经费”预算数）/ 上年度“三公经费”预算数 × 100%"),
        Ratio("base_data.three_public_budget", "base_data.three_public_prev_budget", change=True), CAPPED,
        bases={
            "budget": Ratio("base_data.three_public_budget", "base_data.three_public_prev_budget", change=True),
            # 岳阳-style reading on 决算: 本年决算 (else the 三公经费 table) against 上年决算.
            "final": Ratio(THREE_PUBLIC_FINAL, "base_data.three_public_prev_final", change=True,
                           numerator_fallback="three_public.total"),
        },
    ),
    Definition(
        "key_expenditure_rate", _("重点支出安排率"), _("重点支出安排率 =（重点项目支出 / 项目总支出）× 100%"),
        Ratio("base_data.key_project_expenditure", "base_data.project_expenditure",
              denominator_fallback="expenditure.project"), BANDS,
    ),
    Definition(
        "budget_completion_rate", _("预算完成率"), _("预算完成率 =（预算完成数 / 预算数）× 100%"),
        Ratio("base_data.budget_completed", "base_data.budget_adjusted"), FLOOR,
    ),
    Definition(
        "budget_adjustment_rate", _("预算调整率"), _("预算调整率 =（预算调整数 / 预算数）× 100%"),
        # An 追减 counts by its size, as an 追加 does.
        Ratio("base_data.budget_adjustment", "base_data.budget_initial", absolute=True), BANDS,
    ),
    Definition(
        "payment_progress_rate", _("支付进度率"), _("支付进度率 =（实际支付进度 / 既定支付进度）× 100%"),
        Ratio("base_data.payment_progress_actual", "base_data.payment_progress_planned"), FLOOR,
    ),
    Definition(
        "carryover_rate", _("结转结余率"), _("结转结余率 = 结转结余总额 / 支出预算数 × 100%"),
        Ratio("base_data.carryover_total", "base_data.budget_adjusted"), CAPPED,
    ),
    Definition(
        "carryover_change_rate", _("结转结余变动率"),
        _("结转结余变动率 =（本年度累计结转结余资金总额 − 上年度累计结转结余资金总额）/ 上年度累计结转结余资金总额 × 100%"),
        Ratio("base_data.carryover_total", "base_data.carryover_prev_total", change=True), CAPPED,
    ),
    Definition(
        "public_funds_control_rate", _("公用经费控制率"),
        _("公用经费控制率 =（实际支出公用经费总额 / 预算安排公用经费总额）× 100%"),
        Ratio("base_data.public_funds_actual", "base_data.public_funds_budget",
              numerator_fallback="expenditure.public_use"), CAPPED,
    ),
    Definition(
        "three_public_control_rate", _("“三公经费”控制率"),
        _("“三公经费”控制率 =（“三公经费”实际支出数 / “三公经费”预算安排数）× 100%"),
        Ratio(THREE_PUBLIC_FINAL, "base_data.three_public_budget", numerator_fallback="three_public.total"), CAPPED,
    ),
    Definition(
        "procurement_rate", _("政府采购执行率"), _("政府采购执行率 =（实际政府采购金额 / 政府采购预算数）× 100%"),
        Ratio("base_data.procurement_actual", "base_data.procurement_budget"), FLOOR,
    ),
    Definition(
        "fixed_asset_utilization", _("固定资产利用率"), _("固定资产利用率 =（实际在用固定资产总额 / 所有固定资产总额）× 100%"),
        Ratio("fixed_asset.in_use", "fixed_asset.total"), FLOOR,
    ),
    Definition(
        "completion_rate", _("实际完成率"), _("实际完成率 =（实际完成工作数 / 计划工作数）× 100%"),
        Ratio("base_data.work_completed", "base_data.work_planned"), FLOOR,
    ),
    Definition(
        "timeliness_rate", _("完成及时率"), _("完成及时率 =（及时完成实际工作数 / 实际完成工作数）× 100%"),
        Ratio("base_data.work_timely", "base_data.work_completed"), FLOOR,
    ),
    Definition(
        "quality_rate", _("质量达标率"), _("质量达标率 =（质量达标实际工作数 / 实际完成工作数）× 100%"),
        Ratio("base_data.work_quality", "base_data.work_completed"), FLOOR,
    ),
    Definition(
        "key_work_rate", _("重点工作办结率"), _("重点工作办结率 =（重点工作实际完成数 / 交办或下达数）× 100%"),
        Ratio("base_data.key_work_completed", "base_data.key_work_assigned"), FLOOR,
    ),
)}


class ExpandError(ValueError):
    """A framework row's parameters name an unknown scoring shape or basis (message in Chinese)."""


def expand(kind, params):
    """(generic kind, params) for a row of rule `kind`: framework kinds become the ratio rule they
    define; any other kind comes back unchanged. Raises ExpandError for an unknown shape or basis."""
    definition = DEFINITIONS.get(kind)
    if definition is None:
        return kind, params
    params = dict(params or {})
    shape = params.pop("scoring", definition.scoring)
    if shape not in SHAPES:
        raise ExpandError(_("计分方式“%(shape)s”不存在，应为 capped、floor 或 bands") % {"shape": shape})
    basis = params.pop("basis", None)
    if basis is None:
        ratio = definition.ratio
    elif basis in definition.bases:
        ratio = definition.bases[basis]
    else:
        raise ExpandError(_("口径“%(basis)s”不存在") % {"basis": basis})
    figures = {"numerator": ratio.numerator, "denominator": ratio.denominator}
    for name in ("numerator_fallback", "denominator_fallback"):
        if getattr(ratio, name):
            figures[name] = getattr(ratio, name)
    for name in ("change", "absolute"):
        if getattr(ratio, name):
            figures[name] = True
    return SHAPES[shape], {**params, **figures}
