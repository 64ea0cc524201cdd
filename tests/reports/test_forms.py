from decimal import Decimal

import pytest

from budgets.models import BaseData
from reports.forms.cover import CoverForm, TaskFormSet
from reports.forms.finance import BASE_FIELDS, TABLE_FORMSETS, BaseDataForm, ExpenditureRowForm, IncomeRowForm
from reports.forms.scores import ScoresForm
from reports.forms.sections import SECTIONS, compare, flatten
from scoring.models import Indicator
from tests.reports.editor_support import blank_report, seed_report

pytestmark = pytest.mark.django_db


def management(prefix, total, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "200"}


def test_income_row_with_a_wrong_total_gets_the_message_at_the_total_cell():
    form = IncomeRowForm(data={"org_name": "融媒体中心", "total": "260.00", "public_finance": "260.48"})

    assert form.is_valid() is False
    assert form.errors == {"total": ["收入合计应等于上年结转、公共财政拨款、政府基金拨款、纳入专户管理的非税收入拨款、其他收入之和："
                                     "填写为 260.00，各项之和为 260.48。"]}
    assert "is-invalid" in form.fields["total"].widget.attrs["class"]


def test_income_row_accepts_forgiving_amounts_that_add_up():
    form = IncomeRowForm(data={"org_name": "融媒体中心", "total": " 260.48 ", "public_finance": "２６０．４８"})

    assert form.is_valid() is True
    assert (form.cleaned_data["total"], form.cleaned_data["public_finance"], form.cleaned_data["other"]) == (
        Decimal("260.48"), Decimal("260.48"), None,
    )


def test_expenditure_row_checks_both_identities_and_allows_a_negative_balance():
    form = ExpenditureRowForm(data={
        "org_name": "融媒体中心", "total": "260.48", "basic": "260.00", "personnel": "143.46", "public_use": "117.02",
        "current_surplus": "-3.50",
    })

    assert form.is_valid() is False
    assert set(form.errors) == {"total", "basic"}
    assert form.errors["basic"] == ["基本支出应等于人员支出、公用支出之和：填写为 260.00，各项之和为 260.48。"]
    assert "current_surplus" not in form.errors


def test_table_row_with_amounts_needs_an_organisation_name():
    form = IncomeRowForm(data={"total": "1.00", "other": "1.00"})

    assert form.is_valid() is False
    assert form.errors == {"org_name": ["请填写机构名称。"]}


def test_table_formset_drops_blank_and_deleted_rows_and_keeps_the_order():
    data = {
        **management("income", 3),
        "income-0-org_name": "本级", "income-0-total": "1.00", "income-0-other": "1.00",
        "income-1-org_name": "", "income-1-total": "",
        "income-2-org_name": "下属单位", "income-2-total": "2.00", "income-2-other": "2", "income-2-DELETE": "on",
    }
    formset = TABLE_FORMSETS["income"](data=data, prefix="income")

    assert formset.is_valid() is True
    assert [row["org_name"] for row in formset.rows()] == ["本级"]


def test_headcount_must_add_up_on_the_cover():
    form = CoverForm(data={"cover-actual_headcount": "22", "cover-in_service_count": "12",
                           "cover-retired_count": "3", "cover-temporary_count": "8人"}, prefix="cover")

    assert form.is_valid() is False
    assert form.errors == {"actual_headcount": ["实有人数应等于在职人数、退休人数与借调临聘人数之和：填写为 22，各项之和为 23。"]}


def test_cover_reads_dates_the_way_people_write_them():
    form = CoverForm(data={"cover-report_date": "2022年5月9日"}, prefix="cover")

    assert form.is_valid() is True
    assert form.cleaned_data["report_date"].isoformat() == "2022-05-09"


def test_cover_refuses_a_day_that_does_not_exist():
    form = CoverForm(data={"cover-report_date": "2022-02-30"}, prefix="cover")

    assert form.is_valid() is False
    assert form.errors == {"report_date": ["没有这一天，请检查日期。"]}


def test_task_formset_refuses_more_rows_than_its_maximum():
    data = {**management("tasks", 31), **{f"tasks-{i}-text": f"任务{i}" for i in range(31)}}
    formset = TaskFormSet(data=data, prefix="tasks")

    assert formset.is_valid() is False
    assert formset.non_form_errors() == ["最多只能填写30行。"]


def test_base_data_cross_checks_come_from_the_shared_validator():
    form = BaseDataForm(data={"base-special_fund_count": "2", "base-special_fund_late_count": "3个",
                              "base-satisfaction": "98%"}, prefix="base")

    assert form.is_valid() is False
    assert form.errors == {"special_fund_late_count": ["未按进度下达的专项个数（3）不能多于专项资金个数（2）。"]}


def _scores_form(report, data):
    indicators = Indicator.objects.filter(rubric=report.evaluation_year.rubric, level=3).select_related(
        "parent", "parent__parent", "shares_points_with").order_by("order")
    entries = {e.indicator_id: e for e in report.scores.all()}
    return ScoresForm(data, prefix="scores", indicators=indicators, entries=entries, step=Decimal("0.5"))


def test_scores_form_refuses_a_score_off_the_step_or_above_the_points():
    report = blank_report()
    form = _scores_form(report, {"scores-score__staff_control_rate": "4.3", "scores-score__fund_balance": "4"})

    assert form.is_valid() is False
    assert form.errors == {
        "score__staff_control_rate": ["自评得分须为0.5分的整数倍。"],
        "score__fund_balance": ["自评得分应在0至3分之间。"],
    }


def test_scores_form_accepts_the_stored_exact_suggestion_off_the_step_and_offers_it_to_the_page():
    report = blank_report()
    report.scores.filter(indicator__code="staff_control_rate").update(suggested_score=Decimal("1.15"))
    form = _scores_form(report, {"scores-score__staff_control_rate": "1.15", "scores-reason__staff_control_rate": "超编",
                                 "scores-score__fund_balance": "1.2"})

    assert form.is_valid() is False
    assert form.errors == {"score__fund_balance": ["自评得分须为0.5分的整数倍。"]}
    assert form.fields["score__staff_control_rate"].widget.attrs["data-suggested"] == "1.15"


def test_base_data_form_has_every_base_data_figure_once():
    fields = [f.name for f in BaseData._meta.fields if f.name not in ("id", "report")]

    assert sorted(BaseDataForm.base_fields) == sorted(fields)
    assert len(BASE_FIELDS) == len(set(BASE_FIELDS))


def test_scores_form_refuses_shared_rows_that_together_exceed_their_points():
    report = blank_report()
    form = _scores_form(report, {"scores-score__benefit_economic": "10", "scores-score__benefit_social": "5",
                                 "scores-score__benefit_ecological": "1"})

    assert form.is_valid() is False
    assert form.errors == {"score__benefit_economic": ["经济效益、社会效益、生态效益共用分值15分，得分合计不能超过15分。"]}


def test_scores_form_lets_a_draft_keep_a_score_below_the_points_without_a_reason():
    report = blank_report()
    form = _scores_form(report, {"scores-score__fund_balance": "2"})

    assert form.is_valid() is True
    assert [r for r in form.rows_data() if r["self_score"] is not None] == [
        {"indicator_id": report.evaluation_year.rubric.indicators.get(code="fund_balance").pk,
         "self_score": Decimal("2.00"), "deduction_reason": ""},
    ]


def test_section_values_from_the_database_compare_equal_to_the_same_values_typed():
    report = seed_report()
    stored = SECTIONS["finance"](report)
    typed = {}
    for name, _title, formset in stored.part_list():
        typed.update(management(name, len(formset.initial), len(formset.initial)))
        for index, row in enumerate(formset.initial):
            for field, value in row.items():
                typed[f"{name}-{index}-{field}"] = "" if value is None else str(value)
    bound = SECTIONS["finance"](report, typed)

    assert bound.is_valid() is True
    assert compare(flatten(stored), flatten(bound)) == []


def test_compare_lists_each_field_that_differs_with_both_values():
    report = seed_report()
    stored = SECTIONS["cover"](report)
    data = {f"cover-{k}": "" if v is None else str(v) for k, v in stored["cover"].initial.items()}
    data.update(management("tasks", 1, 0))
    data.update({"cover-contact_phone": "8245360", "tasks-0-text": "只有一项任务"})
    bound = SECTIONS["cover"](report, data)

    assert bound.is_valid() is True
    differences = compare(flatten(stored), flatten(bound))
    assert differences[0] == ("封面和基本概况 · 联络电话", "8245359", "8245360")
    assert differences[1] == ("年度主要工作内容 第1行 · 任务内容", "负责全区新闻报道计划的制定实施，组织协调全区重大新闻宣传报道；", "只有一项任务")
    assert [d[0] for d in differences[2:]] == [f"年度主要工作内容 第{n}行 · 任务内容" for n in range(2, 6)]
    assert [d[2] for d in differences[2:]] == [""] * 4


def _state(field):
    """A form field's and its widget's attributes, with the objects a copy must not share named by identity."""
    widget = field.widget
    return ({k: v for k, v in vars(field).items() if k != "widget"}, type(widget), vars(widget))


@pytest.mark.parametrize("kind", ["score", "reason", "check", "violations"])
def test_a_fresh_copy_of_a_scores_field_is_its_deep_copy_and_shares_nothing_it_may_change(kind):
    import copy

    from reports.forms.scores import CHECK_CHOICES, _field_kinds, fresh_copy

    proto = _field_kinds()[kind]
    fresh, deep = fresh_copy(proto), copy.deepcopy(proto)

    assert _state(fresh) == _state(deep)
    for changeable in ("widget", "error_messages", "validators"):
        assert getattr(fresh, changeable) is not getattr(proto, changeable)
    assert fresh.widget.attrs is not proto.widget.attrs
    if hasattr(proto.widget, "choices"):  # CheckField's fixed choices, shared as by its own deepcopy
        assert fresh.widget.choices == proto.widget.choices == list(CHECK_CHOICES)
