"""The limits of reports.limits: told at the field (maxlength), enforced by the forms and the import."""
import copy

import pytest

from reports.demo import seed_document
from reports.forms.cover import CoverForm, EvaluatorForm, SignOffForm, TaskForm
from reports.forms.finance import TABLE_FORMSETS, IncomeRowForm
from reports.forms.goals import QualitativeGoalForm, QuantitativeIndicatorForm, QuantitativeIndicatorFormSet
from reports.forms.review import DecisionForm
from reports.forms.texts import NarrativeForm
from reports.interchange import document_problems
from reports.limits import (
    LIST_LIMITS,
    NARRATIVE_LIMIT,
    NARRATIVE_TOTAL_LIMIT,
    QUANTITATIVE_PER_CATEGORY,
    TEXT_LIMITS,
    text_limit,
)
from reports.maximal import MAXIMAL_FILE, maximal_document
from reports.models import Report
from reports.narrative import TEXT_FIELDS

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("form", "field", "limit"), [
    (CoverForm, "evaluation_method", 30), (CoverForm, "issuer", 30), (CoverForm, "contact_name", 30),
    (CoverForm, "functions", 1500), (CoverForm, "achievements", 3000), (TaskForm, "text", 200),
    (IncomeRowForm, "org_name", 30), (QualitativeGoalForm, "target", 200), (QualitativeGoalForm, "actual", 60),
    (QuantitativeIndicatorForm, "target", 150), (QuantitativeIndicatorForm, "actual", 60),
    (EvaluatorForm, "name", 20), (EvaluatorForm, "unit", 30), (SignOffForm, "leader_name", 30),
    (DecisionForm, "opinion", 500), (NarrativeForm, "performance", 8000), (NarrativeForm, "problems", 4000),
])
def test_every_text_field_renders_its_limit_as_maxlength(form, field, limit):
    html = str(form()[field])

    assert form.base_fields[field].max_length == limit
    assert f'maxlength="{limit}"' in html


def test_no_limit_is_above_its_database_column():
    for (model_name, field), limit in TEXT_LIMITS.items():
        if model_name in ("TableRow", "StatusChange"):
            continue
        from django.apps import apps

        model = next(m for m in apps.get_models() if m._meta.object_name == model_name)
        column = model._meta.get_field(field).max_length
        assert column is None or limit <= column, (model_name, field)


def test_a_text_over_its_limit_is_refused_at_the_field_in_chinese():
    form = TaskForm(data={"text": "字" * 201})

    assert not form.is_valid()
    assert form.errors["text"] == ["最多200个字符（现为201个），请删减。"]


def test_a_list_over_its_limit_is_refused_by_its_formset():
    rows = LIST_LIMITS["income"] + 1
    data = {"income-TOTAL_FORMS": str(rows), "income-INITIAL_FORMS": "0"}
    data.update({f"income-{i}-org_name": f"单位{i}" for i in range(rows)})

    formset = TABLE_FORMSETS["income"](data=data, prefix="income")

    assert not formset.is_valid()
    assert formset.non_form_errors() == [f"最多只能填写{LIST_LIMITS['income']}行。"]


def test_quantitative_category_formset_holds_at_most_its_limit():
    assert (QuantitativeIndicatorFormSet.max_num, QuantitativeIndicatorFormSet.absolute_max) == (
        QUANTITATIVE_PER_CATEGORY, QUANTITATIVE_PER_CATEGORY,
    )


def test_narrative_sections_together_have_a_limit():
    data = {f"narrative-{key}": "字" * NARRATIVE_LIMIT for key in TEXT_FIELDS}

    form = NarrativeForm(data=data, prefix="narrative")

    assert not form.is_valid()
    assert form.non_field_errors() == [
        f"评价报告综述各部分合计最多{NARRATIVE_TOTAL_LIMIT}个字符（现为{NARRATIVE_LIMIT * len(TEXT_FIELDS)}个）。"
    ]


def over_limit_document():
    doc = copy.deepcopy(seed_document())
    doc["overview"]["functions"] = "字" * (text_limit("Report", "functions") + 1)
    doc["tasks"] = ["任务"] * (LIST_LIMITS["tasks"] + 1)
    doc["evaluators"] = [{"name": "甲", "title": "", "unit": ""}] * (LIST_LIMITS["evaluators"] + 1)
    doc["quantitative"] = [{"category": "quantity", "target": "指标", "actual": ""}] * (QUANTITATIVE_PER_CATEGORY + 1)
    doc["quantitative"] += [{"category": "social", "target": "指标", "actual": ""}] * QUANTITATIVE_PER_CATEGORY
    doc["scores"][0]["deduction_reason"] = "因" * 101
    doc["narrative"] = {key: "字" * 2000 for key in TEXT_FIELDS}
    return doc


def test_import_refuses_a_document_beyond_the_limits_with_every_problem():
    problems = document_problems(over_limit_document())

    assert problems == [
        "overview.functions：不能超过1500个字符（现为1501个）。",
        "tasks：最多30行（现为31行）。",
        "evaluators：最多20行（现为21行）。",
        "quantitative：数量指标：每类指标最多30行（现为31行）。",
        "quantitative：定量指标合计最多60行（现为61行）。",
        "narrative：评价报告综述各部分合计最多20000个字符（现为24000个）。",
        "scores[0].deduction_reason：不能超过100个字符（现为101个）。",
    ]


def test_the_maximal_report_is_every_list_full_and_every_text_at_its_limit_and_imports():
    doc = maximal_document()

    assert document_problems(doc) == []
    assert [len(doc[key]) for key in ("tasks", "income", "qualitative_goals", "quantitative", "evaluators")] == [
        LIST_LIMITS[key] for key in ("tasks", "income", "qualitative_goals", "quantitative", "evaluators")
    ]
    assert len(doc["overview"]["achievements"]) == text_limit("Report", "achievements")
    assert len(doc["signoff"]["finance_opinion"]) == text_limit("Report", "finance_opinion")
    assert sum(len(t) for t in doc["narrative"].values()) == NARRATIVE_TOTAL_LIMIT
    assert all(len(g["target"]) == text_limit("QualitativeGoal", "target") for g in doc["qualitative_goals"])


def test_the_shipped_maximal_report_is_the_one_the_limits_give():
    from reports.interchange import document_dumps

    assert MAXIMAL_FILE.read_text(encoding="utf-8") == document_dumps(maximal_document())


def test_report_fields_without_a_layout_limit_are_not_text():
    texts = {f.name for f in Report._meta.fields if f.get_internal_type() in ("CharField", "TextField")}
    workflow = {"status", "approved_digest", "verification_token"}

    assert {name for name in texts - workflow if text_limit("Report", name) is None} == set()
