import re

import pytest
from django.urls import reverse

from targets.enums import Status
from targets.models import MAX_TASKS, Declaration, LibraryIndicator, TargetIndicator
from tests.reports.editor_support import login
from tests.targets.conftest import declaration_of

pytestmark = pytest.mark.django_db


def editor_data(declaration, **changes):
    """What the editor posts: the stored declaration with `changes`."""
    data = {"revision": str(declaration.revision), "budget-budget_general": "260.48",
            "tasks-TOTAL_FORMS": "1", "tasks-INITIAL_FORMS": "1", "tasks-0-text": "负责全区新闻报道计划的制定实施",
            "goals-TOTAL_FORMS": "0", "goals-INITIAL_FORMS": "0"}
    for category in ("quantity", "quality", "timeliness", "cost", "economic", "social", "ecological",
                     "sustainable", "satisfaction"):
        data[f"ind-{category}-TOTAL_FORMS"] = data[f"ind-{category}-INITIAL_FORMS"] = "0"
    data.update({"ind-quantity-TOTAL_FORMS": "1", "ind-quantity-INITIAL_FORMS": "1", "ind-quantity-0-name": "中央级主流党媒发稿",
                 "ind-quantity-0-direction": "ge", "ind-quantity-0-value": "129", "ind-quantity-0-unit": "篇"})
    data.update(changes)
    return data


def test_a_clerk_declares_and_starts_from_last_years_targets(client, people):
    declaration_of(people.department, year=2021)
    login(client, people.clerk)

    response = client.post(reverse("declaration_new"), {"department": people.department.pk, "year": "2022"})

    new = Declaration.objects.get(year=2022)
    assert response.status_code == 302 and response.url == reverse("declaration_edit", args=[new.pk])
    assert list(new.indicators.values_list("name", "value")) == list(
        TargetIndicator.objects.filter(declaration__year=2021).values_list("name", "value")
    )


def test_saving_the_editor_replaces_the_lists_and_links_the_library(client, people, declaration):
    entry = LibraryIndicator.objects.create(name="中央级主流党媒发稿", category="quantity", unit="篇")
    login(client, people.clerk)

    response = client.post(reverse("declaration_edit", args=[declaration.pk]), editor_data(declaration))

    assert response.status_code == 302
    assert list(declaration.indicators.values_list("name", "direction", "value", "library")) == [
        ("中央级主流党媒发稿", "ge", 129, entry.pk),
    ]
    assert Declaration.objects.get(pk=declaration.pk).revision == 2


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"ind-quantity-0-value": "很多"}, "ind-quantity-0-value", "请输入数字，如 129 或 98.5。"),
    ({"ind-quantity-0-value": ""}, "ind-quantity-0-value", "请填写指标值（数字）。"),
    ({"ind-quantity-0-name": ""}, "ind-quantity-0-name", "请填写指标名称。"),
    ({"ind-quantity-0-direction": "qual", "ind-quantity-0-value": ""}, "ind-quantity-0-qualitative_value",
     "定性指标请填写定性指标值，如“显著提升”。"),
    ({"ind-quantity-0-direction": "≈"}, "ind-quantity-0-direction", "选择一个有效的选项。 ≈ 不在可用的选项中。"),
    ({"budget-budget_general": "12元"}, "budget-budget_general", "金额单位为万元，请换算后填写（1万元 = 10000元）。"),
    ({"tasks-0-text": "字" * 2001}, "tasks-0-text", "最多2000个字符（现为2001个），请删减。"),
])
def test_a_bad_value_gets_its_message_at_the_field_and_everything_typed_stays(client, people, declaration, changes,
                                                                              field, message):
    login(client, people.clerk)
    data = editor_data(declaration, **{"ind-quantity-0-unit": "篇（已填）", **changes})

    response = client.post(reverse("declaration_edit", args=[declaration.pk]), data)

    page = response.content.decode()
    assert response.status_code == 200
    assert message in page and f'id="id_{field}"' in page
    assert 'value="篇（已填）"' in page
    assert Declaration.objects.get(pk=declaration.pk).revision == 1


def test_the_lists_have_limits(client, people, declaration):
    login(client, people.clerk)
    rows = {f"tasks-{n}-text": f"任务{n}" for n in range(MAX_TASKS + 1)}
    data = editor_data(declaration, **{"tasks-TOTAL_FORMS": str(MAX_TASKS + 1), **rows})

    response = client.post(reverse("declaration_edit", args=[declaration.pk]), data)

    assert response.status_code == 200
    assert f"最多只能填写{MAX_TASKS}行。" in response.content.decode()


def test_a_stale_save_is_refused_and_keeps_the_input(client, people, declaration):
    login(client, people.clerk)
    data = editor_data(declaration, **{"revision": "0", "ind-quantity-0-unit": "条"})

    response = client.post(reverse("declaration_edit", args=[declaration.pk]), data)

    page = response.content.decode()
    assert "已被他人修改" in page and 'value="条"' in page
    assert declaration.indicators.get(name="中央级主流党媒发稿").unit == "篇"


def test_another_departments_declaration_is_a_404(client, people, declaration):
    login(client, people.other_clerk)

    for name in ("declaration_detail", "declaration_edit", "adjustment_new"):
        assert client.get(reverse(name, args=[declaration.pk])).status_code == 404


def test_a_return_without_a_comment_says_so_at_the_comment(client, people, declaration):
    from targets.workflow import move

    move(declaration, Status.DEPT_REVIEW, by=people.clerk)
    login(client, people.head)

    response = client.post(reverse("declaration_detail", args=[declaration.pk]), {"to": "draft", "comment": ""})

    assert response.status_code == 200 and "请填写退回的理由。" in response.content.decode()
    assert Declaration.objects.get(pk=declaration.pk).status == Status.DEPT_REVIEW


def test_the_library_page_shows_use_counts_and_quartiles(client, people):
    entry = LibraryIndicator.objects.create(name="中央级主流党媒发稿", category="quantity", unit="篇")
    for year, value in ((2019, 100), (2020, 120), (2021, 129), (2022, 150)):
        declaration = Declaration.objects.create(department=people.department, year=year)
        TargetIndicator.objects.create(declaration=declaration, category="quantity", name=entry.name,
                                       direction="ge", value=value, library=entry)
    login(client, people.clerk)

    page = re.sub(r">\s+<", "><", client.get(reverse("target_library"), {"q": "党媒"}).content.decode())

    assert "<td>4</td><td>115.00</td><td>124.50</td><td>134.25</td>" in page


def _confirms(html):
    return dict(re.findall(r'<button[^>]*id="([\w-]+)"[^>]*data-confirm="([^"]*)"', html))


def test_each_move_button_says_what_the_move_does(client, people, declaration):
    from targets.workflow import move

    login(client, people.clerk)
    draft = client.get(reverse("declaration_detail", args=[declaration.pk])).content.decode()
    move(declaration, Status.DEPT_REVIEW, by=people.clerk)
    login(client, people.head)
    in_review = client.get(reverse("declaration_detail", args=[declaration.pk])).content.decode()

    assert _confirms(draft) == {"move-dept_review": "提交后将不能再修改，绩效目标将交给部门负责人审核。确定提交？"}
    assert _confirms(in_review) == {
        "move-draft": "退回后绩效目标回到草稿，由填报人按退回意见修改后重新提交。确定退回？",
        "move-finance_review": "报送后本部门不能再修改，绩效目标将交给财政部门归口业务科室审核。确定审核通过并报送财政？",
    }
