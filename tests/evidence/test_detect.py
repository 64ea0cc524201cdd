import pytest
from django.core.exceptions import ValidationError

from evidence.detect import detect
from tests.evidence.support import HTML, docx_bytes, jpeg_bytes, ofd_bytes, pdf_bytes, png_bytes, xlsx_bytes, zip_bytes

ALLOWED = {
    "pdf": pdf_bytes, "jpeg": jpeg_bytes, "png": png_bytes, "docx": docx_bytes, "xlsx": xlsx_bytes, "ofd": ofd_bytes,
    "zip": lambda: zip_bytes({"批复.pdf": pdf_bytes(), "照片.png": png_bytes(), "明细.xlsx": xlsx_bytes()}),
}


def _detect(tmp_path, content):
    path = tmp_path / "upload"
    path.write_bytes(content)
    return detect(path)


@pytest.mark.parametrize("key", list(ALLOWED))
def test_each_allowed_type_is_recognised_from_its_content(tmp_path, key):
    assert _detect(tmp_path, ALLOWED[key]()).key == key


def _refusal(tmp_path, content):
    with pytest.raises(ValidationError) as refused:
        _detect(tmp_path, content)
    return refused.value.message_dict["file"]


def test_html_is_refused_whatever_its_name(tmp_path):
    assert _refusal(tmp_path, HTML) == [
        "文件内容是“HTML document”，不是允许的类型（PDF、OFD、JPEG、PNG、DOCX、XLSX、ZIP）。文件类型按内容判断，与文件名无关。"]


def test_unknown_bytes_are_refused(tmp_path):
    assert _refusal(tmp_path, b"just some text\n")[0].startswith("文件内容是“未知类型”")


ACTIVE = "PDF含有脚本、启动程序或嵌入文件等活动内容，不能作为佐证材料。请用“打印为PDF”重新生成后上传。"


def test_a_pdf_with_javascript_is_refused(tmp_path):
    assert _refusal(tmp_path, pdf_bytes(javascript="app.alert('x');")) == [ACTIVE]


def test_a_pdf_whose_script_name_is_hex_escaped_is_refused(tmp_path):
    content = pdf_bytes().replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction << /S /J#61vaScript /J#53 (x) >>")

    assert _refusal(tmp_path, content) == [ACTIVE]


def test_a_pdf_opening_at_a_page_is_kept(tmp_path):
    content = pdf_bytes().replace(b"/Type /Catalog", b"/Type /Catalog /OpenAction [ 0 /Fit ]")

    assert _detect(tmp_path, content).key == "pdf"


def test_a_zip_with_an_html_member_is_refused(tmp_path):
    content = zip_bytes({"批复.pdf": pdf_bytes(), "index.html": HTML})

    assert _refusal(tmp_path, content)[0].startswith("压缩包内的文件“index.html”：文件内容是“HTML document”")


def test_a_zip_with_a_scripted_pdf_inside_is_refused(tmp_path):
    content = zip_bytes({"批复.pdf": pdf_bytes(javascript="app.alert(1)")})

    assert _refusal(tmp_path, content) == [f"压缩包内的文件“批复.pdf”：{ACTIVE}"]


def test_a_zip_inside_a_zip_is_refused(tmp_path):
    assert _refusal(tmp_path, zip_bytes({"inner.zip": zip_bytes({"a.png": png_bytes()})})) == [
        "压缩包内的文件“inner.zip”：压缩包内不能再有压缩包。"]


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path, settings):
    settings.EVIDENCE_MAX_ZIP_UNPACKED_BYTES = 1024 * 1024

    assert _refusal(tmp_path, zip_bytes({"big.png": png_bytes() + b"\x00" * (2 * 1024 * 1024)})) == ["压缩包解压后过大。"]


def test_a_pptx_is_refused(tmp_path):
    content = zip_bytes({"[Content_Types].xml": "<Types/>", "ppt/presentation.xml": "<p/>"})

    assert _refusal(tmp_path, content) == ["Office文件只接受Word（DOCX）和Excel（XLSX）格式。"]


def test_an_empty_file_is_refused(tmp_path):
    assert _refusal(tmp_path, b"") == ["文件是空的。"]
