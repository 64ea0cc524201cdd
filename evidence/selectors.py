"""Reading a report's evidence: its places, its current files by place, and one file for a download."""
from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Sum
from django.http import Http404

from evidence.enums import SECTIONS, Place
from evidence.labels import place_key, place_label
from evidence.models import Evidence
from reports.models import QuantitativeIndicator
from scoring.models import Indicator


@dataclass(frozen=True)
class PlaceRef:
    """Where in a report a file hangs, resolved against that report (another report's row is a 404)."""

    place: str
    indicator: Indicator | None = None
    quantitative: QuantitativeIndicator | None = None
    section: str = ""

    @property
    def key(self):
        return place_key(self.place, self.indicator, self.quantitative.pk if self.quantitative else None, self.section)

    @property
    def url_args(self):
        ref = {Place.SCORE: lambda: self.indicator.code, Place.QUANTITATIVE: lambda: self.quantitative.pk,
               Place.SECTION: lambda: self.section}[self.place]()
        return [self.place, ref]

    @property
    def label(self):
        return place_label(self.place, self.indicator, self.quantitative, self.section)

    @property
    def requires_evidence(self):
        return self.place == Place.SCORE and self.indicator.requires_evidence

    def filter(self):
        return {"place": self.place, "indicator": self.indicator, "quantitative": self.quantitative,
                "section": self.section}


def place_for(report, kind, ref):
    """The PlaceRef a URL names in `report`; Http404 for anything not in it."""
    if kind == Place.SCORE:
        indicator = Indicator.objects.filter(
            rubric_id=report.evaluation_year.rubric_id, level=3, code=ref).first()
        if indicator is not None:
            return PlaceRef(Place.SCORE, indicator=indicator)
    elif kind == Place.QUANTITATIVE and str(ref).isascii() and str(ref).isdigit():
        row = QuantitativeIndicator.objects.filter(report=report, pk=int(ref)).first()
        if row is not None:
            return PlaceRef(Place.QUANTITATIVE, quantitative=row)
    elif kind == Place.SECTION and ref in SECTIONS:
        return PlaceRef(Place.SECTION, section=ref)
    raise Http404


def current_evidence(report):
    """The report's current files (oldest first), with what their labels need loaded."""
    return Evidence.objects.filter(report=report).current().select_related("indicator", "quantitative", "uploaded_by")


def evidence_by_place(report):
    """{place key: [Evidence]} of the report's current files (one query)."""
    grouped = defaultdict(list)
    for evidence in current_evidence(report):
        grouped[evidence.place_key].append(evidence)
    return dict(grouped)


def removed_evidence(report):
    """Files removed from the report (newest first): kept for its history and earlier approved versions."""
    return (
        Evidence.objects.filter(report=report).exclude(pk__in=current_evidence(report).values("pk"))
        .select_related("indicator", "quantitative", "uploaded_by", "removed_by").order_by("-removed_at", "-pk")
    )


def report_evidence_bytes(report):
    """The size of the report's current files together (the per-report limit counts these)."""
    return current_evidence(report).aggregate(total=Sum("size"))["total"] or 0


def evidence_file(report, file_id):
    """One file of `report` (current or removed); Http404 when it is another report's or unknown."""
    evidence = Evidence.objects.filter(report=report, pk=file_id).select_related("indicator", "quantitative").first()
    if evidence is None:
        raise Http404
    return evidence
