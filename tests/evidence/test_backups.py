"""The backup holds the evidence: a round trip restores every file byte for byte, and backup_verify checks
each file against the SHA-256 recorded at upload."""
from pathlib import Path

import pytest
from django.core.management import call_command

from accounts.models import User
from backups.services import backup_create, backup_restore, backup_verify
from evidence.models import Evidence
from evidence.selectors import place_for
from evidence.services import evidence_add, evidence_remove
from reports.demo import demo_load
from reports.interchange import report_export
from reports.models import Report
from tests.evidence.support import docx_bytes, pdf_bytes, png_bytes, upload


@pytest.fixture
def installation(transactional_db, media):
    demo_load()
    report = Report.objects.get(department__code="106019")
    clerk = User.objects.get(username="clerk")
    files = {}
    for kind, ref, name, content in (
        ("score", "budget_adjustment_rate", "预算调整批复.pdf", pdf_bytes()),
        ("score", "card_payment_rate", "公务卡对账单.png", png_bytes()),
        ("section", "narrative", "自评工作说明.docx", docx_bytes()),
    ):
        evidence = evidence_add(report=report, place=place_for(report, kind, ref), upload=upload(name, content),
                                by=clerk)
        files[evidence.pk] = content
    evidence_remove(evidence=Evidence.objects.get(name="公务卡对账单.png"), by=clerk)
    return report, files


def _restore(settings, tmp_path):
    backup_create(directory=tmp_path / "backup")
    call_command("flush", interactive=False, verbosity=0)
    settings.MEDIA_ROOT = tmp_path / "media-restored"
    return backup_restore(directory=tmp_path / "backup")


def test_the_round_trip_restores_every_file_byte_for_byte(installation, settings, tmp_path):
    report, files = installation
    document = report_export(report)

    result = _restore(settings, tmp_path)

    assert result.ok is True
    assert result.checked["evidence_files"] == 3
    restored = {e.pk: Path(settings.MEDIA_ROOT, e.file.name).read_bytes() for e in Evidence.objects.all()}
    assert restored == files
    assert report_export(Report.objects.get(pk=report.pk)) == document
    assert Evidence.objects.current().count() == 2


def test_verify_finds_a_changed_or_missing_evidence_file(installation, settings, tmp_path):
    _restore(settings, tmp_path)
    pdf = Evidence.objects.get(name="预算调整批复.pdf")
    docx = Evidence.objects.get(name="自评工作说明.docx")
    Path(settings.MEDIA_ROOT, pdf.file.name).write_bytes(pdf_bytes(pages=2))
    Path(settings.MEDIA_ROOT, docx.file.name).unlink()

    result = backup_verify(directory=tmp_path / "backup")

    root = Path(settings.MEDIA_ROOT)
    assert [p for p in result.problems if "佐证材料" in p] == [
        f"{pdf.report_id}号报告的佐证材料“预算调整批复.pdf”（{pdf.file.name}）的校验和与上传时不符（文件已损坏或被修改）。",
        f"{docx.report_id}号报告的佐证材料“自评工作说明.docx”（{docx.file.name}）缺失。",
    ]
    assert f"存储文件缺失：{root / docx.file.name}" in result.problems
