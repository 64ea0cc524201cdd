"""The year's ZIP holds each approved report's evidence in folders named after the rows they prove."""
import io
import zipfile

import pytest
from django.core.files.base import ContentFile

from evidence.selectors import place_for
from evidence.services import evidence_add, evidence_remove
from reports.enums import Status
from reports.exporters.archive import approved_pdfs_zip
from reports.models import Report
from tests.evidence.support import docx_bytes, pdf_bytes, png_bytes, upload
from tests.reports.review_support import advance

pytestmark = pytest.mark.django_db


def test_the_years_zip_holds_the_evidence_by_row(report, people):
    def add(kind, ref, name, content):
        return evidence_add(report=report, place=place_for(report, kind, ref), upload=upload(name, content),
                            by=people.clerk)

    add("score", "budget_adjustment_rate", "批复.pdf", pdf_bytes())
    add("score", "budget_adjustment_rate", "批复.pdf", pdf_bytes(pages=2))
    docx = docx_bytes()  # made once: a ZIP carries the time it was written
    add("section", "narrative", "工作说明.docx", docx)
    evidence_remove(evidence=add("score", "card_payment_rate", "旧照片.png", png_bytes()), by=people.clerk)
    approved = advance(report, people, Status.APPROVED)
    Report.objects.get(pk=approved.pk).approved_pdf.save("a.pdf", ContentFile(b"%PDF-1.7 archived"))

    archive = zipfile.ZipFile(io.BytesIO(b"".join(approved_pdfs_zip(Report.objects.all(), approved.evaluation_year))))

    prefix = f"{report.department.code}_{report.department.name}"
    assert archive.namelist() == [
        f"{prefix}_2021年度自评报告.pdf",
        f"{prefix}_佐证材料/评分表_预算调整率/批复.pdf",
        f"{prefix}_佐证材料/评分表_预算调整率/批复（2）.pdf",
        f"{prefix}_佐证材料/评价报告综述/工作说明.docx",
        "README.txt",
    ]
    assert archive.read(f"{prefix}_佐证材料/评分表_预算调整率/批复（2）.pdf") == pdf_bytes(pages=2)
    assert archive.read(f"{prefix}_佐证材料/评价报告综述/工作说明.docx") == docx
