"""Receiving an evidence upload without holding it in memory.

The view installs EvidenceUploadHandler as the request's only upload handler before the body is read:
each chunk (64 KiB) is hashed and written to a temporary file, so a 50 MB file costs one chunk of
memory. A file past the per-file limit stops being written at the limit; the form then refuses it with
the limit named, instead of the request failing.
"""
import hashlib

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
