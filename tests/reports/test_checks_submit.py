"""The check list kept in the cache (report_check_cached) never outlives what it was computed from."""
from decimal import Decimal

import pytest
from django.urls import reverse

from evidence.selectors import PlaceRef, evidence_by_place
from evidence.services import evidence_add, evidence_remove
from reports.checks_submit import _check_key, evidence_state, report_check, report_check_cached
from reports.models import Report
from scoring.models import Indicator
from scoring.services import frozen_rubrics_forget
from targets.enums import AdjustmentStatus, Status
from targets.models import IndicatorResult, TargetIndicator
from targets.services import adjustment_save
from targets.workflow import adjustment_move, move
from tests.evidence.support import pdf_bytes, upload
from tests.reports.editor_support import blank_report, login, page_data
from tests.reports.review_support import make_people, submittable_report
from tests.targets.conftest import declaration_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    return make_people()


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def messages(report, section=None):
    """The cached check's problems of a freshly read report (as a request reads it)."""
    check = report_check_cached(Report.objects.get(pk=report.pk))
    return [p.message for p in check.problems if section is None or p.section == section]


def test_the_cached_check_is_the_check(people):
    report = submittable_report(people.department)

    first, second = (report_check_cached(Report.objects.get(pk=report.pk)) for _ in range(2))

    assert first == second == report_check(Report.objects.get(pk=report.pk))


def test_a_saved_section_is_checked_again(client, people):
    report = submittable_report(people.department)
    assert messages(report, "cover") == []
    login(client, people.clerk)

    response = client.post(reverse("report_section", args=[report.pk, "cover"]),
                           page_data(report, "cover", **{"cover-contact_phone": ""}))

    assert response.status_code == 302
    fresh = [p.message for p in report_check(Report.objects.get(pk=report.pk)).problems if p.section == "cover"]
    assert messages(report, "cover") == fresh != []


def test_adding_and_removing_evidence_is_checked_again(people):
    report = submittable_report(people.department)
    indicator = Indicator.objects.get(rubric=report.evaluation_year.rubric, level=3, label="预算调整率")
    Indicator.objects.filter(pk=indicator.pk).update(requires_evidence=True)
    frozen_rubrics_forget()  # a change made outside the admin, which refuses any to a rubric in use
    needs_file = "“预算调整率”须附佐证材料，请上传后再提交。"
    assert needs_file in messages(report, "scores")

    added = evidence_add(report=report, place=PlaceRef("score", indicator=indicator),
                         upload=upload("预算调整批复.pdf", pdf_bytes()), by=people.clerk)

    assert needs_file not in messages(report, "scores")

    evidence_remove(evidence=added, by=people.clerk)

    assert needs_file in messages(report, "scores")


def approve(declaration, people):
    declaration = move(declaration, Status.DEPT_REVIEW, by=people.clerk)
    declaration = move(declaration, Status.FINANCE_REVIEW, by=people.head)
    return move(declaration, Status.APPROVED, by=people.reviewer)


def test_approving_the_year_start_targets_is_checked_again(people):
    declaration = declaration_of(people.department)
    report = blank_report(people.department)
    before = messages(report, "goals")

    approve(declaration, people)

    assert messages(report, "goals") != before
    assert messages(report, "goals") == [
        p.message for p in report_check(Report.objects.get(pk=report.pk)).problems if p.section == "goals"]


def test_an_approved_adjustment_is_checked_again(people):
    declaration = approve(declaration_of(people.department), people)
    report = blank_report(people.department)
    posts = TargetIndicator.objects.get(declaration=declaration, name="中央级主流党媒发稿")
    IndicatorResult.objects.create(report=report, indicator=posts, actual_value=Decimal(100))
    shortfall = "绩效目标“中央级主流党媒发稿”未完成，请填写偏差原因。"
    assert shortfall in messages(report, "goals")
    adjustment = adjustment_save(declaration=declaration, reason="上级调整发稿任务。", by=people.clerk, rows=[
        {"id": posts.pk, "direction": "ge", "value": Decimal(100), "unit": "篇", "qualitative_value": ""},
    ])
    adjustment = adjustment_move(adjustment, AdjustmentStatus.FINANCE_REVIEW, by=people.clerk)

    adjustment_move(adjustment, AdjustmentStatus.APPROVED, by=people.reviewer)

    assert shortfall not in messages(report, "goals")


def test_the_editor_shows_the_new_state_after_a_save(client, people):
    report = submittable_report(people.department)
    login(client, people.clerk)
    url = reverse("report_section", args=[report.pk, "people"])
    assert 'data-state="complete" id="nav-cover"' in client.get(url).content.decode()

    client.post(reverse("report_section", args=[report.pk, "cover"]),
                page_data(report, "cover", **{"cover-contact_phone": ""}))

    assert 'data-state="complete" id="nav-cover"' not in client.get(url).content.decode()


def test_the_evidence_state_read_in_one_query_agrees_with_the_evidence_app(people, django_assert_num_queries):
    report = submittable_report(people.department)
    indicator = Indicator.objects.filter(rubric=report.evaluation_year.rubric, level=3).order_by("order").first()
    first, second = report.quantitative_indicators.order_by("pk")[:2]
    places = [PlaceRef("score", indicator=indicator), PlaceRef("score", indicator=indicator),
              PlaceRef("quantitative", quantitative=first), PlaceRef("quantitative", quantitative=second),
              PlaceRef("section", section="narrative")]
    added = [evidence_add(report=report, place=place, upload=upload(f"{n}.pdf", pdf_bytes()), by=people.clerk)
             for n, place in enumerate(places)]
    evidence_remove(evidence=added[0], by=people.clerk)
    second.delete()  # its file is no longer current (EvidenceQuerySet.current)

    with django_assert_num_queries(1):
        state = evidence_state(report)

    assert state.counts == {key: len(files) for key, files in evidence_by_place(report).items()} == {
        f"scores/{indicator.code}": 1, f"quantitative/{first.pk}": 1, "section/narrative": 1}
    assert state.marker[:3] == (5, added[-1].pk, 1)
    assert _check_key(report, state) == _check_key(report)
