"""The indicator library (指标库): what declaring offers per category, and the spread of the values
declared for each indicator (use count and quartiles) as a guide to ambitious targets."""
import statistics
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q

from targets.enums import Category
from targets.models import LibraryIndicator, TargetIndicator

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Spread:
    uses: int
    quartiles: tuple | None  # (Q1, median, Q3) of the numeric 指标值, two places; None below two values


def spread(values, *, uses=None):
    """Use count and quartiles (inclusive method) of the numeric values."""
    numbers = sorted(Decimal(v) for v in values if v is not None)
    uses = len(values) if uses is None else uses
    if len(numbers) < 2:
        return Spread(uses=uses, quartiles=None)
    q = statistics.quantiles(numbers, n=4, method="inclusive")
    return Spread(uses=uses, quartiles=tuple(Decimal(x).quantize(CENT, rounding=ROUND_HALF_UP) for x in q))


def library_choices(department):
    """{category: [(name, unit, direction, previous value text)]} offered while declaring: the active
    library indicators, then names this department declared in earlier years with their last value."""
    choices = {c.value: [] for c in Category}
    for entry in LibraryIndicator.objects.filter(is_active=True).order_by("category", "name"):
        choices[entry.category].append((entry.name, entry.unit, entry.direction, ""))
    previous = (
        TargetIndicator.objects.filter(declaration__department=department)
        .order_by("category", "name", "-declaration__year")
        .values_list("category", "name", "unit", "direction", "value", "qualitative_value", "declaration__year")
    )
    seen = set()
    for category, name, unit, direction, value, qualitative, year in previous:
        if (category, name) in seen:
            continue
        seen.add((category, name))
        shown = qualitative if value is None else format(value.normalize(), "f")
        choices.setdefault(category, []).append((name, unit, direction, f"{year}年：{shown}{unit if value is not None else ''}"))
    return choices


def library_link(indicators):
    """Point each indicator (dict rows) at the library entry of its category and name, if any."""
    keys = {(row["category"], row["name"].strip()) for row in indicators}
    if not keys:
        return indicators
    query = Q()
    for category, name in keys:
        query |= Q(category=category, name=name)
    entries = {(e.category, e.name): e.pk for e in LibraryIndicator.objects.filter(query)}
    for row in indicators:
        row["library_id"] = entries.get((row["category"], row["name"].strip()))
    return indicators


def library_rows(*, query="", category=""):
    """The library page: each entry with its use count and the quartiles of its declared values."""
    entries = LibraryIndicator.objects.all().order_by("category", "name")
    if query:
        entries = entries.filter(name__icontains=query)
    if category:
        entries = entries.filter(category=category)
    entries = list(entries[:200])
    values = {}
    for library_id, value in TargetIndicator.objects.filter(library__in=entries).values_list("library_id", "value"):
        values.setdefault(library_id, []).append(value)
    return [(entry, spread(values.get(entry.pk, []))) for entry in entries]
