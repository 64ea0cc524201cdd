"""How a paper copy is checked against the system: the approved report's QR code and short link, and
whether an uploaded PDF is byte for byte the approved one.

The link is `<EVAL_PUBLIC_BASE_URL>/v/<verification token>/` (the installation's public address is a
setting: the server cannot know under which name citizens reach it). The QR code encodes exactly that
URL; segno draws it as SVG (inline in the PDF's HTML: WeasyPrint fetches nothing) and PNG (the Word
file), with no network.

An uploaded PDF is never stored or parsed: `DigestUploadHandler` hashes its chunks as they arrive and
keeps nothing but the SHA-256, the size and whether it passed the limit.
"""
import hashlib
import io
from dataclasses import dataclass

import segno
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler
from django.urls import reverse
from django.utils.safestring import mark_safe

from reports.enums import Status

QR_ERROR = "m"  # 15 % of the code may be soiled or stamped over and it still reads


@dataclass(frozen=True)
class Verification:
    """What an approved report prints to be checked: the URL, its QR code as SVG markup and as PNG bytes."""

    url: str
    svg: str
    png: bytes


def verification_url(report):
    """The public short link of `report`'s verification page."""
    base = settings.EVAL_PUBLIC_BASE_URL.rstrip("/")
    return base + reverse("report_verify_short", args=[report.verification_token])


def qr_code(url):
    return segno.make_qr(url, error=QR_ERROR)


def verification_for(report):
    """The report's Verification, or None when it is not approved (nothing to verify yet)."""
    if report.status != Status.APPROVED or not report.verification_token:
        return None
    url = verification_url(report)
    code = qr_code(url)
    png = io.BytesIO()
    code.save(png, kind="png", scale=10, border=2)
    # Our own markup (paths only, no text from a user): safe to print as is.
    svg = mark_safe(code.svg_inline(scale=1, border=2, omitsize=True, svgclass="verify-qr-code"))
    return Verification(url=url, svg=svg, png=png.getvalue())


# --- Comparing an uploaded PDF ------------------------------------------------------------------
class DigestedUpload(UploadedFile):
    """An upload that was hashed and dropped: its name, size, SHA-256 and whether it passed the limit."""

    def __init__(self, *, name, size, sha256, too_large):
        super().__init__(file=io.BytesIO(), name=name, content_type="application/octet-stream", size=size)
        self.sha256 = sha256
        self.too_large = too_large


class DigestUploadHandler(FileUploadHandler):
    """Hashes each chunk of an uploaded file and keeps none of it (no memory, no temporary file)."""

    def __init__(self, request=None, *, max_bytes):
        super().__init__(request)
        self.max_bytes = max_bytes

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.digest = hashlib.sha256()
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received <= self.max_bytes:
            self.digest.update(raw_data)
        return None  # nothing goes on to another handler; past the limit the rest is read and dropped

    def file_complete(self, file_size):
        return DigestedUpload(name=self.file_name, size=self.received, sha256=self.digest.hexdigest(),
                              too_large=self.received > self.max_bytes)


def archived_pdf_sha256(report):
    """SHA-256 of the approved report's archived PDF, or None while it has none."""
    from reports.pdf import archive_is_current  # WeasyPrint loads only where a PDF is asked about

    if report.status != Status.APPROVED or not archive_is_current(report):
        return None
    try:
        with report.approved_pdf.open("rb") as archived:
            return hashlib.file_digest(archived, "sha256").hexdigest()
    except OSError:
        return None
