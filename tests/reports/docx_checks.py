"""Reading a .docx back the way a reader meets it, and converting it (or a workbook) with LibreOffice."""
import io
import os
import subprocess
from pathlib import Path

import docx
from docx.oxml.ns import qn

# LibreOffice resolves the document's 宋体/黑体 through fontconfig; these aliases stand for the Chinese
# faces Word and WPS have (the Noto families are what this machine has).
FONTS_CONF = """<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "fonts.dtd">
<fontconfig>
  <alias binding="same"><family>宋体</family><prefer><family>Noto Serif CJK SC</family></prefer></alias>
  <alias binding="same"><family>黑体</family><prefer><family>Noto Sans CJK SC</family></prefer></alias>
</fontconfig>
"""


def body_blocks(document):
    """The body in reading order: ("p", text) for each paragraph, ("table", rows) for each table, where
    rows hold each cell's text once (a merged cell only where it starts)."""
    blocks = []
    for element in document.element.body.iterchildren():
        if element.tag == qn("w:p"):
            blocks.append(("p", docx.text.paragraph.Paragraph(element, document).text))
        elif element.tag == qn("w:tbl"):
            table = docx.table.Table(element, document)
            rows = []
            for tr in element.iterchildren(qn("w:tr")):
                cells = []
                for tc in tr.iterchildren(qn("w:tc")):
                    merge = tc.find(f"{qn('w:tcPr')}/{qn('w:vMerge')}")
                    if merge is not None and merge.get(qn("w:val"), "continue") == "continue":
                        continue
                    cells.append(docx.table._Cell(tc, table).text)
                rows.append(cells)
            blocks.append(("table", rows))
    return blocks


def docx_text(content):
    """All the text of a .docx body in reading order, white space removed."""
    document = docx.Document(io.BytesIO(content))
    parts = []
    for kind, value in body_blocks(document):
        parts.extend([value] if kind == "p" else [cell for row in value for cell in row])
    return "".join("".join(parts).split())


def soffice_pdf(path, scratch):
    """Convert `path` (.docx or .xlsx) to PDF with LibreOffice headless; returns the PDF's bytes."""
    home = Path(scratch) / "home"
    (home / ".config" / "fontconfig").mkdir(parents=True, exist_ok=True)
    (home / ".config" / "fontconfig" / "fonts.conf").write_text(FONTS_CONF, encoding="utf-8")
    out = Path(scratch) / "out"
    out.mkdir(exist_ok=True)
    result = subprocess.run(
        ["soffice", "--headless", "--norestore", "--convert-to", "pdf", "--outdir", str(out), str(path)],
        env={**os.environ, "HOME": str(home)}, capture_output=True, text=True, timeout=180, check=False,
    )
    target = out / (Path(path).stem + ".pdf")
    assert result.returncode == 0 and target.exists(), result.stderr
    return target.read_bytes()
