"""A department's 绩效档案: year by year targets, completion, scores, grades and reviewers' comments."""
import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from followup.enums import FindingCategory
from followup.models import Finding
from reports.models import ScoreEntry
from targets.archive import archive_chart, department_archive
from targets.enums import Status
from targets.models import IndicatorResult
from targets.workflow import move
from tests.reports.editor_support import blank_report, login
from tests.targets.conftest import declaration_of
from tests.targets.test_yearend import approved, indicator

pytestmark = pytest.mark.django_db


def history(people, years=(2020, 2021)):
    """A scored report per year; the last year's targets approved after one return, one 实际值 entered."""
    for year in years:
        report = blank_report(people.department, year=year)
        ScoreEntry.objects.filter(report=report).update(self_score=Decimal(4))
    declaration = declaration_of(people.department, year=years[-1])
    declaration = move(declaration, Status.DEPT_REVIEW, by=people.clerk)
    declaration = move(declaration, Status.DRAFT, by=people.head, comment="满意度指标请写明调查对象。")
    declaration = move(declaration, Status.DEPT_REVIEW, by=people.clerk)
    declaration = move(declaration, Status.FINANCE_REVIEW, by=people.head)
    declaration = move(declaration, Status.APPROVED, by=people.reviewer)
    IndicatorResult.objects.create(report=report, indicator=indicator(declaration, "中央级主流党媒发稿"),
                                   actual_value=Decimal(100))
    return declaration, report


def test_the_archive_gives_each_year_its_targets_completion_scores_and_comments(people):
    history(people)

    years = department_archive(people.department)

    assert [y.year for y in years] == [2020, 2021]
    first, last = years
    assert (first.declaration, first.completion, first.indicator_count) == (None, None, 0)
    assert first.self_total == last.self_total and first.self_total > 0
    assert first.grade == ""  # a draft is not graded
    assert (last.indicator_count, last.entered_count, last.completion, last.shortfalls) == (
        3, 1, Decimal("77.52"), ["中央级主流党媒发稿"],
    )
    assert [(f.source, f.label, f.by, f.text) for f in last.findings] == [
        ("绩效目标", "退回", "吴鹏翔", "满意度指标请写明调查对象。"),
    ]


def test_the_chart_draws_a_bar_per_scored_year_and_a_point_per_year_with_completion(people):
    history(people)

    chart = archive_chart(department_archive(people.department))

    assert len(chart.bars) == 2 and len(chart.dots) == 1
    assert chart.dots[0][2] == "77.52%"
    assert chart.bars[0][5] < chart.bars[1][5]  # years left to right


def test_no_chart_without_any_figure(people):
    declaration_of(people.department)

    assert archive_chart(department_archive(people.department)) is None


@pytest.mark.parametrize(("role", "code"), [
    ("clerk", 200), ("head", 200), ("reviewer", 200), ("admin", 200), ("other_clerk", 404), ("other_reviewer", 404),
])
def test_the_archive_page_is_for_the_department_its_reviewers_and_admins(client, people, role, code):
    history(people)
    login(client, getattr(people, role))

    response = client.get(reverse("department_archive", args=[people.department.pk]))

    assert response.status_code == code
    if code == 200:
        page = response.content.decode()
        assert page.count('class="archive-year"') == 2 and "77.52%" in page and "<svg" in page
        assert 'class="completion-line"' in page and "满意度指标请写明调查对象。" in page


@pytest.mark.parametrize("count", [1, 3])
def test_the_archive_reads_a_fixed_number_of_queries_whatever_the_years(client, people, count,
                                                                        django_assert_num_queries):
    for year in range(2019, 2019 + count):
        approved(people, year=year)
        blank_report(people.department, year=year)
    login(client, people.clerk)
    client.get(reverse("department_archive", args=[people.department.pk]))  # warm the session

    # No session write: a page view touches the session at most once a minute (ACCOUNTS_SESSION_TOUCH_SECONDS);
    # the navbar counts both kinds of notices in one query.
    with django_assert_num_queries(17):
        response = client.get(reverse("department_archive", args=[people.department.pk]))

    assert response.status_code == 200


def test_the_archive_lists_the_reports_findings_and_their_rectification(client, people):
    _declaration, report = history(people)
    Finding.objects.create(report=report, category=FindingCategory.TARGETS, description="绩效目标偏离实际。",
                           deadline=datetime.date(2022, 6, 30), created_by=people.reviewer, measures="重新测算指标值。")
    login(client, people.head)

    page = client.get(reverse("department_archive", args=[people.department.pk])).content.decode()

    assert department_archive(people.department)[-1].issues[0].description == "绩效目标偏离实际。"
    assert 'class="issue"' in page and "绩效目标偏离实际。" in page and "重新测算指标值。" in page
