"""Drawing, assigning, scoring and panels through sampling.services, on real reports."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from sampling.draw import draw_sample
from sampling.enums import PanelMethod, SampleBy
from sampling.models import Draw, ScoreSheet
from sampling.selectors import deviation_table, rereviewer_candidates
from sampling.services import (
    candidate_ids,
    draw_create,
    draw_repeat,
    panel_create,
    sheet_assign,
    sheet_indicators,
    sheet_save,
)
from tests.factories import UserFactory
from tests.reports.review_support import fresh
from tests.sampling.support import approved_world, self_scores

pytestmark = pytest.mark.django_db


def _year(world):
    return world.report.evaluation_year


def _full_values(sheet, **changes):
    """Every row at its 自评得分, except `changes` (code -> (score, reason))."""
    own = self_scores(sheet.report)
    return {i.pk: changes.get(i.code, (own[i.code], "")) for i in sheet_indicators(sheet)}


def test_the_same_seed_and_filters_draw_the_same_sample_again():
    world = approved_world(6)
    admin = fresh(world.admin)

    first = draw_create(evaluation_year=_year(world), by=admin, sample_by=SampleBy.COUNT, count=3, seed=777)
    second = draw_create(evaluation_year=_year(world), by=admin, sample_by=SampleBy.COUNT, count=3, seed=777)

    assert first.drawn == second.drawn
    assert first.population == [r.pk for r in world.reports]
    assert first.drawn == draw_sample(first.population, seed=777, size=3)
    assert draw_repeat(first) == (first.population, first.drawn)


def test_a_draw_without_a_seed_records_the_one_it_chose_and_an_audit_row():
    world = approved_world(2)

    draw = draw_create(evaluation_year=_year(world), by=fresh(world.admin), sample_by=SampleBy.SHARE,
                       share=Decimal("50"))

    stored = Draw.objects.get(pk=draw.pk)
    assert stored.drawn == draw_sample(stored.population, seed=stored.seed, size=2)  # 50 % of 3 = 1.5 → 2
    event = AuditEvent.objects.filter(object_type="sampling.draw", object_id=str(draw.pk)).get()
    assert f"种子 {stored.seed}" in event.detail and "抽中 2 份" in event.detail


def test_filters_by_office_grade_and_expenditure_range():
    world = approved_world(4, expenditure=[Decimal("100"), Decimal("250"), Decimal("400"), Decimal("900")])
    year = _year(world)
    office_b = world.offices[1]
    extra = world.reports[1:]

    assert candidate_ids(year, offices=[office_b.pk]) == [extra[1].pk, extra[3].pk]
    assert candidate_ids(year, expenditure_min=Decimal("250"), expenditure_max=Decimal("400")) == [
        world.report.pk, extra[1].pk, extra[2].pk]  # the seed report spends 260.48
    assert candidate_ids(year, grades=["优秀"]) == [r.pk for r in world.reports]  # the seed scores 96
    assert candidate_ids(year, grades=["差"]) == []


def test_a_draw_with_no_candidate_is_refused_and_records_nothing():
    world = approved_world(1)

    with pytest.raises(ValidationError) as error:
        draw_create(evaluation_year=_year(world), by=fresh(world.admin), sample_by=SampleBy.COUNT, count=1,
                    grades=["差"])

    assert error.value.message_dict == {"__all__": ["没有符合条件的已审定报告，请放宽筛选条件。"]}
    assert Draw.objects.count() == 0


def test_only_the_admin_draws():
    world = approved_world(1)

    with pytest.raises(PermissionDenied):
        draw_create(evaluation_year=_year(world), by=fresh(world.people.reviewer), sample_by=SampleBy.COUNT, count=1)


def _draw_of(world, report, *, other_office=False):
    draw = draw_create(evaluation_year=_year(world), by=fresh(world.admin), sample_by=SampleBy.SHARE,
                       share=Decimal(100), other_office=other_office)
    assert report.pk in draw.drawn
    return draw


def test_the_original_reviewer_never_re_reviews_and_other_office_excludes_the_own_office():
    world = approved_world(2)
    draw = _draw_of(world, world.report)
    same_office, other_office = world.reviewers[world.offices[0].pk], world.reviewers[world.offices[1].pk]

    with pytest.raises(ValidationError) as error:
        sheet_assign(draw=draw, report=world.report, scorer=world.people.reviewer, by=fresh(world.admin))

    assert error.value.message_dict == {"scorer": ["复核人不能是该报告的原审核人。"]}
    assert list(rereviewer_candidates(world.report, other_office=False)) == [
        world.people.other_reviewer, same_office, other_office]
    assert list(rereviewer_candidates(world.report, other_office=True)) == [world.people.other_reviewer, other_office]
    strict = _draw_of(world, world.report, other_office=True)
    with pytest.raises(ValidationError):
        sheet_assign(draw=strict, report=world.report, scorer=same_office, by=fresh(world.admin))


def test_a_re_review_validates_each_row_at_its_field_and_submits_once_complete():
    world = approved_world(0)
    draw = _draw_of(world, world.report)
    scorer = fresh(world.people.other_reviewer)
    sheet = sheet_assign(draw=draw, report=world.report, scorer=scorer, by=fresh(world.admin))

    with pytest.raises(ValidationError) as error:
        sheet_save(sheet=sheet, by=scorer, submit=True, values=_full_values(
            sheet, staff_control_rate=(Decimal("6"), "超出"), key_expenditure_rate=(Decimal("4"), "  "),
            payment_progress=(None, "")))

    assert error.value.message_dict == {
        "score__staff_control_rate": ["得分应在0至5分之间。"],
        "reason__key_expenditure_rate": ["得分与自评得分不同，请填写评分理由。"],
        "score__payment_progress": ["提交前请为每一项评分。"],
    }
    sheet_save(sheet=sheet, by=scorer, submit=True,
               values=_full_values(sheet, key_expenditure_rate=(Decimal("4"), "重点支出保障不足。")))
    sheet.refresh_from_db()
    assert sheet.is_submitted and sheet.total == sum(self_scores(world.report).values()) - 1
    with pytest.raises(PermissionDenied):
        sheet_save(sheet=sheet, by=scorer, values=_full_values(sheet))


def test_someone_else_cannot_save_a_sheet():
    world = approved_world(0)
    sheet = sheet_assign(draw=_draw_of(world, world.report), report=world.report,
                         scorer=fresh(world.people.other_reviewer), by=fresh(world.admin))

    with pytest.raises(PermissionDenied):
        sheet_save(sheet=sheet, by=fresh(world.admin), values=_full_values(sheet))


def test_the_deviation_table_adds_up_rows_departments_and_offices():
    world = approved_world(2)
    draw = _draw_of(world, world.report)
    admin = fresh(world.admin)
    scorer = fresh(world.reviewers[world.offices[1].pk])
    first, second = world.reports[0], world.reports[1]  # both in office A
    sheets = [sheet_assign(draw=draw, report=r, scorer=scorer, by=admin) for r in (first, second)]
    sheet_save(sheet=sheets[0], by=scorer, submit=True, values=_full_values(
        sheets[0], key_expenditure_rate=(Decimal("3.5"), "重点支出未足额保障。"), fund_balance=(Decimal("3"), "无结余")))
    sheet_save(sheet=sheets[1], by=scorer, submit=True, values=_full_values(
        sheets[1], satisfaction=(Decimal("4"), "满意度调查样本不足。")))
    own = sum(self_scores(first).values())

    departments, offices, overall = deviation_table(ScoreSheet.objects.filter(draw=draw))

    assert [(g.reports, g.minus_self, g.abs_deviation) for g in departments] == [
        (1, Decimal("-0.5"), Decimal("2.5")), (1, Decimal("-1"), Decimal("1"))]
    assert departments[0].rereview_total == own - Decimal("0.5")
    assert [(g.label, g.reports, g.minus_self) for g in offices] == [(world.offices[0].name, 2, Decimal("-1.5"))]
    assert (overall.reports, overall.minus_review, overall.abs_deviation) == (2, Decimal("-1.5"), Decimal("3.5"))
    row = next(r for r in departments[0].rows if r.indicator == "重点支出安排率")
    assert (row.self_score, row.review_score, row.rereview_score, row.minus_self) == (
        Decimal("5.00"), Decimal("5.00"), Decimal("3.5"), Decimal("-1.5"))


def test_a_panel_is_final_when_the_last_expert_submits_with_the_trimmed_mean():
    world = approved_world(0)
    experts = [UserFactory(username=f"expert{n}", full_name=f"专家{n}") for n in range(4)]
    panel = panel_create(report=world.report, experts=experts, method=PanelMethod.TRIMMED, by=fresh(world.admin))
    deductions = {"expert0": "0", "expert1": "2", "expert2": "5", "expert3": "3"}
    own = sum(self_scores(world.report).values())

    for n, expert in enumerate(experts):
        sheet = ScoreSheet.objects.get(panel=panel, scorer=expert)
        score = Decimal(5) - Decimal(deductions[expert.username])
        sheet_save(sheet=sheet, by=fresh(expert), submit=True,
                   values=_full_values(sheet, staff_control_rate=(score, "酌情扣分。" if score != 5 else "")))
        panel.refresh_from_db()
        assert panel.is_final == (n == 3)

    # Totals own−0, own−2, own−5, own−3: without own−0 and own−5, the mean of own−2 and own−3 = own − 2.5
    assert panel.final_score == own - Decimal("2.5")


def test_a_trimmed_panel_needs_three_experts_and_none_from_the_department():
    world = approved_world(0)
    admin = fresh(world.admin)

    with pytest.raises(ValidationError) as few:
        panel_create(report=world.report, experts=[UserFactory(), UserFactory()], method=PanelMethod.TRIMMED, by=admin)
    with pytest.raises(ValidationError) as member:
        panel_create(report=world.report, experts=[UserFactory(), world.people.clerk], method=PanelMethod.MEAN, by=admin)

    assert few.value.message_dict == {"experts": ["去掉一个最高分和一个最低分后平均至少需要3名专家。"]}
    assert member.value.message_dict == {"experts": ["专家不能是被评价单位的人员。"]}
