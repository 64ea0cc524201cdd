"""The words for where a file hangs (pure: attributes only, no queries)."""
from django.utils.translation import gettext as _

from evidence.enums import SECTIONS, Place
from reports.enums import Category


def place_label(place, indicator=None, quantitative=None, section=""):
    """The words for a place: 评分表 · 预算调整率, 定量目标 · 数量指标 · 完成…, 评价报告综述."""
    if place == Place.SCORE:
        return _("评分表 · %(label)s") % {"label": indicator.label}
    if place == Place.QUANTITATIVE:
        if quantitative is None:
            return _("定量目标 · （已删除的指标）")
        target = quantitative.target if len(quantitative.target) <= 30 else quantitative.target[:30] + "…"
        return _("定量目标 · %(category)s · %(target)s") % {
            "category": Category(quantitative.category).label, "target": target}
    return str(SECTIONS.get(section, section))


def place_key(place, indicator=None, quantitative_id=None, section=""):
    """The place as pages group files: scores/<code>, quantitative/<row id>, section/<editor page>."""
    if place == Place.SCORE:
        return f"scores/{indicator.code}"
    if place == Place.QUANTITATIVE:
        return f"quantitative/{quantitative_id}"
    return f"section/{section}"
