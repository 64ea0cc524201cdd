"""What a stored file is, judged from its bytes, and whether it may be kept.

The name a browser sends proves nothing, so the type comes from the content: puremagic (a pure-Python,
actively maintained signature database; it also names what we refuse, such as HTML) recognises the
signature, and the ZIP family is told apart by its members — DOCX and XLSX by their Open XML parts,
OFD (GB/T 33190) by its OFD.xml, and a plain ZIP only when every member is itself an allowed file.

PDFs are refused when they carry active content: JavaScript (/JavaScript, /JS), launch actions
(/Launch), embedded files (/EmbeddedFile, /EmbeddedFiles), RichMedia or XFA forms, or an /OpenAction or
/AA (additional actions) that runs one of those. A plain /OpenAction that only opens a page (GoTo) is
common in PDFs written by office software and is kept. The raw bytes are scanned for those names
(including #xx-escaped spellings) and pypdf reads the catalogue, pages and annotations, so names hidden
in compressed object streams are found too. Encrypted PDFs cannot be checked and are refused.
"""
import re
import tempfile
import zipfile
from pathlib import Path

import puremagic
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pypdf import PdfReader
from pypdf.errors import PdfReadError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from evidence.enums import ALLOWED_LABEL, DOCX, JPEG, OFD, PDF, PNG, XLSX, ZIP

CHUNK = 1024 * 1024
SIGNATURES = {kind.mime: kind for kind in (PDF, JPEG, PNG)}
ZIP_MAGIC = b"PK\x03\x04"
# Names of PDF objects that run code, start programs or smuggle other files.
ACTIVE_NAMES = frozenset({
    "JavaScript", "JS", "Launch", "EmbeddedFile", "EmbeddedFiles", "RichMedia", "XFA",
})
ACTIVE_ACTIONS = frozenset({"/JavaScript", "/Launch", "/RichMediaExecute", "/ImportData", "/SubmitForm"})
PDF_NAME = re.compile(rb"/((?:[A-Za-z0-9_.+-]|#[0-9A-Fa-f]{2})+)")
NAME_OVERLAP = 64


def _field_error(message):
    return ValidationError({"file": message})


def detect(path, *, nested=False):
    """The FileKind of the file at `path`; ValidationError({"file": …}) when it is not allowed.

    `nested` is set for a member of a ZIP, which may not be a ZIP itself.
    """
    path = Path(path)
    with open(path, "rb") as handle:
        head = handle.read(8192)
    if not head:
        raise _field_error(_("文件是空的。"))
    if head.startswith(ZIP_MAGIC):
        return _zip_kind(path, nested=nested)
    try:
        matches = puremagic.magic_string(head)
    except puremagic.PureError:
        matches = []
    best = matches[0] if matches else None
    kind = SIGNATURES.get(best.mime_type) if best else None
    if kind is None:
        found = best.name if best else _("未知类型")
        raise _field_error(_("文件内容是“%(found)s”，不是允许的类型（%(allowed)s）。文件类型按内容判断，与文件名无关。") % {
            "found": found, "allowed": ALLOWED_LABEL})
    if kind is PDF:
        _check_pdf(path)
    return kind


# --- PDF ------------------------------------------------------------------------------------
def _decoded(name):
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m[1], 16)]), name).decode("latin-1")


def _raw_active_names(path):
    """Active-content names written anywhere in the file's bytes (uncompressed objects)."""
    found, tail = set(), b""
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            data = tail + block
            found.update(n for n in map(_decoded, PDF_NAME.findall(data)) if n in ACTIVE_NAMES)
            tail = data[-NAME_OVERLAP:]
    return found


def _resolve(value):
    return value.get_object() if isinstance(value, IndirectObject) else value


def _actions_active(action, depth=0):
    """Whether an action dictionary (or array of them, following /Next) does something we refuse."""
    action = _resolve(action)
    if depth > 20 or action is None:
        return False
    if isinstance(action, ArrayObject):
        return any(_actions_active(a, depth + 1) for a in action)
    if not isinstance(action, DictionaryObject):
        return False
    if action.get("/S") in ACTIVE_ACTIONS or "/JS" in action:
        return True
    return "/Next" in action and _actions_active(action["/Next"], depth + 1)


def _additional_active(holder):
    additional = _resolve(holder.get("/AA")) if holder is not None else None
    return isinstance(additional, DictionaryObject) and any(_actions_active(a) for a in additional.values())


def _structured_active_content(path):
    """Active content pypdf finds in the document's structure (also inside compressed object streams).

    pypdf is given an open file, not the path (with a path it reads the whole file into memory): it then
    seeks to the objects it needs, and page contents and images are never read."""
    with open(path, "rb") as handle:
        return _structured_active(PdfReader(handle))


def _structured_active(reader):
    if reader.is_encrypted:
        raise _field_error(_("PDF已加密，无法检查其内容。请去除密码保护后再上传。"))
    root = reader.trailer["/Root"].get_object()
    names = _resolve(root.get("/Names"))
    if isinstance(names, DictionaryObject) and ("/JavaScript" in names or "/EmbeddedFiles" in names):
        return True
    acroform = _resolve(root.get("/AcroForm"))
    if isinstance(acroform, DictionaryObject) and "/XFA" in acroform:
        return True
    if _actions_active(root.get("/OpenAction")) or _additional_active(root):
        return True
    for page in reader.pages:
        if _additional_active(page):
            return True
        for annotation in _resolve(page.get("/Annots")) or ():
            annotation = _resolve(annotation)
            if not isinstance(annotation, DictionaryObject):
                continue
            if annotation.get("/Subtype") in ("/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound"):
                return True
            if _actions_active(annotation.get("/A")) or _additional_active(annotation):
                return True
    return False


def _check_pdf(path):
    if _raw_active_names(path):
        raise _field_error(_("PDF含有脚本、启动程序或嵌入文件等活动内容，不能作为佐证材料。请用“打印为PDF”重新生成后上传。"))
    try:
        active = _structured_active_content(path)
    except ValidationError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, RecursionError) as exc:
        raise _field_error(_("PDF文件已损坏，无法读取。")) from exc
    if active:
        raise _field_error(_("PDF含有脚本、启动程序或嵌入文件等活动内容，不能作为佐证材料。请用“打印为PDF”重新生成后上传。"))


# --- ZIP family -----------------------------------------------------------------------------
def _zip_kind(path, *, nested):
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if not m.is_dir()]
            names = {m.filename for m in members}
            if "[Content_Types].xml" in names:
                if "word/document.xml" in names:
                    return DOCX
                if "xl/workbook.xml" in names:
                    return XLSX
                raise _field_error(_("Office文件只接受Word（DOCX）和Excel（XLSX）格式。"))
            if "OFD.xml" in names:
                return OFD
            if nested:
                raise _field_error(_("压缩包内不能再有压缩包。"))
            _check_zip_members(archive, members)
            return ZIP
    except zipfile.BadZipFile as exc:
        raise _field_error(_("压缩文件已损坏，无法读取。")) from exc


def _check_zip_members(archive, members):
    if not members:
        raise _field_error(_("压缩包是空的。"))
    if len(members) > settings.EVIDENCE_MAX_ZIP_MEMBERS:
        raise _field_error(_("压缩包内文件过多（%(count)s个，最多%(max)s个）。") % {
            "count": len(members), "max": settings.EVIDENCE_MAX_ZIP_MEMBERS})
    budget = settings.EVIDENCE_MAX_ZIP_UNPACKED_BYTES
    if sum(m.file_size for m in members) > budget:
        raise _field_error(_("压缩包解压后过大。"))
    for member in members:
        if member.flag_bits & 0x1:
            raise _field_error(_("压缩包内的文件“%(name)s”已加密，无法检查。") % {"name": member.filename[:80]})
        with tempfile.NamedTemporaryFile(dir=settings.FILE_UPLOAD_TEMP_DIR, suffix=".member") as copy:
            budget -= _unpack(archive, member, copy, budget)
            copy.flush()
            try:
                detect(copy.name, nested=True)
            except ValidationError as error:
                raise _field_error(_("压缩包内的文件“%(name)s”：%(problem)s") % {
                    "name": member.filename[:80], "problem": " ".join(error.messages)}) from error


def _unpack(archive, member, target, budget):
    """Copy one member to `target` in chunks, stopping when it unpacks past `budget` bytes (a header may lie)."""
    written = 0
    with archive.open(member) as source:
        while block := source.read(CHUNK):
            written += len(block)
            if written > budget:
                raise _field_error(_("压缩包解压后过大。"))
            target.write(block)
    return written


