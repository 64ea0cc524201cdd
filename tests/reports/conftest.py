"""Fixtures of the review tests (a module may define its own `people` or `report`, which then wins)."""
import pytest

from tests.reports.review_support import make_people, submittable_report


@pytest.fixture
def people():
    """One department with its clerk and head, its office's reviewer, another office's reviewer,
    another department's clerk and an admin (tests/reports/review_support.py)."""
    return make_people()


@pytest.fixture
def report(people):
    """The seed report of `people.department`, with the 扣分原因 it needs to be submitted."""
    return submittable_report(people.department)
