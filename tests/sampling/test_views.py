"""The 抽评 and panel pages: Chinese errors at the field with the input kept, lists that page, and
expert scores on the report's page only once the panel is final."""
import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from sampling.enums import PanelMethod, SampleBy, SheetKind
from sampling.models import Draw, Panel, ScoreSheet
from sampling.services import draw_create, panel_create, sheet_assign, sheet_indicators, sheet_save
from tests.factories import UserFactory
from tests.reports.editor_support import login
from tests.reports.review_support import fresh
from tests.sampling.support import approved_world, self_scores

pytestmark = pytest.mark.django_db


def test_the_draw_form_says_what_is_wrong_at_the_field_and_keeps_the_input(client):
    world = approved_world(0)
    login(client, world.admin)

    response = client.post(reverse("sampling_draw_new"), {
        "year": "2021", "sample_by": "share", "share": "一半", "expenditure_min": "500", "expenditure_max": "100",
        "seed": "-3"})

    assert response.status_code == 400
    form = response.context["form"]
    assert form.errors == {"share": ["请输入百分数，如 98 或 98%。"], "seed": ["随机种子须为非负整数。"],
                           "expenditure_max": ["支出合计上限不能小于下限。"]}
    html = response.content.decode()
    assert 'value="一半"' in html and 'value="-3"' in html
    assert Draw.objects.count() == 0


def test_a_draw_posted_with_a_seed_records_it_and_shows_that_it_repeats(client):
    world = approved_world(3)
    login(client, world.admin)

    response = client.post(reverse("sampling_draw_new"), {"year": "2021", "sample_by": "count", "count": "2",
                                                           "seed": "20211231"}, follow=True)

    draw = Draw.objects.get()
    assert (draw.seed, len(draw.drawn), draw.sample_by) == (20211231, 2, SampleBy.COUNT)
    assert "以同一种子和条件重新抽取，结果一致。" in response.content.decode()


def test_the_sheet_keeps_a_wrong_score_and_says_why_at_its_row(client):
    world = approved_world(0)
    admin = fresh(world.admin)
    draw = draw_create(evaluation_year=world.report.evaluation_year, by=admin, sample_by=SampleBy.COUNT, count=1)
    sheet = sheet_assign(draw=draw, report=world.report, scorer=world.people.other_reviewer, by=admin)
    login(client, world.people.other_reviewer)
    own = self_scores(world.report)
    data = {"action": "save"}
    for indicator in sheet_indicators(sheet):
        data[f"score__{indicator.code}"] = own[indicator.code]
        data[f"reason__{indicator.code}"] = ""
    data["score__staff_control_rate"] = "６分"  # full-width and a unit: read as 6, above the 5 points
    data["score__satisfaction"] = "4"

    response = client.post(reverse("sampling_sheet", args=[sheet.pk]), data)

    assert response.status_code == 400
    assert response.context["form"].errors == {"score__staff_control_rate": ["得分应在0至5分之间。"],
                                               "reason__satisfaction": ["得分与自评得分不同，请填写评分理由。"]}
    assert 'value="６分"' in response.content.decode()
    assert sheet.rows.count() == 0


def test_a_re_reviewer_does_not_see_the_reviewers_scores_nor_another_sheet(client):
    world = approved_world(1)
    admin = fresh(world.admin)
    draw = draw_create(evaluation_year=world.report.evaluation_year, by=admin, sample_by=SampleBy.COUNT, count=2)
    mine = sheet_assign(draw=draw, report=world.report, scorer=world.people.other_reviewer, by=admin)
    theirs = sheet_assign(draw=draw, report=world.reports[1], scorer=world.reviewers[world.offices[1].pk], by=admin)
    login(client, world.people.other_reviewer)

    page = client.get(reverse("sampling_sheet", args=[mine.pk]))

    assert page.status_code == 200 and "<th>复核得分</th>" not in page.content.decode()
    assert client.get(reverse("sampling_sheet", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("report_detail", args=[world.report.pk])).status_code == 404


def test_the_report_page_shows_each_experts_score_only_once_all_have_submitted(client):
    world = approved_world(0)
    experts = [UserFactory(username=f"expert{n}", full_name=f"专家{n}") for n in range(2)]
    panel = panel_create(report=world.report, experts=experts, method=PanelMethod.MEAN, by=fresh(world.admin))
    own = self_scores(world.report)
    login(client, world.people.clerk)
    for n, expert in enumerate(experts):
        sheet = ScoreSheet.objects.get(panel=panel, scorer=expert)
        values = {i.pk: (own[i.code], "") for i in sheet_indicators(sheet)}
        values[next(i.pk for i in sheet_indicators(sheet) if i.code == "satisfaction")] = (Decimal(4 - n), "扣分。")
        before = client.get(reverse("report_detail", args=[world.report.pk])).content.decode()
        assert "专家评审" not in before
        sheet_save(sheet=sheet, by=fresh(expert), submit=True, values=values)

    html = client.get(reverse("report_detail", args=[world.report.pk])).content.decode()

    total = sum(own.values())
    cells = re.findall(r'<td class="text-end(?: panel-final)?">([^<]*)</td>', html)
    assert cells == [f"{total - 1:.0f}", f"{total - 2:.0f}", f"{(total - Decimal('1.5')).normalize():f}"]  # as the form prints (96.5)


def _draws(user, n, world):
    for _ in range(n):
        Draw.objects.create(evaluation_year=world.report.evaluation_year, seed=1, sample_by=SampleBy.COUNT, count=1,
                            population=[world.report.pk], drawn=[world.report.pk], created_by=user)
    return reverse("sampling_draws"), r'<tr>\s*<td><a href="/sampling/draws/\d+/">'


def _sheets(user, n, world):
    for _ in range(n):
        panel = Panel.objects.create(report=world.report, method=PanelMethod.MEAN, created_by=world.admin)
        ScoreSheet.objects.create(kind=SheetKind.EXPERT, panel=panel, report=world.report, scorer=user)
    return reverse("sampling_sheets"), r'<a href="/sampling/sheets/\d+/">'


def _panels(user, n, world):
    _sheets(user, n, world)
    return reverse("sampling_panels"), r'<a href="/sampling/panels/\d+/">'


@pytest.mark.parametrize("scenario", [_draws, _sheets, _panels])
def test_lists_run_as_many_queries_for_30_rows_as_for_3(client, scenario):
    world = approved_world(0)
    counts = []
    for n in (3, 30):
        Draw.objects.all().delete()
        Panel.objects.all().delete()
        user = world.admin
        url, pattern = scenario(user, n, world)
        login(client, user)
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert len(re.findall(pattern, response.content.decode())) == n
        counts.append(len(queries))

    assert counts[0] == counts[1]
