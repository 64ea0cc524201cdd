import io
import json
from decimal import Decimal as D

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from scoring.models import EvaluationYear, GradeBand, Indicator, Rubric
from scoring.services import (
    rubric_copy,
    rubric_export_sheet,
    rubric_get_or_create_default,
    rubric_nodes_from_db,
    year_create,
)
from tests import xlsx_bombs as bombs
from tests.scoring.conftest import make_report

pytestmark = pytest.mark.django_db

PREFIX = "indicators"


@pytest.fixture
def admin_client(client, admin_user):
    # Signed in through ModelBackend: the session must name a backend that can load the user back.
    client.force_login(admin_user, backend="django.contrib.auth.backends.ModelBackend")
    return client


@pytest.fixture
def rubric(db):
    return rubric_copy(rubric=rubric_get_or_create_default(), name="2022年度评分表")


def rubric_post(rubric, changes=None, new_rows=()):
    """The rubric change form as the admin page posts it, with `changes` per indicator code and new rows."""
    rows = list(rubric.indicators.order_by("order"))
    data = {
        "name": rubric.name, f"{PREFIX}-TOTAL_FORMS": len(rows) + len(new_rows), f"{PREFIX}-INITIAL_FORMS": len(rows),
        f"{PREFIX}-MIN_NUM_FORMS": 0, f"{PREFIX}-MAX_NUM_FORMS": 1000,
    }
    forms = []
    for row in rows:
        values = {
            "id": row.pk, "rubric": rubric.pk, "order": row.order, "level": row.level, "code": row.code,
            "label": row.label, "standard": row.standard, "points": "" if row.points is None else row.points,
            "parent": row.parent_id or "", "shares_points_with": row.shares_points_with_id or "",
            "rule_kind": row.rule_kind, "rule_params": json.dumps(row.rule_params, ensure_ascii=False),
        }
        if row.is_custom:
            values["is_custom"] = "on"
        values.update((changes or {}).get(row.code, {}))
        forms.append(values)
    forms.extend({"rubric": rubric.pk, **row} for row in new_rows)
    for index, values in enumerate(forms):
        data.update({f"{PREFIX}-{index}-{key}": value for key, value in values.items()})
    return data


def change_url(obj):
    return reverse(f"admin:scoring_{obj._meta.model_name}_change", args=[obj.pk])


def formset_errors(response):
    return [list(f.formset.non_form_errors()) for f in response.context["inline_admin_formsets"]]


# --- Copy -----------------------------------------------------------------------------------------
def test_copy_action_copies_every_indicator_with_its_rule(admin_client):
    default = rubric_get_or_create_default()

    response = admin_client.post(reverse("admin:scoring_rubric_changelist"), {
        "action": "copy_rubrics", "_selected_action": [default.pk],
    }, follow=True)

    copy = Rubric.objects.get(based_on=default)
    assert copy.name == "2021年度部门整体支出绩效评价评分表（副本）"
    assert [m.message for m in response.context["messages"]] == [
        "已将评分表“2021年度部门整体支出绩效评价评分表”复制为“2021年度部门整体支出绩效评价评分表（副本）”。"
    ]
    fields = ("code", "level", "label", "standard", "points", "rule_kind", "rule_params", "parent__code",
              "shares_points_with__code", "order")
    assert list(copy.indicators.values_list(*fields)) == list(default.indicators.values_list(*fields))


def test_a_second_copy_gets_a_numbered_name(rubric):
    again = rubric_copy(rubric=rubric)
    third = rubric_copy(rubric=rubric)

    assert (again.name, third.name) == ("2022年度评分表（副本）", "2022年度评分表（副本2）")


# --- Editing a rubric -----------------------------------------------------------------------------
def test_the_change_page_lists_every_row(admin_client, rubric):
    response = admin_client.get(change_url(rubric))

    assert response.status_code == 200
    assert len(response.context["inline_admin_formsets"][0].formset.forms) == 35


def test_saving_is_refused_while_points_do_not_add_up(admin_client, rubric):
    response = admin_client.post(change_url(rubric), rubric_post(rubric, {"staff_control_rate": {"points": "4"}}))

    assert response.status_code == 200
    assert formset_errors(response) == [["二级指标“预算配置”分值为15分，其下三级指标分值合计为14分。"]]
    assert rubric.indicators.get(code="staff_control_rate").points == D(5)


def test_rebalanced_points_labels_standards_and_rules_are_saved(admin_client, rubric):
    changes = {
        "staff_control_rate": {"points": "4", "label": "在职人员控制率", "standard": "≤100%计4分。",
                               "rule_params": json.dumps({"scoring": "capped", "per_point": "1",
                                                          "deduction": "per_started_point"})},
        "key_expenditure_rate": {"points": "6", "rule_params": json.dumps({
            "scoring": "bands", "bands": [{"min": "90", "score": "6"}, {"min": None, "score": "0"}]})},
    }

    response = admin_client.post(change_url(rubric), rubric_post(rubric, changes))

    assert response.status_code == 302
    staff = rubric.indicators.get(code="staff_control_rate")
    assert (staff.label, staff.standard, staff.points, staff.rule_params["deduction"]) == (
        "在职人员控制率", "≤100%计4分。", D(4), "per_started_point",
    )
    assert rubric.indicators.get(code="key_expenditure_rate").points == D(6)


def test_a_rule_that_cannot_score_is_refused(admin_client, rubric):
    changes = {"budget_rules": {"rule_params": json.dumps({"items": [{"label": "甲", "points": "1"}]})}}

    response = admin_client.post(change_url(rubric), rubric_post(rubric, changes))

    assert formset_errors(response) == [["三级指标“管理制度健全性”的计分规则有误：逐项计分各项分值合计为1分，应等于分值3分。"]]


def test_custom_indicators_are_added_under_output_and_effect(admin_client, rubric):
    duty = rubric.indicators.get(code="duty_performance")
    benefit = rubric.indicators.get(code="duty_benefit")
    new_rows = [
        {"order": 100, "level": 3, "code": "custom_articles", "label": "各级媒体发稿完成情况", "points": "5",
         "parent": duty.pk, "rule_kind": "manual", "rule_params": "{}", "is_custom": "on"},
        {"order": 101, "level": 3, "code": "custom_app", "label": "App用户增长", "points": "3",
         "parent": benefit.pk, "rule_kind": "violations", "rule_params": json.dumps({"per_case": "1"}), "is_custom": "on"},
    ]
    changes = {"duty_growth_pole": {"points": "2"}, "satisfaction": {"points": "2", "rule_params": json.dumps({
        "value": "base_data.satisfaction", "bands": [{"min": "95", "score": "2"}, {"min": None, "score": "0"}]})}}

    response = admin_client.post(change_url(rubric), rubric_post(rubric, changes, new_rows))

    assert response.status_code == 302
    assert list(rubric.indicators.filter(is_custom=True).values_list("code", "parent__code", "points")) == [
        ("custom_articles", "duty_performance", D(5)), ("custom_app", "duty_benefit", D(3)),
    ]


def test_a_custom_indicator_under_process_is_refused(admin_client, rubric):
    parent = rubric.indicators.get(code="budget_execution")
    new_rows = [{"order": 100, "level": 3, "code": "custom_x", "label": "自定义", "points": "0", "parent": parent.pk,
                 "rule_kind": "manual", "rule_params": "{}", "is_custom": "on"}]

    response = admin_client.post(change_url(rubric), rubric_post(rubric, new_rows=new_rows))

    assert formset_errors(response) == [["个性化指标“自定义”只能设在产出或效果之下。"]]
    assert not rubric.indicators.filter(code="custom_x").exists()


def test_the_rubric_of_a_year_with_reports_is_frozen(admin_client, rubric):
    year = year_create(year=2022, rubric=rubric)
    make_report(year)

    page = admin_client.get(change_url(rubric))
    post = admin_client.post(change_url(rubric), rubric_post(rubric, {"staff_control_rate": {"label": "改名"}}))
    single = admin_client.post(change_url(rubric.indicators.get(code="staff_control_rate")), {"label": "改名"})

    assert page.status_code == 200
    assert page.context["has_change_permission"] is False
    assert (post.status_code, single.status_code) == (403, 403)
    assert rubric.indicators.get(code="staff_control_rate").label == "财政供养人员控制率"


def test_a_year_without_reports_leaves_its_rubric_editable(admin_client, rubric):
    year_create(year=2022, rubric=rubric)

    response = admin_client.get(change_url(rubric))

    assert response.context["has_change_permission"] is True


# --- Editing one indicator --------------------------------------------------------------------------
def indicator_post(indicator, **changes):
    data = {
        "label": indicator.label, "standard": indicator.standard, "points": indicator.points,
        "rule_kind": indicator.rule_kind, "rule_params": json.dumps(indicator.rule_params, ensure_ascii=False),
        "order": indicator.order,
    }
    data.update(changes)
    return data


def test_one_indicator_can_be_relabelled(admin_client, rubric):
    staff = rubric.indicators.get(code="staff_control_rate")

    response = admin_client.post(change_url(staff), indicator_post(staff, label="在职人员控制率"))

    assert response.status_code == 302
    assert Indicator.objects.get(pk=staff.pk).label == "在职人员控制率"


def test_one_indicators_points_alone_cannot_change(admin_client, rubric):
    staff = rubric.indicators.get(code="staff_control_rate")

    response = admin_client.post(change_url(staff), indicator_post(staff, points="6"))

    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "二级指标“预算配置”分值为15分，其下三级指标分值合计为16分。"
    ]


# --- Grade bands ------------------------------------------------------------------------------------
def year_post(year, bands):
    data = {
        "year": year.year, "rubric": year.rubric_id, "deadline": "", "score_step": "0.5", "is_open": "on",
        "grade_bands-TOTAL_FORMS": len(bands), "grade_bands-INITIAL_FORMS": 0,
        "grade_bands-MIN_NUM_FORMS": 0, "grade_bands-MAX_NUM_FORMS": 1000,
    }
    existing = list(year.grade_bands.all())
    data["grade_bands-INITIAL_FORMS"] = len(existing)
    for index, (label, minimum) in enumerate(bands):
        data[f"grade_bands-{index}-label"] = label
        data[f"grade_bands-{index}-min_score"] = minimum
        data[f"grade_bands-{index}-evaluation_year"] = year.pk
        if index < len(existing):
            data[f"grade_bands-{index}-id"] = existing[index].pk
    return data


def test_grade_bands_can_be_changed_to_80_70_60(admin_client, rubric):
    year = year_create(year=2022, rubric=rubric)

    response = admin_client.post(change_url(year), year_post(year, [("优秀", 80), ("良好", 70), ("中", 60), ("差", 0)]))

    assert response.status_code == 302
    assert list(GradeBand.objects.filter(evaluation_year=year).values_list("label", "min_score")) == [
        ("优秀", D(80)), ("良好", D(70)), ("中", D(60)), ("差", D(0)),
    ]


def test_grade_bands_without_a_zero_band_are_refused(admin_client, rubric):
    year = year_create(year=2022, rubric=rubric)

    response = admin_client.post(change_url(year), year_post(year, [("优秀", 90), ("良好", 80), ("中", 60), ("差", 10)]))

    assert formset_errors(response) == [["最低的评价等次应从0分起，否则部分总分没有等次。"]]


def test_a_year_with_reports_keeps_its_rubric(admin_client, rubric):
    year = year_create(year=2022, rubric=rubric)
    make_report(year)
    other = rubric_copy(rubric=rubric)

    admin_client.post(change_url(year), {**year_post(year, [("优秀", 90), ("良好", 80), ("中", 60), ("差", 0)]),
                                         "rubric": other.pk})

    assert EvaluationYear.objects.get(pk=year.pk).rubric_id == rubric.pk


def test_swapping_two_codes_in_one_save_is_refused_not_a_server_error(admin_client, rubric):
    changes = {"budget_rules": {"code": "asset_rules"}, "asset_rules": {"code": "budget_rules"}}

    response = admin_client.post(change_url(rubric), rubric_post(rubric, changes))

    assert formset_errors(response) == [["指标代码“asset_rules”在本次保存中由另一指标让出，请分两次保存。"]]


def test_grade_band_labels_can_trade_places(admin_client, rubric):
    year = year_create(year=2022, rubric=rubric)

    response = admin_client.post(change_url(year), year_post(year, [("良好", 90), ("优秀", 80), ("中", 60), ("差", 0)]))

    assert response.status_code == 302
    assert list(GradeBand.objects.filter(evaluation_year=year).values_list("label", "min_score")) == [
        ("良好", D(90)), ("优秀", D(80)), ("中", D(60)), ("差", D(0)),
    ]


def test_duplicate_grade_band_cut_offs_are_refused(admin_client, rubric):
    year = year_create(year=2022, rubric=rubric)

    response = admin_client.post(change_url(year), year_post(year, [("优秀", 90), ("良好", 90), ("中", 60), ("差", 0)]))

    assert formset_errors(response) == [["评价等次的最低分不能重复。"]]


def _changelist_queries(client):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("admin:scoring_rubric_changelist"))
    return len(queries), response


def test_the_rubric_list_marks_frozen_rubrics_in_as_many_queries_for_one_rubric_as_for_three(admin_client, rubric):
    Rubric.objects.exclude(pk=rubric.pk).delete()
    one, _response = _changelist_queries(admin_client)
    make_report(year_create(year=2022, rubric=rubric))
    rubric_copy(rubric=rubric)
    rubric_copy(rubric=rubric)

    three, response = _changelist_queries(admin_client)

    assert one == three
    frozen = {row.name: row.frozen for row in response.context["cl"].result_list}
    assert frozen == {"2022年度评分表": True, "2022年度评分表（副本）": False, "2022年度评分表（副本2）": False}


# --- Rubric sheets --------------------------------------------------------------------------------
def test_the_rubric_list_links_to_the_sheet_import(admin_client, rubric):
    response = admin_client.get(reverse("admin:scoring_rubric_changelist"))

    assert reverse("admin:scoring_rubric_import_sheet") in response.content.decode()


def test_the_export_action_downloads_the_rubric_as_a_sheet_that_imports_back(admin_client, rubric):
    response = admin_client.post(reverse("admin:scoring_rubric_changelist"),
                                 {"action": "export_rubric_sheet", "_selected_action": [rubric.pk]})

    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    upload = SimpleUploadedFile("评分表.xlsx", response.content)
    checked = admin_client.post(reverse("admin:scoring_rubric_import_sheet"),
                                {"file": upload, "name": "2023年度评分表", "action": "check"})
    assert "检查通过：评分表“2023年度评分表”共35行。" in checked.content.decode()
    assert not Rubric.objects.filter(name="2023年度评分表").exists()
    upload.seek(0)
    imported = admin_client.post(reverse("admin:scoring_rubric_import_sheet"),
                                 {"file": upload, "name": "2023年度评分表", "action": "import"})
    new = Rubric.objects.get(name="2023年度评分表")
    assert imported["Location"] == change_url(new)
    assert rubric_nodes_from_db(new) == rubric_nodes_from_db(rubric)


def test_a_sheet_with_problems_lists_them_by_row_and_imports_nothing(admin_client, rubric):
    workbook = load_workbook(io.BytesIO(rubric_export_sheet(rubric)))
    workbook["评分表"]["E4"] = 6  # 财政供养人员控制率 5 → 6
    buffer = io.BytesIO()
    workbook.save(buffer)
    count = Rubric.objects.count()

    response = admin_client.post(reverse("admin:scoring_rubric_import_sheet"), {
        "file": SimpleUploadedFile("评分表.xlsx", buffer.getvalue()), "name": "有误", "action": "import"})

    assert response.status_code == 200
    assert [str(p) for p in response.context["result"].problems] == [
        "第3行：二级指标“预算配置”分值为15分，其下三级指标分值合计为16分。"]
    assert Rubric.objects.count() == count


def test_selecting_two_rubrics_to_export_asks_for_one(admin_client, rubric):
    other = rubric_copy(rubric=rubric, name="另一个")

    response = admin_client.post(reverse("admin:scoring_rubric_changelist"),
                                 {"action": "export_rubric_sheet", "_selected_action": [rubric.pk, other.pk]},
                                 follow=True)

    assert [str(m) for m in response.context["messages"]] == ["请只选择一个评分表导出。"]


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: bombs.whitespace_bomb(),
         "文件解压后过大（1536MB，上限128MB），可能含有大量空白行列：请在Excel中删去多余的行列，或拆分后再上传。"),
        (lambda: bombs.many_rows(2_001), "表格行数超过2000行，请删去多余的行或拆分后再上传。"),
        (lambda: bombs.with_part("xl/sharedStrings.xml", bombs.BILLION_LAUGHS),
         "文件含有不安全的XML内容（DTD或实体定义），请在Excel中另存为 .xlsx 后再上传。"),
        (lambda: b"not a workbook", "无法读取文件，请上传 .xlsx 格式的 Excel 文件。"),
    ],
    ids=["whitespace-bomb", "2001-rows", "billion-laughs", "not-a-workbook"],
)
def test_a_hostile_rubric_sheet_is_a_message_at_the_field_and_imports_nothing(admin_client, rubric, make, message):
    count = Rubric.objects.count()

    response = admin_client.post(reverse("admin:scoring_rubric_import_sheet"), {
        "file": SimpleUploadedFile("评分表.xlsx", make()), "name": "炸弹", "action": "import"})

    assert response.status_code == 200
    assert response.context["form"].errors == {"file": [message]}
    assert Rubric.objects.count() == count


def test_the_sheet_reader_refuses_a_hostile_file_on_its_own(tmp_path):
    from scoring.sheets import read_rubric_sheet

    path = tmp_path / "评分表.xlsx"
    path.write_bytes(bombs.with_part(bombs.SHEET, bombs.EXTERNAL_ENTITY))

    assert [str(p) for p in read_rubric_sheet(path)[2]] == [
        "文件含有不安全的XML内容（DTD或实体定义），请在Excel中另存为 .xlsx 后再上传。"]
