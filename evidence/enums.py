"""What evidence may be and where it may hang: places in a report and the allowed file types."""
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _


class Place(models.TextChoices):
    """What a file proves: one 评分表 row, one 定量 indicator, or one section of the report."""

    SCORE = "score", _("评分表指标")
    QUANTITATIVE = "quantitative", _("定量指标")
    SECTION = "section", _("报告部分")


# The report's sections a file may be attached to (the editor's pages, reports.editing.SECTION_TITLES).
SECTIONS = {
    "cover": _("封面和基本概况"), "finance": _("收支情况"), "base-data": _("基础数据"), "goals": _("绩效目标"),
    "scores": _("评分表"), "narrative": _("评价报告综述"), "people": _("评价人员和填报人"),
}


@dataclass(frozen=True)
class FileKind:
    """An allowed type: its key, the MIME type it is served with, the extension its name gets, its label,
    and whether a browser may show it inline (PDF and images) rather than download it."""

    key: str
    mime: str
    extension: str
    label: str
    inline: bool = False


PDF = FileKind("pdf", "application/pdf", ".pdf", "PDF", inline=True)
JPEG = FileKind("jpeg", "image/jpeg", ".jpg", "JPEG", inline=True)
PNG = FileKind("png", "image/png", ".png", "PNG", inline=True)
OFD = FileKind("ofd", "application/ofd", ".ofd", "OFD")
DOCX = FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "DOCX")
XLSX = FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", "XLSX")
ZIP = FileKind("zip", "application/zip", ".zip", "ZIP")

# The allow-list: 版式文件 (PDF, OFD: the national e-document format of 电子发票 and 电子公文), scans and
# photos (JPEG, PNG), Word and Excel, and a ZIP holding only those.
KINDS = {kind.key: kind for kind in (PDF, JPEG, PNG, OFD, DOCX, XLSX, ZIP)}
ALLOWED_LABEL = "PDF、OFD、JPEG、PNG、DOCX、XLSX、ZIP"
# What the upload field's file picker offers (the content decides, not the name).
ACCEPT = ".pdf,.ofd,.jpg,.jpeg,.png,.docx,.xlsx,.zip"
