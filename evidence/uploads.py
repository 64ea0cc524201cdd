"""Receiving an evidence upload without holding it in memory.

EvidenceUploadMiddleware (before CsrfViewMiddleware, whose token check is the first to read the body)
makes EvidenceUploadHandler the only upload handler of the views marked with @evidence_upload:
each chunk (64 KiB) is hashed and written to a temporary file, so a 50 MB file costs one chunk of
memory. A file past the per-file limit stops being written at the limit; the form then refuses it with
the limit named, instead of the request failing.
"""
import hashlib

from django.conf import settings
from django.core.files.uploadhandler import TemporaryFileUploadHandler


class EvidenceUploadHandler(TemporaryFileUploadHandler):
    """TemporaryFileUploadHandler that also computes the SHA-256 and enforces `max_bytes`.

    The returned file carries `sha256` (hex) and `too_large` (bool); `size` counts every byte sent.
    """

    def __init__(self, request=None, *, max_bytes):
        super().__init__(request)
        self.max_bytes = max_bytes

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.digest = hashlib.sha256()
        self.received = 0
        self.too_large = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.max_bytes:
            self.too_large = True
            return None  # the rest is read and dropped
        self.digest.update(raw_data)
        self.file.write(raw_data)
        return None

    def file_complete(self, file_size):
        self.file.seek(0)
        self.file.size = self.received
        self.file.sha256 = self.digest.hexdigest()
        self.file.too_large = self.too_large
        return self.file


def evidence_upload(view):
    """Mark `view` as receiving evidence: its uploads stream through EvidenceUploadHandler."""
    view.evidence_upload = True
    return view


class EvidenceUploadMiddleware:
    """Installs EvidenceUploadHandler (with the per-file limit) for views marked @evidence_upload, before
    anything reads the request body."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method == "POST" and getattr(view_func, "evidence_upload", False):
            request.upload_handlers = [EvidenceUploadHandler(request, max_bytes=settings.EVIDENCE_MAX_FILE_BYTES)]
