import pytest

from evidence.selectors import PlaceRef
from reports.enums import Status
from scoring.models import Indicator
from tests.reports.review_support import make_people, submittable_report


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    """A fresh, empty file store for each test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def people(db):
    return make_people()


@pytest.fixture
def report(people):
    report = submittable_report(people.department)
    assert report.status == Status.DRAFT
    return report


@pytest.fixture
def row(report):
    """The 评分表 row 预算调整率 of the report's rubric, as a place."""
    indicator = Indicator.objects.get(rubric=report.evaluation_year.rubric, level=3, label="预算调整率")
    return PlaceRef("score", indicator=indicator)
