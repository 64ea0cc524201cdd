import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from evidence.enums import KINDS, SECTIONS, Place
from evidence.labels import place_key, place_label

STORAGE_PREFIX = "evidence"


def storage_name(instance, filename):
    """A random name in the storage: nothing of what the user sent (name, extension) reaches the disk."""
    token = secrets.token_hex(16)
    return f"{STORAGE_PREFIX}/{token[:2]}/{token}"


class EvidenceQuerySet(models.QuerySet):
    def current(self):
        """Files that are part of the report now: not removed, and their 定量 indicator still exists."""
        return self.filter(removed_at__isnull=True).exclude(place=Place.QUANTITATIVE, quantitative__isnull=True)


class Evidence(models.Model):
    """One 佐证材料 file of a report, attached to a 评分表 row, a 定量 indicator or a section.

    Written only by evidence.services. Removal is soft (`removed_at`): the stored bytes stay, so an approved
    version a report was reopened from still has its files. The bytes live in the default storage under a
    random name; `sha256` is computed while they arrive and is part of the report's approved snapshot.
    """

    report = models.ForeignKey("reports.Report", models.CASCADE, related_name="evidence_files", verbose_name=_("报告"))
    place = models.CharField(_("位置"), max_length=20, choices=Place.choices)
    indicator = models.ForeignKey(
        "scoring.Indicator", models.PROTECT, null=True, blank=True, related_name="evidence_files",
        verbose_name=_("评分表指标"),
    )
    quantitative = models.ForeignKey(
        "reports.QuantitativeIndicator", models.SET_NULL, null=True, blank=True, related_name="evidence_files",
        verbose_name=_("定量指标"),
    )
    section = models.CharField(_("报告部分"), max_length=20, blank=True, choices=list(SECTIONS.items()))
    file = models.FileField(_("存储文件"), upload_to=storage_name, max_length=200)
    name = models.CharField(_("文件名"), max_length=100)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    kind = models.CharField(_("类型"), max_length=10, choices=[(k, v.label) for k, v in KINDS.items()])
    size = models.PositiveBigIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="evidence_uploaded", verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(_("上传时间"), auto_now_add=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="evidence_removed",
        verbose_name=_("删除人"),
    )
    removed_at = models.DateTimeField(_("删除时间"), null=True, blank=True)

    objects = EvidenceQuerySet.as_manager()

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")
        ordering = ["uploaded_at", "pk"]
        indexes = [models.Index(fields=["report", "removed_at"], name="evidence_report_current")]
        constraints = [
            models.CheckConstraint(condition=Q(place__in=Place.values), name="evidence_place_valid"),
            models.CheckConstraint(condition=Q(kind__in=list(KINDS)), name="evidence_kind_valid"),
            models.CheckConstraint(
                condition=(
                    Q(place=Place.SCORE, indicator__isnull=False, quantitative__isnull=True, section="")
                    | Q(place=Place.QUANTITATIVE, indicator__isnull=True, section="")
                    | Q(place=Place.SECTION, indicator__isnull=True, quantitative__isnull=True, section__in=list(SECTIONS))
                ),
                name="evidence_one_place",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def file_kind(self):
        return KINDS[self.kind]

    @property
    def place_label(self):
        return place_label(self.place, self.indicator, self.quantitative, self.section)

    @property
    def place_key(self):
        return place_key(self.place, self.indicator, self.quantitative_id, self.section)
