"""评价等次 from a total, by the year's grade bands (pure, no ORM)."""
from decimal import Decimal

DEFAULT_GRADE_BANDS = (("优秀", Decimal("90")), ("良好", Decimal("80")), ("中", Decimal("60")), ("差", Decimal("0")))


def grade_for(total, bands):
    """The label of the highest band whose minimum the total reaches; None for no total."""
    if total is None:
        return None
    for label, minimum in sorted(bands, key=lambda band: band[1], reverse=True):
        if total >= minimum:
            return label
    return None
