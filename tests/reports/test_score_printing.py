"""Issue #13: scores print as the form prints them (98, 97.5 — no trailing zeros) on every page."""
import re
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.urls import reverse

from reports.enums import Status
from reports.models import ScoreEntry
from scoring.evaluate import report_score
from tests.reports.editor_support import login
from tests.reports.review_support import advance

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("value", "printed"), [
    (Decimal("98.00"), "98"), (Decimal("61.50"), "61.5"), (Decimal("1.25"), "1.25"), (Decimal("0.00"), "0"),
    (None, ""), ("", ""), ("两分", "两分"),
])
def test_the_score_filter_prints_like_the_form(value, printed):
    assert Template("{% load report_tags %}{{ v|score }}").render(Context({"v": value})) == printed


@pytest.fixture
def half_point_report(people, report):
    """The seed report at 97.5: 公务卡刷卡率 self-scored 1.5 instead of 2."""
    ScoreEntry.objects.filter(report=report, indicator__code="card_payment_rate").update(self_score=Decimal("1.5"))
    report_score(report=report)
    return advance(report, people, Status.FINANCE_REVIEW)


def test_the_queue_prints_the_total_without_trailing_zeros(client, people, half_point_report):
    login(client, people.reviewer)

    html = client.get(reverse("review_queue")).content.decode()

    row = re.search(rf'<tr id="queue-{half_point_report.pk}">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r"<td>([\d.]+)</td>", row)[-1] == "97.5"


def test_the_review_page_prints_points_and_scores_without_trailing_zeros(client, people, half_point_report):
    login(client, people.reviewer)

    html = client.get(reverse("report_review", args=[half_point_report.pk])).content.decode()

    row = re.search(r'<tr id="review-row-card_payment_rate"[^>]*>(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r"<td[^>]*>([\d.]+)</td>", row)[:2] == ["3", "1.5"]
    assert ".00<" not in html and ".50<" not in html
