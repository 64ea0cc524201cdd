"""The year's workbook carries 抽评, 抽评汇总 and 专家评审 (written, then reloaded)."""
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from reports.exporters.summary import summary_workbook_write
from reports.selectors import reports_visible_to
from sampling.enums import PanelMethod, SampleBy
from sampling.models import ScoreSheet
from sampling.services import draw_create, panel_create, sheet_assign, sheet_indicators, sheet_save
from tests.factories import UserFactory
from tests.reports.review_support import fresh
from tests.sampling.support import approved_world, self_scores

pytestmark = pytest.mark.django_db


def _values(sheet, **changes):
    own = self_scores(sheet.report)
    return {i.pk: changes.get(i.code, (own[i.code], "")) for i in sheet_indicators(sheet)}


def _rows(ws):
    return [tuple(cell.value for cell in row) for row in ws.iter_rows(min_row=3)]


def test_the_workbook_reloads_with_the_deviations_and_the_panel_scores(tmp_path):
    world = approved_world(1)
    admin = fresh(world.admin)
    year = world.report.evaluation_year
    draw = draw_create(evaluation_year=year, by=admin, sample_by=SampleBy.COUNT, count=2, seed=1)
    scorer = fresh(world.reviewers[world.offices[1].pk])
    sheet = sheet_assign(draw=draw, report=world.report, scorer=scorer, by=admin)
    sheet_save(sheet=sheet, by=scorer, submit=True,
               values=_values(sheet, satisfaction=(Decimal("3.5"), "=满意度偏低")))
    experts = [UserFactory(username=f"expert{n}", full_name=f"专家{n}") for n in range(3)]
    panel = panel_create(report=world.report, experts=experts, method=PanelMethod.MEAN, by=admin)
    for n, expert in enumerate(experts):
        expert_sheet = ScoreSheet.objects.get(panel=panel, scorer=expert)
        sheet_save(sheet=expert_sheet, by=fresh(expert), submit=True, values=_values(
            expert_sheet, satisfaction=(Decimal(5 - n), "酌情扣分。" if n else "")))
    own = sum(self_scores(world.report).values())
    path = tmp_path / "year.xlsx"

    summary_workbook_write(path, reports=reports_visible_to(admin), evaluation_year=year, include_missing=False)

    book = load_workbook(path)
    first = book.sheetnames.index("抽评")
    assert book.sheetnames[first:first + 3] == ["抽评", "抽评汇总", "专家评审"]
    rows = _rows(book["抽评"])
    department = world.report.department
    assert len(rows) == 25
    assert rows[-1] == (department.code, department.name, department.office.name, "社会公众或服务对象满意度", 5, 5, 5, 3.5, -1.5, -1.5,
                        "=满意度偏低", "孙三")
    assert book["抽评"]["K27"].data_type == "s"  # a reason that looks like a formula stays text
    summary = _rows(book["抽评汇总"])
    assert [row[:3] for row in summary] == [
        ("部门", f"{department.code} {department.name}", 1), ("科室", department.office.name, 1), ("合计", "合计", 1)]
    assert summary[0][3:8] == (float(own), float(own), float(own - Decimal("1.5")), -1.5, -1.5)
    panel_rows = _rows(book["专家评审"])
    assert [row[3:6] for row in panel_rows] == [
        ("专家0", float(own), float(own - 1)), ("专家1", float(own - 1), float(own - 1)),
        ("专家2", float(own - 2), float(own - 1))]
