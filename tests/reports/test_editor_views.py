import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from budgets.models import ExpenditureRow, FixedAssetRow, IncomeRow, ThreePublicRow
from departments.enums import Role
from reports.enums import Category, Status
from reports.limits import NARRATIVE_LIMIT, NARRATIVE_TOTAL_LIMIT
from reports.models import Evaluator, QualitativeGoal, QuantitativeIndicator, Report, ScoreEntry, Task
from reports.narrative import TEXT_FIELDS
from tests.factories import MembershipFactory, UserFactory
from tests.reports.editor_support import blank_report, clerk_of, login, page_data, seed_report

pytestmark = pytest.mark.django_db

SECTION_KEYS = ["cover", "finance", "base-data", "goals", "scores", "narrative", "people"]
MISMATCH = "收入合计应等于上年结转、公共财政拨款、政府基金拨款、纳入专户管理的非税收入拨款、其他收入之和：填写为 260.00，各项之和为 260.48。"


def section_url(report, key):
    return reverse("report_section", args=[report.pk, key])


def input_value(html, name):
    match = re.search(rf'<input[^>]*name="{re.escape(name)}"[^>]*>', html)
    assert match, name
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


@pytest.fixture
def seeded(client):
    report = seed_report()
    clerk = clerk_of(report.department, username="clerk")
    login(client, clerk)
    return report


@pytest.mark.parametrize("key", SECTION_KEYS)
def test_every_section_page_shows_the_report_to_its_clerk(client, seeded, key):
    response = client.get(section_url(seeded, key))

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<input type="hidden" name="revision" value="{seeded.revision}">' in html
    assert 'id="editor-form"' in html and "<fieldset disabled" not in html


def test_the_finance_page_shows_the_stored_amounts(client, seeded):
    html = client.get(section_url(seeded, "finance")).content.decode()

    assert [input_value(html, f"income-0-{n}") for n in ("org_name", "total", "public_finance", "other")] == [
        "岳阳市岳阳楼区融媒体中心", "260.48", "260.48", ""]


def test_a_valid_save_redirects_and_stores_the_forgiving_amounts(client, seeded):
    data = page_data(seeded, "finance", **{"fixed_asset-0-total": "１，０９２．４３", "fixed_asset-0-in_use": " 1092.43 "})

    response = client.post(section_url(seeded, "finance"), data)

    assert response.status_code == 302
    assert response["Location"] == section_url(seeded, "finance")
    row = FixedAssetRow.objects.get(report=seeded)
    assert (row.total, row.in_use, row.rented) == (Decimal("1092.43"), Decimal("1092.43"), Decimal("0.00"))
    assert Report.objects.get(pk=seeded.pk).revision == seeded.revision + 1


def test_save_and_continue_goes_to_the_next_section(client, seeded):
    response = client.post(section_url(seeded, "cover"), {**page_data(seeded, "cover"), "save_next": ""})

    assert response["Location"] == section_url(seeded, "finance")


def test_a_mismatched_total_shows_the_message_at_the_cell_and_keeps_every_typed_value(client, seeded):
    data = page_data(seeded, "finance", **{
        "income-0-total": "260.00", "expenditure-0-personnel": " 143.46 ", "three_public-0-reception": "２．８１",
    })

    response = client.post(section_url(seeded, "finance"), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert re.search(r'name="income-0-total"[^>]*is-invalid[^>]*><div class="invalid-feedback d-block">' + MISMATCH, html)
    assert input_value(html, "income-0-total") == "260.00"
    assert "有1处需要修改，请查看标红的栏目。所填内容均已保留，尚未保存。" in html
    assert input_value(html, "expenditure-0-personnel") == " 143.46 "
    assert input_value(html, "three_public-0-reception") == "２．８１"
    assert 'data-unsaved="1"' in html
    assert Report.objects.get(pk=seeded.pk).revision == seeded.revision
    assert IncomeRow.objects.get(report=seeded).total == Decimal("260.48")


def test_nothing_in_a_section_is_lost_when_another_section_fails(client, seeded):
    client.post(section_url(seeded, "cover"), page_data(seeded, "cover", **{"cover-contact_phone": "0730-8245359"}))
    seeded.refresh_from_db()

    response = client.post(section_url(seeded, "finance"), page_data(seeded, "finance", **{
        "income-0-total": "260.00", "income-1-org_name": "下属单位", "income-1-total": "1", "income-1-other": "1",
        "income-TOTAL_FORMS": "2",
    }))

    html = response.content.decode()
    assert response.status_code == 200
    assert input_value(html, "income-1-org_name") == "下属单位"
    assert Report.objects.get(pk=seeded.pk).contact_phone == "0730-8245359"
    assert IncomeRow.objects.filter(report=seeded).count() == 1
    assert client.get(section_url(seeded, "cover")).content.decode().count('value="0730-8245359"') == 1


def test_a_stale_save_is_refused_and_both_versions_are_shown(client, seeded):
    stale = page_data(seeded, "finance", **{"income-0-org_name": "我填写的名称"})
    other = UserFactory(username="other-clerk")
    MembershipFactory(user=other, role=Role.CLERK, department=seeded.department)
    other_client = login(type(client)(), other)
    other_client.post(section_url(seeded, "finance"), page_data(seeded, "finance", **{"income-0-org_name": "他人保存的名称"}))

    response = client.post(section_url(seeded, "finance"), stale)

    assert response.status_code == 409
    html = response.content.decode()
    assert "未保存：您编辑期间，这份报告已被他人保存（当前修订号 2，您打开时为 1）。" in html
    assert re.search(r"<td>年度收入情况（万元） 第1行 · 机构名称</td><td[^>]*>他人保存的名称</td><td[^>]*>我填写的名称</td>", html)
    assert input_value(html, "income-0-org_name") == "我填写的名称"
    assert '<input type="hidden" name="revision" value="2">' in html
    assert IncomeRow.objects.get(report=seeded).org_name == "他人保存的名称"


def test_after_seeing_the_conflict_the_clerk_can_save_deliberately(client, seeded):
    stale = page_data(seeded, "narrative", **{"narrative-problems": "我的问题"})
    Report.objects.filter(pk=seeded.pk).update(revision=5)

    first = client.post(section_url(seeded, "narrative"), stale)
    second = client.post(section_url(seeded, "narrative"), {**stale, "revision": "5"})

    assert (first.status_code, second.status_code) == (409, 302)
    assert Report.objects.get(pk=seeded.pk).narrative.problems == "我的问题"


def test_a_clerk_of_another_department_gets_404_on_every_editor_url(client):
    report = seed_report()
    login(client, clerk_of(blank_report().department))

    responses = [client.get(section_url(report, key)).status_code for key in SECTION_KEYS]
    responses += [client.post(section_url(report, key), page_data(report, key)).status_code for key in SECTION_KEYS]
    responses += [
        client.get(reverse("report_edit", args=[report.pk])).status_code,
        client.get(reverse("report_check", args=[report.pk])).status_code,
        client.post(reverse("report_submit", args=[report.pk]), {"revision": "1"}).status_code,
        client.post(reverse("report_copy_forward", args=[report.pk]), {"revision": "1"}).status_code,
    ]

    assert responses == [404] * 18
    assert Report.objects.get(pk=report.pk).revision == report.revision


def test_an_unknown_section_is_404(client, seeded):
    assert client.get(f"/reports/{seeded.pk}/edit/nothing/").status_code == 404


def test_the_check_page_lists_problems_with_links_and_blocks_submit(client, seeded):
    response = client.get(reverse("report_check", args=[seeded.pk]))

    html = response.content.decode()
    assert "还有2个问题需要处理，处理后才能提交。" in html
    assert f'href="{section_url(seeded, "scores")}#id_scores-reason__fund_balance"' in html
    assert re.search(r'<button type="submit" class="btn btn-success" id="btn-submit" data-confirm="[^"]+" disabled>', html)


def test_submit_with_blocking_problems_is_refused(client, seeded):
    response = client.post(reverse("report_submit", args=[seeded.pk]), {"revision": str(seeded.revision)}, follow=True)

    assert "还有2个问题需要处理，暂不能提交。" in response.content.decode()
    assert Report.objects.get(pk=seeded.pk).status == Status.DRAFT


def _give_reasons(report):
    ScoreEntry.objects.filter(report=report, indicator__code__in=["fund_balance", "card_payment_rate"]).update(
        deduction_reason="按评分标准扣分")


def test_submit_moves_the_report_to_department_review_and_ends_editing(client, seeded):
    _give_reasons(seeded)

    response = client.post(reverse("report_submit", args=[seeded.pk]), {"revision": str(seeded.revision)})

    assert response.status_code == 302
    report = Report.objects.get(pk=seeded.pk)
    assert report.status == Status.DEPT_REVIEW
    page = client.get(section_url(report, "finance")).content.decode()
    assert "<fieldset disabled>" in page
    assert "这份报告当前为“部门审核”，只能查看，不能修改。" in page
    client.post(section_url(report, "finance"), page_data(report, "finance", **{"income-0-org_name": "改"}))
    assert IncomeRow.objects.get(report=report).org_name == "岳阳市岳阳楼区融媒体中心"


def test_submit_is_refused_when_the_report_changed_after_the_check(client, seeded):
    _give_reasons(seeded)
    Report.objects.filter(pk=seeded.pk).update(revision=seeded.revision + 1)

    response = client.post(reverse("report_submit", args=[seeded.pk]), {"revision": str(seeded.revision)}, follow=True)

    assert "报告在您检查之后又被修改过，请重新检查后再提交。" in response.content.decode()
    assert Report.objects.get(pk=seeded.pk).status == Status.DRAFT


def test_copy_forward_button_fills_the_new_years_report(client):
    department = seed_report().department
    report = blank_report(department=department, year=2022)
    login(client, clerk_of(department))

    page = client.get(section_url(report, "cover")).content.decode()
    response = client.post(reverse("report_copy_forward", args=[report.pk]), {"revision": "1"}, follow=True)

    assert 'id="btn-copy-forward"' in page
    assert "已从上一年度报告复制：部门基本情况、定性目标、基础数据（三公经费上年决算数）。请逐项核对并更新本年度的数字。" in response.content.decode()
    assert Report.objects.get(pk=report.pk).contact_name == "孟庆红"


def _fill_rows(report, count):
    for model, fields in (
        (Task, {"text": "任务"}),
        (QualitativeGoal, {"target": "目标", "actual": "已完成"}),
        (Evaluator, {"name": "评价人"}),
        (IncomeRow, {"org_name": "单位", "total": Decimal("1"), "other": Decimal("1")}),
        (ExpenditureRow, {"org_name": "单位", "total": Decimal("1"), "basic": Decimal("1"), "personnel": Decimal("1")}),
        (ThreePublicRow, {"org_name": "单位", "total": Decimal("1"), "reception": Decimal("1")}),
        (FixedAssetRow, {"org_name": "单位", "total": Decimal("1"), "in_use": Decimal("1")}),
    ):
        model.objects.bulk_create(model(report=report, order=i, **fields) for i in range(count))
    QuantitativeIndicator.objects.bulk_create(
        QuantitativeIndicator(report=report, category=c, target="指标", actual="已完成", order=i)
        for c in Category.values for i in range(count)
    )


def _queries(client, url):
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context)


@pytest.mark.parametrize("key", [*SECTION_KEYS, "check"])
def test_section_page_query_count_does_not_grow_with_its_rows(client, key):
    one, three = blank_report(), blank_report()
    _fill_rows(one, 1)
    _fill_rows(three, 3)
    clerk = UserFactory()
    for report in (one, three):
        MembershipFactory(user=clerk, role=Role.CLERK, department=report.department)
    login(client, clerk)

    def url(report):
        return reverse("report_check", args=[report.pk]) if key == "check" else section_url(report, key)

    _queries(client, url(one))  # warm the session and the rubric's first load

    cold = []
    for report in (one, three):
        cache.clear()  # the check list computed afresh (reports.checks_submit.report_check_cached)
        cold.append(_queries(client, url(report)))
    _queries(client, url(one))
    warm = (_queries(client, url(one)), _queries(client, url(three)))
    assert cold[0] == cold[1] and warm[0] == warm[1]
    assert warm[0] < cold[0] < 40


@pytest.mark.parametrize("data", [
    {},
    {"revision": "abc"},
    {"revision": "1", "income-TOTAL_FORMS": "x", "income-INITIAL_FORMS": "y"},
    {"revision": "1", "income-TOTAL_FORMS": "100000", "income-INITIAL_FORMS": "0"},
])
def test_a_tampered_finance_post_never_fails_with_a_server_error(client, seeded, data):
    response = client.post(section_url(seeded, "finance"), data)

    assert response.status_code in (200, 409)
    assert IncomeRow.objects.get(report=seeded).total == Decimal("260.48")


def test_a_reviewer_sees_the_sections_read_only(client, seeded):
    reviewer = UserFactory()
    MembershipFactory(user=reviewer, role=Role.REVIEWER, department=None, office=seeded.department.office)
    login(client, reviewer)

    html = client.get(section_url(seeded, "scores")).content.decode()

    assert "<fieldset disabled>" in html
    assert 'id="btn-save"' not in html


# --- 基础数据 figures the 收支 tables also hold ------------------------------------------------------
def help_text_of(html, name):
    match = re.search(rf'id="id_{name}_helptext"[^>]*>(.*?)</', html, re.S)
    return re.sub(r"\s+", " ", match.group(1)).strip() if match else None


def test_blank_base_data_starts_from_the_tables_and_saving_keeps_it_as_a_change(client, seeded):
    ExpenditureRow.objects.filter(report=seeded).update(project=Decimal("35.50"))

    html = client.get(section_url(seeded, "base-data")).content.decode()

    assert [input_value(html, f"base-{name}") for name in (
        "three_public_final", "project_expenditure", "public_funds_actual", "three_public_budget")] == [
        "2.81", "35.50", "117.02", ""]
    assert [help_text_of(html, f"base-{name}") for name in (
        "three_public_final", "project_expenditure", "public_funds_actual")] == [
        "已按三公经费表合计预填2.81万元，保存后生效。", "已按支出表项目支出预填35.50万元，保存后生效。",
        "已按支出表公用支出预填117.02万元，保存后生效。"]

    report = Report.objects.get(pk=seeded.pk)
    client.post(section_url(report, "base-data"), page_data(report, "base-data", **{
        "base-three_public_final": "2.81", "base-project_expenditure": "35.50", "base-public_funds_actual": "117.02"}))

    stored = Report.objects.get(pk=seeded.pk).base_data
    assert (stored.three_public_final, stored.project_expenditure, stored.public_funds_actual) == (
        Decimal("2.81"), Decimal("35.50"), Decimal("117.02"))
    edit = seeded.edits.get(section="base-data")
    assert [change["path"] for change in edit.changes] == [
        "base_data.three_public_final", "base_data.public_funds_actual", "base_data.project_expenditure"]


def test_a_base_figure_that_differs_from_its_table_says_so_on_both_pages_and_on_the_check_list(client, seeded):
    type(seeded.base_data).objects.filter(report=seeded).update(three_public_final=Decimal("3.20"))

    base = client.get(section_url(seeded, "base-data")).content.decode()
    finance = client.get(section_url(seeded, "finance")).content.decode()
    check = client.get(reverse("report_check", args=[seeded.pk])).content.decode()

    assert input_value(base, "base-three_public_final") == "3.20"
    assert help_text_of(base, "base-three_public_final") == "与三公经费表合计2.81万元不一致，相差0.39万元；评分按本栏计算。"
    assert re.findall(r'id="mirror-three_public-1">(.*?) <a', finance) == [
        "基础数据中的三公经费本年决算数为3.20万元，与本表三公经费表合计2.81万元相差0.39万元；评分按基础数据计算，请核对。"]
    assert re.findall(r'id="mirror-[a-z_]+-\d+"', finance) == ['id="mirror-three_public-1"']
    assert "基础数据的三公经费本年决算数3.20万元与三公经费表合计2.81万元不一致（相差0.39万元），评分按基础数据计算，请核实。" in check


def test_the_table_cell_whose_figure_differs_from_the_base_data_says_so(client, seeded):
    """Both cells show the difference: the 收支 table's 合计 cell of the one 机构 row, as the 基础数据 field does."""
    type(seeded.base_data).objects.filter(report=seeded).update(three_public_final=Decimal("3.20"))

    finance = client.get(section_url(seeded, "finance")).content.decode()

    table = re.search(r'<section class="formset mb-4" id="formset-three_public".*?</section>', finance, re.S).group(0)
    assert re.findall(r'<div class="mirror-hint">(.*?)</div>', finance) == ["基础数据为3.20万元，相差0.39万元"]
    cell = re.search(r'<td data-label="[^"]*" class="cell-total">(.*?)</td>', table, re.S).group(1)
    assert 'class="mirror-hint">基础数据为3.20万元，相差0.39万元</div>' in cell
    assert re.search(r'name="three_public-0-total"[^>]*class="form-control form-control-sm num-input mirror-mismatch"',
                     cell)


def test_with_several_rows_the_difference_is_said_under_the_columns_total(client, seeded):
    type(seeded.base_data).objects.filter(report=seeded).update(three_public_final=Decimal("3.20"))
    ThreePublicRow.objects.create(report=seeded, org_name="下属单位", total=Decimal("1.00"), reception=Decimal("1.00"),
                                  order=9)

    finance = client.get(section_url(seeded, "finance")).content.decode()

    table = re.search(r'<section class="formset mb-4" id="formset-three_public".*?</section>', finance, re.S).group(0)
    assert "mirror-mismatch" not in table
    assert re.findall(r'<td data-label="([^"]*)" data-col-total="(\w+)" class="num-total" data-mirror-note="([^"]*)">'
                      r'<div class="mirror-hint">([^<]*)</div></td>', table) == [
        ("三公经费合计", "total", "基础数据为3.20万元，相差-0.61万元", "基础数据为3.20万元，相差-0.61万元")]  # signed, as the page notes


def test_a_form_wide_error_is_shown_once_and_the_text_is_kept(client, seeded):
    # The 综述's sections together over their limit: an error of the whole form, not of one field.
    data = page_data(seeded, "narrative", **{f"narrative-{key}": "字" * NARRATIVE_LIMIT for key in TEXT_FIELDS})

    response = client.post(section_url(seeded, "narrative"), data)

    assert response.status_code == 200
    html = response.content.decode()
    message = f"评价报告综述各部分合计最多{NARRATIVE_TOTAL_LIMIT}个字符（现为{NARRATIVE_LIMIT * len(TEXT_FIELDS)}个）。"
    assert html.count(message) == 1
    assert html.count("字" * NARRATIVE_LIMIT) == len(TEXT_FIELDS)
