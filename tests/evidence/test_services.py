import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from audit.models import AuditEvent
from evidence.models import Evidence
from evidence.selectors import PlaceRef
from evidence.services import evidence_add, evidence_remove
from reports.enums import Status
from reports.interchange import report_export
from reports.models import ReportEdit
from tests.evidence.support import HTML, pdf_bytes, png_bytes, upload
from tests.reports.review_support import advance

pytestmark = pytest.mark.django_db


def _add(report, row, by, name="预算调整批复.pdf", content=None, **kwargs):
    return evidence_add(report=report, place=row, upload=upload(name, content or pdf_bytes()), by=by, **kwargs)


def test_an_upload_is_stored_under_a_random_name_with_its_hash(report, row, people, media):
    content = pdf_bytes()

    evidence = _add(report, row, people.clerk, content=content, description="区财政局批复")

    stored = media / evidence.file.name
    assert stored.read_bytes() == content
    assert evidence.file.name.startswith("evidence/") and "批复" not in evidence.file.name
    assert "." not in evidence.file.name.rsplit("/", 1)[-1]
    assert (evidence.name, evidence.kind, evidence.size, evidence.description) == (
        "预算调整批复.pdf", "pdf", len(content), "区财政局批复")
    import hashlib
    assert evidence.sha256 == hashlib.sha256(content).hexdigest()
    assert oct(stored.stat().st_mode & 0o777) == "0o600"


def test_an_upload_is_in_the_document_history_and_audit(report, row, people):
    evidence = _add(report, row, people.clerk, description="区财政局批复")

    assert report_export(report)["evidence"] == [{
        "place": "scores/budget_adjustment_rate", "place_label": "评分表 · 预算调整率", "name": "预算调整批复.pdf",
        "description": "区财政局批复", "type": "pdf", "size": evidence.size, "sha256": evidence.sha256,
    }]
    edit = ReportEdit.objects.get(report=report, section="evidence")
    assert [(c["path"], c["old"], c["new"]["name"]) for c in edit.changes] == [
        ("evidence.scores/budget_adjustment_rate", None, "预算调整批复.pdf")]
    audit = AuditEvent.objects.filter(event="report_edit").order_by("pk").last()
    assert audit.detail == (f"上传佐证材料：评分表 · 预算调整率 · 预算调整批复.pdf（{evidence.size}字节，SHA-256 {evidence.sha256}）")


def test_over_the_file_limit_is_refused_with_the_limit_named(report, row, people, settings):
    settings.EVIDENCE_MAX_FILE_BYTES = 1024 * 1024

    with pytest.raises(ValidationError) as refused:
        _add(report, row, people.clerk, content=pdf_bytes() + b"\n%" + b"x" * 1024 * 1024)

    assert refused.value.message_dict == {"file": ["文件超过大小上限：每个文件不超过1 MB。"]}
    assert Evidence.objects.count() == 0


def test_over_the_report_limit_is_refused(report, row, people, settings, media):
    content = pdf_bytes()
    settings.EVIDENCE_MAX_REPORT_BYTES = len(content) * 2 + 10
    _add(report, row, people.clerk, content=content)
    _add(report, row, people.clerk, content=content)

    with pytest.raises(ValidationError) as refused:
        _add(report, row, people.clerk, content=content)

    assert refused.value.message_dict["file"][0].startswith("本报告的佐证材料合计不超过")
    assert Evidence.objects.count() == 2
    assert len([p for p in (media / "evidence").rglob("*") if p.is_file()]) == 2


def test_an_html_file_named_pdf_is_refused(report, row, people, media):
    with pytest.raises(ValidationError) as refused:
        _add(report, row, people.clerk, name="批复.pdf", content=HTML)

    assert refused.value.message_dict["file"][0].startswith("文件内容是“HTML document”")
    assert not (media / "evidence").exists()


def test_a_pdf_with_a_script_is_refused(report, row, people):
    with pytest.raises(ValidationError) as refused:
        _add(report, row, people.clerk, content=pdf_bytes(javascript="app.launchURL('http://x.invalid')"))

    assert refused.value.message_dict["file"] == [
        "PDF含有脚本、启动程序或嵌入文件等活动内容，不能作为佐证材料。请用“打印为PDF”重新生成后上传。"]


def test_a_disguised_name_is_made_safe_and_follows_the_content(report, row, people):
    evidence = _add(report, row, people.clerk, name="../../公务卡\u202egnp.exe", content=png_bytes())

    assert evidence.name == "公务卡gnp.png"
    assert evidence.kind == "png"


@pytest.mark.parametrize("who", ["head", "reviewer", "other_clerk", "admin"])
def test_only_the_clerk_may_add(report, row, people, who):
    with pytest.raises(PermissionDenied):
        _add(report, row, getattr(people, who))


@pytest.mark.parametrize("state", [Status.DEPT_REVIEW, Status.APPROVED])
def test_a_submitted_or_approved_reports_evidence_cannot_change(report, row, people, state):
    evidence = _add(report, row, people.clerk)
    report = advance(report, people, state)

    with pytest.raises(PermissionDenied):
        _add(report, row, people.clerk)
    with pytest.raises(PermissionDenied):
        evidence_remove(evidence=evidence, by=people.clerk)

    assert Evidence.objects.current().filter(report=report).count() == 1


def test_removing_keeps_the_bytes_and_records_who(report, row, people, media):
    evidence = _add(report, row, people.clerk)

    removed = evidence_remove(evidence=evidence, by=people.clerk)

    assert removed.removed_by == people.clerk and removed.removed_at is not None
    assert (media / evidence.file.name).is_file()
    assert "evidence" not in report_export(report)
    last = ReportEdit.objects.filter(report=report, section="evidence").last()
    assert [(c["old"]["name"], c["new"]) for c in last.changes] == [("预算调整批复.pdf", None)]
    assert AuditEvent.objects.filter(event="report_edit").order_by("pk").last().detail == (
        f"删除佐证材料：预算调整批复.pdf（SHA-256 {evidence.sha256}）")


def test_approval_digests_each_files_hash_and_reopening_keeps_the_old_version(report, row, people):
    from reports.approval import document_digest
    from reports.models import StatusChange
    from reports.workflow import move

    evidence = _add(report, row, people.clerk)
    approved = advance(report, people, Status.APPROVED)

    assert [e["sha256"] for e in approved.approved_snapshot["evidence"]] == [evidence.sha256]
    assert approved.approved_digest == document_digest(approved.approved_snapshot)

    reopened = move(approved, Status.DRAFT, by=people.admin, comment="补充材料")
    evidence_remove(evidence=evidence, by=people.clerk)
    _add(reopened, row, people.clerk, name="新批复.pdf", content=pdf_bytes(pages=2))

    snapshot = StatusChange.objects.get(report=report, to_status=Status.APPROVED).snapshot
    assert [e["name"] for e in snapshot["evidence"]] == ["预算调整批复.pdf"]
    old = Evidence.objects.get(sha256=snapshot["evidence"][0]["sha256"])
    assert old.file.open("rb").read() == pdf_bytes()
    assert [e["name"] for e in report_export(report)["evidence"]] == ["新批复.pdf"]


def test_a_quantitative_indicator_and_a_section_hold_files(report, people):
    quantitative = report.quantitative_indicators.first()
    _add(report, PlaceRef("quantitative", quantitative=quantitative), people.clerk, name="验收单.png",
         content=png_bytes())
    _add(report, PlaceRef("section", section="narrative"), people.clerk, name="说明.pdf")

    assert [(e["place"], e["place_label"], e["name"]) for e in report_export(report)["evidence"]] == [
        ("quantitative/1", "定量目标 · 第1项", "验收单.png"), ("section/narrative", "评价报告综述", "说明.pdf")]
