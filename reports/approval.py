"""The approved form, frozen: a canonical snapshot of its content, its SHA-256 digest and the token
of its public verification page; and its archived PDF (`archive_pdf`, run once the approval commits).
"""
import hashlib
import json
import logging
import secrets

from django.core.mail import mail_admins
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reports.enums import Status
from reports.interchange import report_export
from reports.models import Report
from reports.pdf import archive_is_current, report_archive_pdf

logger = logging.getLogger(__name__)

# The verification page's token: 96 random bits, 16 characters, short enough to type from the paper copy.
VERIFICATION_TOKEN_BYTES = 12
# How often archive_pdf tries before it records a failure.
PDF_ATTEMPTS = 3

PDF_PENDING, PDF_FAILED = "pending", "failed"
PDF_STATE_LABELS = {
    PDF_PENDING: gettext_lazy("PDF 生成中"),
    PDF_FAILED: gettext_lazy("PDF 生成失败，已通知管理员"),
}


def canonical_bytes(document):
    """The one byte form a digest is taken of: sorted keys, no spaces, UTF-8."""
    return json.dumps(document, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def document_digest(document):
    return hashlib.sha256(canonical_bytes(document)).hexdigest()


def report_freeze(report):
    """Store the snapshot, digest and a fresh verification token on `report` (the caller saves it)."""
    snapshot = report_export(report)
    report.approved_snapshot = snapshot
    report.approved_digest = document_digest(snapshot)
    report.verification_token = secrets.token_urlsafe(VERIFICATION_TOKEN_BYTES)
    return report


def report_unfreeze(report):
    """Forget the frozen form when an admin reopens the report (the caller saves it)."""
    report.approved_snapshot = None
    report.approved_digest = ""
    report.verification_token = ""
    report.approved_pdf = None
    report.pdf_failed_at = None
    return report


def digest_matches(report, digest):
    """Whether `digest` (as printed on the PDF, any case, spaces ignored) is the report's approved digest."""
    cleaned = "".join((digest or "").split()).lower()
    return bool(report.approved_digest) and secrets.compare_digest(cleaned, report.approved_digest)


def archive_pdf(report_id, *, attempts=PDF_ATTEMPTS):
    """Archive the PDF of approved report `report_id` (the job run when an approval commits).

    A plain function of the report's id, so a task queue can run it as well. Renders outside the
    report's row lock (reports.pdf.report_archive_pdf) and tries `attempts` times; each failure is
    logged with its traceback. When every attempt fails it records `pdf_failed_at` (the report's
    pages show “PDF 生成失败，已通知管理员”) and mails the site's ADMINS; the next successful run
    clears it. Never raises: returns the report with its archive, or None when it could not be made.
    """
    for attempt in range(1, attempts + 1):
        try:
            report = report_archive_pdf(report=Report(pk=report_id))
        except Report.DoesNotExist:
            return None
        except Exception:  # noqa: BLE001 (any renderer failure is retried, logged and recorded, never raised)
            logger.exception("PDF archive of report %s failed (attempt %s of %s)", report_id, attempt, attempts)
            continue
        if attempt > 1:
            logger.warning("PDF archive of report %s succeeded at attempt %s", report_id, attempt)
        return report
    Report.objects.filter(pk=report_id, status=Status.APPROVED).update(pdf_failed_at=timezone.now())
    subject = _("审定报告PDF生成失败（报告 %(id)s）") % {"id": report_id}
    mail_admins(subject, _("报告 %(id)s 已审定，但其PDF经%(n)s次尝试仍未生成，详见日志；"
                           "可运行 manage.py archive_pdfs 重试。") % {"id": report_id, "n": attempts},
                fail_silently=True)
    logger.error("PDF archive of report %s failed %s times; recorded and admins notified", report_id, attempts)
    return None


def pdf_state(report):
    """None for a report that is not approved or whose PDF is archived; else PDF_PENDING or PDF_FAILED."""
    if report.status != Status.APPROVED or archive_is_current(report):
        return None
    return PDF_FAILED if report.pdf_failed_at else PDF_PENDING


def pdf_state_context(report):
    """What the report's pages show of its PDF: {"pdf_state": None | PDF_PENDING | PDF_FAILED, "pdf_state_label"}."""
    state = pdf_state(report)
    return {"pdf_state": state, "pdf_state_label": PDF_STATE_LABELS.get(state, "")}
