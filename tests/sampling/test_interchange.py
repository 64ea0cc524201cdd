"""A 抽评 as a JSON document: what it holds, that the draw can be checked from it alone, and its download."""
import json
from decimal import Decimal

import pytest
from django.urls import reverse

from sampling.enums import SampleBy
from sampling.interchange import draw_check, draw_export
from sampling.services import draw_create, sheet_assign, sheet_indicators, sheet_save
from tests.reports.editor_support import login
from tests.reports.review_support import fresh
from tests.sampling.support import approved_world, self_scores

pytestmark = pytest.mark.django_db


def _draw_with_a_re_review():
    world = approved_world(3)
    admin = fresh(world.admin)
    draw = draw_create(evaluation_year=world.report.evaluation_year, by=admin, sample_by=SampleBy.SHARE,
                       share=Decimal("50"), seed=99)
    report = next(r for r in world.reports if r.pk in draw.drawn)
    scorer = fresh(world.people.other_reviewer)
    sheet = sheet_assign(draw=draw, report=report, scorer=scorer, by=admin)
    own = self_scores(report)
    values = {i.pk: (own[i.code], "") for i in sheet_indicators(sheet)}
    values[next(i.pk for i in sheet_indicators(sheet) if i.code == "satisfaction")] = (Decimal("4.5"), "抽样不足。")
    sheet_save(sheet=sheet, by=scorer, submit=True, values=values)
    return world, draw, report


def test_the_document_holds_the_record_and_each_re_review_and_checks_out():
    world, draw, report = _draw_with_a_re_review()

    document = json.loads(json.dumps(draw_export(draw)))

    assert {k: document[k] for k in ("format", "version", "year", "seed", "sample_by", "count", "share")} == {
        "format": "evalsite-sampling", "version": 1, "year": 2021, "seed": 99, "sample_by": "share", "count": None,
        "share": "50.00"}
    assert (document["population"], len(document["drawn"])) == ([r.pk for r in world.reports], 2)
    [rereview] = document["rereviews"]
    assert (rereview["department"], rereview["scorer"], len(rereview["scores"])) == (
        report.department.code, world.people.other_reviewer.username, 25)
    assert rereview["scores"][-1] == {"code": "satisfaction", "score": "4.50", "reason": "抽样不足。"}
    assert draw_check(document) is True


def test_a_tampered_sample_fails_the_check():
    _world, draw, _report = _draw_with_a_re_review()
    document = draw_export(draw)
    others = [pk for pk in document["population"] if pk not in document["drawn"]]

    assert draw_check({**document, "drawn": sorted([document["drawn"][0], others[0]])}) is False


def test_the_admin_downloads_the_document(client):
    world, draw, _report = _draw_with_a_re_review()
    login(client, world.admin)

    response = client.get(reverse("sampling_draw_json", args=[draw.pk]))

    assert response.status_code == 200
    assert json.loads(response.content) == json.loads(json.dumps(draw_export(draw)))
    assert response["Content-Disposition"].startswith('attachment; filename="sampling-')
