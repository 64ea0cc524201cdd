"""The approved form, frozen: a canonical snapshot of its content, its SHA-256 digest and the token
of its public verification page."""
import hashlib
import json
import secrets

from reports.interchange import report_export


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
    report.verification_token = secrets.token_urlsafe(32)
    return report


def report_unfreeze(report):
    """Forget the frozen form when an admin reopens the report (the caller saves it)."""
    report.approved_snapshot = None
    report.approved_digest = ""
    report.verification_token = ""
    report.approved_pdf = None
    return report


def digest_matches(report, digest):
    """Whether `digest` (as printed on the PDF, any case, spaces ignored) is the report's approved digest."""
    cleaned = "".join((digest or "").split()).lower()
    return bool(report.approved_digest) and secrets.compare_digest(cleaned, report.approved_digest)
