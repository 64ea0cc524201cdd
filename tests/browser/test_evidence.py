"""佐证材料 in real Chromium: the clerk attaches a PDF and a PNG to a 评分表 row that requires evidence
and a DOCX to a section; the row blocks submission until its file is there; the reviewer opens each file
from the review page.

Set EVIDENCE_SCREENSHOTS=<directory> to save the pages as PNG files there.
"""
import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from reports.demo import SEED_DEPARTMENT, demo_load
from reports.enums import Status
from reports.models import Report, ScoreEntry
from reports.workflow import move
from scoring.models import Indicator
from scoring.services import frozen_rubrics_forget
from tests.evidence.support import docx_bytes, pdf_bytes, png_bytes
from tests.reports.review_support import MISSING_REASONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
ROW = "budget_adjustment_rate"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def shoot(page, name):
    if os.environ.get("EVIDENCE_SCREENSHOTS"):
        folder = Path(os.environ["EVIDENCE_SCREENSHOTS"])
        folder.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(folder / f"evidence-{name}.png"), full_page=True)


def attach(page, name, mime, content, description):
    page.set_input_files("#id_file", files=[{"name": name, "mimeType": mime, "buffer": content}])
    page.fill("#id_description", description)
    page.click("#btn-upload")
    expect(page.locator(".alert-success").first).to_have_text(f"已上传“{name}”。")


def test_a_required_row_blocks_submission_until_its_files_are_attached_and_the_reviewer_opens_them(
        live_server, open_session):
    demo_load()
    report = Report.objects.get(department__code=SEED_DEPARTMENT[0], evaluation_year__year=2021)
    for code, reason in MISSING_REASONS.items():
        ScoreEntry.objects.filter(report=report, indicator__code=code).update(deduction_reason=reason)
    Indicator.objects.filter(rubric=report.evaluation_year.rubric, code=ROW).update(requires_evidence=True)
    frozen_rubrics_forget()  # a change made outside the admin, which refuses any to a rubric in use
    base = live_server.url
    pdf, png, docx = pdf_bytes(), png_bytes(), docx_bytes()

    # The check page blocks submission and says which row needs its evidence.
    clerk = open_session("clerk")
    clerk.goto(f"{base}/reports/{report.pk}/check/")
    expect(clerk.locator(".check-list li", has_text="须附佐证材料")).to_have_text(
        "未填 “预算调整率”须附佐证材料，请上传后再提交。")
    expect(clerk.locator("#btn-submit")).to_be_disabled()

    # From the problem to the row in the 评分表, and from its link to the row's files.
    clerk.locator(".check-list a", has_text="须附佐证材料").click()
    link = clerk.locator(f"#evidence-{ROW}")
    expect(link).to_have_text("佐证材料（0）必附")
    shoot(clerk, "scores-row")
    link.click()
    expect(clerk.locator("h1")).to_have_text("佐证材料：评分表 · 预算调整率")
    expect(clerk.locator("#id_file + .form-text, #id_file ~ .form-text").first).to_contain_text("每个文件不超过50 MB")
    attach(clerk, "预算调整批复.pdf", "application/pdf", pdf, "区财政局关于预算调整的批复")
    attach(clerk, "公务卡对账单.png", "image/png", png, "公务卡刷卡记录截图")
    expect(clerk.locator("#evidence-files .evidence-link")).to_have_text(["预算调整批复.pdf", "公务卡对账单.png"])
    shoot(clerk, "row-files")

    # A DOCX for the 评价报告综述 section, from that section's page.
    clerk.goto(f"{base}/reports/{report.pk}/edit/narrative/")
    clerk.locator("#evidence-section-narrative").click()
    attach(clerk, "自评工作说明.docx",
           "application/vnd.openxmlformats-officedocument.wordprocessingml.document", docx, "评价组工作说明")
    clerk.goto(f"{base}/reports/{report.pk}/edit/scores/")
    expect(clerk.locator(f"#evidence-{ROW}")).to_have_text("佐证材料（2）必附")

    # Now nothing blocks: the clerk submits.
    clerk.goto(f"{base}/reports/{report.pk}/check/")
    expect(clerk.locator(".check-list li", has_text="须附佐证材料")).to_have_count(0)
    clerk.click("#btn-submit")
    clerk.click("#confirm-ok")  # the confirmation (static/app/confirm.js)
    expect(clerk.locator(".alert-success").first).to_have_text("报告已提交部门审核，在退回之前不能再修改。")
    head = get_user_model().objects.get(username="head")
    move(Report.objects.get(pk=report.pk), Status.FINANCE_REVIEW, by=head)

    # The reviewer sees the files beside the row and opens each one.
    reviewer = open_session("reviewer")
    reviewer.goto(f"{base}/reports/{report.pk}/review/")
    row = reviewer.locator(f"#review-row-{ROW} .review-evidence .evidence-link")
    expect(row).to_have_text(["预算调整批复.pdf", "公务卡对账单.png"])
    panel = reviewer.locator("#report-evidence [data-place='section/narrative'] .evidence-link")
    expect(panel).to_have_text(["自评工作说明.docx"])
    shoot(reviewer, "review")
    for index, (content, mime) in enumerate(((pdf, "application/pdf"), (png, "image/png"))):
        with reviewer.context.expect_event("response", lambda r: "/evidence/files/" in r.url) as answer, \
                reviewer.context.expect_page() as opened:
            row.nth(index).click()
        response = answer.value
        headers = response.all_headers()  # .headers leaves out the security headers
        assert (response.status, headers["content-type"], headers["x-content-type-options"]) == (200, mime, "nosniff")
        assert headers["content-disposition"].startswith("inline;")
        assert headers["content-security-policy"].endswith("; sandbox")
        if mime.startswith("image/"):
            assert response.body() == content
            opened.value.wait_for_load_state()
            expect(opened.value.locator("img")).to_have_count(1)
        opened.value.close()
    with reviewer.expect_download() as download:
        panel.first.click()
    assert download.value.suggested_filename == "自评工作说明.docx"
    assert Path(download.value.path()).read_bytes() == docx
