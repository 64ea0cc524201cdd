"""基础数据 figures the 收支 tables also hold, in real Chromium: prefilled from the tables, and a
difference said on both pages. Set RETURN_SCREENSHOTS=<directory> to save the pages."""
import os
import re
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect

from budgets.models import BaseData
from reports.demo import SEED_DEPARTMENT, demo_load
from reports.models import Report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_base_data_starts_from_the_tables_and_a_difference_shows_on_both_pages(live_server, open_session):
    demo_load()
    report = Report.objects.get(department__code=SEED_DEPARTMENT[0], evaluation_year__year=2021)
    clerk = open_session("clerk")

    clerk.goto(f"{live_server.url}/reports/{report.pk}/edit/base-data/")
    expect(clerk.locator("#id_base-public_funds_actual")).to_have_value("117.02")
    expect(clerk.locator("#id_base-public_funds_actual_helptext")).to_have_text("已按支出表公用支出预填117.02万元，保存后生效。")

    BaseData.objects.filter(report=report).update(three_public_final=Decimal("3.20"))
    clerk.reload()
    expect(clerk.locator("#id_base-three_public_final_helptext")).to_have_text(
        "与三公经费表合计2.81万元不一致，相差0.39万元；评分按本栏计算。")
    folder = os.environ.get("RETURN_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        clerk.locator(".base-group").first.screenshot(path=str(Path(folder) / "mirror-base-data.png"))
    clerk.goto(f"{live_server.url}/reports/{report.pk}/edit/finance/")
    expect(clerk.locator("#mirror-three_public-1")).to_contain_text("与本表三公经费表合计2.81万元相差0.39万元")
    # In the cell too, with the red border the page's live hints leave alone; the base-data field keeps its own.
    cell = clerk.locator("#formset-three_public td.cell-total")
    expect(cell.locator(".mirror-hint")).to_have_text("基础数据为3.20万元，相差0.39万元")
    expect(cell.locator("input")).to_have_class(re.compile(r"\bmirror-mismatch\b"))
    if folder:
        table = clerk.locator("#formset-three_public")
        table.evaluate("element => element.scrollIntoView({block: 'start'})")  # clear of the sticky save bar
        table.screenshot(path=str(Path(folder) / "mirror-finance.png"))
