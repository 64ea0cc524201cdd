import hashlib
import io

from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.http.multipartparser import MultiPartParser
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from evidence.uploads import EvidenceUploadHandler


def _parse(content, max_bytes):
    body = encode_multipart(BOUNDARY, {"file": _named(content), "description": "说明"})
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body))}
    handler = EvidenceUploadHandler(max_bytes=max_bytes)
    post, files = MultiPartParser(meta, io.BytesIO(body), [handler], "utf-8").parse()
    return post, files["file"]


def _named(content):
    stream = io.BytesIO(content)
    stream.name = "批复.pdf"
    return stream


def test_the_upload_goes_to_a_temporary_file_hashed_on_the_way():
    content = b"%PDF-1.7\n" + bytes(range(256)) * 4096

    post, upload = _parse(content, max_bytes=10 * 1024 * 1024)

    assert upload.temporary_file_path()
    assert (upload.sha256, upload.size, upload.too_large) == (hashlib.sha256(content).hexdigest(), len(content), False)
    assert upload.read() == content
    assert post["description"] == "说明"
    assert issubclass(EvidenceUploadHandler, TemporaryFileUploadHandler)


def test_past_the_limit_the_file_stops_being_written_and_is_marked():
    content = b"x" * (3 * 1024 * 1024)

    _post, upload = _parse(content, max_bytes=1024 * 1024)

    assert (upload.too_large, upload.size) == (True, len(content))
    assert len(upload.read()) <= 1024 * 1024


def test_the_middleware_streams_only_the_marked_views_uploads(rf, settings):
    from django.urls import resolve

    from evidence.uploads import EvidenceUploadMiddleware

    settings.EVIDENCE_MAX_FILE_BYTES = 1234
    middleware = EvidenceUploadMiddleware(lambda request: None)
    upload_request, other_request = rf.post("/reports/1/evidence/score/x/"), rf.post("/reports/1/check/")

    middleware.process_view(upload_request, resolve("/reports/1/evidence/score/x/").func, (), {})
    middleware.process_view(other_request, resolve("/reports/1/submit/").func, (), {})

    assert [(type(h).__name__, h.max_bytes) for h in upload_request.upload_handlers] == [("EvidenceUploadHandler", 1234)]
    assert "EvidenceUploadHandler" not in [type(h).__name__ for h in other_request.upload_handlers]
