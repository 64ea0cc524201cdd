import pytest

from evidence.names import safe_filename


@pytest.mark.parametrize(("raw", "extension", "expected"), [
    ("预算调整批复.pdf", ".pdf", "预算调整批复.pdf"),
    ("../../etc/passwd.pdf", ".pdf", "passwd.pdf"),
    ("C:\\Users\\孟庆红\\桌面\\合同清单.xlsx", ".xlsx", "合同清单.xlsx"),
    ("invoice\u202efdp.exe", ".pdf", "invoicefdp.pdf"),  # a right-to-left override would show "exe.pdf"
    ("批\u200b复\ufeff.pdf", ".pdf", "批复.pdf"),
    ("a\x00b\nc\r.pdf", ".pdf", "abc.pdf"),
    ('报告<1>:"x"|?*.pdf', ".pdf", "报告_1___x____.pdf"),
    ("照片.pdf", ".png", "照片.png"),  # the name follows the content
    ("...", ".pdf", "佐证材料.pdf"),
    ("", ".docx", "佐证材料.docx"),
    ("长" * 150 + ".pdf", ".pdf", "长" * 96 + ".pdf"),
])
def test_names_lose_paths_and_invisible_characters(raw, extension, expected):
    assert safe_filename(raw, extension) == expected
